package io.l2sm.cli;

import io.l2sm.api.grpc.Identity;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.osm.Adapter;
import io.l2sm.osm.fabric.ControllerFabric;
import io.l2sm.osm.web.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code l2sm adapter}: what OSM's Resource Orchestrator registers as SDN controller or WIM. */
@Command(
    name = "adapter",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the OSM adapter: ONOS's network-configuration REST API as OSM's onos_vpls connector"
          + " uses it (osm sdnc-create --type onos_vpls, osm wim-create --wim_type onos_vpls),"
          + " and the SDN-assist gRPC service behind the rosdn_l2sm RO plugin.",
      "",
      "Each VPLS (connectivity service) becomes an L2S-M network whose members are the switch"
          + " ports its interfaces name (of:<dpid>/<port>), in the cluster whose controller has"
          + " those switches; one on the clusters' edge-device ports becomes an inter-cluster"
          + " network (docs/osm.md). Credentials: "
          + Credentials.USER_ENV
          + " and "
          + Credentials.PASSWORD_ENV
          + ", or --credentials-file."
    })
public class AdapterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "Listen address of both APIs (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8181",
      description = "REST port, ONOS's (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--grpc-port",
      defaultValue = "9181",
      description = "SDN-assist gRPC port (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(
      names = "--controller",
      paramLabel = "CLUSTER=HOST:PORT",
      description = "A cluster's L2S-M controller (gRPC); repeat for several clusters.")
  Map<String, String> controllers = new LinkedHashMap<>();

  @Option(
      names = "--kubeconfig",
      paramLabel = "CLUSTER=FILE",
      description =
          "A cluster's kubeconfig, for services across clusters (with --idco-controller); repeat"
              + " per cluster, with the names of --controller.")
  Map<String, Path> kubeconfigs = new LinkedHashMap<>();

  @Option(
      names = "--idco-controller",
      paramLabel = "HOST:PORT",
      description =
          "The IDCO's controller (gRPC), where the edge devices register: services whose"
              + " endpoints are edge-device ports become inter-cluster networks.")
  String idcoController;

  @Option(
      names = "--namespace",
      defaultValue = "default",
      description = "Namespace of the inter-cluster networks' NADs (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--lab",
      description =
          "Use the lab that is up (l2sm lab up): its clusters' controllers, and with several"
              + " clusters their kubeconfigs and the IDCO's controller.")
  boolean lab;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Where the network configuration and the services' state are kept (default:"
              + " /var/lib/l2sm/adapter, or the lab's folder with --lab).")
  Path stateDir;

  @Option(
      names = "--credentials-file",
      paramLabel = "FILE",
      description = "A file with one line user:password (a mounted secret), instead of the env.")
  Path credentialsFile;

  @picocli.CommandLine.Mixin TlsOptions.Client controllerCredentials = new TlsOptions.Client();

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS and gRPC over TLS.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The key of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--max-body",
      paramLabel = "BYTES",
      defaultValue = "4194304",
      description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
  int maxBody;

  @picocli.CommandLine.Mixin Logging.Options logging = new Logging.Options();

  @Override
  public Integer call() throws Exception {
    // First: a class's logger made before would keep the short commands' level.
    Logging.part(spec, logging, "adapter", java.util.Map.of());
    Map<String, String> targets = new LinkedHashMap<>(controllers);
    Path state = stateDir;
    if (lab) {
      if (!Lab.isUp()) {
        throw new ParameterException(
            spec.commandLine(), "--lab: no lab is up; run `l2sm lab up` first");
      }
      List<LabInfo> clusters = Lab.clusters();
      clusters.forEach(c -> targets.putIfAbsent(c.cluster(), c.controllerGrpc()));
      LabInfo idco = Lab.idco();
      if (idco != null) {
        clusters.forEach(c -> kubeconfigs.putIfAbsent(c.cluster(), Path.of(c.kubeconfig())));
        if (idcoController == null) {
          idcoController = idco.controllerGrpc();
        }
      }
      if (state == null) {
        state = Lab.dir().resolve("adapter");
      }
      if (controllerCredentials.dir == null) {
        controllerCredentials.dir = Lab.credentials(Identity.of(Identity.Role.ADAPTER));
      }
    }
    if (targets.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "no controller: give --controller CLUSTER=HOST:PORT or --lab");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    for (Path p : new Path[] {tlsCert, tlsKey, credentialsFile}) {
      if (p != null && !Files.isReadable(p)) {
        throw new ParameterException(spec.commandLine(), p + " is not readable");
      }
    }
    if (maxBody < 1024) {
      throw new ParameterException(spec.commandLine(), "--max-body must be 1024 or more");
    }
    Credentials credentials;
    try {
      credentials = Credentials.load(credentialsFile, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if ((idcoController == null) != kubeconfigs.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--idco-controller and --kubeconfig go together");
    }
    Map<String, io.fabric8.kubernetes.client.KubernetesClient> k8s = new LinkedHashMap<>();
    for (Map.Entry<String, Path> k : kubeconfigs.entrySet()) {
      if (!targets.containsKey(k.getKey())) {
        throw new ParameterException(
            spec.commandLine(),
            "--kubeconfig " + k.getKey() + ": no --controller for that cluster");
      }
      k8s.put(k.getKey(), LabInfo.client(k.getValue()));
    }
    ControllerFabric fabric =
        new ControllerFabric(targets, 10_000, controllerCredentials.load(spec));
    if (idcoController != null) {
      fabric.withInterCluster(k8s, idcoController, namespace);
    }
    Adapter a =
        Adapter.start(
            new Adapter.Options(
                host,
                port,
                grpcPort,
                state == null ? Path.of("/var/lib/l2sm/adapter") : state,
                tlsCert,
                tlsKey,
                maxBody,
                Duration.ofSeconds(2)),
            credentials,
            fabric);
    System.err.println(
        "l2sm adapter: REST on port "
            + a.httpPort()
            + ", gRPC on port "
            + a.grpcPort()
            + ", clusters "
            + String.join(", ", targets.keySet())
            + (idcoController == null
                ? ""
                : ", inter-cluster services via the IDCO controller " + idcoController));
    Runtime.getRuntime().addShutdownHook(new Thread(a::close));
    a.awaitTermination();
    return ExitCodes.OK;
  }
}
