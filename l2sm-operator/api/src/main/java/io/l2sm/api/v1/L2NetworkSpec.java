package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;

/** What an {@link L2Network} asks for; field names follow upstream L2S-M. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "config", "provider", "networkCIDR", "podAddressRange"})
public class L2NetworkSpec {
  @Required
  @JsonPropertyDescription("vnet (multipoint), vlink (two endpoints) or ext-vnet (spans clusters).")
  private NetworkKind type;

  @JsonPropertyDescription("Extra configuration as JSON text, e.g. a vlink's explicit path.")
  private String config;

  @JsonPropertyDescription("The inter-domain provider of a network that spans clusters.")
  private ProviderSpec provider;

  @JsonPropertyDescription(
      "Subnet that pods' addresses on this network come from, e.g. 10.0.0.0/24.")
  private String networkCIDR;

  @JsonPropertyDescription(
      "Part of networkCIDR to assign from, e.g. 10.0.0.16/28; all of it if empty.")
  private String podAddressRange;

  public NetworkKind getType() {
    return type;
  }

  public void setType(NetworkKind type) {
    this.type = type;
  }

  public String getConfig() {
    return config;
  }

  public void setConfig(String config) {
    this.config = config;
  }

  public ProviderSpec getProvider() {
    return provider;
  }

  public void setProvider(ProviderSpec provider) {
    this.provider = provider;
  }

  public String getNetworkCIDR() {
    return networkCIDR;
  }

  public void setNetworkCIDR(String networkCIDR) {
    this.networkCIDR = networkCIDR;
  }

  public String getPodAddressRange() {
    return podAddressRange;
  }

  public void setPodAddressRange(String podAddressRange) {
    this.podAddressRange = podAddressRange;
  }
}
