/**
 * The OpenFlow 1.3 southbound (Netty and openflowj): switch handshake and echo, batches confirmed
 * by barriers, flow and meter read-back.
 */
package io.l2sm.controller.openflow;
