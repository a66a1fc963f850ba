package io.l2sm.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GrpcChannelsTest {

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aChannelWhoseServerWasDownForSecondsConnectsWithinTwoRetriesOfItsReturn() throws Exception {
    int port = freePort();
    ManagedChannel channel = GrpcChannels.open("127.0.0.1:" + port, null);
    try {
      channel.getState(true);
      // Down for 6.5 s: gRPC's own attempts (back-off 1 s, times 1.6 each, jitter 20%) fall at
      // most 6.2 s and at least 7.4 s after the first, so none lands in the window below.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE);
      Thread.sleep(6500);
      assertThat(channel.getState(false)).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
      Server server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)).build().start();
      try {
        long t0 = System.nanoTime();
        await()
            .atMost(Duration.ofMillis(2 * GrpcChannels.RETRY_MS))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> channel.getState(false) == ConnectivityState.READY);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2 * GrpcChannels.RETRY_MS);
      } finally {
        server.shutdownNow();
      }
      // Gone again: the channel notices, and is connected again when the server returns.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> channel.getState(false) != ConnectivityState.READY);
      // Down for 2 s, so the channel has failed attempts behind it when the server returns.
      Thread.sleep(2000);
      Server again =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)).build().start();
      try {
        await()
            .atMost(Duration.ofMillis(2 * GrpcChannels.RETRY_MS))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> channel.getState(false) == ConnectivityState.READY);
      } finally {
        again.shutdownNow();
      }
    } finally {
      channel.shutdownNow();
    }
  }
}
