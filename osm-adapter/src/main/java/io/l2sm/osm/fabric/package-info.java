/**
 * VPLS services as L2S-M networks: port-only attachments on the controller, or inter-cluster
 * networks for edge-device ports.
 */
package io.l2sm.osm.fabric;
