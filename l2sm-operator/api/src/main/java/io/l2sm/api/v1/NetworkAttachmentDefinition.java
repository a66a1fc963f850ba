package io.l2sm.api.v1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Multus' NetworkAttachmentDefinition ({@code k8s.cni.cncf.io/v1}). An L2S-M network is a NAD whose
 * config carries {@code "device": "l2sm-vNet"}; any other NAD is plain Multus and left alone.
 */
@Group(NetworkAttachmentDefinition.GROUP)
@Version("v1")
@Kind("NetworkAttachmentDefinition")
@Plural("network-attachment-definitions")
@ShortNames("net-attach-def")
public class NetworkAttachmentDefinition
    extends CustomResource<NetworkAttachmentDefinitionSpec, Void> implements Namespaced {
  public static final String GROUP = "k8s.cni.cncf.io";
  public static final String API_VERSION = NetworkAttachmentDefinitionSpec.API_VERSION;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The CNI configuration a meta-plugin hands to the network's plugin, as Multus makes it: the
   * spec's config with {@code "name"} set to the NAD's own name when the config has no {@code
   * "name"} or an empty one (the form of the paper's NADs and most public ones). Null when the spec
   * has no config; the config unchanged when it is not a JSON object (the plugin refuses it).
   */
  public String cniConfig() {
    String config = getSpec() == null ? null : getSpec().getConfig();
    if (config == null) {
      return null;
    }
    try {
      JsonNode root = JSON.readTree(config);
      if (!(root instanceof ObjectNode o)) {
        return config;
      }
      JsonNode name = o.get("name");
      if (name != null && !(name.isTextual() && name.asText().isEmpty())) {
        return config;
      }
      o.put("name", getMetadata().getName());
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      return config;
    }
  }

  @Override
  protected NetworkAttachmentDefinitionSpec initSpec() {
    return new NetworkAttachmentDefinitionSpec();
  }
}
