package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** An overlay's topology (and, as upstream, an optional provider). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OverlaySpec {
  @JsonPropertyDescription("The inter-domain provider, as upstream L2S-M; unused within a cluster.")
  private ProviderSpec provider;

  @Required
  @JsonPropertyDescription("The nodes and the links between their switches.")
  private Topology topology = new Topology();

  /** Nodes and links. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Topology {
    @JsonPropertyDescription("Node names.")
    private List<String> nodes = new ArrayList<>();

    @JsonPropertyDescription("Tunnels between node switches.")
    private List<Link> links = new ArrayList<>();

    public List<String> getNodes() {
      return nodes;
    }

    public void setNodes(List<String> nodes) {
      this.nodes = nodes == null ? new ArrayList<>() : nodes;
    }

    public List<Link> getLinks() {
      return links;
    }

    public void setLinks(List<Link> links) {
      this.links = links == null ? new ArrayList<>() : links;
    }
  }

  /** One tunnel (upstream's field names). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Link {
    private String endpointA;
    private String endpointB;

    public Link() {}

    public Link(String a, String b) {
      this.endpointA = a;
      this.endpointB = b;
    }

    public String getEndpointA() {
      return endpointA;
    }

    public void setEndpointA(String endpointA) {
      this.endpointA = endpointA;
    }

    public String getEndpointB() {
      return endpointB;
    }

    public void setEndpointB(String endpointB) {
      this.endpointB = endpointB;
    }
  }

  public ProviderSpec getProvider() {
    return provider;
  }

  public void setProvider(ProviderSpec provider) {
    this.provider = provider;
  }

  public Topology getTopology() {
    return topology;
  }

  public void setTopology(Topology topology) {
    this.topology = topology == null ? new Topology() : topology;
  }
}
