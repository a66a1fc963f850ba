package io.l2sm.osm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.l2sm.osm.vpls.OnosVplsClient;
import io.l2sm.osm.vpls.OnosVplsClient.Cp;
import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The replay of OSM's stock connector against fixed ONOS answers: it must fail where the connector
 * fails, or the adapter's tests could not catch a mismatch with it.
 */
class OnosVplsClientTest {
  static final String NETCFG = "/onos/v1/network/configuration";
  WireMockServer onos;
  OnosVplsClient client;

  @BeforeEach
  void start() {
    onos = new WireMockServer(options().dynamicPort());
    onos.start();
    client = new OnosVplsClient(HttpClient.newHttpClient(), "127.0.0.1:" + onos.port(), "u", "p");
    onos.stubFor(post(urlEqualTo(NETCFG)).willReturn(aResponse().withStatus(200)));
  }

  @AfterEach
  void stop() {
    onos.stop();
  }

  void serve(String document) {
    onos.stubFor(
        get(urlEqualTo(NETCFG)).willReturn(aResponse().withStatus(200).withBody(document)));
  }

  static String document(String interfaceE1) {
    return "{\"ports\":{\"of:0000000000000011/1\":{\"interfaces\":["
        + interfaceE1
        + "]}},\"apps\":{\"org.onosproject.vpls\":{\"vpls\":{\"vplsList\":[{\"name\":\"s\","
        + "\"interfaces\":[\"e1\"],\"encapsulation\":\"NONE\"}],\"lastUpdateTime\":\"1\"}}}}";
  }

  @Test
  @DisplayName(
      "an edit of a service whose stored interface has no vlan key is the connector's KeyError")
  void editWithoutVlanKeyFails() {
    serve(document("{\"name\":\"e1\"}"));
    ObjectNode info = OnosVplsClient.JSON.createObjectNode();
    info.putArray("interfaces").add("e1");
    assertThatThrownBy(() -> client.edit("s", info, List.of(Cp.at("e1", "of:0000000000000011/1"))))
        .isInstanceOfSatisfying(
            OnosVplsClient.ConnectorError.class,
            e -> {
              assertThat(e.code).isZero();
              assertThat(e.getMessage()).isEqualTo("KeyError: 'vlan'");
            });
    // It failed before its try: nothing was posted, not even a rollback.
    onos.verify(0, postRequestedFor(urlEqualTo(NETCFG)));
  }

  @Test
  @DisplayName("with vlan null, the same edit goes through: two POSTs, no lastUpdateTime")
  void editWithNullVlanPosts() throws Exception {
    serve(document("{\"name\":\"e1\",\"vlan\":null}"));
    ObjectNode info = OnosVplsClient.JSON.createObjectNode();
    info.putArray("interfaces").add("e1");
    ObjectNode out =
        client.edit(
            "s",
            info,
            List.of(Cp.at("e1", "of:0000000000000011/1"), Cp.at("e2", "of:0000000000000022/1")));
    assertThat(out.path("interfaces").toString()).isEqualTo("[\"e1\",\"e2\"]");
    onos.verify(1, getRequestedFor(urlEqualTo(NETCFG)));
    onos.verify(2, postRequestedFor(urlEqualTo(NETCFG)));
    String last = onos.findAll(postRequestedFor(urlEqualTo(NETCFG))).get(1).getBodyAsString();
    assertThat(last)
        .contains("\"interfaces\":[\"e1\",\"e2\"]")
        .contains("\"of:0000000000000022/1\":{\"interfaces\":[{\"name\":\"e2\"}]}")
        .doesNotContain("lastUpdateTime");
  }

  @Test
  @DisplayName("a non-2xx answer becomes the connector's own code, without the body")
  void errorsLoseTheirBody() {
    onos.stubFor(
        get(urlEqualTo(NETCFG))
            .willReturn(aResponse().withStatus(401).withBody("{\"message\":\"who are you\"}")));
    assertThatThrownBy(() -> client.checkCredentials())
        .isInstanceOfSatisfying(
            OnosVplsClient.ConnectorError.class, e -> assertThat(e.code).isEqualTo(503));
    assertThatThrownBy(() -> client.getConfig())
        .isInstanceOfSatisfying(
            OnosVplsClient.ConnectorError.class,
            e -> {
              assertThat(e.code).isEqualTo(500);
              assertThat(e.getMessage()).endsWith("status code: 401").doesNotContain("who are you");
            });
    assertThat(client.status("s").path("sdn_status").asText()).isEqualTo("ERROR");
    assertThat(client.log).containsOnly("GET " + NETCFG + " 401");
  }

  @Test
  @DisplayName("edit walks the list as Python does: the interface after a removed one stays")
  void editSkipsTheInterfaceAfterARemovedOne() throws Exception {
    serve(
        "{\"ports\":{\"of:0000000000000011/1\":{\"interfaces\":[{\"name\":\"a\",\"vlan\":null},"
            + "{\"name\":\"b\",\"vlan\":null}]}},\"apps\":{\"org.onosproject.vpls\":{\"vpls\":{"
            + "\"vplsList\":[{\"name\":\"s\",\"interfaces\":[\"a\",\"b\"]}]}}}}");
    ObjectNode info = OnosVplsClient.JSON.createObjectNode();
    info.putArray("interfaces").add("a").add("b");
    ObjectNode out = client.edit("s", info, List.of(Cp.at("c", "of:0000000000000022/1")));
    String posted = onos.findAll(postRequestedFor(urlEqualTo(NETCFG))).get(0).getBodyAsString();
    // Both are to go; removing "a" moves "b" under the walk's next step, so "b" stays.
    assertThat(posted).contains("\"of:0000000000000011/1\":{\"interfaces\":[{\"name\":\"b\"");
    assertThat(out.path("interfaces").toString()).isEqualTo("[\"b\",\"c\"]");
  }
}
