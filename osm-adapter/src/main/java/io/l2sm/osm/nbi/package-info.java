/**
 * A client of OSM's northbound interface (NBI), which the post-renderer's OSM mode asks for a
 * deployment's virtual links.
 */
package io.l2sm.osm.nbi;
