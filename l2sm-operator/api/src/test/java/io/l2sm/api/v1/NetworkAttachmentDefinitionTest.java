package io.l2sm.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NetworkAttachmentDefinitionTest {
  private final ObjectMapper json = new ObjectMapper();

  static NetworkAttachmentDefinition nad(String name, String config) {
    NetworkAttachmentDefinition n = new NetworkAttachmentDefinition();
    n.getMetadata().setName(name);
    n.getSpec().setConfig(config);
    return n;
  }

  @Test
  @DisplayName("a config without name gets the NAD's name, as Multus gives it to the plugin")
  void missingNameIsTheNadsName() throws Exception {
    String paper =
        "{\n  \"cniVersion\": \"0.3.0\",\n  \"type\": \"l2sm\",\n  \"device\": \"l2sm-vNet\"\n}";
    var tree = json.readTree(nad("vnet1", paper).cniConfig());
    assertThat(tree.path("name").asText()).isEqualTo("vnet1");
    assertThat(tree.path("device").asText()).isEqualTo("l2sm-vNet");
    assertThat(tree.path("cniVersion").asText()).isEqualTo("0.3.0");
  }

  @Test
  @DisplayName("an empty name is filled in too; a given name and a null name are kept as written")
  void emptyNameFilledGivenNameKept() throws Exception {
    assertThat(
            json.readTree(nad("n", "{\"name\":\"\",\"type\":\"l2sm\"}").cniConfig())
                .path("name")
                .asText())
        .isEqualTo("n");
    String named = "{\"name\":\"other\",\"type\":\"l2sm\"}";
    assertThat(nad("n", named).cniConfig()).isEqualTo(named);
    // Multus compares the value with "" only: a JSON null stays null, and the plugin refuses it.
    String nulled = "{\"name\":null,\"type\":\"l2sm\"}";
    assertThat(nad("n", nulled).cniConfig()).isEqualTo(nulled);
  }

  @Test
  @DisplayName("a config that is not a JSON object, or none, is passed on untouched")
  void notAnObject() {
    assertThat(nad("n", "not json").cniConfig()).isEqualTo("not json");
    assertThat(nad("n", "[1]").cniConfig()).isEqualTo("[1]");
    assertThat(nad("n", null).cniConfig()).isNull();
  }
}
