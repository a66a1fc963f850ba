package io.l2sm.osm.nbi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the post-renderer reads from OSM's northbound interface (NBI): an NS record, its VNF records
 * and their VNF descriptors. Field names are OSM's (docs/osm.md).
 */
public interface OsmNbi {
  /** {@code GET /osm/nslcm/v1/ns_instances/{id}}: the NS record, with its NSD in {@code nsd}. */
  JsonNode nsInstance(String nsId) throws NbiException;

  /** {@code GET /osm/nslcm/v1/vnf_instances/{id}}: a VNF record. */
  JsonNode vnfInstance(String vnfId) throws NbiException;

  /** {@code GET /osm/vnfpkgm/v1/vnf_packages/{id}/vnfd}: the VNF descriptor of a package. */
  JsonNode vnfd(String vnfPackageId) throws NbiException;
}
