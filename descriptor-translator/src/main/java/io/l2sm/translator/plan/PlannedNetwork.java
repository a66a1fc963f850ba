package io.l2sm.translator.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.l2sm.api.v1.NetworkKind;
import java.util.List;

/**
 * An L2S-M network made from one NSD virtual-link-desc.
 *
 * @param name the NAD name: {@code <ns-name>-<vld-id>} in DNS-1123 form
 * @param vld the virtual-link-desc id it comes from
 * @param kind vlink for a two-endpoint line, else vnet
 * @param interCluster true when its members sit in two or more clusters (needs a cluster map)
 * @param clusters the clusters its members sit in, sorted; empty without a cluster map
 */
@JsonPropertyOrder({"name", "vld", "kind", "interCluster", "clusters"})
public record PlannedNetwork(
    String name,
    String vld,
    NetworkKind kind,
    boolean interCluster,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> clusters) {

  public PlannedNetwork {
    clusters = clusters == null ? List.of() : List.copyOf(clusters);
  }
}
