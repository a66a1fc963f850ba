package io.l2sm.controller.idco;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.l2sm.controller.service.ControllerService;
import io.l2sm.controller.service.FileStateStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDCO's REST API over HTTP, on a real controller core (no switches connected). */
class IdcoApiTest {
  static final String WRITER = "w-0123456789abcdef";
  static final String READER = "r-0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  ControllerService core;
  IdcoApi api;
  HttpClient http = HttpClient.newHttpClient();

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  @BeforeEach
  void start() throws IOException {
    Path tokens = dir.resolve("tokens");
    Files.writeString(
        tokens, "# clients\n" + WRITER + " write cluster-ops\n" + READER + " read dashboard\n");
    core =
        new ControllerService(
            new FileStateStore(dir.resolve("state")), 16, 4095, Duration.ofSeconds(2));
    api = new IdcoApi(new InetSocketAddress("127.0.0.1", 0), core, Tokens.read(tokens));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  Reply call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.address().getPort() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json =
        r.body().isEmpty() || !r.headers().firstValue("Content-Type").orElse("").contains("json")
            ? null
            : JSON.readTree(r.body());
    return new Reply(r.statusCode(), json, r);
  }

  @Test
  void withoutTheRightTokenNothingIsReadOrChanged() throws Exception {
    Reply none = call("PUT", "/api/v1/networks/x", null, "{\"kind\":\"vnet\"}");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.raw().headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"l2sm-idco\"");
    assertThat(call("GET", "/api/v1/networks", null, null).status()).isEqualTo(401);
    Reply wrong = call("PUT", "/api/v1/networks/x/clusters/c1", "not-a-token-at-all", "{}");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body().path("message").asText()).isEqualTo("unknown token");
    Reply reader = call("PUT", "/api/v1/networks/x/clusters/c1", READER, "{}");
    assertThat(reader.status()).isEqualTo(403);
    assertThat(reader.body().path("message").asText())
        .isEqualTo("client dashboard may read but not change networks");
    assertThat(call("DELETE", "/api/v1/networks/x", READER, null).status()).isEqualTo(403);
    assertThat(core.state().networks()).isEmpty();
    // A reader reads; health and the document need no token.
    assertThat(call("GET", "/api/v1/networks", READER, null).body().path("networks")).isEmpty();
    assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
    assertThat(call("GET", "/openapi.yaml", null, null).raw().body()).startsWith("openapi: 3.0.3");
  }

  @Test
  void clustersJoinANetworkWithOneVniAndItGoesWithTheLast() throws Exception {
    Reply first = call("PUT", "/api/v1/networks/net3/clusters/c1", WRITER, "{\"kind\":\"vnet\"}");
    assertThat(first.status()).isEqualTo(200);
    int vni = first.body().path("vni").asInt();
    assertThat(vni).isBetween(16, 4095);
    // Concurrent joins are all kept.
    List<CompletableFuture<Reply>> joins = new ArrayList<>();
    for (String c : List.of("c2", "c3", "c4")) {
      joins.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return call("PUT", "/api/v1/networks/net3/clusters/" + c, WRITER, "");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (CompletableFuture<Reply> j : joins) {
      assertThat(j.get().status()).isEqualTo(200);
      assertThat(j.get().body().path("vni").asInt()).isEqualTo(vni);
    }
    Reply net = call("GET", "/api/v1/networks/net3", READER, null);
    assertThat(net.body().path("clusters").toString()).isEqualTo("[\"c1\",\"c2\",\"c3\",\"c4\"]");
    assertThat(net.body().path("connectedClusters")).isEmpty();
    // A name clash with another kind is refused and changes nothing.
    Reply clash = call("PUT", "/api/v1/networks/net3/clusters/c5", WRITER, "{\"kind\":\"vlink\"}");
    assertThat(clash.status()).isEqualTo(409);
    assertThat(clash.body().path("message").asText())
        .isEqualTo("network net3 already exists as VNET with VNI " + vni);
    assertThat(core.state().networks().get("net3").edges()).containsExactly("c1", "c2", "c3", "c4");
    for (String c : List.of("c1", "c2", "c3")) {
      assertThat(call("DELETE", "/api/v1/networks/net3/clusters/" + c, WRITER, null).status())
          .isEqualTo(204);
    }
    assertThat(core.state().networks()).containsKey("net3");
    assertThat(call("DELETE", "/api/v1/networks/net3/clusters/c1", WRITER, null).status())
        .isEqualTo(404);
    assertThat(call("DELETE", "/api/v1/networks/net3/clusters/c4", WRITER, null).status())
        .isEqualTo(204);
    assertThat(core.state().networks()).isEmpty();
    assertThat(call("GET", "/api/v1/networks/net3", READER, null).status()).isEqualTo(404);
  }

  @Test
  void badRequestsGetAPreciseErrorAndChangeNothing() throws Exception {
    Map<String, String> cases =
        Map.of(
            "{\"kind\": vnet}",
            "the body is not JSON: Unrecognized token 'vnet': was expecting (JSON String, Number,"
                + " Array, Object or token 'null', 'true' or 'false') (line 1, column 15)",
            "[1,2]",
            "the body must be a JSON object, like {\"kind\": \"vnet\"}",
            "{\"kind\":\"ring\"}",
            "kind 'ring' is not vnet or vlink",
            "{\"kind\":3}",
            "kind must be a string: vnet or vlink",
            "{\"kind\":\"vnet\",\"vni\":5}",
            "unknown field 'vni' (the body has only kind)");
    for (var e : cases.entrySet()) {
      Reply r = call("PUT", "/api/v1/networks/x/clusters/c1", WRITER, e.getKey());
      assertThat(r.status()).as(e.getKey()).isEqualTo(400);
      assertThat(r.body().path("message").asText()).as(e.getKey()).isEqualTo(e.getValue());
    }
    Reply big =
        call("PUT", "/api/v1/networks/x", WRITER, "{\"kind\":\"" + "v".repeat(70_000) + "\"}");
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.body().path("message").asText()).isEqualTo("the body is over 65536 bytes");
    Reply name = call("PUT", "/api/v1/networks/Net_A", WRITER, "{}");
    assertThat(name.status()).isEqualTo(404);
    assertThat(name.body().path("message").asText()).contains("lower-case letters");
    Reply post = call("POST", "/api/v1/networks/x", WRITER, "{}");
    assertThat(post.status()).isEqualTo(405);
    // RFC 9110: a 405 says what the resource takes (schemathesis's ST204 found it missing).
    assertThat(post.raw().headers().firstValue("Allow")).hasValue("GET, PUT, DELETE");
    Reply trace = call("TRACE", "/healthz", null, null);
    assertThat(trace.status()).isEqualTo(405);
    assertThat(trace.raw().headers().firstValue("Allow")).hasValue("GET");
    assertThat(core.state().networks()).isEmpty();
  }

  @Test
  void everyOperationOfTheDocumentIsServed() throws Exception {
    JsonNode doc =
        new ObjectMapper(new YAMLFactory())
            .readTree(IdcoApi.class.getResourceAsStream(IdcoApi.OPENAPI));
    List<String> operations = new ArrayList<>();
    doc.path("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        m -> {
                          if (!m.equals("parameters")) {
                            operations.add(m.toUpperCase() + " " + p.getKey());
                          }
                        }));
    assertThat(operations).hasSize(9);
    for (String op : operations) {
      String[] mp = op.split(" ");
      String path = mp[1].replace("{network}", "probe").replace("{cluster}", "c9");
      Reply r = call(mp[0], path, WRITER, mp[0].equals("PUT") ? "{}" : null);
      assertThat(r.status()).as(op).isIn(200, 204, 404);
      if (r.status() == 404) {
        assertThat(r.body().path("message").asText()).as(op).doesNotStartWith("no such");
      }
    }
  }
}
