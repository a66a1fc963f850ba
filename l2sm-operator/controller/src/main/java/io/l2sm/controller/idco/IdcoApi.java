package io.l2sm.controller.idco;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.l2sm.controller.flow.FlowCompiler;
import io.l2sm.controller.model.ControllerException;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.model.Kind;
import io.l2sm.controller.model.NetworkState;
import io.l2sm.controller.model.SwitchState;
import io.l2sm.controller.service.ControllerService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IDCO's northbound REST API: inter-cluster networks and which clusters they join. Each cluster
 * is an edge of the network in the IDCO's controller (the cluster's gateway switch, reached through
 * the tunnel its edge device has towards it), so the IDCO's flows carry the network from every
 * member cluster's edge device to every other, along a loop-free tree of the edge devices.
 *
 * <p>Every {@code /api} call needs {@code Authorization: Bearer TOKEN}: no token or an unknown one
 * is 401, a read-only token on a change is 403; neither changes anything. Bodies are JSON of at
 * most {@value #MAX_BODY} bytes (413 beyond), and a malformed one is 400 with what is wrong. The
 * document {@code /openapi.yaml} describes it all.
 */
public final class IdcoApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IdcoApi.class);
  static final int MAX_BODY = 64 * 1024;
  private static final long DRAIN_LIMIT = 1 << 20;
  static final String OPENAPI = "/io/l2sm/controller/idco/openapi.yaml";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?";
  private static final Pattern NETWORK = Pattern.compile("/api/v1/networks/(" + NAME + ")");
  private static final Pattern MEMBER =
      Pattern.compile("/api/v1/networks/(" + NAME + ")/clusters/(" + NAME + ")");

  /** An answer that is not 2xx, with its status code. */
  static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    /** For a 405: the methods the resource takes (the Allow header); null otherwise. */
    final String allow;

    HttpError(int status, String message) {
      this(status, message, null);
    }

    HttpError(int status, String message, String allow) {
      super(message);
      this.status = status;
      this.allow = allow;
    }
  }

  private final HttpServer server;
  private final ControllerService core;
  private final Tokens tokens;
  private final byte[] openapi;

  public IdcoApi(InetSocketAddress bind, ControllerService core, Tokens tokens) throws IOException {
    this(bind, core, tokens, null);
  }

  /** As above, over HTTPS with {@code tls} (the IDCO's certificate) when it is given. */
  public IdcoApi(
      InetSocketAddress bind, ControllerService core, Tokens tokens, javax.net.ssl.SSLContext tls)
      throws IOException {
    this.core = core;
    this.tokens = tokens;
    try (InputStream in = IdcoApi.class.getResourceAsStream(OPENAPI)) {
      if (in == null) {
        throw new IOException(OPENAPI + " is not on the classpath");
      }
      openapi = in.readAllBytes();
    }
    if (tls == null) {
      server = HttpServer.create(bind, 64);
    } else {
      com.sun.net.httpserver.HttpsServer https =
          com.sun.net.httpserver.HttpsServer.create(bind, 64);
      https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
      server = https;
    }
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange x) throws IOException {
    String method = x.getRequestMethod();
    String path = x.getRequestURI().getPath();
    try {
      if (path.equals("/healthz")) {
        requireMethod(method, "GET");
        send(x, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (path.equals("/openapi.yaml")) {
        requireMethod(method, "GET");
        send(x, 200, "application/yaml", openapi);
        return;
      }
      if (!path.startsWith("/api/")) {
        throw new HttpError(404, "no such path: " + path);
      }
      boolean change = !method.equals("GET");
      Tokens.Client client = authorise(x, change);
      JsonNode reply = route(x, method, path);
      if (change) {
        LOG.info("{} {} by {}", method, path, client.name());
      }
      if (reply == null) {
        send(x, 204, null, new byte[0]);
      } else {
        send(x, 200, "application/json", JSON.writeValueAsBytes(reply));
      }
    } catch (HttpError e) {
      if (e.allow != null) {
        x.getResponseHeaders().set("Allow", e.allow);
      }
      error(x, e.status, e.getMessage());
    } catch (ControllerException e) {
      error(x, status(e.reason()), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("{} {}: {}", method, path, e.toString());
      error(x, 500, "internal error: " + e.getMessage());
    }
  }

  private Tokens.Client authorise(HttpExchange x, boolean change) {
    String header = x.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"l2sm-idco\"");
      throw new HttpError(401, "authentication required: Authorization: Bearer TOKEN");
    }
    Optional<Tokens.Client> c = tokens.client(header.substring("Bearer ".length()).strip());
    if (c.isEmpty()) {
      x.getResponseHeaders()
          .add("WWW-Authenticate", "Bearer realm=\"l2sm-idco\", error=\"invalid_token\"");
      throw new HttpError(401, "unknown token");
    }
    if (change && c.get().role() != Tokens.Role.WRITE) {
      throw new HttpError(403, "client " + c.get().name() + " may read but not change networks");
    }
    return c.get();
  }

  private JsonNode route(HttpExchange x, String method, String path) throws IOException {
    if (path.equals("/api/v1/networks")) {
      requireMethod(method, "GET");
      DesiredState s = core.state();
      ObjectNode out = JSON.createObjectNode();
      ArrayNode list = out.putArray("networks");
      s.networks().values().forEach(n -> list.add(network(s, n)));
      return out;
    }
    if (path.equals("/api/v1/edge-devices")) {
      requireMethod(method, "GET");
      return edgeDevices();
    }
    Matcher m = MEMBER.matcher(path);
    if (m.matches()) {
      String name = m.group(1);
      String cluster = m.group(3);
      switch (method) {
        case "PUT" -> {
          Kind kind = kind(body(x));
          return join(name, cluster, kind);
        }
        case "DELETE" -> {
          leave(name, cluster);
          return null;
        }
        default -> throw methodNotAllowed(method, "PUT, DELETE");
      }
    }
    m = NETWORK.matcher(path);
    if (m.matches()) {
      String name = m.group(1);
      switch (method) {
        case "GET" -> {
          DesiredState s = core.state();
          NetworkState n = s.networks().get(name);
          if (n == null) {
            throw new HttpError(404, "no network " + name);
          }
          return network(s, n);
        }
        case "PUT" -> {
          Kind kind = kind(body(x));
          NetworkState n = await(core.createNetwork(name, kind, 0));
          return network(core.state(), n);
        }
        case "DELETE" -> {
          if (!core.state().networks().containsKey(name)) {
            throw new HttpError(404, "no network " + name);
          }
          await(core.deleteNetwork(name, true));
          return null;
        }
        default -> throw methodNotAllowed(method, "GET, PUT, DELETE");
      }
    }
    throw new HttpError(
        404,
        "no such resource: "
            + path
            + " (network and cluster names are lower-case letters, digits, '-' and '.')");
  }

  /** A cluster joins a network, which is created with this kind if it does not exist yet. */
  private JsonNode join(String name, String cluster, Kind kind) {
    for (int attempt = 0; ; attempt++) {
      await(core.createNetwork(name, kind, 0));
      try {
        NetworkState n = await(core.addEdge(name, cluster));
        return network(core.state(), n);
      } catch (ControllerException e) {
        // The last member left and the network went in between: create it again.
        if (e.reason() != ControllerException.Reason.NOT_FOUND || attempt >= 2) {
          throw e;
        }
      }
    }
  }

  /** A cluster leaves a network; the network goes with its last cluster. */
  private void leave(String name, String cluster) {
    NetworkState n = core.state().networks().get(name);
    if (n == null || !n.edges().contains(cluster)) {
      throw new HttpError(404, "cluster " + cluster + " is not in network " + name);
    }
    NetworkState after = await(core.removeEdge(name, cluster));
    if (after.edges().isEmpty()) {
      try {
        await(core.deleteNetwork(name, true));
      } catch (ControllerException e) {
        if (e.reason() != ControllerException.Reason.NOT_FOUND) {
          throw e;
        }
      }
    }
  }

  private static Kind kind(JsonNode body) {
    JsonNode k = body.path("kind");
    if (k.isMissingNode() || k.isNull()) {
      return Kind.VNET;
    }
    if (!k.isTextual()) {
      throw new HttpError(400, "kind must be a string: vnet or vlink");
    }
    return switch (k.asText()) {
      case "vnet" -> Kind.VNET;
      case "vlink" -> Kind.VLINK;
      default -> throw new HttpError(400, "kind '" + k.asText() + "' is not vnet or vlink");
    };
  }

  /** The request's JSON object (an empty body is an empty object). */
  private static JsonNode body(HttpExchange x) throws IOException {
    byte[] bytes;
    try (InputStream in = x.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        // Read (a bounded part of) the rest, so the client gets the answer, not a reset.
        byte[] sink = new byte[8192];
        long drained = 0;
        for (int n; drained < DRAIN_LIMIT && (n = in.read(sink)) > 0; ) {
          drained += n;
        }
        throw new HttpError(413, "the body is over " + MAX_BODY + " bytes");
      }
    }
    if (bytes.length == 0) {
      return JSON.createObjectNode();
    }
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new HttpError(
          400,
          "the body is not JSON: "
              + e.getOriginalMessage()
              + " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    }
    if (!body.isObject()) {
      throw new HttpError(400, "the body must be a JSON object, like {\"kind\": \"vnet\"}");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("kind")) {
                throw new HttpError(400, "unknown field '" + f + "' (the body has only kind)");
              }
            });
    return body;
  }

  private ObjectNode network(DesiredState s, NetworkState n) {
    ObjectNode o =
        JSON.createObjectNode()
            .put("name", n.name())
            .put("kind", n.kind() == Kind.VLINK ? "vlink" : "vnet")
            .put("vni", n.vni());
    ArrayNode clusters = o.putArray("clusters");
    n.edges().forEach(clusters::add);
    // A cluster is connected when an edge device of ours that is online has a tunnel to it.
    ArrayNode connected = o.putArray("connectedClusters");
    for (String c : FlowCompiler.edges(s, n)) {
      boolean online =
          s.switches().values().stream()
              .anyMatch(w -> w.tunnels().containsKey(c) && core.isConnected(w.node()));
      if (online) {
        connected.add(c);
      }
    }
    return o;
  }

  private JsonNode edgeDevices() {
    DesiredState s = core.state();
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("edgeDevices");
    for (SwitchState w : s.switches().values()) {
      ObjectNode d =
          list.addObject()
              .put("name", w.node())
              .put("dpid", SwitchState.dpidHex(w.dpid()))
              .put("connected", core.isConnected(w.node()));
      ArrayNode neighbours = d.putArray("neighbours");
      ArrayNode clusters = d.putArray("clusters");
      w.tunnels()
          .keySet()
          .forEach(p -> (s.switches().containsKey(p) ? neighbours : clusters).add(p));
    }
    return out;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
      if (c instanceof ControllerException ce) {
        throw ce;
      }
      throw new IllegalStateException(c);
    } catch (TimeoutException e) {
      throw new HttpError(504, "the edge devices did not confirm the change within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpError(503, "interrupted");
    }
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw methodNotAllowed(method, allowed);
    }
  }

  private static HttpError methodNotAllowed(String method, String allowed) {
    return new HttpError(405, method + " is not allowed here (allowed: " + allowed + ")", allowed);
  }

  private static int status(ControllerException.Reason r) {
    return switch (r) {
      case INVALID_ARGUMENT -> 400;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, FAILED_PRECONDITION -> 409;
      case RESOURCE_EXHAUSTED -> 507;
      default -> 503;
    };
  }

  private static void error(HttpExchange x, int status, String message) throws IOException {
    ObjectNode o = JSON.createObjectNode().put("status", status).put("message", message);
    send(x, status, "application/json", JSON.writeValueAsBytes(o));
  }

  private static void send(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    // Whatever is left of the request is not read: the connection is closed after the answer.
    if (type != null) {
      x.getResponseHeaders().set("Content-Type", type);
    }
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
