package io.l2sm.cli;

import io.l2sm.controller.ControllerDaemon;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code l2sm controller}: the SDN controller process. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the L2S-M SDN controller: switches dial it over OpenFlow 1.3; node agents, the"
          + " operator and the OSM adapter use its gRPC API; /healthz (live), /readyz (ready: state loaded, ports bound), /status and /metrics are"
          + " served over HTTP.",
      "",
      "Its desired state (networks, attachments, switches) is kept in --state-dir and survives"
          + " restarts: a restarted controller reconciles each switch by difference, so"
          + " forwarding never stops."
    })
public class ControllerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--openflow",
      paramLabel = "HOST:PORT",
      defaultValue = ":6653",
      description = "OpenFlow listen address (default: ${DEFAULT-VALUE}).")
  String openflow;

  @Option(
      names = "--grpc",
      paramLabel = "HOST:PORT",
      defaultValue = ":9650",
      description = "gRPC listen address (default: ${DEFAULT-VALUE}).")
  String grpc;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      defaultValue = ":9651",
      description =
          "HTTP listen address for health, status and metrics (default: ${DEFAULT-VALUE}).")
  String http;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "/var/lib/l2sm/controller",
      description = "Where the desired state is kept (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--vni-range",
      paramLabel = "MIN-MAX",
      defaultValue = "4096-16777215",
      description = "VNIs the controller allocates from (default: ${DEFAULT-VALUE}).")
  String vniRange;

  @Option(
      names = "--push-timeout",
      paramLabel = "MS",
      defaultValue = "10000",
      description =
          "How long a change may wait for switches to confirm (default: ${DEFAULT-VALUE}).")
  long pushTimeoutMs;

  /** The controller's and the IDCO's hold (see --hold-flows). */
  static final long DEFAULT_HOLD_SECONDS = 30;

  @Option(
      names = "--hold-flows",
      paramLabel = "SECONDS",
      defaultValue = "" + DEFAULT_HOLD_SECONDS,
      description =
          "When the controller starts knowing no switch (its state lost: no persistent volume),"
              + " how long it keeps the flows it finds on the switches while the agents and the"
              + " operator declare them again; what is not declared again by then is removed. A"
              + " held flow on a port given to a new attachment goes at once (0: nothing held;"
              + " default: ${DEFAULT-VALUE}).")
  long holdSeconds;

  @picocli.CommandLine.Mixin TlsOptions.Server tls = new TlsOptions.Server();

  @picocli.CommandLine.Mixin Logging.Options logging = new Logging.Options();

  @Override
  public Integer call() throws Exception {
    // First: a class's logger made before would keep the short commands' level.
    Logging.part(spec, logging, "controller", java.util.Map.of());
    tls.check(spec);
    int[] range = Daemons.vniRange(spec, vniRange);
    if (holdSeconds < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--hold-flows must be 0 or more seconds, not " + holdSeconds);
    }
    int min = range[0];
    int max = range[1];
    ControllerDaemon.Config config =
        new ControllerDaemon.Config(
            Daemons.address(spec, "--openflow", openflow),
            Daemons.address(spec, "--grpc", grpc),
            Daemons.address(spec, "--http", http),
            stateDir,
            min,
            max,
            Duration.ofMillis(pushTimeoutMs),
            Duration.ofSeconds(holdSeconds),
            tls.dir,
            tls.allowUnauthenticated);
    try (ControllerDaemon d = daemon(config)) {
      Runtime.getRuntime().addShutdownHook(new Thread(d::close));
      d.awaitTermination();
    }
    return ExitCodes.OK;
  }

  /** The controller process; a test may start one built differently. */
  protected ControllerDaemon daemon(ControllerDaemon.Config config) throws Exception {
    return new ControllerDaemon(config);
  }
}
