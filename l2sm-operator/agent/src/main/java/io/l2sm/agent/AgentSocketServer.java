package io.l2sm.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.l2sm.metrics.PartMetrics;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The unix socket the CNI shim talks to. One request per connection: a JSON object {@code {"env":
 * {...CNI_* variables...}, "stdin": "<network config>"}}; one reply: {@code {"exit": 0, "stdout":
 * "<CNI result>"}} or {@code {"exit": 1, "stdout": "<CNI error JSON>"}}. The shim prints {@code
 * stdout} and exits with {@code exit}, as the CNI spec asks of a plugin.
 */
public final class AgentSocketServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentSocketServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REQUEST = 1 << 20;

  private final NodeAgent agent;
  private final Path path;
  private final ServerSocketChannel server;
  private final ExecutorService workers = Executors.newCachedThreadPool();

  public AgentSocketServer(NodeAgent agent, Path path) throws IOException {
    this.agent = agent;
    this.path = path;
    Files.createDirectories(path.getParent());
    Files.deleteIfExists(path);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    // Only root (the kubelet, which runs the shim) may connect: a request plumbs pods' ports.
    Files.setPosixFilePermissions(
        path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    acceptor = new Thread(this::accept, "cni-socket");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private final Thread acceptor;

  /**
   * Why CNI requests are not taken (the socket is closed, gone or its thread died); null if they
   * are.
   */
  public String notServing() {
    if (!server.isOpen() || !acceptor.isAlive()) {
      return "the CNI socket " + path + " is not served";
    }
    if (!Files.exists(path)) {
      return "the CNI socket " + path + " was removed";
    }
    return null;
  }

  private void accept() {
    while (server.isOpen()) {
      try {
        SocketChannel c = server.accept();
        workers.submit(() -> serve(c));
      } catch (IOException e) {
        if (server.isOpen()) {
          LOG.warn("accept on {}: {}", path, e.toString());
        }
      }
    }
  }

  private void serve(SocketChannel c) {
    try (c;
        InputStream in = Channels.newInputStream(c);
        OutputStream out = Channels.newOutputStream(c)) {
      byte[] req = in.readNBytes(MAX_REQUEST);
      Reply reply = handle(new String(req, StandardCharsets.UTF_8));
      out.write((reply.exit() + "\n" + reply.stdout()).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("CNI request on {}: {}", path, e.toString());
    }
  }

  /** What the plugin exits with and prints. */
  record Reply(int exit, String stdout) {}

  /** A request as the shim frames it: {@code NAME=VALUE} lines, an empty line, the config. */
  record Envelope(Map<String, String> env, String stdin) {}

  static Envelope envelope(String request) {
    int split = request.indexOf("\n\n");
    String head = split < 0 ? request : request.substring(0, split);
    String stdin = split < 0 ? "" : request.substring(split + 2);
    Map<String, String> env = new HashMap<>();
    for (String line : head.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new Envelope(env, stdin);
  }

  /**
   * Answers one request, timed in {@code l2sm.cni.requests} (Micrometer's global registry, which
   * the agent's {@code /metrics} serves) by CNI command and outcome: {@code ok}, or the CNI error
   * code.
   */
  Reply handle(String request) {
    long start = System.nanoTime();
    Envelope e0 = envelope(request);
    Reply reply = answer(e0);
    Timer.builder("l2sm.cni.requests")
        .description("CNI requests the agent answered, by command and outcome.")
        .tag("command", e0.env().getOrDefault("CNI_COMMAND", "none"))
        .tag("outcome", reply.exit() == 0 ? "ok" : "error")
        .serviceLevelObjectives(BUCKETS)
        .register(Metrics.globalRegistry)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return reply;
  }

  /** Buckets of the CNI request timer: a port plumbed on a quiet node up to a runtime's timeout. */
  private static final Duration[] BUCKETS =
      PartMetrics.millis(10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000);

  private Reply answer(Envelope e0) {
    Map<String, String> env = e0.env();
    String stdin = e0.stdin();
    String cniVersion = "1.0.0";
    String network = "";
    try {
      JsonNode config = JSON.readTree(stdin);
      cniVersion = config.path("cniVersion").asText("1.0.0");
      network = config.path("l2smNetwork").asText(config.path("name").asText(""));
    } catch (IOException | RuntimeException ignored) {
      // the agent reports the decode error itself
    }
    // Each log line of the request names its pod and network (fields of the JSON log lines).
    try (MDC.MDCCloseable pod = MDC.putCloseable("pod", pod(env.getOrDefault("CNI_ARGS", "")));
        MDC.MDCCloseable net = MDC.putCloseable("network", network)) {
      try {
        return new Reply(0, agent.handle(env, stdin));
      } catch (CniException e) {
        return new Reply(1, error(cniVersion, e.code(), e.getMessage(), e.details()));
      } catch (RuntimeException e) {
        LOG.error("CNI request failed", e);
        return new Reply(
            1, error(cniVersion, CniException.IO_FAILURE, String.valueOf(e.getMessage()), ""));
      }
    }
  }

  /** {@code namespace/name} of the pod CNI_ARGS names, or "" when it names none. */
  static String pod(String cniArgs) {
    Map<String, String> args = new HashMap<>();
    for (String kv : cniArgs.split(";")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        args.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    String name = args.get("K8S_POD_NAME");
    return name == null ? "" : args.getOrDefault("K8S_POD_NAMESPACE", "") + "/" + name;
  }

  static String error(String version, int code, String msg, String details) {
    ObjectNode e =
        JSON.createObjectNode().put("cniVersion", version).put("code", code).put("msg", msg);
    if (details != null && !details.isEmpty()) {
      e.put("details", details);
    }
    return e.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
    workers.shutdownNow();
    Files.deleteIfExists(path);
  }
}
