package io.l2sm.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A long-running part's probes over HTTP: {@code /healthz} (liveness) and {@code /readyz}
 * (readiness). Each check answers null when all is well, or what is wrong: 200 "ok" or 503 with
 * that text, so a probe's failure says why.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
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
    s.start();
    return new HealthServer(s);
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
    byte[] body = (why == null ? "ok\n" : why + "\n").getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    x.sendResponseHeaders(why == null ? 200 : 503, body.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
