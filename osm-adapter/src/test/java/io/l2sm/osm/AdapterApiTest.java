package io.l2sm.osm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.l2sm.osm.fabric.ControllerFabric;
import io.l2sm.osm.vpls.OnosVplsClient;
import io.l2sm.osm.vpls.OnosVplsClient.Cp;
import io.l2sm.osm.vpls.VplsBook;
import io.l2sm.osm.web.Credentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONOS network-configuration API as OSM's onos_vpls connector drives it, on a fake fabric. */
class AdapterApiTest {
  static final String USER = "osm";
  static final String PASSWORD = "s3cret-Pa55";
  static final String S1 = "0000000000000011";
  static final String S2 = "0000000000000022";
  static final String S3 = "0000000000000033";

  @TempDir Path state;
  final FakeFabric fabric = new FakeFabric(0x11, 0x22, 0x33);
  final HttpClient http = HttpClient.newHttpClient();
  Adapter adapter;

  Adapter start(Path tlsCert, Path tlsKey) throws Exception {
    adapter =
        Adapter.start(
            new Adapter.Options(
                "127.0.0.1", 0, 0, state, tlsCert, tlsKey, 64 * 1024, Duration.ofMillis(200)),
            new Credentials(USER, PASSWORD),
            fabric);
    return adapter;
  }

  @AfterEach
  void stop() {
    if (adapter != null) {
      adapter.close();
    }
  }

  String base() {
    return "http://127.0.0.1:" + adapter.httpPort() + "/";
  }

  OnosVplsClient connector() {
    return new OnosVplsClient(http, "127.0.0.1:" + adapter.httpPort(), USER, PASSWORD);
  }

  static Cp cp(String name, String dpid, String port) {
    return new Cp(name, dpid, port, "600", false);
  }

  HttpResponse<String> raw(String method, String path, String body, String user, String pw)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path));
    if (user != null) {
      b.header(
          "Authorization",
          "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + pw).getBytes()));
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theConnectorsLifecycleMakesChangesAndRemovesTheNetwork() throws Exception {
    start(null, null);
    OnosVplsClient c = connector();
    c.checkCredentials();
    JsonNode empty = c.getConfig();
    assertThat(empty.has("ports")).isTrue();
    assertThat(empty.has("apps")).isTrue();

    var created =
        c.create(
            "ELAN",
            List.of(cp("sw1:if1", S1, "1"), cp("sw2:if1", S2, "3"), cp("sw3:if1", S3, "7")));
    String uuid = created.getKey();
    String net = ControllerFabric.network(uuid);
    assertThat(fabric.networks.get(net))
        .containsExactlyInAnyOrder("of:" + S1 + "/1", "of:" + S2 + "/3", "of:" + S3 + "/7");
    assertThat(c.status(uuid).path("sdn_status").asText()).isEqualTo("ACTIVE");
    assertThat(adapter.book().service(uuid).phase()).isEqualTo(VplsBook.Phase.ACTIVE);
    assertThat(c.log)
        .containsExactly(
            "GET /onos/v1/network/configuration 200", // check_credentials
            "GET /onos/v1/network/configuration 200", // the test's look
            "GET /onos/v1/network/configuration 200", // create
            "POST /onos/v1/network/configuration 200",
            "POST /onos/v1/network/configuration 200",
            "GET /onos/v1/network/configuration 200");
    JsonNode doc = c.getConfig();
    assertThat(doc.at("/ports/of:" + S1 + "~11/interfaces/0/name").asText()).isEqualTo("sw1:if1");
    assertThat(doc.at("/ports/of:" + S1 + "~11/interfaces/0/vlan").asText()).isEqualTo("600");
    assertThat(doc.at("/apps/org.onosproject.vpls/vpls/lastUpdateTime").isTextual()).isTrue();

    ObjectNode info =
        c.edit(
            uuid,
            created.getValue(),
            List.of(cp("sw1:if1", S1, "1"), cp("sw3:if1", S3, "7"), cp("sw2:if2", S2, "4")));
    assertThat(fabric.networks.get(net))
        .containsExactlyInAnyOrder("of:" + S1 + "/1", "of:" + S3 + "/7", "of:" + S2 + "/4");
    assertThat(c.status(uuid).path("sdn_status").asText()).isEqualTo("ACTIVE");

    c.delete(uuid, info);
    assertThat(fabric.networks).doesNotContainKey(net);
    assertThat(c.status(uuid).path("sdn_status").asText()).isEqualTo("ERROR");
    assertThat(c.getConfig().at("/apps/org.onosproject.vpls/vpls/vplsList")).isEmpty();
    assertThat(
            raw("DELETE", "onos/v1/hosts/00:00:00:00:00:01/None", null, USER, PASSWORD)
                .statusCode())
        .isEqualTo(204);
  }

  @Test
  void otherAppsAndKeysAreKeptEvenWhenTheConnectorPostsOnlyTheVplsApp() throws Exception {
    start(null, null);
    String doc =
        "{\"devices\":{\"of:0000000000000011\":{\"basic\":{\"name\":\"s1\"}}},"
            + "\"apps\":{\"org.onosproject.other\":{\"x\":1}}}";
    assertThat(raw("POST", "onos/v1/network/configuration", doc, USER, PASSWORD).statusCode())
        .isEqualTo(200);
    JsonNode back = connector().getConfig();
    assertThat(back.at("/devices/of:0000000000000011/basic/name").asText()).isEqualTo("s1");
    assertThat(back.at("/apps/org.onosproject.other/x").asInt()).isEqualTo(1);
    assertThat(back.has("ports")).isTrue();
    // With no VPLS app yet, the connector replaces all of apps with it in the document it posts;
    // ONOS applies each posted app and leaves the others, and so does the adapter.
    var made = connector().create("ELINE", List.of(cp("a", S1, "1"), cp("b", S2, "1")));
    JsonNode after = connector().getConfig();
    assertThat(after.at("/apps/org.onosproject.other/x").asInt()).isEqualTo(1);
    assertThat(after.at("/devices/of:0000000000000011/basic/name").asText()).isEqualTo("s1");
    assertThat(fabric.networks.get(ControllerFabric.network(made.getKey()))).hasSize(2);
  }

  @Test
  void wrongOrMissingCredentialsAre401AndChangeNothing() throws Exception {
    start(null, null);
    var made = connector().create("ELAN", List.of(cp("a", S1, "1"), cp("b", S2, "1")));
    String before = connector().getConfig().toString();
    for (String[] who : new String[][] {{USER, "wrong"}, {"admin", PASSWORD}, {null, null}}) {
      HttpResponse<String> r =
          raw("POST", "onos/v1/network/configuration", "{\"ports\":{}}", who[0], who[1]);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"l2sm\"");
      assertThat(raw("GET", "onos/v1/network/configuration", null, who[0], who[1]).statusCode())
          .isEqualTo(401);
    }
    assertThat(connector().getConfig().toString()).isEqualTo(before);
    assertThat(fabric.networks.get(ControllerFabric.network(made.getKey()))).hasSize(2);
    assertThat(raw("GET", "healthz", null, null, null).statusCode()).isEqualTo(200);
    // Readiness follows the controllers, and needs no credentials either.
    assertThat(raw("GET", "readyz", null, null, null).statusCode()).isEqualTo(200);
    fabric.down = true;
    try {
      HttpResponse<String> r = raw("GET", "readyz", null, null, null);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body())
          .isEqualTo("the controller of c1 is unreachable: UNAVAILABLE: io exception\n");
    } finally {
      fabric.down = false;
    }
  }

  @Test
  void metricsCountTheServicesByPhaseAndTimeRequestsByRouteWithoutCredentials() throws Exception {
    start(null, null);
    connector().create("ELAN", List.of(cp("a", S1, "1"), cp("b", S2, "1")));
    assertThat(raw("GET", "onos/v1/network/configuration", null, "admin", "wrong").statusCode())
        .isEqualTo(401);
    HttpResponse<String> r = raw("GET", "metrics", null, null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("l2sm_services{phase=\"ACTIVE\"} 1.0")
        .contains("l2sm_services{phase=\"ERROR\"} 0.0")
        // The connector's calls by their mapping, and the refused one before any mapping took it.
        .containsPattern(
            "l2sm_http_requests_seconds_count\\{method=\"POST\",route=\"/onos/v1/network/configuration[^\"]*\",status=\"200\"\\} [1-9]")
        .contains(
            "l2sm_http_requests_seconds_count{method=\"GET\",route=\"none\",status=\"401\"} 1")
        .containsPattern("(?m)^jvm_memory_used_bytes\\{area=\"heap\",.*\\} [0-9.E]+$");
    // The chart dashboard's adapter panels read series the adapter serves (the others: LabE2E).
    JsonNode dashboard =
        new ObjectMapper()
            .readTree(
                java.nio.file.Path.of("..", "helm-charts", "l2sm", "dashboards", "l2sm.json")
                    .toFile());
    List<String> series = new java.util.ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("title").asText().startsWith("OSM adapter:")) {
        for (JsonNode t : panel.path("targets")) {
          var m =
              java.util.regex.Pattern.compile("\\bl2sm_[a-z_]+\\b")
                  .matcher(t.path("expr").asText());
          while (m.find()) {
            series.add(m.group());
          }
        }
      }
    }
    assertThat(series)
        .containsExactlyInAnyOrder("l2sm_http_requests_seconds_count", "l2sm_services");
    for (String name : series) {
      assertThat(r.body()).containsPattern("(?m)^" + name + "[{ ]");
    }
  }

  @Test
  void badDocumentsAreRefusedPreciselyAndChangeNothing() throws Exception {
    start(null, null);
    var made = connector().create("ELAN", List.of(cp("a", S1, "1"), cp("b", S2, "1")));
    String before = connector().getConfig().toString();
    Map<String, String> cases =
        Map.of(
            "{\"ports\": {\"of:0000000000000011/1\": {\"interfaces\": [}}}",
            "malformed JSON: Unexpected close marker '}': expected ']' (for Array starting at line: 1,"
                + " column: 52) at line 1, column 53",
            "[1,2]",
            "the network configuration must be a JSON object",
            "{\"ports\":{\"eth0\":{\"interfaces\":[]}}}",
            "ports: 'eth0' is not an endpoint id of:<16 hex digits>/<port>",
            "{\"ports\":{\"of:0000000000000011/1\":{\"interfaces\":[{\"vlan\":\"1\"}]}}}",
            "ports[\"of:0000000000000011/1\"].interfaces[0] needs a name (a non-empty string)",
            "{\"apps\":{\"org.onosproject.vpls\":{\"vpls\":{\"vplsList\":[{\"name\":\"v\",\"interfaces\":[\"nope\"]}]}}}}",
            "VPLS 'v': interface 'nope' is not defined under ports",
            "{\"ports\":[]}",
            "ports must be an object of subjects, not array",
            "{\"ports\":{\"of:0000000000000011/1\":5}}",
            "ports/of:0000000000000011/1 must be an object of config keys, not number",
            "{\"apps\":{\"org.onosproject.vpls\":{\"vpls\":{\"vplsList\":[{\"name\":\"v\",\"encapsulation\":\"MPLS\"}]}}}}",
            "vplsList[0].encapsulation 'MPLS' is not NONE or VLAN (MPLS is not supported)",
            "",
            "malformed JSON: the body is empty");
    for (var e : cases.entrySet()) {
      HttpResponse<String> r =
          raw("POST", "onos/v1/network/configuration", e.getKey(), USER, PASSWORD);
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      assertThat(OnosVplsClient.JSON.readTree(r.body()).path("message").asText())
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    HttpResponse<String> big =
        raw(
            "POST",
            "onos/v1/network/configuration",
            "{\"x\":\"" + "a".repeat(70_000) + "\"}",
            USER,
            PASSWORD);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.body()).contains("the body is larger than 65536 bytes");
    assertThat(connector().getConfig().toString()).isEqualTo(before);
    assertThat(fabric.networks.get(ControllerFabric.network(made.getKey()))).hasSize(2);
  }

  @Test
  void theStockConnectorEditsServicesWhoseInterfacesHaveNoVlan() throws Exception {
    start(null, null);
    OnosVplsClient c = connector();
    // SDN-assist and WIM endpoints usually have no VLAN: the connector posts no vlan key.
    var made =
        c.create("ELAN", List.of(Cp.at("e1", "of:" + S1 + "/1"), Cp.at("e2", "of:" + S2 + "/1")));
    JsonNode doc = c.getConfig();
    for (JsonNode port : doc.path("ports")) {
      for (JsonNode f : port.path("interfaces")) {
        assertThat(f.has("vlan")).as("%s has a vlan key", f).isTrue();
        assertThat(f.get("vlan").isNull()).isTrue();
      }
    }
    // It reads interface["vlan"] of every interface the service keeps.
    ObjectNode info =
        c.edit(
            made.getKey(),
            made.getValue(),
            List.of(Cp.at("e1", "of:" + S1 + "/1"), Cp.at("e3", "of:" + S3 + "/1")));
    assertThat(fabric.networks.get(ControllerFabric.network(made.getKey())))
        .containsExactlyInAnyOrder("of:" + S1 + "/1", "of:" + S3 + "/1");
    assertThat(info.path("interfaces").toString()).isEqualTo("[\"e1\",\"e3\"]");
    assertThat(c.status(made.getKey()).path("sdn_status").asText()).isEqualTo("ACTIVE");
    // A kept interface whose VLAN changes is made again.
    ObjectNode again =
        c.edit(
            made.getKey(),
            info,
            List.of(new Cp("e1", S1, "1", "700", true), Cp.at("e3", "of:" + S3 + "/1")));
    assertThat(c.getConfig().at("/ports/of:" + S1 + "~11/interfaces").toString())
        .isEqualTo("[{\"name\":\"e1\",\"vlan\":\"700\"}]");
    assertThat(adapter.book().service(made.getKey()).phase()).isEqualTo(VplsBook.Phase.ACTIVE);
    c.delete(made.getKey(), again);
    assertThat(fabric.networks).doesNotContainKey(ControllerFabric.network(made.getKey()));
    assertThat(c.getConfig().at("/apps/org.onosproject.vpls/vpls/vplsList")).isEmpty();
  }

  @Test
  void postsApplyEachConfigTheyCarryAndLeaveTheRestAsOnosDoes() throws Exception {
    start(null, null);
    OnosVplsClient c = connector();
    var made = c.create("ELAN", List.of(cp("a", S1, "1"), cp("b", S2, "1")));
    String net = ControllerFabric.network(made.getKey());
    // Only apps: ports stay.
    JsonNode apps = c.getConfig().get("apps");
    HttpResponse<String> r =
        raw("POST", "onos/v1/network/configuration", "{\"apps\":" + apps + "}", USER, PASSWORD);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(c.getConfig().path("ports").size()).isEqualTo(2);
    assertThat(fabric.networks.get(net)).hasSize(2);

    // A subject class, a subject (its key holds a slash, encoded or not), a config key.
    assertThat(raw("GET", "onos/v1/network/configuration/ports", null, USER, PASSWORD).body())
        .contains("of:" + S1 + "/1", "of:" + S2 + "/1");
    HttpResponse<String> subject =
        raw("GET", "onos/v1/network/configuration/ports/of%3A" + S1 + "%2F1", null, USER, PASSWORD);
    assertThat(subject.statusCode()).isEqualTo(200);
    assertThat(OnosVplsClient.JSON.readTree(subject.body()).at("/interfaces/0/name").asText())
        .isEqualTo("a");
    HttpResponse<String> plain =
        raw(
            "GET",
            "onos/v1/network/configuration/ports/of:" + S1 + "/1/interfaces",
            null,
            USER,
            PASSWORD);
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(OnosVplsClient.JSON.readTree(plain.body()).get(0).path("name").asText())
        .isEqualTo("a");
    assertThat(
            raw(
                    "POST",
                    "onos/v1/network/configuration/ports/of%3A" + S3 + "%2F5/interfaces",
                    "[{\"name\":\"c\"}]",
                    USER,
                    PASSWORD)
                .statusCode())
        .isEqualTo(200);
    assertThat(c.getConfig().at("/ports/of:" + S3 + "~15/interfaces/0/name").asText())
        .isEqualTo("c");
    JsonNode vpls =
        OnosVplsClient.JSON.readTree(
            raw(
                    "GET",
                    "onos/v1/network/configuration/apps/org.onosproject.vpls/vpls",
                    null,
                    USER,
                    PASSWORD)
                .body());
    assertThat(vpls.path("vplsList").get(0).path("name").asText()).isEqualTo(made.getKey());

    // Not there: 404 with ONOS's message.
    HttpResponse<String> none =
        raw("GET", "onos/v1/network/configuration/devices", null, USER, PASSWORD);
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("Config for 'devices' not found");

    // A DELETE of one subject, then of everything: 204 each, and the data plane follows.
    assertThat(
            raw(
                    "DELETE",
                    "onos/v1/network/configuration/ports/of%3A" + S3 + "%2F5",
                    null,
                    USER,
                    PASSWORD)
                .statusCode())
        .isEqualTo(204);
    assertThat(c.getConfig().path("ports").has("of:" + S3 + "/5")).isFalse();
    assertThat(fabric.networks.get(net)).hasSize(2);
    assertThat(raw("DELETE", "onos/v1/network/configuration", null, USER, PASSWORD).statusCode())
        .isEqualTo(204);
    assertThat(c.getConfig().toString()).isEqualTo("{\"ports\":{},\"apps\":{}}");
    assertThat(fabric.networks).doesNotContainKey(net);
  }

  @Test
  void servicesOnTheSameEdgeEndpointsAreEachTheirOwnNetworkInEitherOrder() throws Exception {
    start(null, null);
    OnosVplsClient c = connector();
    // What OSM's LCM passes for every inter-cluster VLD of an NS: the same service endpoints.
    List<Cp> same = List.of(Cp.at("ned-c1", "of:" + S1 + "/1"), Cp.at("ned-c2", "of:" + S2 + "/1"));
    for (boolean firstGoesFirst : new boolean[] {true, false}) {
      var one = c.create("ELAN", same);
      var two = c.create("ELAN", same);
      assertThat(two.getValue().path("interfaces")).as("reused, not made again").isEmpty();
      for (var s : List.of(one, two)) {
        assertThat(adapter.book().service(s.getKey()).phase()).isEqualTo(VplsBook.Phase.ACTIVE);
        assertThat(fabric.networks.get(ControllerFabric.network(s.getKey()))).hasSize(2);
      }
      var gone = firstGoesFirst ? one : two;
      var kept = firstGoesFirst ? two : one;
      c.delete(gone.getKey(), gone.getValue());
      assertThat(fabric.networks).doesNotContainKey(ControllerFabric.network(gone.getKey()));
      assertThat(fabric.networks.get(ControllerFabric.network(kept.getKey()))).hasSize(2);
      assertThat(adapter.book().service(kept.getKey()).phase()).isEqualTo(VplsBook.Phase.ACTIVE);
      c.delete(kept.getKey(), kept.getValue());
      assertThat(fabric.networks).isEmpty();
    }
  }

  @Test
  void theStockStatusSaysActiveWhereTheAdaptersOwnViewSaysWhy() throws Exception {
    start(null, null);
    OnosVplsClient c = connector();
    var bad = c.create("ELAN", List.of(cp("a9", S1, "9"), cp("z", "00000000000000ff", "1")));
    // The connector's rule: ACTIVE as soon as the name is in the document.
    assertThat(c.status(bad.getKey()).path("sdn_status").asText()).isEqualTo("ACTIVE");
    JsonNode services =
        OnosVplsClient.JSON.readTree(raw("GET", "l2sm/v1/services", null, USER, PASSWORD).body());
    JsonNode s = services.get(bad.getKey());
    assertThat(s.path("phase").asText()).isEqualTo("ERROR");
    assertThat(s.path("problems").path("of:00000000000000ff/1").asText())
        .isEqualTo("no switch with datapath id 00000000000000ff");
  }

  @Test
  void aRefusalReachesTheStockConnectorAsACodeWithoutItsReason() throws Exception {
    start(null, null);
    OnosVplsClient c = connector();
    // An edit naming a port no one can parse: the adapter says why (400 + message) ...
    HttpResponse<String> direct =
        raw(
            "POST",
            "onos/v1/network/configuration",
            "{\"ports\":{\"eth0\":{\"interfaces\":[]}}}",
            USER,
            PASSWORD);
    assertThat(direct.statusCode()).isEqualTo(400);
    assertThat(direct.body()).contains("'eth0' is not an endpoint id");
    // ... which the connector reduces to its own 500 and the status code.
    var made = c.create("ELAN", List.of(cp("a", S1, "1"), cp("b", S2, "1")));
    assertThatThrownBy(() -> c.create("ELAN", List.of(new Cp("x", "nothex", "1", null, false))))
        .isInstanceOfSatisfying(
            OnosVplsClient.ConnectorError.class,
            e -> {
              assertThat(e.code).isEqualTo(500);
              assertThat(e.getMessage()).endsWith("status code: 400").doesNotContain("endpoint id");
            });
    // Its rollback left the first service as it was.
    assertThat(adapter.book().service(made.getKey()).phase()).isEqualTo(VplsBook.Phase.ACTIVE);
    assertThat(c.log).contains("POST /onos/v1/network/configuration 400");
  }

  @Test
  void aPostDroppingAnotherServicesInterfacesDoesNotBreakIt() throws Exception {
    start(null, null);
    OnosVplsClient c = connector();
    var a = c.create("ELAN", List.of(cp("a1", S1, "1"), cp("a2", S2, "1")));
    var b = c.create("ELAN", List.of(cp("b1", S1, "2"), cp("b2", S3, "2")));
    // A client that only knows about service a posts a document without b's port interfaces.
    ObjectNode doc = c.getConfig();
    ((ObjectNode) doc.get("ports")).remove("of:" + S3 + "/2");
    ((ObjectNode) doc.get("ports")).remove("of:" + S1 + "/2");
    c.postConfig(doc);
    assertThat(fabric.networks.get(ControllerFabric.network(b.getKey())))
        .containsExactlyInAnyOrder("of:" + S1 + "/2", "of:" + S3 + "/2");
    assertThat(adapter.book().service(b.getKey()).phase()).isEqualTo(VplsBook.Phase.ACTIVE);
    assertThat(fabric.networks.get(ControllerFabric.network(a.getKey()))).hasSize(2);
    // Its own delete still removes it.
    c.delete(b.getKey(), b.getValue());
    assertThat(fabric.networks).doesNotContainKey(ControllerFabric.network(b.getKey()));
  }

  @Test
  void concurrentPostsAreSerialisedAndTheDataPlaneMatchesTheLastDocument() throws Exception {
    start(null, null);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 24; t++) {
      int k = t;
      done.add(
          pool.submit(
              () -> {
                String name = "vpls-" + k;
                String doc =
                    "{\"ports\":{\"of:"
                        + S1
                        + "/"
                        + (k + 1)
                        + "\":{\"interfaces\":[{\"name\":\"i"
                        + k
                        + "\"}]}},\"apps\":{\"org.onosproject.vpls\":{\"vpls\":{\"vplsList\":[{\"name\":\""
                        + name
                        + "\",\"interfaces\":[\"i"
                        + k
                        + "\"]}]}}}}";
                return raw("POST", "onos/v1/network/configuration", doc, USER, PASSWORD)
                    .statusCode();
              }));
    }
    for (Future<?> f : done) {
      assertThat(f.get()).isEqualTo(200);
    }
    pool.shutdown();
    JsonNode last = connector().getConfig();
    String survivor = last.at("/apps/org.onosproject.vpls/vpls/vplsList/0/name").asText();
    // Each POST replaced the whole document: exactly one service is left, in the book and in
    // the data plane, with its own port.
    assertThat(adapter.book().services()).containsOnlyKeys(survivor);
    assertThat(fabric.networks).containsOnlyKeys(ControllerFabric.network(survivor));
    int k = Integer.parseInt(survivor.substring("vpls-".length()));
    assertThat(fabric.networks.get(ControllerFabric.network(survivor)))
        .containsExactly("of:" + S1 + "/" + (k + 1));
  }

  @Test
  void theDocumentAndTheServicesSurviveARestartAndAStrayNetworkIsRemoved() throws Exception {
    start(null, null);
    var made = connector().create("ELAN", List.of(cp("a", S1, "1"), cp("b", S2, "1")));
    String before = connector().getConfig().toString();
    adapter.close();
    fabric.networks.put("osm/left-behind", Set.of("of:" + S1 + "/9"));
    start(null, null);
    assertThat(connector().getConfig().toString()).isEqualTo(before);
    assertThat(adapter.book().service(made.getKey()).phase()).isEqualTo(VplsBook.Phase.ACTIVE);
    assertThat(fabric.networks).containsOnlyKeys(ControllerFabric.network(made.getKey()));
  }

  @Test
  void anUnreachableDataPlaneLeavesTheServiceBuildingUntilItComesBack() throws Exception {
    start(null, null);
    fabric.down = true;
    var made = connector().create("ELAN", List.of(cp("a", S1, "1"), cp("b", S2, "1")));
    VplsBook.ServiceState s = adapter.book().service(made.getKey());
    assertThat(s.phase()).isEqualTo(VplsBook.Phase.BUILD);
    assertThat(s.problems().get("service")).isEqualTo("cluster c1: UNAVAILABLE: io exception");
    fabric.down = false;
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> adapter.book().service(made.getKey()).phase() == VplsBook.Phase.ACTIVE);
    assertThat(fabric.networks.get(ControllerFabric.network(made.getKey()))).hasSize(2);
    // An endpoint no switch has is an ERROR that names it.
    var bad =
        connector().create("ELAN", List.of(cp("a9", S1, "9"), cp("z", "00000000000000ff", "1")));
    s = adapter.book().service(bad.getKey());
    assertThat(s.phase()).isEqualTo(VplsBook.Phase.ERROR);
    assertThat(s.problems())
        .containsExactly(
            Map.entry("of:00000000000000ff/1", "no switch with datapath id 00000000000000ff"));
  }

  @Test
  void httpsServesTheSameApi() throws Exception {
    Path dir = Files.createTempDirectory(state, "tls");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    start(cert, key);
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (var in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "adapter", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
    OnosVplsClient c =
        new OnosVplsClient(https, "https://127.0.0.1:" + adapter.httpPort(), USER, PASSWORD);
    var made = c.create("ELAN", List.of(cp("a", S1, "1"), cp("b", S2, "1")));
    assertThat(c.status(made.getKey()).path("sdn_status").asText()).isEqualTo("ACTIVE");
    // The gRPC service is on TLS too: the account is checked there as well.
    io.grpc.ManagedChannel ch =
        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                "127.0.0.1", adapter.grpcPort())
            .sslContext(
                io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forClient()
                    .trustManager(cert.toFile())
                    .build())
            .build();
    try {
      io.grpc.Metadata md = new io.grpc.Metadata();
      md.put(
          io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
          "Basic "
              + java.util.Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes()));
      var stub =
          io.l2sm.osm.grpc.v1.SdnAssistGrpc.newBlockingStub(ch)
              .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(md));
      assertThat(
              stub.getConnectivityServiceStatus(
                      io.l2sm.osm.grpc.v1.StatusRequest.newBuilder()
                          .setServiceUuid(made.getKey())
                          .build())
                  .getSdnStatus())
          .isEqualTo("ACTIVE");
      var anonymous = io.l2sm.osm.grpc.v1.SdnAssistGrpc.newBlockingStub(ch);
      assertThatThrownBy(
              () ->
                  anonymous.checkCredentials(
                      io.l2sm.osm.grpc.v1.CheckCredentialsRequest.getDefaultInstance()))
          .hasMessage("UNAUTHENTICATED: missing or wrong credentials");
    } finally {
      ch.shutdownNow();
    }
    // Plain HTTP to the TLS port is not served.
    HttpResponse<String> plain =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(400);
  }
}
