package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the operator reports about an {@link L2Network}. The VNI is recorded here, so it stays the
 * same across operator and controller restarts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "observedGeneration",
  "vni",
  "connectedPodCount",
  "internalConnectivity",
  "assignedIPs",
  "conditions"
})
public class L2NetworkStatus {
  @JsonPropertyDescription("The spec generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("The network's 24-bit VXLAN network identifier, stable for its life.")
  private Integer vni;

  @JsonPropertyDescription("Pods attached to the network.")
  private Integer connectedPodCount;

  @JsonPropertyDescription("Available, Unavailable or Unknown (upstream L2S-M's field).")
  private String internalConnectivity;

  @JsonPropertyDescription(
      "Inter-cluster networks: Available when the provider joins this cluster's edge device to"
          + " at least one other cluster, else Unavailable (upstream L2S-M's field).")
  private String providerConnectivity;

  @JsonPropertyDescription("Addresses given out from networkCIDR: address to pod (namespace/name).")
  private Map<String, String> assignedIPs = new TreeMap<>();

  @JsonPropertyDescription("Ready, with a CamelCase reason and a message.")
  private List<Condition> conditions = new ArrayList<>();

  public String getProviderConnectivity() {
    return providerConnectivity;
  }

  public void setProviderConnectivity(String providerConnectivity) {
    this.providerConnectivity = providerConnectivity;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getVni() {
    return vni;
  }

  public void setVni(Integer vni) {
    this.vni = vni;
  }

  public Integer getConnectedPodCount() {
    return connectedPodCount;
  }

  public void setConnectedPodCount(Integer connectedPodCount) {
    this.connectedPodCount = connectedPodCount;
  }

  public String getInternalConnectivity() {
    return internalConnectivity;
  }

  public void setInternalConnectivity(String internalConnectivity) {
    this.internalConnectivity = internalConnectivity;
  }

  public Map<String, String> getAssignedIPs() {
    return assignedIPs;
  }

  public void setAssignedIPs(Map<String, String> assignedIPs) {
    this.assignedIPs = assignedIPs == null ? new TreeMap<>() : new TreeMap<>(assignedIPs);
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
  }
}
