package io.l2sm.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.l2sm.api.v1.Annotations;
import io.l2sm.api.v1.PodNetworkRequests;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mutating admission webhook for pods that ask for networks the way upstream L2S-M's pods do:
 * label {@code l2sm: "true"} and the annotation {@code l2sm/networks}. Multus reads only {@code
 * k8s.v1.cni.cncf.io/networks}, so on creation the pod's requests (from both annotations) are
 * written there as one JSON list of selection elements, with every interface named, and {@code
 * l2sm/networks} is removed (so that nothing reads a request twice). A malformed request refuses
 * the pod with the parser's message. Served over HTTPS at {@value #PATH}.
 */
public final class PodWebhook implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodWebhook.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the API server sends AdmissionReviews. */
  public static final String PATH = "/mutate-v1-pod";

  /** The most an AdmissionReview may weigh; a pod is far smaller. */
  static final int MAX_BODY = 3 * 1024 * 1024;

  private final HttpsServer server;

  private PodWebhook(HttpsServer server) {
    this.server = server;
  }

  /** Serves the webhook on {@code bind} with the TLS server context {@code tls}. */
  public static PodWebhook start(InetSocketAddress bind, SSLContext tls) throws IOException {
    HttpsServer s = HttpsServer.create(bind, 64);
    s.setHttpsConfigurator(new HttpsConfigurator(tls));
    s.createContext(PATH, PodWebhook::handle);
    s.setExecutor(Executors.newFixedThreadPool(4, r -> daemon(r)));
    s.start();
    LOG.info("pod webhook on https://{}{}", s.getAddress(), PATH);
    return new PodWebhook(s);
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "pod-webhook");
    t.setDaemon(true);
    return t;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("POST")) {
        reply(ex, 405, "{\"message\": \"POST an AdmissionReview\"}");
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        reply(ex, 413, "{\"message\": \"an AdmissionReview is at most " + MAX_BODY + " bytes\"}");
        return;
      }
      JsonNode review;
      try {
        review = JSON.readTree(body);
      } catch (IOException e) {
        reply(ex, 400, JSON.writeValueAsString(Map.of("message", "not JSON: " + e.getMessage())));
        return;
      }
      if (review == null || !review.path("request").isObject()) {
        reply(ex, 400, "{\"message\": \"an AdmissionReview with a request is expected\"}");
        return;
      }
      reply(ex, 200, JSON.writeValueAsString(review(review)));
    }
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
  }

  /** The AdmissionReview answering {@code review} (pure: no I/O). */
  static ObjectNode review(JsonNode review) {
    JsonNode request = review.path("request");
    ObjectNode response = JSON.createObjectNode();
    response.put("uid", request.path("uid").asText());
    JsonNode pod = request.path("object");
    String namespace = request.path("namespace").asText("");
    if (namespace.isEmpty()) {
      namespace = pod.path("metadata").path("namespace").asText("default");
    }
    Map<String, String> annotations = new HashMap<>();
    pod.path("metadata")
        .path("annotations")
        .fields()
        .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    String name =
        pod.path("metadata")
            .path("name")
            .asText(pod.path("metadata").path("generateName").asText("") + "*");
    try {
      List<Map<String, Object>> patch = patch(annotations, namespace);
      response.put("allowed", true);
      if (!patch.isEmpty()) {
        response.put("patchType", "JSONPatch");
        response.put("patch", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(patch)));
        LOG.info(
            "pod {}/{}: {} written from {}",
            namespace,
            name,
            Annotations.NETWORKS,
            Annotations.L2SM_NETWORKS);
      }
    } catch (PodNetworkRequests.InvalidAnnotation e) {
      response.put("allowed", false);
      ObjectNode status = response.putObject("status");
      status.put("code", 400);
      status.put("reason", "BadRequest");
      status.put("message", e.getMessage());
      LOG.info("pod {}/{} refused: {}", namespace, name, e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("apiVersion", review.path("apiVersion").asText("admission.k8s.io/v1"));
    out.put("kind", "AdmissionReview");
    out.set("response", response);
    return out;
  }

  /**
   * The JSON patch that moves a pod's {@code l2sm/networks} requests into {@code
   * k8s.v1.cni.cncf.io/networks}; empty when the pod has no {@code l2sm/networks}.
   *
   * @throws PodNetworkRequests.InvalidAnnotation when either annotation is malformed
   */
  static List<Map<String, Object>> patch(Map<String, String> annotations, String namespace) {
    if (!annotations.containsKey(Annotations.L2SM_NETWORKS)) {
      return List.of();
    }
    ArrayNode elements = JSON.createArrayNode();
    for (PodNetworkRequests.Request r : PodNetworkRequests.parse(annotations, namespace)) {
      ObjectNode e = elements.addObject();
      e.put("name", r.name());
      e.put("namespace", r.namespace());
      e.put("interface", r.interfaceName());
      if (!r.ips().isEmpty()) {
        ArrayNode ips = e.putArray("ips");
        r.ips().forEach(ips::add);
      }
      if (r.mac() != null) {
        e.put("mac", r.mac());
      }
    }
    return List.of(
        Map.of(
            "op",
            "add",
            "path",
            "/metadata/annotations/" + pointer(Annotations.NETWORKS),
            "value",
            elements.toString()),
        Map.of(
            "op", "remove", "path", "/metadata/annotations/" + pointer(Annotations.L2SM_NETWORKS)));
  }

  /** A JSON pointer token (RFC 6901). */
  static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
