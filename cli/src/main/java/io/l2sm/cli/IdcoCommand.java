package io.l2sm.cli;

import io.l2sm.controller.ControllerDaemon;
import io.l2sm.controller.idco.IdcoApi;
import io.l2sm.controller.idco.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code l2sm idco}: the controller in inter-domain mode. */
@Command(
    name = "idco",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the Inter-Domain Connectivity Orchestrator: the L2S-M controller for the clusters'"
          + " edge devices (NEDs), which dial it over OpenFlow 1.3 and register over gRPC, with"
          + " a REST API for inter-cluster networks (/api/v1, document at /openapi.yaml),"
          + " over HTTPS with the certificate of --tls-dir.",
      "",
      "Every REST call needs a bearer token from --tokens (lines TOKEN ROLE [CLIENT], ROLE read"
          + " or write); there is no anonymous access. Keep its VNI range apart from the"
          + " clusters' controllers' (default 16-4095 here, 4096-16777215 there): an"
          + " inter-cluster network has the same VNI everywhere."
    })
public class IdcoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--openflow",
      paramLabel = "HOST:PORT",
      defaultValue = ":6663",
      description = "OpenFlow listen address for the NEDs (default: ${DEFAULT-VALUE}).")
  String openflow;

  @Option(
      names = "--grpc",
      paramLabel = "HOST:PORT",
      defaultValue = ":9660",
      description = "gRPC listen address where NEDs register (default: ${DEFAULT-VALUE}).")
  String grpc;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      defaultValue = ":9661",
      description = "Health, status and metrics (default: ${DEFAULT-VALUE}).")
  String http;

  @Option(
      names = "--rest",
      paramLabel = "HOST:PORT",
      defaultValue = ":8808",
      description = "The REST API (default: ${DEFAULT-VALUE}).")
  String rest;

  @Option(
      names = "--tokens",
      paramLabel = "FILE",
      required = true,
      description = "The clients' bearer tokens: lines TOKEN ROLE [CLIENT].")
  Path tokens;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "/var/lib/l2sm/idco",
      description = "Where the desired state is kept (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--vni-range",
      paramLabel = "MIN-MAX",
      defaultValue = "16-4095",
      description = "VNIs of inter-cluster networks (default: ${DEFAULT-VALUE}).")
  String vniRange;

  @picocli.CommandLine.Mixin TlsOptions.Server tls = new TlsOptions.Server();

  @picocli.CommandLine.Mixin Logging.Options logging = new Logging.Options();

  @Override
  public Integer call() throws Exception {
    // First: a class's logger made before would keep the short commands' level.
    Logging.part(spec, logging, "idco", java.util.Map.of());
    tls.check(spec);
    int[] range = Daemons.vniRange(spec, vniRange);
    if (!Files.isReadable(tokens)) {
      throw new ParameterException(spec.commandLine(), "--tokens " + tokens + " is not readable");
    }
    Tokens clients;
    try {
      clients = Tokens.read(tokens);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--tokens: " + e.getMessage());
    }
    ControllerDaemon.Config config =
        new ControllerDaemon.Config(
            Daemons.address(spec, "--openflow", openflow),
            Daemons.address(spec, "--grpc", grpc),
            Daemons.address(spec, "--http", http),
            stateDir,
            range[0],
            range[1],
            Duration.ofSeconds(10),
            Duration.ofSeconds(ControllerCommand.DEFAULT_HOLD_SECONDS),
            tls.dir,
            tls.allowUnauthenticated);
    // Ready (its /readyz) only once the REST API serves too: a client told the IDCO is ready
    // (the lab after a restart, a Kubernetes probe) must find it.
    try (ControllerDaemon d = new ControllerDaemon(config, false);
        IdcoApi api =
            new IdcoApi(
                Daemons.address(spec, "--rest", rest),
                d.core(),
                clients,
                d.credentials() == null ? null : d.credentials().serverContext())) {
      d.ready();
      System.err.println(
          "l2sm idco: REST API on "
              + (d.credentials() == null ? "http://" : "https://")
              + api.address());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    api.close();
                    d.close();
                  }));
      d.awaitTermination();
    }
    return ExitCodes.OK;
  }
}
