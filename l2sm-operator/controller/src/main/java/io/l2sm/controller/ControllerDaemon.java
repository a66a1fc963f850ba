package io.l2sm.controller;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.l2sm.api.grpc.Credentials;
import io.l2sm.controller.flow.FlowCompiler;
import io.l2sm.controller.flow.SwitchProgram;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.northbound.AccessPolicy;
import io.l2sm.controller.northbound.Authentication;
import io.l2sm.controller.northbound.GrpcApi;
import io.l2sm.controller.northbound.RestApi;
import io.l2sm.controller.openflow.OpenFlowServer;
import io.l2sm.controller.service.ControllerService;
import io.l2sm.controller.service.FileStateStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The controller process: OpenFlow listener, gRPC API, REST surface, over one core. */
public final class ControllerDaemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerDaemon.class);

  /**
   * How to run.
   *
   * @param credentials a folder with the controller's {@code tls.crt}, {@code tls.key} and the
   *     L2S-M {@code ca.crt} (see {@link Credentials}): gRPC and OpenFlow over mutual TLS, every
   *     call authorized by the caller's certificate; null only with {@code allowUnauthenticated}
   * @param allowUnauthenticated plaintext channels and no authorization: development only, logged
   *     at every start
   */
  public record Config(
      InetSocketAddress openflow,
      InetSocketAddress grpc,
      InetSocketAddress http,
      Path stateDir,
      int vniMin,
      int vniMax,
      Duration pushTimeout,
      Duration hold,
      Path credentials,
      boolean allowUnauthenticated) {
    public Config {
      if (credentials == null && !allowUnauthenticated) {
        throw new IllegalArgumentException(
            "no credentials: give the controller a folder with tls.crt, tls.key and ca.crt"
                + " (--tls-dir), or run it unauthenticated for development"
                + " (--allow-unauthenticated)");
      }
    }
  }

  private final ControllerService core;
  private final OpenFlowServer openflow;
  private final Server grpc;
  private final RestApi rest;
  private final InetSocketAddress openflowAddress;
  private final Credentials credentials;

  public ControllerDaemon(Config c) throws IOException, InterruptedException {
    this(c, new FlowCompiler()::compile, true);
  }

  /**
   * As above; {@code readyWhenStarted} false leaves {@code /readyz} at 503 until {@link #ready()}:
   * for a process that serves more than the controller (the IDCO's REST API), ready only once all
   * of it is.
   */
  public ControllerDaemon(Config c, boolean readyWhenStarted)
      throws IOException, InterruptedException {
    this(c, new FlowCompiler()::compile, readyWhenStarted);
  }

  /** Marks the process ready ({@code /readyz} 200). */
  public void ready() {
    rest.ready();
  }

  /** As above, with another flow compiler: for tests only (see {@link ControllerService}). */
  public ControllerDaemon(
      Config c,
      java.util.function.Function<DesiredState, java.util.SortedMap<String, SwitchProgram>>
          compiler)
      throws IOException, InterruptedException {
    this(c, compiler, true);
  }

  private ControllerDaemon(
      Config c,
      java.util.function.Function<DesiredState, java.util.SortedMap<String, SwitchProgram>>
          compiler,
      boolean readyWhenStarted)
      throws IOException, InterruptedException {
    core =
        new ControllerService(
            new FileStateStore(c.stateDir()),
            c.vniMin(),
            c.vniMax(),
            c.pushTimeout(),
            c.hold(),
            compiler);
    GrpcApi api = new GrpcApi(core);
    NettyServerBuilder gb;
    Authentication auth;
    if (c.credentials() != null) {
      credentials = Credentials.load(c.credentials());
      gb = NettyServerBuilder.forAddress(c.grpc(), credentials.server());
      auth =
          Authentication.required(
              new AccessPolicy(
                  id -> {
                    var a = core.state().attachments().get(id);
                    return a == null ? null : a.node();
                  }));
    } else {
      credentials = null;
      gb = NettyServerBuilder.forAddress(c.grpc());
      auth = Authentication.open();
      LOG.warn(
          "UNAUTHENTICATED: --allow-unauthenticated is set; any client that reaches gRPC {} or"
              + " OpenFlow {} can change forwarding. For development only.",
          c.grpc(),
          c.openflow());
    }
    grpc =
        gb.addService(ServerInterceptors.intercept(api, auth))
            .addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), auth))
            .build()
            .start();
    rest = new RestApi(c.http(), core, api);
    openflow = new OpenFlowServer(core);
    if (credentials != null) {
      openflow.useTls(credentials);
    }
    openflowAddress = openflow.start(c.openflow());
    if (readyWhenStarted) {
      rest.ready();
    }
    LOG.info(
        "controller up: OpenFlow {}, gRPC {}, HTTP {}, state {} ({} networks, {} attachments)",
        openflowAddress,
        grpc.getListenSockets(),
        rest.address(),
        c.stateDir(),
        core.state().networks().size(),
        core.state().attachments().size());
  }

  /** The controller's credentials; null when it runs unauthenticated. */
  public Credentials credentials() {
    return credentials;
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
    if (credentials != null) {
      credentials.close();
    }
  }
}
