package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
