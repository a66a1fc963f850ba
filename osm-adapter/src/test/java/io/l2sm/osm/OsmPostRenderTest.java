package io.l2sm.osm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.l2sm.api.v1.Annotations;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.osm.nbi.HttpOsmNbi;
import io.l2sm.osm.render.OsmPostRender;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OSM mode of the post-renderer: OSM's NBI served by WireMock from fixtures shaped as the NBI's
 * answers (src/test/resources/nbi: an NS of three KNFs, router, cache and client), the cluster by
 * fabric8's CRUD mock API server.
 */
@EnableKubernetesMockClient(crud = true)
class OsmPostRenderTest {
  static KubernetesClient client;
  static final Path FIXTURES = Path.of("src/test/resources/nbi");
  static final String NS = "7d1f3b2a-5c4e-4f0a-9b8d-2e6a1c3f5b70";
  static final Map<String, String> VNF =
      Map.of(
          "router", "a1b2c3d4-0001-4e5f-8a9b-0c1d2e3f4a51",
          "cache", "a1b2c3d4-0002-4e5f-8a9b-0c1d2e3f4a52",
          "client", "a1b2c3d4-0003-4e5f-8a9b-0c1d2e3f4a53");
  static final Map<String, String> PKG =
      Map.of(
          "router", "5e6f7a8b-1111-4c2d-9e0f-1a2b3c4d5e61",
          "cache", "5e6f7a8b-2222-4c2d-9e0f-1a2b3c4d5e62",
          "client", "5e6f7a8b-3333-4c2d-9e0f-1a2b3c4d5e63");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  WireMockServer nbi;

  @BeforeEach
  void serve() throws Exception {
    nbi = new WireMockServer(options().dynamicPort());
    nbi.start();
    nbi.stubFor(
        post(urlEqualTo("/osm/admin/v1/tokens"))
            .withRequestBody(
                equalToJson(
                    "{\"username\":\"osm\",\"password\":\"nbi-Pass\",\"project_id\":\"admin\"}"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"id\":\"tok-5f2a\",\"expires\":1764190000.0,\"project_id\":\"admin\","
                            + "\"username\":\"osm\",\"admin\":true}")));
    nbi.stubFor(
        post(urlEqualTo("/osm/admin/v1/tokens"))
            .atPriority(10)
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"code\":\"UNAUTHORIZED\",\"status\":401,"
                            + "\"detail\":\"Invalid username or password\"}")));
    nbi.stubFor(
        get(urlEqualTo("/osm/nslcm/v1/ns_instances/" + NS))
            .withHeader("Authorization", equalTo("Bearer tok-5f2a"))
            .willReturn(json(Files.readString(FIXTURES.resolve("ns_instance.json")))));
    for (String p : VNF.keySet()) {
      nbi.stubFor(
          get(urlEqualTo("/osm/nslcm/v1/vnf_instances/" + VNF.get(p)))
              .withHeader("Authorization", equalTo("Bearer tok-5f2a"))
              .willReturn(json(Files.readString(FIXTURES.resolve("vnf_instance-" + p + ".json")))));
      nbi.stubFor(
          get(urlEqualTo("/osm/vnfpkgm/v1/vnf_packages/" + PKG.get(p) + "/vnfd"))
              .withHeader("Authorization", equalTo("Bearer tok-5f2a"))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "text/plain")
                      .withBody(Files.readString(FIXTURES.resolve("vnfd-" + p + ".yaml")))));
    }
    nbi.stubFor(
        get(urlMatching("/osm/nslcm/v1/vnf_instances/.*"))
            .atPriority(10)
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"code\":\"NOT_FOUND\",\"status\":404,"
                            + "\"detail\":\"vnfrs not found\"}")));
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  @AfterEach
  void stop() {
    nbi.stop();
    client.resources(NetworkAttachmentDefinition.class).inAnyNamespace().delete();
  }

  HttpOsmNbi nbi(String password) {
    return new HttpOsmNbi(
        HttpClient.newHttpClient(), nbi.baseUrl(), "osm", password, "admin", Duration.ofSeconds(5));
  }

  /** A KDU's manifests as LCM's pod-labels post-renderer leaves them (kustomize commonLabels). */
  static String manifests(String profile, String vnfId) {
    String labels =
        "    managed-by: osm.etsi.org\n"
            + "    osm.etsi.org/ns-id: "
            + NS
            + "\n    osm.etsi.org/vnf-id: "
            + vnfId
            + "\n    osm.etsi.org/kdu-name: "
            + profile
            + "\n";
    return "---\n# Source: "
        + profile
        + "/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: "
        + profile
        + "\n  labels:\n"
        + labels
        + "spec:\n  ports:\n  - port: 80\n---\n# Source: "
        + profile
        + "/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "
        + profile
        + "-0123456789\n  labels:\n"
        + labels
        + "spec:\n  selector:\n    matchLabels:\n      app: "
        + profile
        + "\n  template:\n    metadata:\n      labels:\n        app: "
        + profile
        + "\n"
        + labels.replace("    ", "        ")
        + "    spec:\n      containers:\n      - name: c\n        image: alpine:3.20\n";
  }

  static List<String> networksOf(String manifests) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode d : YAML.readValues(YAML.createParser(manifests), JsonNode.class).readAll()) {
      if (d.path("kind").asText().equals("Deployment")) {
        String a =
            d.at("/spec/template/metadata/annotations").path(Annotations.NETWORKS).asText("[]");
        JSON.readTree(a)
            .forEach(e -> out.add(e.path("name").asText() + "@" + e.path("interface").asText()));
      }
    }
    return out;
  }

  List<NetworkAttachmentDefinition> nads() {
    return client
        .resources(NetworkAttachmentDefinition.class)
        .inNamespace("campus")
        .list()
        .getItems();
  }

  @Test
  void eachKduOfTheNsGetsExactlyItsLinksAndTheNetworksAreMadeOnce() throws Exception {
    OsmPostRender.Outcome router =
        OsmPostRender.run(manifests("router", VNF.get("router")), nbi("nbi-Pass"), client);
    assertThat(router.namespace()).isEqualTo("campus");
    assertThat(router.created()).containsExactly("campus-backbone", "campus-access");
    assertThat(router.found()).isEmpty();
    assertThat(networksOf(router.manifests()))
        .containsExactly("campus-backbone@net-backbone-ex", "campus-access@net-access-ext");
    String versions =
        nads().stream().map(n -> n.getMetadata().getResourceVersion()).toList().toString();

    OsmPostRender.Outcome cache =
        OsmPostRender.run(manifests("cache", VNF.get("cache")), nbi("nbi-Pass"), client);
    OsmPostRender.Outcome clientKdu =
        OsmPostRender.run(manifests("client", VNF.get("client")), nbi("nbi-Pass"), client);
    assertThat(cache.created()).isEmpty();
    assertThat(clientKdu.created()).isEmpty();
    assertThat(cache.found()).containsExactly("campus-backbone", "campus-access");
    assertThat(networksOf(cache.manifests())).containsExactly("campus-backbone@net-backbone-ex");
    assertThat(networksOf(clientKdu.manifests())).containsExactly("campus-access@net-access-ext");
    // Created once, never rewritten: same objects, same versions.
    assertThat(nads())
        .extracting(n -> n.getMetadata().getName())
        .containsExactlyInAnyOrder("campus-backbone", "campus-access");
    assertThat(nads().stream().map(n -> n.getMetadata().getResourceVersion()).toList().toString())
        .isEqualTo(versions);
    // The Service is passed through as it came.
    String in = manifests("cache", VNF.get("cache"));
    String service = in.substring(0, in.indexOf("---", 4));
    assertThat(cache.manifests()).startsWith(service);
    nbi.verify(3, getRequestedFor(urlEqualTo("/osm/nslcm/v1/ns_instances/" + NS)));
  }

  @Test
  void anNsAcrossTwoVimAccountsGetsInterClusterLinksAndEachClusterOnlyItsNetworks()
      throws Exception {
    // The client KNF runs in another cluster (VIM account): the access link spans clusters.
    com.fasterxml.jackson.databind.node.ObjectNode moved =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            JSON.readTree(Files.readString(FIXTURES.resolve("vnf_instance-client.json")));
    moved.put("vim-account-id", "9a8b7c6d-bbbb-4ccc-8ddd-1e2f3a4b5c6d");
    nbi.stubFor(
        get(urlEqualTo("/osm/nslcm/v1/vnf_instances/" + VNF.get("client")))
            .atPriority(1)
            .willReturn(json(moved.toString())));
    String m = manifests("client", VNF.get("client"));
    assertThatThrownBy(() -> OsmPostRender.run(m, nbi("nbi-Pass"), client))
        .hasMessageContaining(
            "spans VIM accounts 6b1e1c3e-aaaa-4bbb-8ccc-1d2e3f4a5b6c,"
                + " 9a8b7c6d-bbbb-4ccc-8ddd-1e2f3a4b5c6d (links across clusters), but this cluster"
                + " has no NetworkEdgeDevice with a provider");
    assertThat(nads()).isEmpty();

    io.l2sm.api.v1.NetworkEdgeDevice ned = new io.l2sm.api.v1.NetworkEdgeDevice();
    ned.getMetadata().setName("ned-c2");
    ned.getMetadata().setNamespace("l2sm-system");
    ned.getSpec().setProvider(io.l2sm.api.v1.ProviderSpec.named("campus-idco"));
    client.resource(ned).create();
    try {
      OsmPostRender.Outcome o = OsmPostRender.run(m, nbi("nbi-Pass"), client);
      // This cluster hosts only the client: it gets the access link, not the backbone.
      assertThat(o.created()).containsExactly("campus-access");
      assertThat(networksOf(o.manifests())).containsExactly("campus-access@net-access-ext");
      assertThat(nads().get(0).getSpec().getConfig())
          .contains("\"provider\":{\"name\":\"campus-idco\"}");
    } finally {
      client.resource(ned).delete();
    }
  }

  @Test
  void anUnreachableNbiARefusedTokenOrAnUnknownRecordInstallNothing() {
    String m = manifests("router", VNF.get("router"));
    HttpOsmNbi down =
        new HttpOsmNbi(
            HttpClient.newHttpClient(),
            "http://127.0.0.1:1",
            "osm",
            "nbi-Pass",
            "admin",
            Duration.ofSeconds(2));
    assertThatThrownBy(() -> OsmPostRender.run(m, down, client))
        .isInstanceOf(OsmPostRender.Failure.class)
        .hasMessageStartingWith(
            "OSM NBI at http://127.0.0.1:1 unreachable (POST /osm/admin/v1/tokens)");
    assertThatThrownBy(() -> OsmPostRender.run(m, nbi("wrong"), client))
        .hasMessage(
            "OSM NBI refused the token for user osm (HTTP 401): Invalid username or password")
        .hasMessageNotContaining("wrong");
    assertThatThrownBy(
            () ->
                OsmPostRender.run(
                    manifests("router", "00000000-dead-beef-0000-000000000000"),
                    nbi("nbi-Pass"),
                    client))
        .hasMessage(
            "OSM NBI GET /osm/nslcm/v1/vnf_instances/00000000-dead-beef-0000-000000000000"
                + " answered HTTP 404: vnfrs not found");
    assertThatThrownBy(
            () ->
                OsmPostRender.run(
                    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", nbi("nbi-Pass"), client))
        .hasMessageStartingWith(
            "no document carries OSM's labels osm.etsi.org/ns-id, osm.etsi.org/vnf-id and osm.etsi.org/kdu-name");
    assertThat(nads()).isEmpty();
  }
}
