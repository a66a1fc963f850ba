package io.l2sm.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.api.grpc.v1.GetNetworkRequest;
import io.l2sm.api.grpc.v1.NetworkKind;
import io.l2sm.api.grpc.v1.SetAdminStateRequest;
import io.l2sm.api.grpc.v1.WatchEvent;
import io.l2sm.api.grpc.v1.WatchRequest;
import io.l2sm.controller.service.ControllerService;
import io.l2sm.controller.service.FileStateStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC and HTTP surfaces over a real core: statuses, the watch stream, health and metrics. */
class NorthboundTest {
  @TempDir Path dir;
  ControllerService core;
  Server server;
  ManagedChannel channel;
  ControllerGrpc.ControllerBlockingStub stub;
  RestApi rest;

  @BeforeEach
  void start() throws Exception {
    core = new ControllerService(new FileStateStore(dir), 100, 199, Duration.ofMillis(300));
    GrpcApi api = new GrpcApi(core);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(api).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    stub = ControllerGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    rest = new RestApi(new InetSocketAddress("127.0.0.1", 0), core, api);
  }

  @AfterEach
  void stop() {
    rest.close();
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void refusalsAreGrpcStatusesWithTheCoresMessage() {
    assertThatThrownBy(() -> stub.getNetwork(GetNetworkRequest.newBuilder().setName("x").build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessage("NOT_FOUND: no network x");
    assertThatThrownBy(
            () -> stub.createNetwork(CreateNetworkRequest.newBuilder().setName("a").build()))
        .hasMessage("INVALID_ARGUMENT: network a: kind must be VNET or VLINK");
    assertThatThrownBy(
            () -> stub.setAdminState(SetAdminStateRequest.newBuilder().setName("a").build()))
        .hasMessage("INVALID_ARGUMENT: target must be one of PORT, LINK, NETWORK");
    assertThatThrownBy(
            () -> stub.deleteNetwork(DeleteNetworkRequest.newBuilder().setName("nope").build()))
        .hasMessage("NOT_FOUND: no network nope");
  }

  @Test
  void watchStartsWithASnapshotThenStreamsChanges() {
    stub.createNetwork(
        CreateNetworkRequest.newBuilder().setName("a").setKind(NetworkKind.VNET).build());
    Iterator<WatchEvent> events =
        ControllerGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .watch(WatchRequest.getDefaultInstance());
    WatchEvent first = events.next();
    assertThat(first.getKind()).isEqualTo("snapshot");
    assertThat(first.getSnapshot().getNetworksList()).extracting("name").containsExactly("a");
    stub.createNetwork(
        CreateNetworkRequest.newBuilder().setName("b").setKind(NetworkKind.VLINK).build());
    WatchEvent next = events.next();
    assertThat(next.getKind()).isEqualTo("network");
    assertThat(next.getName()).isEqualTo("b");
    assertThat(next.getAction()).isEqualTo("added");
  }

  @Test
  void healthStatusAndMetricsAreServedOverHttp() throws Exception {
    stub.createNetwork(
        CreateNetworkRequest.newBuilder().setName("a").setKind(NetworkKind.VNET).build());
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + rest.address().getPort();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    // Ready only once told so (the daemon does after binding OpenFlow): live is not ready.
    HttpResponse<String> early =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(early.statusCode()).isEqualTo(503);
    assertThat(early.body()).isEqualTo("the OpenFlow port is not bound yet\n");
    rest.ready();
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    String status =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(status).contains("\"name\": \"a\"").contains("\"vni\": 100");
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("# TYPE l2sm_networks gauge\nl2sm_networks 1.0\n")
        .contains("# TYPE l2sm_packet_ins_total counter\nl2sm_packet_ins_total 0.0\n")
        .contains("# TYPE l2sm_flow_push_seconds histogram\n")
        .containsPattern("(?m)^l2sm_jvm_heap_used_bytes [0-9.E]+$")
        .containsPattern("(?m)^jvm_memory_used_bytes\\{area=\"heap\",.*\\} [0-9.E]+$");
  }
}
