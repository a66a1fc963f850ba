package io.l2sm.api.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** Channels to the controller's (or the IDCO's) gRPC API: plaintext, or TLS when given a CA. */
public final class GrpcChannels {
  private GrpcChannels() {}

  /**
   * @param target {@code host:port}
   * @param ca PEM file of the CA that signed the controller's certificate; null for plaintext
   */
  public static ManagedChannel open(String target, Path ca) {
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(target);
    if (ca == null) {
      return b.usePlaintext().build();
    }
    if (!Files.isReadable(ca)) {
      throw new IllegalArgumentException("the controller CA file " + ca + " is not readable");
    }
    try {
      return b.sslContext(GrpcSslContexts.forClient().trustManager(ca.toFile()).build()).build();
    } catch (SSLException e) {
      throw new UncheckedIOException("the controller CA file " + ca + " is not usable", e);
    }
  }
}
