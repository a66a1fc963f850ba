package io.l2sm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * The mock API server's CRUD dispatcher with API discovery in front, so that kubectl works against
 * the lab: {@code /api}, {@code /api/v1}, {@code /apis} and {@code /apis/GROUP/VERSION} are
 * answered (the groups of the CRDs stored in the server included), as are {@code /version} and
 * {@code /healthz}, whatever their query string, and {@code /openapi/*} is 404 (kubectl then needs
 * {@code --validate=false} to create objects). A pod's {@code exec} runs in its namespace once
 * {@link #enableExec} is called ({@link PodExec}). Everything else goes to the CRUD dispatcher.
 */
final class DiscoveryDispatcher extends KubernetesMixedDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** A built-in resource: group/version, plural, kind, namespaced, short names. */
  private record Builtin(
      String groupVersion, String plural, String kind, boolean namespaced, String... shortNames) {}

  private static final List<Builtin> BUILTINS =
      List.of(
          new Builtin("v1", "pods", "Pod", true, "po"),
          new Builtin("v1", "namespaces", "Namespace", false, "ns"),
          new Builtin("v1", "nodes", "Node", false, "no"),
          new Builtin("v1", "events", "Event", true, "ev"),
          new Builtin("v1", "configmaps", "ConfigMap", true, "cm"),
          new Builtin("v1", "secrets", "Secret", true),
          new Builtin("v1", "services", "Service", true, "svc"),
          new Builtin("v1", "serviceaccounts", "ServiceAccount", true, "sa"),
          new Builtin("apps/v1", "deployments", "Deployment", true, "deploy"),
          new Builtin("apps/v1", "daemonsets", "DaemonSet", true, "ds"),
          new Builtin("events.k8s.io/v1", "events", "Event", true, "ev"),
          new Builtin(
              "apiextensions.k8s.io/v1",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false,
              "crd",
              "crds"));

  private final ObjectNode version;

  DiscoveryDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses, VersionInfo version) {
    super(responses);
    this.version =
        JSON.createObjectNode()
            .put("major", version.getMajor())
            .put("minor", version.getMinor())
            .put("gitVersion", version.getGitVersion())
            .put("platform", "linux/amd64");
  }

  private volatile PodExec exec;

  /** Serves pods' exec from the lab kubelet's state from now on. */
  void enableExec(PodExec podExec) {
    this.exec = podExec;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    String query = q >= 0 ? path.substring(q + 1) : "";
    if (q >= 0) {
      path = path.substring(0, q);
    }
    String[] execTarget = PodExec.target(path);
    if (execTarget != null) {
      PodExec e = exec;
      return e == null
          ? json(
              400,
              status(
                  400,
                  "BadRequest",
                  "exec needs the lab kubelet's state: start the API server with --pods-from"))
          : e.respond(execTarget[0], execTarget[1], query);
    }
    if (!"GET".equals(request.getMethod())) {
      return super.dispatch(request);
    }
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.equals("/version")) {
      return json(200, version);
    }
    if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/livez")) {
      return new MockResponse().setResponseCode(200).setBody("ok");
    }
    if (path.startsWith("/openapi")) {
      return json(404, status(404, "NotFound", "no OpenAPI documents in the lab's API server"));
    }
    if (path.equals("/api")) {
      ObjectNode v = JSON.createObjectNode().put("kind", "APIVersions");
      v.putArray("versions").add("v1");
      v.putArray("serverAddressByClientCIDRs")
          .addObject()
          .put("clientCIDR", "0.0.0.0/0")
          .put("serverAddress", "");
      return json(200, v);
    }
    if (path.equals("/api/v1")) {
      return json(200, resources("v1"));
    }
    if (path.equals("/apis")) {
      return json(200, groups());
    }
    if (path.startsWith("/apis/") && path.split("/").length == 4) {
      String gv = path.substring("/apis/".length());
      ObjectNode list = resources(gv);
      if (list.path("resources").isEmpty()) {
        return json(404, status(404, "NotFound", "the server could not find " + path));
      }
      return json(200, list);
    }
    String accept = request.getHeader("Accept");
    if (accept != null && accept.contains("as=Table") && !request.getPath().contains("watch=")) {
      return asTable(request, path);
    }
    return super.dispatch(request);
  }

  /**
   * A GET answered as kubectl asks by default: a {@code meta.k8s.io/v1} Table with the columns a
   * real API server would print (a CRD's printer columns, a pod's status), not just NAME.
   */
  private MockResponse asTable(RecordedRequest request, String path) {
    MockResponse plain = super.dispatch(request);
    JsonNode body;
    try {
      body = JSON.readTree(plain.getBody().getBytes());
    } catch (java.io.IOException | RuntimeException e) {
      return plain;
    }
    if (body == null || !body.has("kind") || "Status".equals(body.path("kind").asText())) {
      return plain;
    }
    List<JsonNode> objects = new java.util.ArrayList<>();
    if (body.has("items")) {
      body.path("items").forEach(objects::add);
    } else {
      objects.add(body);
    }
    // /api/v1/[namespaces/NS/]PLURAL[/NAME] or /apis/GROUP/VERSION/[namespaces/NS/]PLURAL[/NAME]
    String[] parts = path.split("/");
    int at = path.startsWith("/api/") ? 3 : 4;
    if (parts.length > at + 1 && parts[at].equals("namespaces")) {
      at += 2;
    }
    if (parts.length <= at) {
      return plain;
    }
    String plural = parts[at];
    String groupVersion = path.startsWith("/api/") ? "v1" : parts[2] + "/" + parts[3];
    List<Column> columns = columns(groupVersion, plural);
    ObjectNode table =
        JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table
        .putObject("metadata")
        .put("resourceVersion", body.path("metadata").path("resourceVersion").asText(""));
    ArrayNode defs = table.putArray("columnDefinitions");
    defs.addObject()
        .put("name", "Name")
        .put("type", "string")
        .put("format", "name")
        .put("priority", 0);
    for (Column c : columns) {
      defs.addObject()
          .put("name", c.name())
          .put("type", c.type())
          .put("format", "")
          .put("priority", c.priority());
    }
    defs.addObject().put("name", "Age").put("type", "string").put("format", "").put("priority", 0);
    ArrayNode rows = table.putArray("rows");
    for (JsonNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(o.path("metadata").path("name").asText());
      for (Column c : columns) {
        cells.add(c.value().apply(o));
      }
      cells.add(age(o.path("metadata").path("creationTimestamp").asText("")));
      ObjectNode partial =
          row.putObject("object")
              .put("kind", "PartialObjectMetadata")
              .put("apiVersion", "meta.k8s.io/v1");
      partial.set("metadata", o.path("metadata"));
    }
    return json(200, table);
  }

  /** One printed column: its header, type, priority (1: only with -o wide) and value. */
  private record Column(
      String name,
      String type,
      int priority,
      java.util.function.Function<JsonNode, String> value) {}

  private List<Column> columns(String groupVersion, String plural) {
    if (groupVersion.equals("v1") && plural.equals("pods")) {
      return List.of(
          new Column(
              "Ready",
              "string",
              0,
              o -> "Running".equals(o.path("status").path("phase").asText()) ? "1/1" : "0/1"),
          new Column(
              "Status",
              "string",
              0,
              o ->
                  o.path("status")
                      .path("reason")
                      .asText(o.path("status").path("phase").asText("Pending"))),
          new Column("IP", "string", 1, o -> o.path("status").path("podIP").asText("<none>")),
          new Column("Node", "string", 1, o -> o.path("spec").path("nodeName").asText("<none>")));
    }
    List<Column> out = new java.util.ArrayList<>();
    for (JsonNode crd : crds()) {
      JsonNode spec = crd.path("spec");
      if (!spec.path("names").path("plural").asText().equals(plural)) {
        continue;
      }
      for (JsonNode v : spec.path("versions")) {
        if (!(spec.path("group").asText() + "/" + v.path("name").asText()).equals(groupVersion)) {
          continue;
        }
        for (JsonNode c : v.path("additionalPrinterColumns")) {
          String jsonPath = c.path("jsonPath").asText();
          out.add(
              new Column(
                  c.path("name").asText(),
                  c.path("type").asText("string"),
                  c.path("priority").asInt(0),
                  o -> evaluate(o, jsonPath)));
        }
      }
    }
    return out;
  }

  /**
   * The JSONPath subset printer columns use: {@code .a.b}, and a filter {@code [?(@.key=="value")]}
   * on an array. An absent value prints empty, as kubectl does.
   */
  static String evaluate(JsonNode o, String jsonPath) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "\\.([A-Za-z0-9_-]+)|\\[\\?\\(@\\.([A-Za-z0-9_-]+)==\"([^\"]*)\"\\)\\]")
            .matcher(jsonPath);
    JsonNode at = o;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return "";
      }
      end = m.end();
      if (m.group(1) != null) {
        at = at.path(m.group(1));
      } else {
        JsonNode found = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        for (JsonNode e : at) {
          if (m.group(3).equals(e.path(m.group(2)).asText())) {
            found = e;
            break;
          }
        }
        at = found;
      }
    }
    if (end != jsonPath.length() || at.isMissingNode() || at.isNull() || at.isContainerNode()) {
      return "";
    }
    return at.asText();
  }

  /** Age as kubectl prints it: 42s, 5m, 3h, 2d. */
  static String age(String timestamp) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    long s =
        Math.max(
            0,
            java.time.Duration.between(java.time.Instant.parse(timestamp), java.time.Instant.now())
                .toSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m";
    }
    if (s < 172800) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }

  /** The stored CRDs, read through the CRUD dispatcher. */
  private List<JsonNode> crds() {
    MockResponse r =
        super.dispatch(
            new RecordedRequest(
                "HTTP/1.1",
                HttpMethod.GET,
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                Headers.builder().build(),
                new Buffer()));
    try {
      JsonNode list = JSON.readTree(r.getBody().getBytes());
      List<JsonNode> items = new java.util.ArrayList<>();
      list.path("items").forEach(items::add);
      return items;
    } catch (java.io.IOException | RuntimeException e) {
      return List.of();
    }
  }

  private ObjectNode groups() {
    // group -> its versions, in order of appearance
    Map<String, java.util.LinkedHashSet<String>> groups = new LinkedHashMap<>();
    for (Builtin b : BUILTINS) {
      if (b.groupVersion().contains("/")) {
        String[] gv = b.groupVersion().split("/");
        groups.computeIfAbsent(gv[0], k -> new java.util.LinkedHashSet<>()).add(gv[1]);
      }
    }
    for (JsonNode crd : crds()) {
      String group = crd.path("spec").path("group").asText();
      for (JsonNode v : crd.path("spec").path("versions")) {
        if (v.path("served").asBoolean(true)) {
          groups
              .computeIfAbsent(group, k -> new java.util.LinkedHashSet<>())
              .add(v.path("name").asText());
        }
      }
    }
    ObjectNode out = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode list = out.putArray("groups");
    groups.forEach(
        (group, versions) -> {
          ObjectNode g = list.addObject().put("name", group);
          ArrayNode vs = g.putArray("versions");
          versions.forEach(
              v -> vs.addObject().put("groupVersion", group + "/" + v).put("version", v));
          String first = versions.iterator().next();
          g.putObject("preferredVersion")
              .put("groupVersion", group + "/" + first)
              .put("version", first);
        });
    return out;
  }

  private ObjectNode resources(String groupVersion) {
    ObjectNode out =
        JSON.createObjectNode()
            .put("kind", "APIResourceList")
            .put("apiVersion", "v1")
            .put("groupVersion", groupVersion);
    ArrayNode list = out.putArray("resources");
    for (Builtin b : BUILTINS) {
      if (b.groupVersion().equals(groupVersion)) {
        resource(
            list, b.plural(), b.kind().toLowerCase(), b.kind(), b.namespaced(), b.shortNames());
        if (b.plural().equals("pods")) {
          resource(list, "pods/status", "", "Pod", true)
              .putArray("verbs")
              .add("get")
              .add("patch")
              .add("update");
        }
      }
    }
    for (JsonNode crd : crds()) {
      JsonNode spec = crd.path("spec");
      for (JsonNode v : spec.path("versions")) {
        if (!(spec.path("group").asText() + "/" + v.path("name").asText()).equals(groupVersion)) {
          continue;
        }
        JsonNode names = spec.path("names");
        List<String> shortNames = new java.util.ArrayList<>();
        names.path("shortNames").forEach(s -> shortNames.add(s.asText()));
        resource(
            list,
            names.path("plural").asText(),
            names.path("singular").asText(),
            names.path("kind").asText(),
            "Namespaced".equals(spec.path("scope").asText()),
            shortNames.toArray(String[]::new));
        if (v.path("subresources").has("status")) {
          resource(
                  list,
                  names.path("plural").asText() + "/status",
                  "",
                  names.path("kind").asText(),
                  "Namespaced".equals(spec.path("scope").asText()))
              .putArray("verbs")
              .add("get")
              .add("patch")
              .add("update");
        }
      }
    }
    return out;
  }

  private static ObjectNode resource(
      ArrayNode list,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      String... shortNames) {
    ObjectNode r =
        list.addObject()
            .put("name", plural)
            .put("singularName", singular)
            .put("namespaced", namespaced)
            .put("kind", kind);
    if (!plural.contains("/")) {
      ArrayNode verbs = r.putArray("verbs");
      VERBS.forEach(verbs::add);
    }
    if (shortNames.length > 0) {
      ArrayNode s = r.putArray("shortNames");
      for (String n : shortNames) {
        s.add(n);
      }
    }
    return r;
  }

  static ObjectNode status(int code, String reason, String message) {
    return JSON.createObjectNode()
        .put("kind", "Status")
        .put("apiVersion", "v1")
        .put("status", "Failure")
        .put("message", message)
        .put("reason", reason)
        .put("code", code);
  }

  static MockResponse json(int code, JsonNode body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body.toString());
  }
}
