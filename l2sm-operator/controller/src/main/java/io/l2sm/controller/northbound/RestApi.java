package io.l2sm.controller.northbound;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.l2sm.controller.service.ControllerMeters;
import io.l2sm.controller.service.ControllerService;
import io.l2sm.metrics.PartMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The small HTTP surface: {@code /healthz} (liveness: 200 while the process serves HTTP), {@code
 * /readyz} (readiness: 200 only once the state is loaded and the gRPC and OpenFlow ports are bound,
 * 503 with what is missing before), {@code /status} (the gRPC Status message as JSON) and {@code
 * /metrics} ({@link ControllerMeters} and the JVM's, in the Prometheus text format).
 */
public final class RestApi implements AutoCloseable {
  private final HttpServer server;
  private final GrpcApi grpc;
  private volatile String notReady = "the OpenFlow port is not bound yet";
  private final PrometheusMeterRegistry metrics = PartMetrics.create();

  public RestApi(InetSocketAddress bind, ControllerService core, GrpcApi grpc) throws IOException {
    this.grpc = grpc;
    new ControllerMeters(core).bindTo(metrics);
    server = HttpServer.create(bind, 16);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/healthz", x -> send(x, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        x -> {
          String why = notReady;
          send(x, why == null ? 200 : 503, "text/plain", why == null ? "ready\n" : why + "\n");
        });
    server.createContext(
        "/status",
        x -> send(x, 200, "application/json", JsonFormat.printer().print(grpc.status()) + "\n"));
    server.createContext("/metrics", x -> send(x, 200, PartMetrics.CONTENT_TYPE, metrics()));
    server.start();
  }

  /** Marks the controller ready: every port bound, the state loaded. */
  public void ready() {
    notReady = null;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  String metrics() {
    return metrics.scrape();
  }

  private static void send(HttpExchange x, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(code, bytes.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
