package io.l2sm.api.grpc;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Channels to the controller's (or the IDCO's) gRPC API: mutual TLS with the caller's {@link
 * Credentials}, or plaintext to a controller started with {@code --allow-unauthenticated}.
 *
 * <p>A channel keeps itself connected: gRPC's own policy leaves a channel whose server went away
 * idle until the next call, and backs off up to two minutes between attempts while the server is
 * down, so the first call after a controller restart paid for a new connection and its TLS
 * handshake, or waited out the back-off. Every channel opened here is looked at every {@link
 * #RETRY_MS} ms: an idle one connects, an unreachable one tries again.
 */
public final class GrpcChannels {
  /** How often a channel whose server is unreachable tries again. */
  public static final long RETRY_MS = 250;

  /**
   * How long one connection attempt may take. Netty's default (30 s) kept an agent off a restarted
   * controller for that long: its first SYN to the controller's Service went out while the Service
   * had no endpoint, the conntrack entry it made carries no translation, and every retransmission
   * of that SYN follows the entry nowhere. A new attempt has a new source port, so a new entry.
   */
  public static final int CONNECT_TIMEOUT_MS = 2_000;

  private static final Set<ManagedChannel> OPEN = ConcurrentHashMap.newKeySet();

  static {
    ScheduledExecutorService monitor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "grpc-reconnect");
              t.setDaemon(true);
              return t;
            });
    monitor.scheduleWithFixedDelay(
        GrpcChannels::reconnect, RETRY_MS, RETRY_MS, TimeUnit.MILLISECONDS);
  }

  private GrpcChannels() {}

  /**
   * @param target {@code host:port}
   * @param credentials this process's identity and the CA of the controller's certificate; null for
   *     plaintext
   */
  public static ManagedChannel open(String target, Credentials credentials) {
    NettyChannelBuilder builder =
        credentials == null
            ? NettyChannelBuilder.forTarget(target).usePlaintext()
            : NettyChannelBuilder.forTarget(target, credentials.client());
    ManagedChannel channel =
        builder
            .withOption(
                io.grpc.netty.shaded.io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS,
                CONNECT_TIMEOUT_MS)
            .build();
    OPEN.add(channel);
    return channel;
  }

  private static void reconnect() {
    for (ManagedChannel channel : OPEN) {
      ConnectivityState state = channel.getState(false);
      switch (state) {
        case SHUTDOWN -> OPEN.remove(channel);
        case IDLE -> channel.getState(true);
        case TRANSIENT_FAILURE -> channel.resetConnectBackoff();
        default -> {}
      }
    }
  }
}
