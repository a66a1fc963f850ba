package io.l2sm.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.l2sm.metrics.PartMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A long-running part's probes over HTTP: {@code /healthz} (liveness) and {@code /readyz}
 * (readiness). Each check answers null when all is well, or what is wrong: 200 "ok" or 503 with
 * that text, so a probe's failure says why. Also {@code /metrics}: the meters the part records in
 * Micrometer's global registry (reconciles, CNI requests) and the JVM's, in the Prometheus text
 * format ({@link PartMetrics}).
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;
  private final PrometheusMeterRegistry metrics;

  private HealthServer(HttpServer server, PrometheusMeterRegistry metrics) {
    this.server = server;
    this.metrics = metrics;
  }

  /**
   * Serves the probes on {@code bind} (port 0: a free one).
   *
   * @param live null while the process does its work, else why not
   * @param ready null once it can take work, else what it waits for
   */
  public static HealthServer start(
      InetSocketAddress bind, Supplier<String> live, Supplier<String> ready) throws IOException {
    return start(bind, live, ready, java.time.Duration.ZERO);
  }

  /**
   * The same, waiting up to {@code wait} for the port to be free: a part on the host's network (a
   * node's agent) replaced at once shares the port with its predecessor until that one has gone.
   */
  public static HealthServer start(
      InetSocketAddress bind,
      Supplier<String> live,
      Supplier<String> ready,
      java.time.Duration wait)
      throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    HttpServer s;
    for (int attempt = 0; ; attempt++) {
      try {
        s = HttpServer.create(bind, 8);
        break;
      } catch (java.net.BindException e) {
        if (System.nanoTime() > deadline) {
          throw new java.net.BindException(
              "the probes' port " + bind + " is taken: " + e.getMessage());
        }
        if (attempt % 50 == 0) {
          org.slf4j.LoggerFactory.getLogger(HealthServer.class)
              .warn("the probes' port {} is taken; waiting for it (up to {})", bind, wait);
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException i) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    s.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "health");
              t.setDaemon(true);
              return t;
            }));
    s.createContext("/healthz", x -> answer(x, live));
    s.createContext("/readyz", x -> answer(x, ready));
    PrometheusMeterRegistry metrics = PartMetrics.create();
    Metrics.addRegistry(metrics);
    s.createContext("/metrics", x -> send(x, 200, PartMetrics.CONTENT_TYPE, metrics.scrape()));
    s.start();
    return new HealthServer(s, metrics);
  }

  /** The registry {@code /metrics} serves, for the part's own meters. */
  public MeterRegistry metrics() {
    return metrics;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void answer(HttpExchange x, Supplier<String> check) throws IOException {
    String why;
    try {
      why = check.get();
    } catch (RuntimeException e) {
      why = "the check failed: " + e;
    }
    send(
        x, why == null ? 200 : 503, "text/plain; charset=utf-8", why == null ? "ok\n" : why + "\n");
  }

  private static void send(HttpExchange x, int status, String type, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    Metrics.removeRegistry(metrics);
    metrics.close();
  }
}
