/**
 * The SDN controller's daemon: wires the state store, the service, the OpenFlow server and the
 * northbound APIs together and serves them until stopped.
 */
package io.l2sm.controller;
