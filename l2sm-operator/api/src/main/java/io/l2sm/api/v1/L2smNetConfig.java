package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The CNI network configuration carried in an L2S-M NetworkAttachmentDefinition's {@code
 * spec.config}. A NAD is ours exactly when its config says {@code "device": "l2sm-vNet"}.
 *
 * @param name the network's name (the NAD's name); CNI requires it
 * @param kind vnet or vlink (ext-vnet is expressed as a vnet with a provider)
 * @param mtu the interface MTU inside pods; null for the node's default
 * @param ipam a CNI IPAM section, passed through untouched; null for none (L2 only)
 * @param provider the IDCO for an inter-cluster network; null for a network local to a cluster
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"cniVersion", "name", "type", "device", "kind", "mtu", "ipam", "provider"})
public record L2smNetConfig(
    String name, NetworkKind kind, Integer mtu, ObjectNode ipam, ProviderSpec provider) {

  /** CNI spec version we write. */
  public static final String CNI_VERSION = "1.0.0";

  /** The CNI plugin type of L2S-M networks. */
  public static final String PLUGIN_TYPE = "l2sm";

  /**
   * Field the operator adds to an L2S-M NAD's config: the controller's name of the network ({@code
   * <namespace>/<name>}), which the CNI plugin uses.
   */
  public static final String NETWORK_FIELD = "l2smNetwork";

  /** Field the operator adds to an L2S-M NAD's config: the other namespaces that may join it. */
  public static final String SHARED_WITH_FIELD = "l2smSharedWith";

  /** The marker that makes a NAD an L2S-M network (the paper's convention). */
  public static final String DEVICE = "l2sm-vNet";

  private static final ObjectMapper JSON = new ObjectMapper();

  @JsonProperty("cniVersion")
  public String cniVersion() {
    return CNI_VERSION;
  }

  @JsonProperty("type")
  public String type() {
    return PLUGIN_TYPE;
  }

  @JsonProperty("device")
  public String device() {
    return DEVICE;
  }

  /** A plain L2 network of the given kind: no MTU override, no IPAM, no provider. */
  public static L2smNetConfig of(String name, NetworkKind kind) {
    return new L2smNetConfig(name, kind, null, null, null);
  }

  /** This config with the given provider (an inter-cluster network). */
  public L2smNetConfig withProvider(ProviderSpec newProvider) {
    return new L2smNetConfig(name, kind, mtu, ipam, newProvider);
  }

  /** Compact JSON with a fixed key order, as written into {@code spec.config}. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render CNI config of network " + name, e);
    }
  }
}
