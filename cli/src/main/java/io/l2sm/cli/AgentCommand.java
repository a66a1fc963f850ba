package io.l2sm.cli;

import io.l2sm.agent.AgentConfig;
import io.l2sm.agent.AgentSocketServer;
import io.l2sm.agent.NodeAgent;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code l2sm agent}: the node agent process. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the L2S-M node agent: it owns the node's Open vSwitch bridge (OpenFlow 1.3,"
          + " fail_mode=secure) and its VXLAN tunnels, registers the switch with the controller"
          + " and plumbs one veth pair per pod attachment when the CNI shim asks.",
      "",
      "Restart-safe: every port carries its identity in OVS external_ids, so a restarted agent"
          + " rebuilds its view from OVS and removes the ports of pods that went away."
    })
public class AgentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--node", required = true, description = "This node's name.")
  String node;

  @Option(
      names = "--controller",
      paramLabel = "HOST:PORT",
      required = true,
      description = "The controller's gRPC address.")
  String controller;

  @Option(
      names = "--openflow-target",
      paramLabel = "TARGET",
      required = true,
      description = "Where the switch dials the controller, e.g. tcp:10.0.0.1:6653.")
  String openflowTarget;

  @Option(
      names = "--peer",
      paramLabel = "NODE=IP",
      description = "An overlay neighbour and its underlay IP; one VXLAN tunnel each. Repeatable.")
  List<String> peers = List.of();

  @Option(
      names = "--bridge",
      defaultValue = "br-l2sm",
      description = "The bridge the agent owns (default: ${DEFAULT-VALUE}).")
  String bridge;

  @Option(
      names = "--datapath",
      defaultValue = "system",
      description =
          "system (kernel datapath, production) or netdev (userspace, no kernel module)"
              + " (default: ${DEFAULT-VALUE}).")
  String datapath;

  @Option(
      names = "--ovs-db",
      defaultValue = "unix:/var/run/openvswitch/db.sock",
      description = "OVSDB target (default: ${DEFAULT-VALUE}).")
  String ovsDb;

  @Option(
      names = "--socket",
      defaultValue = "/var/run/l2sm/agent.sock",
      description = "Unix socket for the CNI shim (default: ${DEFAULT-VALUE}).")
  Path socket;

  @Option(
      names = "--mtu",
      defaultValue = "1450",
      description = "Pod interface MTU when the network sets none (default: ${DEFAULT-VALUE}).")
  int mtu;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Follow the cluster's Overlays and Nodes: neighbours are the nodes any Overlay links to"
              + " this one, at their InternalIP (the file may appear later; 'in-cluster' for the"
              + " pod's service account). Without an Overlay the --peer neighbours stay.")
  Path kubeconfig;

  @Option(
      names = "--edge-device",
      paramLabel = "NS/NAME",
      description =
          "Run as the edge device (NED) described by this NetworkEdgeDevice object of the cluster"
              + " (needs --kubeconfig): its neighbours and its cluster's gateway become the"
              + " tunnels; the controller is then the IDCO.")
  String edgeDevice;

  @Option(
      names = "--edge-device-file",
      paramLabel = "FILE",
      description =
          "Run as an edge device described by a NetworkEdgeDevice YAML file: a site without"
              + " Kubernetes. Edits of the file are applied.")
  Path edgeDeviceFile;

  @Option(
      names = "--bfd-interval",
      paramLabel = "MS",
      defaultValue = "100",
      description =
          "BFD on every tunnel at this interval (0: off). A tunnel whose session fails is left"
              + " out of the switch's registration until it is up again, so the controller routes"
              + " around a dead link within about 3 intervals plus one (default: ${DEFAULT-VALUE}).")
  int bfdMs;

  @picocli.CommandLine.Mixin TlsOptions.Client controllerCredentials = new TlsOptions.Client();

  @Option(
      names = "--switch-tls-dir",
      paramLabel = "DIR",
      description =
          "For an ssl: --openflow-target: the switch's tls.key and tls.crt and the CA (ca.crt)"
              + " that signed the controller's certificate (default: --controller-credentials).")
  Path switchTls;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      defaultValue = ":9653",
      description =
          "Probes: /healthz (the CNI socket is served), /readyz (the node's switch is connected"
              + " to the controller); /metrics (Prometheus text) (default: ${DEFAULT-VALUE}).")
  String http;

  @Option(
      names = "--install-cni",
      paramLabel = "DIR",
      description = "Install the CNI plugin shim as DIR/l2sm before serving.")
  Path installCni;

  /** What the agent follows for its neighbours: its edge device, or the cluster's Overlays. */
  private AutoCloseable follow(NodeAgent agent) {
    if (edgeDeviceFile != null) {
      return agent.followEdgeDeviceFile(edgeDeviceFile);
    }
    if (edgeDevice != null) {
      String[] nsName = edgeDevice.split("/", 2);
      return agent.followEdgeDevice(kubeconfig, nsName[0], nsName[1]);
    }
    return kubeconfig == null ? () -> {} : agent.followOverlays(kubeconfig);
  }

  @picocli.CommandLine.Mixin Logging.Options logging = new Logging.Options();

  @Override
  public Integer call() throws Exception {
    // First: a class's logger made before would keep the short commands' level.
    Logging.part(
        spec,
        logging,
        edgeDevice != null || edgeDeviceFile != null ? "edge-device" : "agent",
        java.util.Map.of("node", node));
    Map<String, String> peerMap = new LinkedHashMap<>();
    for (String p : peers) {
      int i = p.indexOf('=');
      if (i <= 0 || i == p.length() - 1) {
        throw new ParameterException(spec.commandLine(), "--peer '" + p + "' is not NODE=IP");
      }
      peerMap.put(p.substring(0, i), p.substring(i + 1));
    }
    if (edgeDevice != null && edgeDeviceFile != null) {
      throw new ParameterException(
          spec.commandLine(), "--edge-device and --edge-device-file exclude each other");
    }
    if (edgeDevice != null && (kubeconfig == null || !edgeDevice.matches("[^/]+/[^/]+"))) {
      throw new ParameterException(
          spec.commandLine(), "--edge-device takes NS/NAME and needs --kubeconfig");
    }
    if (edgeDeviceFile != null && !Files.isReadable(edgeDeviceFile)) {
      throw new ParameterException(
          spec.commandLine(), "--edge-device-file " + edgeDeviceFile + " is not readable");
    }
    if (bfdMs != 0 && (bfdMs < 10 || bfdMs > 10_000)) {
      throw new ParameterException(spec.commandLine(), "--bfd-interval must be 0 or 10-10000 ms");
    }
    AgentConfig config;
    try {
      config =
          new AgentConfig(
              node,
              bridge,
              datapath,
              ovsDb,
              openflowTarget,
              controller,
              socket,
              peerMap,
              mtu,
              bfdMs,
              controllerCredentials.checkedFor(spec, node),
              switchTls);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (installCni != null) {
      installShim(installCni.resolve("l2sm"));
    }
    // The probes answer from the start: registering with a controller that is itself starting
    // (a new cluster, a busy node) can take longer than a liveness probe's patience, and is not
    // a reason to restart the agent; readiness says what it waits for.
    var serving = new java.util.concurrent.atomic.AtomicReference<AgentSocketServer>();
    try (NodeAgent agent = new NodeAgent(config);
        HealthServer health =
            HealthServer.start(
                Daemons.address(spec, "--http", http),
                () -> serving.get() == null ? null : serving.get().notServing(),
                () ->
                    serving.get() == null
                        ? "starting: registering the switch with the controller"
                        : agent.notReady(),
                // An agent pod replaced at once: its predecessor may hold the port a while. Waiting
                // beats exiting, whose restarts the kubelet spaces out ever longer.
                java.time.Duration.ofMinutes(5));
        AgentSocketServer server =
            startServing(agent, config, kubeconfig != null || edgeDeviceFile != null);
        AutoCloseable overlays = follow(agent)) {
      serving.set(server);
      agent.bindTo(health.metrics());
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return ExitCodes.OK;
  }

  private static AgentSocketServer startServing(
      NodeAgent agent, AgentConfig config, boolean followsNeighbours) throws java.io.IOException {
    if (followsNeighbours) {
      agent.keepTunnelsUntilPeersKnown();
    }
    agent.start();
    AgentSocketServer server = new AgentSocketServer(agent, config.socket());
    System.err.println("l2sm agent: node " + config.node() + " ready on " + config.socket());
    return server;
  }

  static void installShim(Path target) throws java.io.IOException {
    byte[] shim;
    try (InputStream in = NodeAgent.class.getResourceAsStream("l2sm-cni")) {
      shim = in.readAllBytes();
    }
    // A rename over the old file: a running plugin keeps its inode. Agents sharing a folder (a
    // host's edge devices, the lab's nodes) may install at the same moment.
    io.l2sm.files.AtomicFiles.replace(
        target,
        shim,
        PosixFilePermissions.fromString("rwxr-xr-x"),
        io.l2sm.files.AtomicFiles.Durability.PROCESS);
  }
}
