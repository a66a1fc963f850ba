package io.l2sm.api.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Channels to the controller's (or the IDCO's) gRPC API: mutual TLS with the caller's {@link
 * Credentials}, or plaintext to a controller started with {@code --allow-unauthenticated}.
 */
public final class GrpcChannels {
  private GrpcChannels() {}

  /**
   * @param target {@code host:port}
   * @param credentials this process's identity and the CA of the controller's certificate; null for
   *     plaintext
   */
  public static ManagedChannel open(String target, Credentials credentials) {
    if (credentials == null) {
      return NettyChannelBuilder.forTarget(target).usePlaintext().build();
    }
    return NettyChannelBuilder.forTarget(target, credentials.client()).build();
  }
}
