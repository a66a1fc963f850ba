package io.l2sm.api.grpc;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.Attachment;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.api.grpc.v1.DetachRequest;
import io.l2sm.api.grpc.v1.GetNetworkRequest;
import io.l2sm.api.grpc.v1.GetStatusRequest;
import io.l2sm.api.grpc.v1.ListNetworksRequest;
import io.l2sm.api.grpc.v1.Network;
import io.l2sm.api.grpc.v1.RegisterSwitchRequest;
import io.l2sm.api.grpc.v1.SetAdminStateRequest;
import io.l2sm.api.grpc.v1.SetEdgesRequest;
import io.l2sm.api.grpc.v1.SetMirrorRequest;
import io.l2sm.api.grpc.v1.SetPathRequest;
import io.l2sm.api.grpc.v1.SetRateLimitRequest;
import io.l2sm.api.grpc.v1.Status;
import io.l2sm.api.grpc.v1.Switch;
import io.l2sm.api.grpc.v1.UnregisterSwitchRequest;
import io.l2sm.api.grpc.v1.WatchEvent;
import io.l2sm.api.grpc.v1.WatchRequest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@link ControllerClient} over the controller's (or the IDCO's) gRPC API. */
public final class GrpcControllerClient implements ControllerClient {
  /** The deadline of a client that was not given one. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(15);

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final Duration deadline;
  private final boolean waitForReady;

  private GrpcControllerClient(
      ManagedChannel channel, boolean ownsChannel, Duration deadline, boolean waitForReady) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.deadline = deadline;
    this.waitForReady = waitForReady;
  }

  /**
   * Connects to {@code target} ({@code host:port}) over mutual TLS with {@code credentials}, or in
   * plaintext when they are null; {@link #close()} closes the connection (not the credentials).
   */
  public static GrpcControllerClient open(String target, Credentials credentials) {
    return new GrpcControllerClient(
        GrpcChannels.open(target, credentials), true, DEFAULT_DEADLINE, false);
  }

  /** A client over a channel someone else opened and closes. */
  public static GrpcControllerClient over(ManagedChannel channel) {
    return new GrpcControllerClient(channel, false, DEFAULT_DEADLINE, false);
  }

  @Override
  public GrpcControllerClient within(Duration deadline) {
    return new GrpcControllerClient(channel, false, deadline, false);
  }

  @Override
  public GrpcControllerClient patient(Duration deadline) {
    return new GrpcControllerClient(channel, false, deadline, true);
  }

  @Override
  public String unreachable() {
    ConnectivityState st = channel.getState(true);
    return st == ConnectivityState.TRANSIENT_FAILURE || st == ConnectivityState.SHUTDOWN
        ? "the controller " + channel.authority() + " is unreachable (" + st + ")"
        : null;
  }

  private <T> T call(Function<ControllerGrpc.ControllerBlockingStub, T> rpc) {
    ControllerGrpc.ControllerBlockingStub stub =
        ControllerGrpc.newBlockingStub(channel)
            .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    ControllerGrpc.ControllerBlockingStub s = waitForReady ? stub.withWaitForReady() : stub;
    return translated(() -> rpc.apply(s));
  }

  /** What {@code step} gives, its gRPC failure a {@link CallException}. */
  private static <T> T translated(Supplier<T> step) {
    try {
      return step.get();
    } catch (StatusRuntimeException e) {
      // A status the controller sent has no cause here; one made by the transport carries the
      // exception that made it (connection refused, reset).
      throw new CallException(
          e.getStatus().getCode().name(),
          e.getStatus().getDescription(),
          e.getStatus().getCause() != null,
          e);
    }
  }

  @Override
  public Network createNetwork(CreateNetworkRequest request) {
    return call(s -> s.createNetwork(request));
  }

  @Override
  public void deleteNetwork(DeleteNetworkRequest request) {
    call(s -> s.deleteNetwork(request));
  }

  @Override
  public Optional<Network> network(String name) {
    try {
      return Optional.of(
          call(s -> s.getNetwork(GetNetworkRequest.newBuilder().setName(name).build())));
    } catch (CallException e) {
      if (e.notFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<Network> networks() {
    return call(s -> s.listNetworks(ListNetworksRequest.getDefaultInstance())).getNetworksList();
  }

  @Override
  public Attachment attach(AttachRequest request) {
    return call(s -> s.attach(request));
  }

  @Override
  public void detach(String id) {
    call(s -> s.detach(DetachRequest.newBuilder().setId(id).build()));
  }

  @Override
  public Switch registerSwitch(RegisterSwitchRequest request) {
    return call(s -> s.registerSwitch(request));
  }

  @Override
  public void unregisterSwitch(String node) {
    call(s -> s.unregisterSwitch(UnregisterSwitchRequest.newBuilder().setNode(node).build()));
  }

  @Override
  public void setAdminState(SetAdminStateRequest request) {
    call(s -> s.setAdminState(request));
  }

  @Override
  public void setMirror(SetMirrorRequest request) {
    call(s -> s.setMirror(request));
  }

  @Override
  public void setRateLimit(SetRateLimitRequest request) {
    call(s -> s.setRateLimit(request));
  }

  @Override
  public void setPath(SetPathRequest request) {
    call(s -> s.setPath(request));
  }

  @Override
  public Network setEdges(String network, List<String> edges) {
    return call(
        s ->
            s.setEdges(
                SetEdgesRequest.newBuilder().setNetwork(network).addAllEdges(edges).build()));
  }

  @Override
  public Status status() {
    return call(s -> s.getStatus(GetStatusRequest.getDefaultInstance()));
  }

  @Override
  public Iterator<WatchEvent> watch() {
    Iterator<WatchEvent> events = call(s -> s.watch(WatchRequest.getDefaultInstance()));
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return translated(events::hasNext);
      }

      @Override
      public WatchEvent next() {
        return translated(events::next);
      }
    };
  }

  @Override
  public void close() {
    if (ownsChannel) {
      channel.shutdownNow();
    }
  }
}
