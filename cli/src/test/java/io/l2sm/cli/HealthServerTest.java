package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.l2sm.metrics.PartMetrics;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  @Test
  void aReplacedPartWaitsForItsPredecessorsPortAndThenAnswers() throws Exception {
    ServerSocket predecessor = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    InetSocketAddress port = (InetSocketAddress) predecessor.getLocalSocketAddress();
    // Without waiting, a taken port is an error that names it.
    assertThatThrownBy(() -> HealthServer.start(port, () -> null, () -> "starting"))
        .isInstanceOf(BindException.class)
        .hasMessageContaining("the probes' port " + port + " is taken");
    CompletableFuture<HealthServer> started =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return HealthServer.start(
                    port, () -> null, () -> "starting", Duration.ofSeconds(10));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Thread.sleep(600);
    assertThat(started).as("still waiting while the port is held").isNotDone();
    predecessor.close();
    try (HealthServer s = started.get(10, java.util.concurrent.TimeUnit.SECONDS)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + s.address().getPort();
      HttpResponse<String> live =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).isEqualTo("starting\n");
    }
  }

  @Test
  void metricsRecordedAnywhereInThePartAreServedWithTheJvms() throws Exception {
    int registries = Metrics.globalRegistry.getRegistries().size();
    Timer requests =
        Timer.builder("l2sm.test.requests").tag("outcome", "ok").register(Metrics.globalRegistry);
    try (HealthServer s =
        HealthServer.start(new InetSocketAddress("127.0.0.1", 0), () -> null, () -> null)) {
      requests.record(Duration.ofMillis(30));
      requests.record(Duration.ofMillis(50));
      HttpResponse<String> metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + s.address().getPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue(PartMetrics.CONTENT_TYPE);
      assertThat(metrics.body())
          .contains("l2sm_test_requests_seconds_count{outcome=\"ok\"} 2")
          .contains("l2sm_test_requests_seconds_sum{outcome=\"ok\"} 0.08")
          .containsPattern("(?m)^jvm_threads_live_threads [0-9.E]+$")
          .containsPattern("(?m)^process_uptime_seconds [0-9.E]+$");
    }
    // Closed, it no longer takes the part's meters.
    assertThat(Metrics.globalRegistry.getRegistries()).hasSize(registries);
  }
}
