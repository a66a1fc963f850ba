/**
 * The OSM adapter's application: the REST API OSM's RO calls as an ONOS VPLS SDN controller, and
 * the gRPC SDN-assist service of the RO plugin.
 */
package io.l2sm.osm;
