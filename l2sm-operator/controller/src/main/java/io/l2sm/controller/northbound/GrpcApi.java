package io.l2sm.controller.northbound;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.l2sm.api.grpc.v1.AdminTarget;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.Attachment;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkResponse;
import io.l2sm.api.grpc.v1.DetachRequest;
import io.l2sm.api.grpc.v1.DetachResponse;
import io.l2sm.api.grpc.v1.GetNetworkRequest;
import io.l2sm.api.grpc.v1.GetStatusRequest;
import io.l2sm.api.grpc.v1.ListNetworksRequest;
import io.l2sm.api.grpc.v1.ListNetworksResponse;
import io.l2sm.api.grpc.v1.Network;
import io.l2sm.api.grpc.v1.NetworkKind;
import io.l2sm.api.grpc.v1.RegisterSwitchRequest;
import io.l2sm.api.grpc.v1.SetAdminStateRequest;
import io.l2sm.api.grpc.v1.SetAdminStateResponse;
import io.l2sm.api.grpc.v1.SetEdgesRequest;
import io.l2sm.api.grpc.v1.SetMirrorRequest;
import io.l2sm.api.grpc.v1.SetMirrorResponse;
import io.l2sm.api.grpc.v1.SetPathRequest;
import io.l2sm.api.grpc.v1.SetPathResponse;
import io.l2sm.api.grpc.v1.SetRateLimitRequest;
import io.l2sm.api.grpc.v1.SetRateLimitResponse;
import io.l2sm.api.grpc.v1.Switch;
import io.l2sm.api.grpc.v1.TunnelPort;
import io.l2sm.api.grpc.v1.UnregisterSwitchRequest;
import io.l2sm.api.grpc.v1.UnregisterSwitchResponse;
import io.l2sm.api.grpc.v1.WatchEvent;
import io.l2sm.api.grpc.v1.WatchRequest;
import io.l2sm.controller.model.AttachmentState;
import io.l2sm.controller.model.ControllerException;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.model.Kind;
import io.l2sm.controller.model.NetworkState;
import io.l2sm.controller.model.SwitchState;
import io.l2sm.controller.service.ControllerService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/** The gRPC face of {@link ControllerService}: message mapping and error statuses only. */
public final class GrpcApi extends ControllerGrpc.ControllerImplBase {
  private final ControllerService core;

  public GrpcApi(ControllerService core) {
    this.core = core;
  }

  @Override
  public void createNetwork(CreateNetworkRequest r, StreamObserver<Network> out) {
    Kind kind =
        switch (r.getKind()) {
          case VNET -> Kind.VNET;
          case VLINK -> Kind.VLINK;
          default -> null;
        };
    reply(
        core.createNetwork(
            r.getName(), kind, r.getVni(), r.getCidr(), r.getRange(), r.getFloodArp()),
        n -> network(core.state(), n),
        out);
  }

  @Override
  public void deleteNetwork(DeleteNetworkRequest r, StreamObserver<DeleteNetworkResponse> out) {
    reply(
        core.deleteNetwork(r.getName(), r.getForce()),
        v -> DeleteNetworkResponse.getDefaultInstance(),
        out);
  }

  @Override
  public void getNetwork(GetNetworkRequest r, StreamObserver<Network> out) {
    DesiredState s = core.state();
    NetworkState n = s.networks().get(r.getName());
    if (n == null) {
      out.onError(Status.NOT_FOUND.withDescription("no network " + r.getName()).asException());
      return;
    }
    out.onNext(network(s, n));
    out.onCompleted();
  }

  @Override
  public void listNetworks(ListNetworksRequest r, StreamObserver<ListNetworksResponse> out) {
    DesiredState s = core.state();
    ListNetworksResponse.Builder b = ListNetworksResponse.newBuilder();
    s.networks().values().forEach(n -> b.addNetworks(network(s, n)));
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void attach(AttachRequest r, StreamObserver<Attachment> out) {
    reply(
        core.attach(
            r.getId(), r.getNetwork(), r.getNode(), r.getPort(), r.getMac(), r.getIpsList()),
        a -> attachment(core.state(), a),
        out);
  }

  @Override
  public void detach(DetachRequest r, StreamObserver<DetachResponse> out) {
    reply(core.detach(r.getId()), v -> DetachResponse.getDefaultInstance(), out);
  }

  @Override
  public void registerSwitch(RegisterSwitchRequest r, StreamObserver<Switch> out) {
    Map<String, Long> tunnels = new LinkedHashMap<>();
    for (TunnelPort t : r.getTunnelsList()) {
      if (tunnels.put(t.getPeerNode(), (long) t.getPort()) != null) {
        out.onError(
            Status.INVALID_ARGUMENT
                .withDescription("two tunnels towards node " + t.getPeerNode())
                .asException());
        return;
      }
    }
    reply(core.registerSwitch(r.getNode(), r.getDpid(), tunnels), this::sw, out);
  }

  @Override
  public void unregisterSwitch(
      UnregisterSwitchRequest r, StreamObserver<UnregisterSwitchResponse> out) {
    reply(
        core.unregisterSwitch(r.getNode()),
        v -> UnregisterSwitchResponse.getDefaultInstance(),
        out);
  }

  @Override
  public void setAdminState(SetAdminStateRequest r, StreamObserver<SetAdminStateResponse> out) {
    CompletableFuture<Void> f =
        switch (r.getTarget()) {
          case PORT -> core.setPortEnabled(r.getName(), r.getEnabled());
          case LINK -> core.setLinkEnabled(r.getName(), r.getEnabled());
          case NETWORK -> core.setNetworkEnabled(r.getName(), r.getEnabled());
          default ->
              CompletableFuture.failedFuture(
                  new ControllerException(
                      ControllerException.Reason.INVALID_ARGUMENT,
                      "target must be one of "
                          + AdminTarget.PORT
                          + ", "
                          + AdminTarget.LINK
                          + ", "
                          + AdminTarget.NETWORK));
        };
    reply(f, v -> SetAdminStateResponse.getDefaultInstance(), out);
  }

  @Override
  public void setPath(SetPathRequest r, StreamObserver<SetPathResponse> out) {
    reply(
        core.setPath(r.getNetwork(), r.getNodesList()),
        v -> SetPathResponse.getDefaultInstance(),
        out);
  }

  @Override
  public void setEdges(SetEdgesRequest r, StreamObserver<Network> out) {
    reply(core.setEdges(r.getNetwork(), r.getEdgesList()), n -> network(core.state(), n), out);
  }

  @Override
  public void setMirror(SetMirrorRequest r, StreamObserver<SetMirrorResponse> out) {
    reply(
        core.setMirror(r.getSourceNetwork(), r.getSourceAttachment(), r.getMonitorAttachment()),
        v -> SetMirrorResponse.getDefaultInstance(),
        out);
  }

  @Override
  public void setRateLimit(SetRateLimitRequest r, StreamObserver<SetRateLimitResponse> out) {
    reply(
        core.setRateLimit(r.getAttachment(), r.getKbps()),
        v -> SetRateLimitResponse.getDefaultInstance(),
        out);
  }

  @Override
  public void getStatus(GetStatusRequest r, StreamObserver<io.l2sm.api.grpc.v1.Status> out) {
    out.onNext(status());
    out.onCompleted();
  }

  @Override
  public void watch(WatchRequest r, StreamObserver<WatchEvent> out) {
    ServerCallStreamObserver<WatchEvent> call = (ServerCallStreamObserver<WatchEvent>) out;
    Consumer<ControllerService.Event> w =
        e -> {
          synchronized (call) {
            if (!call.isCancelled()) {
              call.onNext(
                  WatchEvent.newBuilder()
                      .setKind(e.kind())
                      .setName(e.name())
                      .setAction(e.action())
                      .build());
            }
          }
        };
    call.setOnCancelHandler(() -> core.unwatch(w));
    synchronized (call) {
      call.onNext(WatchEvent.newBuilder().setKind("snapshot").setSnapshot(status()).build());
    }
    core.watch(w);
  }

  /** The status message, also served as JSON by the REST surface. */
  public io.l2sm.api.grpc.v1.Status status() {
    DesiredState s = core.state();
    io.l2sm.api.grpc.v1.Status.Builder b = io.l2sm.api.grpc.v1.Status.newBuilder();
    s.switches().values().forEach(w -> b.addSwitches(sw(w)));
    s.networks().values().forEach(n -> b.addNetworks(network(s, n)));
    s.links().forEach(l -> b.addLinks(l.toString()));
    return b.setPacketIns(core.packetIns()).setFlowMods(core.flowMods()).build();
  }

  private Switch sw(SwitchState w) {
    Switch.Builder b =
        Switch.newBuilder()
            .setNode(w.node())
            .setDpid(w.dpid())
            .setDpidHex(SwitchState.dpidHex(w.dpid()))
            .setConnected(core.isConnected(w.node()))
            .setFlows(core.installedFlows(w.node()))
            .setDesiredFlows(core.desiredFlowCount(w.node()));
    w.tunnels()
        .forEach((p, port) -> b.addTunnels(TunnelPort.newBuilder().setPeerNode(p).setPort(port)));
    return b.build();
  }

  private static Network network(DesiredState s, NetworkState n) {
    Network.Builder b =
        Network.newBuilder()
            .setName(n.name())
            .setKind(n.kind() == Kind.VLINK ? NetworkKind.VLINK : NetworkKind.VNET)
            .setVni(n.vni())
            .setEnabled(n.enabled())
            .addAllPath(n.path())
            .setCidr(n.cidr() == null ? "" : n.cidr())
            .setRange(n.range() == null ? "" : n.range())
            .addAllEdges(n.edges())
            .setFloodArp(n.floodArp());
    s.attachments().values().stream()
        .filter(a -> a.network().equals(n.name()))
        .forEach(a -> b.addAttachments(attachment(s, a)));
    return b.build();
  }

  private static Attachment attachment(DesiredState s, AttachmentState a) {
    SwitchState w = s.switches().get(a.node());
    return Attachment.newBuilder()
        .setId(a.id())
        .setNetwork(a.network())
        .setNode(a.node())
        .setPort(a.port())
        .setMac(a.mac())
        .setEnabled(a.enabled())
        .setRateLimitKbps(a.rateKbps())
        .setEndpoint(w == null ? "" : w.endpoint(a.port()))
        .addAllIps(a.ips())
        .build();
  }

  private static <T, R> void reply(
      CompletableFuture<T> f, Function<T, R> map, StreamObserver<R> out) {
    f.whenComplete(
        (v, e) -> {
          if (e == null) {
            out.onNext(map.apply(v));
            out.onCompleted();
          } else {
            out.onError(toStatus(e).asException());
          }
        });
  }

  static Status toStatus(Throwable e) {
    Throwable c = e;
    while ((c instanceof CompletionException
            || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof ControllerException ce) {
      Status.Code code = Status.Code.valueOf(ce.reason().name());
      return Status.fromCode(code).withDescription(ce.getMessage());
    }
    return Status.INTERNAL.withDescription(String.valueOf(c)).withCause(c);
  }
}
