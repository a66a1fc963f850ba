/** The adapter's HTTP layer: settings, authentication and the ONOS-compatible endpoints. */
package io.l2sm.osm.web;
