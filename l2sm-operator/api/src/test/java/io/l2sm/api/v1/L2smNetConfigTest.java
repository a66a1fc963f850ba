package io.l2sm.api.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class L2smNetConfigTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  @DisplayName("a plain network renders the paper's NAD config with a fixed key order")
  void plainNetwork() {
    assertThat(L2smNetConfig.of("net1", NetworkKind.VNET).toJson())
        .isEqualTo(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"l2sm\","
                + "\"device\":\"l2sm-vNet\",\"kind\":\"vnet\"}");
  }

  @Test
  @DisplayName("an inter-cluster network carries its provider")
  void providerIsRendered() throws Exception {
    String rendered =
        L2smNetConfig.of("wan", NetworkKind.VLINK)
            .withProvider(new ProviderSpec("lab-idco", List.of("10.0.0.1")))
            .toJson();
    var tree = json.readTree(rendered);
    assertThat(tree.path("kind").asText()).isEqualTo("vlink");
    assertThat(tree.path("provider").path("name").asText()).isEqualTo("lab-idco");
    assertThat(tree.path("provider").path("domain").get(0).asText()).isEqualTo("10.0.0.1");
  }

  @Test
  @DisplayName("network kinds are read by wire name and unknown kinds are refused by name")
  void kinds() throws Exception {
    assertThat(NetworkKind.fromWireName("VLINK")).contains(NetworkKind.VLINK);
    assertThat(NetworkKind.fromWireName("ring")).isEmpty();
    assertThat(json.readValue("\"ext-vnet\"", NetworkKind.class)).isEqualTo(NetworkKind.EXT_VNET);
    assertThatThrownBy(() -> json.readValue("\"ring\"", NetworkKind.class))
        .hasMessageContaining("unknown network kind 'ring'");
  }

  @Test
  @DisplayName("a selection element omits what it does not set, as NPWG readers expect")
  void selectionElement() throws Exception {
    String rendered = json.writeValueAsString(NetworkSelectionElement.of("n", null, "net-a"));
    assertThat(rendered).isEqualTo("{\"name\":\"n\",\"interface\":\"net-a\"}");
  }
}
