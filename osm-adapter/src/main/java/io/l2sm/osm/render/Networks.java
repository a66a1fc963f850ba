package io.l2sm.osm.render;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The translator's L2S-M NetworkAttachmentDefinitions as the custom resource the clients apply:
 * from the plan's objects, or from a {@code networks.yaml} that was stored (a deployment's record).
 */
public final class Networks {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Networks() {}

  /** The plan's NADs ({@code Renderer.networkResources}) as the custom resource, in order. */
  public static List<NetworkAttachmentDefinition> of(
      List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> resources) {
    return resources.stream()
        .map(r -> YAML.convertValue(r, NetworkAttachmentDefinition.class))
        .toList();
  }

  public static List<NetworkAttachmentDefinition> parse(String yaml) {
    List<NetworkAttachmentDefinition> out = new ArrayList<>();
    if (yaml == null || yaml.isBlank()) {
      return out;
    }
    try {
      for (NetworkAttachmentDefinition n :
          YAML.readValues(YAML.createParser(yaml), NetworkAttachmentDefinition.class).readAll()) {
        if (n != null && n.getMetadata() != null) {
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "networks.yaml does not read as NetworkAttachmentDefinitions", e);
    }
    return out;
  }
}
