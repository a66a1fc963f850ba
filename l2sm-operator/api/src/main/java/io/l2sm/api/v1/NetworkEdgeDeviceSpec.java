package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** Where an edge device sits, who controls it and which sites it links to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkEdgeDeviceSpec {
  @Required
  @JsonPropertyDescription("The inter-domain provider (IDCO) that controls the edge device.")
  private ProviderSpec provider;

  @JsonPropertyDescription(
      "The cluster's name at the provider: the edge device's tunnel to the cluster is named so,"
          + " and the operator joins inter-cluster networks under it.")
  private String clusterName;

  @Required
  @JsonPropertyDescription(
      "The cluster's gateway node (its switch keeps a tunnel to the edge device) and the edge"
          + " device's address as that node reaches it.")
  private NodeConfig nodeConfig;

  @JsonPropertyDescription("Edge devices of neighbour sites: their names and WAN addresses.")
  private List<Neighbor> neighbors = new ArrayList<>();

  /** The gateway node and the edge device's address (upstream's field names). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class NodeConfig {
    @JsonPropertyDescription("The gateway node of the cluster.")
    private String nodeName;

    @JsonPropertyDescription("The edge device's address, reachable from the gateway node.")
    private String ipAddress;

    public NodeConfig() {}

    public NodeConfig(String nodeName, String ipAddress) {
      this.nodeName = nodeName;
      this.ipAddress = ipAddress;
    }

    public String getNodeName() {
      return nodeName;
    }

    public void setNodeName(String nodeName) {
      this.nodeName = nodeName;
    }

    public String getIpAddress() {
      return ipAddress;
    }

    public void setIpAddress(String ipAddress) {
      this.ipAddress = ipAddress;
    }
  }

  /** A neighbour site's edge device (upstream's field names). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Neighbor {
    @JsonPropertyDescription("The neighbour edge device's name.")
    private String node;

    @JsonPropertyDescription("Its WAN address.")
    private String domain;

    public Neighbor() {}

    public Neighbor(String node, String domain) {
      this.node = node;
      this.domain = domain;
    }

    public String getNode() {
      return node;
    }

    public void setNode(String node) {
      this.node = node;
    }

    public String getDomain() {
      return domain;
    }

    public void setDomain(String domain) {
      this.domain = domain;
    }
  }

  public ProviderSpec getProvider() {
    return provider;
  }

  public void setProvider(ProviderSpec provider) {
    this.provider = provider;
  }

  public String getClusterName() {
    return clusterName;
  }

  public void setClusterName(String clusterName) {
    this.clusterName = clusterName;
  }

  public NodeConfig getNodeConfig() {
    return nodeConfig;
  }

  public void setNodeConfig(NodeConfig nodeConfig) {
    this.nodeConfig = nodeConfig;
  }

  public List<Neighbor> getNeighbors() {
    return neighbors;
  }

  public void setNeighbors(List<Neighbor> neighbors) {
    this.neighbors = neighbors == null ? new ArrayList<>() : neighbors;
  }
}
