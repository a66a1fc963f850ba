package io.l2sm.controller.northbound;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.service.ControllerService;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The small HTTP surface: {@code /healthz} (liveness: 200 while the process serves HTTP), {@code
 * /readyz} (readiness: 200 only once the state is loaded and the gRPC and OpenFlow ports are bound,
 * 503 with what is missing before), {@code /status} (the gRPC Status message as JSON) and {@code
 * /metrics} (Prometheus text format).
 */
public final class RestApi implements AutoCloseable {
  private final HttpServer server;
  private final ControllerService core;
  private final GrpcApi grpc;
  private volatile String notReady = "the OpenFlow port is not bound yet";

  public RestApi(InetSocketAddress bind, ControllerService core, GrpcApi grpc) throws IOException {
    this.core = core;
    this.grpc = grpc;
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
    server.createContext("/metrics", x -> send(x, 200, "text/plain; version=0.0.4", metrics()));
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
    DesiredState s = core.state();
    StringBuilder b = new StringBuilder();
    gauge(b, "l2sm_networks", "Networks the controller holds.", s.networks().size());
    gauge(b, "l2sm_attachments", "Attachments the controller holds.", s.attachments().size());
    gauge(b, "l2sm_switches", "Switches registered by node agents.", s.switches().size());
    gauge(
        b,
        "l2sm_switches_connected",
        "Switches connected over OpenFlow.",
        core.connectedSwitches());
    b.append("# HELP l2sm_flows Flows installed on each switch by the controller.\n")
        .append("# TYPE l2sm_flows gauge\n");
    s.switches()
        .keySet()
        .forEach(
            n ->
                b.append("l2sm_flows{node=\"")
                    .append(n)
                    .append("\"} ")
                    .append(core.installedFlows(n))
                    .append('\n'));
    counter(
        b, "l2sm_packet_ins_total", "Packet-ins received (0 in steady state).", core.packetIns());
    counter(b, "l2sm_flow_mods_total", "Flow and meter mods sent.", core.flowMods());
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    gauge(b, "l2sm_jvm_heap_used_bytes", "Heap in use, garbage included.", heap.getUsed());
    return b.toString();
  }

  private static void gauge(StringBuilder b, String name, String help, long v) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(v);
    b.append('\n');
  }

  private static void counter(StringBuilder b, String name, String help, long v) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v);
    b.append('\n');
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
