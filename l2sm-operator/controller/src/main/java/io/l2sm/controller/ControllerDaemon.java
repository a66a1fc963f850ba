package io.l2sm.controller;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.l2sm.controller.flow.FlowCompiler;
import io.l2sm.controller.flow.SwitchProgram;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.northbound.GrpcApi;
import io.l2sm.controller.northbound.RestApi;
import io.l2sm.controller.openflow.OpenFlowServer;
import io.l2sm.controller.service.ControllerService;
import io.l2sm.controller.service.StateStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The controller process: OpenFlow listener, gRPC API, REST surface, over one core. */
public final class ControllerDaemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerDaemon.class);

  /** Where it listens and keeps its state. */
  /**
   * How to run.
   *
   * @param tlsCert PEM certificate chain: gRPC and OpenFlow over TLS (null: plaintext)
   * @param tlsKey its PEM private key (PKCS#8)
   */
  public record Config(
      InetSocketAddress openflow,
      InetSocketAddress grpc,
      InetSocketAddress http,
      Path stateDir,
      int vniMin,
      int vniMax,
      Duration pushTimeout,
      Path tlsCert,
      Path tlsKey) {
    public Config(
        InetSocketAddress openflow,
        InetSocketAddress grpc,
        InetSocketAddress http,
        Path stateDir,
        int vniMin,
        int vniMax,
        Duration pushTimeout) {
      this(openflow, grpc, http, stateDir, vniMin, vniMax, pushTimeout, null, null);
    }
  }

  private final ControllerService core;
  private final OpenFlowServer openflow;
  private final Server grpc;
  private final RestApi rest;
  private final InetSocketAddress openflowAddress;

  public ControllerDaemon(Config c) throws IOException, InterruptedException {
    this(c, new FlowCompiler()::compile);
  }

  /** As above, with another flow compiler: for tests only (see {@link ControllerService}). */
  public ControllerDaemon(
      Config c,
      java.util.function.Function<DesiredState, java.util.SortedMap<String, SwitchProgram>>
          compiler)
      throws IOException, InterruptedException {
    core =
        new ControllerService(
            new StateStore(c.stateDir()), c.vniMin(), c.vniMax(), c.pushTimeout(), compiler);
    GrpcApi api = new GrpcApi(core);
    NettyServerBuilder gb =
        NettyServerBuilder.forAddress(c.grpc())
            .addService(api)
            .addService(ProtoReflectionServiceV1.newInstance());
    if (c.tlsCert() != null) {
      gb.useTransportSecurity(c.tlsCert().toFile(), c.tlsKey().toFile());
    }
    grpc = gb.build().start();
    rest = new RestApi(c.http(), core, api);
    openflow = new OpenFlowServer(core);
    if (c.tlsCert() != null) {
      openflow.useTls(c.tlsCert(), c.tlsKey());
    }
    openflowAddress = openflow.start(c.openflow());
    rest.ready();
    LOG.info(
        "controller up: OpenFlow {}, gRPC {}, HTTP {}, state {} ({} networks, {} attachments)",
        openflowAddress,
        grpc.getListenSockets(),
        rest.address(),
        c.stateDir(),
        core.state().networks().size(),
        core.state().attachments().size());
  }

  public ControllerService core() {
    return core;
  }

  public InetSocketAddress openflowAddress() {
    return openflowAddress;
  }

  public int grpcPort() {
    return grpc.getPort();
  }

  public InetSocketAddress httpAddress() {
    return rest.address();
  }

  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  @Override
  public void close() {
    openflow.close();
    rest.close();
    grpc.shutdownNow();
  }
}
