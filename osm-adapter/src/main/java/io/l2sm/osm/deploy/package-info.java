/**
 * {@code l2sm osm deploy} and {@code undeploy}: a network-service package deployed without OSM:
 * translated, its networks applied to the cluster, each KDU's chart installed with the post-
 * renderer (by the {@code helm} program or Helm's library), and the deployment recorded so that
 * undeploy removes exactly it.
 */
package io.l2sm.osm.deploy;
