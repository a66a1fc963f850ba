package io.l2sm.operator;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.api.grpc.v1.GetNetworkRequest;
import io.l2sm.api.v1.NetworkKind;
import java.util.concurrent.TimeUnit;

/** {@link ControllerClient} over the controller's gRPC API. */
public final class GrpcControllerClient implements ControllerClient {
  private final ManagedChannel channel;
  private final boolean owned;

  /** As above, over mutual TLS with the operator's credentials when they are given. */
  public GrpcControllerClient(String target, io.l2sm.api.grpc.Credentials credentials) {
    this(io.l2sm.api.grpc.GrpcChannels.open(target, credentials), true);
  }

  /** A client over an existing channel (not closed by {@link #close()}). */
  public GrpcControllerClient(ManagedChannel channel) {
    this(channel, false);
  }

  private GrpcControllerClient(ManagedChannel channel, boolean owned) {
    this.channel = channel;
    this.owned = owned;
  }

  /** Why the controller cannot be reached now (its channel failed to connect); null when it can. */
  public String unreachable() {
    io.grpc.ConnectivityState st = channel.getState(true);
    return st == io.grpc.ConnectivityState.TRANSIENT_FAILURE
            || st == io.grpc.ConnectivityState.SHUTDOWN
        ? "the controller " + channel.authority() + " is unreachable (" + st + ")"
        : null;
  }

  private ControllerGrpc.ControllerBlockingStub stub() {
    return ControllerGrpc.newBlockingStub(channel)
        .withWaitForReady()
        .withDeadlineAfter(15, TimeUnit.SECONDS);
  }

  @Override
  public int ensureNetwork(String name, NetworkKind kind, int vni, String cidr, String range) {
    io.l2sm.api.grpc.v1.NetworkKind k =
        kind == NetworkKind.VLINK
            ? io.l2sm.api.grpc.v1.NetworkKind.VLINK
            : io.l2sm.api.grpc.v1.NetworkKind.VNET;
    try {
      return stub()
          .createNetwork(
              CreateNetworkRequest.newBuilder()
                  .setName(name)
                  .setKind(k)
                  .setVni(vni)
                  .setCidr(cidr == null ? "" : cidr)
                  .setRange(range == null ? "" : range)
                  .build())
          .getVni();
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
  }

  @Override
  public void deleteNetwork(String name) {
    try {
      stub().deleteNetwork(DeleteNetworkRequest.newBuilder().setName(name).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw failure(e);
      }
    }
  }

  @Override
  public void setEdges(String name, java.util.List<String> edges) {
    try {
      stub()
          .setEdges(
              io.l2sm.api.grpc.v1.SetEdgesRequest.newBuilder()
                  .setNetwork(name)
                  .addAllEdges(edges)
                  .build());
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
  }

  @Override
  public int attachmentCount(String name) {
    try {
      return stub()
          .getNetwork(GetNetworkRequest.newBuilder().setName(name).build())
          .getAttachmentsCount();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return 0;
      }
      throw failure(e);
    }
  }

  private static CallException failure(StatusRuntimeException e) {
    return new CallException(
        e.getStatus().getCode().name(),
        e.getStatus().getDescription() == null
            ? e.getStatus().getCode().name()
            : e.getStatus().getDescription());
  }

  @Override
  public void close() {
    if (owned) {
      channel.shutdownNow();
    }
  }
}
