/** The gRPC SDN-assist service the {@code rosdn_l2sm} RO plugin calls, and its authentication. */
package io.l2sm.osm.sdn;
