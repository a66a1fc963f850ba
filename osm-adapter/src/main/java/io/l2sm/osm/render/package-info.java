/**
 * The Helm post-renderer that attaches a KNF's pods to its virtual links, from a translation plan
 * or OSM's deployment.
 */
package io.l2sm.osm.render;
