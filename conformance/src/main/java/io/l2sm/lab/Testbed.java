package io.l2sm.lab;

import io.l2sm.api.grpc.ControllerClient;
import io.l2sm.api.grpc.GrpcControllerClient;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A small data-plane testbed on one machine, from real parts. Each node is a network namespace with
 * its own ovsdb-server and ovs-vswitchd (userspace datapath); nodes share an underlay (a Linux
 * bridge in the root namespace, which also reaches the controller); pods are network namespaces
 * plumbed by the real path: CNI shim → node agent → controller. The controller and the agents run
 * as separate processes of this same program ({@code l2sm controller}, {@code l2sm agent}). Used by
 * the integration tests and the data-plane benchmarks; needs root and Open vSwitch. Everything it
 * makes carries its prefix and is removed by {@link #close()}, and by the next testbed with the
 * same prefix if a run was killed.
 */
public final class Testbed implements AutoCloseable {
  /** A command or setup step failed; the message says which and what it printed. */
  public static final class TestbedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TestbedException(String message) {
      super(message);
    }

    public TestbedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What a command returned and printed (stdout and stderr together). */
  public record Result(int exit, String out) {}

  /** What a CNI invocation printed and returned. */
  public record Cni(int exit, String stdout) {}

  /**
   * Where a testbed sits among others that share one underlay (a lab of several clusters).
   *
   * @param dir its folder
   * @param tag what its namespaces' names carry after the prefix, before the node's name
   * @param firstNode the underlay number of its first node (nodes are numbered across testbeds)
   * @param ownsUnderlay whether it makes the underlay (and, alone in the prefix's folder, first
   *     removes what an earlier run of the prefix left)
   */
  public record Placement(Path dir, String tag, int firstNode, boolean ownsUnderlay, Path pki) {
    /** A testbed on its own: the prefix's folder, the whole underlay, a CA of its own. */
    public static Placement alone(String prefix) {
      return new Placement(dirOf(prefix), "", 1, true, dirOf(prefix).resolve("pki"));
    }
  }

  private static final List<String> TOOLS =
      List.of(
          "ovs-vswitchd",
          "ovsdb-server",
          "ovs-vsctl",
          "ovs-ofctl",
          "ovs-appctl",
          "tcpdump",
          "iperf3",
          "ethtool",
          "ping",
          "nsenter",
          "ip");

  /**
   * What a testbed of another role than a cluster's needs (the lab's edge devices and their IDCO).
   *
   * @param nodeNames node names (empty: n1..nN)
   * @param peers each node's neighbours beyond the overlay links: name to address
   * @param agentArgs each node's agent's extra options
   * @param controllerCommand the controller's subcommand and its own options (empty: {@code
   *     controller})
   * @param settings the folder of the chart's rendered args files (null: none)
   * @param processes whether the testbed starts L2S-M's controller and agents (false: the nodes and
   *     their Open vSwitch only, for an installation by the chart)
   */
  public record Extras(
      List<String> nodeNames,
      Map<String, Map<String, String>> peers,
      Map<String, List<String>> agentArgs,
      List<String> controllerCommand,
      Path settings,
      boolean processes) {
    public static final Extras NONE =
        new Extras(List.of(), Map.of(), Map.of(), List.of(), null, true);

    public Extras(
        List<String> nodeNames,
        Map<String, Map<String, String>> peers,
        Map<String, List<String>> agentArgs,
        List<String> controllerCommand) {
      this(nodeNames, peers, agentArgs, controllerCommand, null, true);
    }

    /**
     * The same, with the processes' settings from the chart's rendered args files in {@code dir}.
     */
    public Extras withSettings(Path dir) {
      return new Extras(nodeNames, peers, agentArgs, controllerCommand, dir, processes);
    }

    /** The same, with no controller and no agents: the nodes and their Open vSwitch only. */
    public Extras nodesOnly() {
      return new Extras(nodeNames, peers, agentArgs, controllerCommand, settings, false);
    }
  }

  public final String prefix;
  public final Path dir;
  private final Placement where;
  private final Extras extras;
  public final List<String> pods = new ArrayList<>();
  private final int subnet;
  private final String vniRange;
  private final Map<String, Integer> nodes = new LinkedHashMap<>();
  private final Map<String, List<String>> peers = new TreeMap<>();
  private final Map<String, Process> agents = new TreeMap<>();

  /** Nodes whose agent runs in a mount namespace of the node's own (a real node's). */
  private final Map<String, Path> agentMountNamespaces = new TreeMap<>();

  private final Map<String, List<String>> commands = new TreeMap<>();
  private final List<String> agentArgs;
  private final int ofPort;
  private final int grpcPort;
  private final int httpPort;
  private Process controller;
  private GrpcControllerClient channel;
  private io.l2sm.api.grpc.Credentials admin;
  private final Pki pki;

  /** What this machine lacks to run a testbed (root, tools); empty when it can. */
  public static List<String> missingPrerequisites() {
    List<String> missing = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      missing.add("root");
    }
    for (String tool : TOOLS) {
      if (!onPath(tool)) {
        missing.add(tool);
      }
    }
    if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
      missing.add("/usr/bin/python3");
    }
    return missing;
  }

  static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool));
  }

  /**
   * Builds and starts a testbed: nodes n1..nN joined by the given overlay links ({@code "n1~n2"}),
   * the controller and one agent per node.
   *
   * @param prefix 3 characters that name every namespace and link this testbed makes
   * @param subnet the underlay is 10.99.SUBNET.0/24
   * @param vniRange the controller's VNI range, {@code MIN-MAX}
   */
  public Testbed(String prefix, int subnet, String vniRange, int nodeCount, String... links)
      throws Exception {
    this(prefix, Placement.alone(prefix), subnet, vniRange, nodeCount, List.of(), links);
  }

  /**
   * As above, placed among other testbeds, with extra options for every agent (e.g. {@code
   * --kubeconfig FILE}).
   */
  public Testbed(
      String prefix,
      Placement where,
      int subnet,
      String vniRange,
      int nodeCount,
      List<String> agentArgs,
      String... links)
      throws Exception {
    this(prefix, where, Extras.NONE, subnet, vniRange, nodeCount, agentArgs, links);
  }

  /** As above, with a role's extras. */
  public Testbed(
      String prefix,
      Placement where,
      Extras extras,
      int subnet,
      String vniRange,
      int nodeCount,
      List<String> agentArgs,
      String... links)
      throws Exception {
    this.agentArgs = List.copyOf(agentArgs);
    this.where = where;
    this.extras = extras;
    List<String> missing = missingPrerequisites();
    if (!missing.isEmpty()) {
      throw new TestbedException(
          "a testbed needs " + missing + " (run scripts/install-prereqs.sh as root)");
    }
    this.prefix = prefix;
    this.subnet = subnet;
    this.vniRange = vniRange;
    this.dir = where.dir();
    if (where.ownsUnderlay() && dir.equals(dirOf(prefix))) {
      destroy(prefix); // a testbed on its own; a lab clears its folder itself
    }
    Files.createDirectories(dir);
    ofPort = Ports.free();
    grpcPort = Ports.free();
    httpPort = Ports.free();
    for (int i = 1; i <= nodeCount; i++) {
      String name = extras.nodeNames().isEmpty() ? "n" + i : extras.nodeNames().get(i - 1);
      nodes.put(name, where.firstNode() + i - 1);
      peers.put(name, new ArrayList<>());
    }
    for (String l : links) {
      String[] ab = l.split("~");
      peers.get(ab[0]).add(ab[1]);
      peers.get(ab[1]).add(ab[0]);
    }
    pki = Pki.at(where.pki());
    try {
      issueCredentials();
      if (where.ownsUnderlay()) {
        sh("ip link add " + ul() + " type bridge");
        sh("ip addr add " + controllerIp() + "/24 dev " + ul());
        sh("ip link set " + ul() + " up");
        // Frames from the root namespace cross OVS's userspace datapath: no partial checksums.
        sh("ethtool -K " + ul() + " tx off");
      }
      for (var e : nodes.entrySet()) {
        startNode(e.getKey(), e.getValue());
      }
      if (extras.processes()) {
        startController();
        // The agents start together: each JVM's start is most of an agent's start-up.
        List<String> all = List.copyOf(nodes.keySet());
        Map<String, Process> launched = new java.util.LinkedHashMap<>();
        for (String n : all) {
          launched.put(n, launchAgent(n));
        }
        for (String n : all) {
          awaitAgent(n, launched.get(n));
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public List<String> nodes() {
    return List.copyOf(nodes.keySet());
  }

  String ul() {
    return prefix + "ul";
  }

  public String controllerIp() {
    return ip(subnet, 254);
  }

  /**
   * Another address of the root namespace on the underlay ({@code 10.99.SUBNET.host}), added once:
   * for a second cluster's control plane, whose CoreDNS needs port 53 of an address of its own.
   */
  public String rootAddress(int host) {
    String ip = ip(subnet, host);
    if (!sh("ip -o addr show dev " + ul()).contains(" " + ip + "/")) {
      sh("ip addr add " + ip + "/24 dev " + ul());
    }
    return ip;
  }

  /** An address on the underlay 10.99.SUBNET.0/24. */
  static String ip(int subnet, int host) {
    return "10.99." + subnet + "." + host;
  }

  public String nodeIp(String node) {
    return "10.99." + subnet + "." + nodes.get(node);
  }

  /** The network namespace of a node. */
  public String ns(String node) {
    return prefix + where.tag() + node;
  }

  public Path ovsDir(String node) {
    return dir.resolve("ovs-" + node);
  }

  /** ovs-vsctl against a node's private Open vSwitch. */
  public String vsctl(String node, String args) {
    return sh("ovs-vsctl --db=unix:" + ovsDir(node) + "/db.sock " + args);
  }

  private void startNode(String n, int i) {
    String ns = ns(n);
    String rootEnd = prefix + "u" + i;
    Path d = ovsDir(n);
    sh("ip netns add " + ns);
    sh("ip -n " + ns + " link set lo up");
    sh("ip link add " + rootEnd + " type veth peer name eth-ul netns " + ns);
    sh("ethtool -K " + rootEnd + " tx off");
    sh("ip link set " + rootEnd + " master " + ul() + " up");
    // The node kernel must not answer ARP for br-phy's address with eth-ul's MAC.
    sh("ip netns exec " + ns + " sysctl -qw net.ipv4.conf.eth-ul.arp_ignore=1");
    sh("ip netns exec " + ns + " ethtool -K eth-ul tx off");
    sh("ip -n " + ns + " link set eth-ul up");
    sh("mkdir -p " + d);
    sh("ovsdb-tool create " + d + "/conf.db /usr/share/openvswitch/vswitch.ovsschema");
    sh(
        String.format(
            "ip netns exec %s ovsdb-server %s/conf.db --remote=punix:%s/db.sock"
                + " --pidfile=%s/ovsdb-server.pid --unixctl=%s/ovsdb-server.ctl"
                + " --log-file=%s/ovsdb-server.log --detach",
            ns, d, d, d, d, d));
    sh("ovs-vsctl --db=unix:" + d + "/db.sock --no-wait init");
    startSwitchDaemon(ns, d);
    vsctl(n, "add-br br-phy -- set bridge br-phy datapath_type=netdev -- add-port br-phy eth-ul");
    sh("ip -n " + ns + " addr add " + nodeIp(n) + "/24 dev br-phy");
    sh("ip -n " + ns + " link set br-phy up");
  }

  /**
   * Starts node {@code n}'s ovs-vswitchd again inside mount namespace {@code mountNs} (a real
   * node's, where its run folder is {@code /run/openvswitch}), so that the files the chart's agent
   * names by its own paths (the switch's TLS credentials) are the ones the switch reads. The node's
   * address comes back on br-phy; routes through br-phy have to be set again.
   */
  public void moveSwitchInto(String n, Path mountNs) throws InterruptedException {
    Path d = ovsDir(n);
    String pid = sh("cat " + d + "/ovs-vswitchd.pid").strip();
    sh("kill " + pid);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (run("kill -0 " + pid).exit() == 0) {
      if (System.nanoTime() > deadline) {
        throw new TestbedException("ovs-vswitchd of " + n + " did not stop; its log: " + d);
      }
      Thread.sleep(50);
    }
    startSwitchDaemon(ns(n), d, mountNs);
    sh("ip -n " + ns(n) + " addr replace " + nodeIp(n) + "/24 dev br-phy");
    sh("ip -n " + ns(n) + " link set br-phy up");
  }

  /** Starts a node's ovs-vswitchd (userspace datapath) on its database in {@code d}. */
  static void startSwitchDaemon(String ns, Path d) {
    startSwitchDaemon(ns, d, null);
  }

  /** The same, inside mount namespace {@code mountNs} too (null: the host's). */
  static void startSwitchDaemon(String ns, Path d, Path mountNs) {
    String enter =
        mountNs == null
            ? "ip netns exec " + ns
            : "nsenter --net=/run/netns/" + ns + " --mount=" + mountNs;
    sh(
        String.format(
            "OVS_RUNDIR=%s OVS_LOGDIR=%s OVS_DBDIR=%s OVS_SYSCONFDIR=%s %s"
                + " ovs-vswitchd unix:%s/db.sock --pidfile=%s/ovs-vswitchd.pid"
                + " --unixctl=%s/ovs-vswitchd.ctl --log-file=%s/ovs-vswitchd.log --detach",
            d, d, d, d, enter, d, d, d, d));
  }

  /** Starts (or restarts) the controller and waits until it answers on /readyz. */
  public void startController() throws InterruptedException {
    startController(List.of());
  }

  /** The same, with {@code extra} options after the lab's own (e.g. {@code --hold-flows 8}). */
  public void startController(List<String> extra) throws InterruptedException {
    List<String> cmd = self();
    List<String> command =
        extras.controllerCommand().isEmpty() ? List.of("controller") : extras.controllerCommand();
    cmd.add(command.get(0));
    if (extras.settings() != null) {
      // The chart's settings (VNI range, push timeout): what an installation runs with.
      cmd.add("@" + extras.settings().resolve(command.get(0) + ".args"));
    }
    cmd.addAll(command.subList(1, command.size()));
    cmd.addAll(
        List.of(
            "--state-dir",
            dir.resolve("controller").toString(),
            "--openflow",
            controllerIp() + ":" + ofPort,
            "--grpc",
            ":" + grpcPort,
            "--http",
            "127.0.0.1:" + httpPort));
    if (!open()) {
      cmd.addAll(List.of("--tls-dir", credentials("controller").toString()));
    }
    if (extras.settings() == null) {
      cmd.addAll(List.of("--vni-range", vniRange));
    }
    cmd.addAll(extra);
    commands.put("controller", List.copyOf(cmd));
    controller = start(cmd, "controller.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        HttpURLConnection c =
            (HttpURLConnection)
                URI.create("http://127.0.0.1:" + httpPort + "/readyz").toURL().openConnection();
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !controller.isAlive()) {
          throw new TestbedException("controller did not start: " + log("controller.log"), e);
        }
      }
      Thread.sleep(20);
    }
  }

  /** The controller's state directory (its state file can be prepared before a start). */
  public Path controllerStateDir() {
    return dir.resolve("controller");
  }

  /** The controller's process id. */
  public long controllerPid() {
    return controller.pid();
  }

  /** {@code kill -9} of the controller. */
  public void killController() throws InterruptedException {
    controller.destroyForcibly().waitFor();
  }

  /** The controller's HTTP surface, e.g. {@code /metrics}. */
  public String http(String path) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create("http://127.0.0.1:" + httpPort + path).toURL().openConnection();
    try (var in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  public Path socket(String node) {
    return dir.resolve("agent-" + node + ".sock");
  }

  /** The CNI plugin the agents installed. */
  public Path cniPlugin() {
    return dir.resolve("cni-bin/l2sm");
  }

  /** Starts (or restarts) a node's agent and waits until its switch is connected. */
  /**
   * From the next {@link #startAgent} on, node {@code n}'s agent runs in mount namespace {@code
   * mountNs} (a real node's, where the pods' network namespaces are) besides the node's network
   * namespace.
   */
  public void runAgentIn(String n, Path mountNs) {
    agentMountNamespaces.put(n, mountNs);
  }

  public void startAgent(String n) throws Exception {
    awaitAgent(n, launchAgent(n));
  }

  /** Starts a node's agent without waiting for it. */
  private Process launchAgent(String n) throws IOException {
    Files.deleteIfExists(socket(n));
    Path mountNs = agentMountNamespaces.get(n);
    List<String> cmd =
        new ArrayList<>(
            mountNs == null
                ? List.of("ip", "netns", "exec", ns(n))
                : List.of("nsenter", "--net=/run/netns/" + ns(n), "--mount=" + mountNs));
    cmd.addAll(self());
    cmd.add("agent");
    if (extras.settings() != null) {
      // The chart's settings (bridge, datapath, MTU, BFD), rendered for the userspace datapath.
      cmd.add("@" + extras.settings().resolve("agent.args"));
    } else {
      cmd.addAll(List.of("--datapath", "netdev"));
    }
    cmd.addAll(
        List.of(
            "--node",
            n,
            "--controller",
            controllerIp() + ":" + grpcPort,
            "--openflow-target",
            (open() ? "tcp:" : "ssl:") + controllerIp() + ":" + ofPort,
            "--ovs-db",
            "unix:" + ovsDir(n) + "/db.sock",
            "--socket",
            socket(n).toString(),
            "--install-cni",
            cniPlugin().getParent().toString()));
    if (!open()) {
      cmd.addAll(List.of("--controller-credentials", credentials("agent-" + n).toString()));
    }
    for (String p : peers.get(n)) {
      cmd.add("--peer");
      cmd.add(p + "=" + nodeIp(p));
    }
    extras
        .peers()
        .getOrDefault(n, Map.of())
        .forEach(
            (p, ip) -> {
              cmd.add("--peer");
              cmd.add(p + "=" + ip);
            });
    cmd.addAll(agentArgs);
    cmd.addAll(extras.agentArgs().getOrDefault(n, List.of()));
    commands.put("agent-" + n, List.copyOf(cmd));
    Process p = start(cmd, "agent-" + n + ".log");
    agents.put(n, p);
    return p;
  }

  /** Waits until a launched agent serves its CNI socket and its switch is connected. */
  private void awaitAgent(String n, Process p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(socket(n))) {
      if (System.nanoTime() > deadline || !p.isAlive()) {
        throw new TestbedException("agent " + n + " did not start: " + log("agent-" + n + ".log"));
      }
      Thread.sleep(20);
    }
    awaitConnected(n);
  }

  /** {@code kill -9} of a node's agent. */
  public void killAgent(String n) throws InterruptedException {
    agents.get(n).destroyForcibly().waitFor();
  }

  public void awaitConnected(String n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      boolean up =
          grpc().status().getSwitchesList().stream()
              .anyMatch(s -> s.getNode().equals(n) && s.getConnected());
      if (up) {
        return;
      }
      Thread.sleep(20);
    }
    throw new TestbedException("switch of " + n + " never connected: " + log("controller.log"));
  }

  private Process start(List<String> cmd, String logName) {
    try {
      return new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(logName).toFile()))
          .start();
    } catch (IOException e) {
      throw new TestbedException("cannot start " + cmd, e);
    }
  }

  /** The command line that runs this program: the jar it was started from, or its classpath. */
  static List<String> self() {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC"));
    java.util.Optional<Path> jar = selfJar();
    if (jar.isPresent()) {
      cmd.addAll(List.of("-jar", jar.get().toString()));
    } else {
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.l2sm.cli.Main"));
    }
    return cmd;
  }

  /** The l2sm program's own jar (the CLI module's), when it was started from one. */
  static java.util.Optional<Path> selfJar() {
    try {
      Class<?> main = Class.forName("io.l2sm.cli.Main");
      Path code = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.toString().endsWith(".jar")
          ? java.util.Optional.of(code)
          : java.util.Optional.empty();
    } catch (ClassNotFoundException | java.net.URISyntaxException | RuntimeException e) {
      return java.util.Optional.empty(); // not started from the CLI's jar: the classpath is used
    }
  }

  /**
   * Whether the controller runs open (its command has {@code --allow-unauthenticated}); otherwise
   * gRPC and OpenFlow are mutual TLS with credentials from the testbed's CA.
   */
  public boolean open() {
    return extras.controllerCommand().contains("--allow-unauthenticated");
  }

  /**
   * The credentials folder of one of the testbed's parts ({@code controller}, {@code agent-n1},
   * ...).
   */
  public Path credentials(String part) {
    return dir.resolve("credentials").resolve(part);
  }

  /** The CA that signs this testbed's credentials. */
  public Pki pki() {
    return pki;
  }

  /** Issues the controller's, the agents', the operator's and an admin's credentials. */
  private void issueCredentials() {
    pki.server(
        "controller",
        List.of(controllerIp(), "127.0.0.1"),
        List.of("localhost"),
        credentials("controller"));
    pki.client("admin", credentials("admin"));
    pki.client("operator", credentials("operator"));
    for (String n : nodes.keySet()) {
      pki.client("agent:" + n, credentials("agent-" + n));
    }
  }

  /** A gRPC client of the controller, as admin (20 s deadline per call). */
  public ControllerClient grpc() {
    if (channel == null) {
      if (admin == null && !open()) {
        admin = io.l2sm.api.grpc.Credentials.load(credentials("admin"));
      }
      channel = GrpcControllerClient.open("127.0.0.1:" + grpcPort, admin);
    }
    return channel.within(java.time.Duration.ofSeconds(20));
  }

  /** Closes this object's gRPC client of the controller (the processes keep running). */
  public void releaseClient() {
    if (channel != null) {
      channel.close();
      channel = null;
    }
    if (admin != null) {
      admin.close();
      admin = null;
    }
  }

  /** A pod: a network namespace; IPv6 stays on, so its neighbour discovery is real traffic. */
  public String pod(String name) {
    String ns = prefix + "p" + name;
    sh("ip netns add " + ns);
    sh("ip -n " + ns + " link set lo up");
    pods.add(ns);
    return ns;
  }

  /** Removes a pod's namespace (its links go with it). */
  public void deletePod(String ns) {
    sh("ip netns del " + ns);
    pods.remove(ns);
  }

  /** Calls the installed CNI plugin as a kubelet (through Multus) would. */
  public Cni cni(String command, String node, String podNs, String ifName, String config) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cniPlugin().toString());
      Map<String, String> env = pb.environment();
      env.put("CNI_COMMAND", command);
      env.put("CNI_CONTAINERID", "ctr-" + podNs);
      env.put("CNI_NETNS", "/var/run/netns/" + podNs);
      env.put("CNI_IFNAME", ifName);
      env.put("CNI_PATH", cniPlugin().getParent().toString());
      env.put("L2SM_AGENT_SOCKET", socket(node).toString());
      Process p = pb.start();
      p.getOutputStream().write(config.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return new Cni(p.exitValue(), out);
    } catch (IOException e) {
      throw new TestbedException("cannot run the CNI plugin", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestbedException("interrupted", e);
    }
  }

  /** An L2S-M CNI network configuration with runtime IPs (and MAC when not null). */
  public static String netConf(String network, String ip, String mac) {
    StringBuilder rc = new StringBuilder("{\"ips\":[\"" + ip + "\"]");
    if (mac != null) {
      rc.append(",\"mac\":\"").append(mac).append('"');
    }
    rc.append('}');
    return "{\"cniVersion\":\"1.0.0\",\"name\":\""
        + network
        + "\",\"type\":\"l2sm\",\"device\":\"l2sm-vNet\",\"runtimeConfig\":"
        + rc
        + "}";
  }

  /** CNI ADD of interface net1 that must succeed. */
  public void attach(String node, String podNs, String network, String ip, String mac) {
    Cni r = cni("ADD", node, podNs, "net1", netConf(network, ip, mac));
    if (r.exit() != 0) {
      throw new TestbedException("CNI ADD " + podNs + " to " + network + ": " + r.stdout());
    }
  }

  /** Runs a command in a namespace; returns its output, throws on a non-zero exit. */
  public String in(String ns, String command) {
    return sh("ip netns exec " + ns + " " + command);
  }

  /** Runs a command in a namespace; returns the exit code. */
  public int tryIn(String ns, String command) {
    return run("ip netns exec " + ns + " " + command).exit();
  }

  public static Result run(String command) {
    try {
      Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new TestbedException("timed out: " + command);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new TestbedException(command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestbedException(command, e);
    }
  }

  /**
   * TCP throughput in Mbit/s: iperf3 for {@code seconds} from namespace {@code ns} to a server
   * listening on {@code ip:port}.
   */
  public static double tcpMbps(String ns, String ip, int port, int seconds) {
    String json =
        sh("ip netns exec " + ns + " iperf3 -c " + ip + " -p " + port + " -t " + seconds + " -J");
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(json)
              .at("/end/sum_received/bits_per_second")
              .asDouble()
          / 1e6;
    } catch (IOException e) {
      throw new TestbedException("iperf3 to " + ip + " printed no JSON: " + json, e);
    }
  }

  /** Waits until namespace {@code ns} gets a ping reply from {@code ip}; throws after the time. */
  public static void awaitReply(String ns, String ip, long timeoutMs) {
    long t0 = System.nanoTime();
    while ((System.nanoTime() - t0) / 1_000_000 < timeoutMs) {
      if (run("ip netns exec " + ns + " ping -c 1 -W 1 " + ip).exit() == 0) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TestbedException("interrupted waiting for " + ip, e);
      }
    }
    throw new TestbedException(
        "no reply from " + ip + " in " + ns + " within " + timeoutMs + " ms");
  }

  /** The replies a ping run's summary reports ({@code N received}); 0 when it has none. */
  /**
   * The replies a ping reports in its summary line ({@code N received}). A ping that printed no
   * summary did not run (exec failed, no ping, bad address): that is an error, never "0 replies".
   */
  public static int received(String pingOutput) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+) (packets )?received").matcher(pingOutput);
    if (!m.find()) {
      throw new TestbedException(
          "ping printed no summary, so it did not run: "
              + String.join(" | ", pingOutput.strip().lines().limit(3).toList()));
    }
    return Integer.parseInt(m.group(1));
  }

  public static String sh(String command) {
    Result r = run(command);
    if (r.exit() != 0) {
      throw new TestbedException(command + " failed (" + r.exit() + "): " + r.out());
    }
    return r.out();
  }

  /** {@code ovs-ofctl dump-flows} of a node's L2S-M bridge. */
  public String dumpFlows(String node) {
    return sh("ovs-ofctl -O OpenFlow13 dump-flows unix:" + ovsDir(node) + "/br-l2sm.mgmt");
  }

  /** The last 4000 characters of one of the testbed's logs. */
  public String log(String name) {
    try {
      String s = Files.readString(dir.resolve(name));
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no " + name + ")";
    }
  }

  /** What the machine holds that a testbed could leak: namespaces, links, OVS ports. */
  public String footprint() {
    StringBuilder b = new StringBuilder();
    b.append("netns: ").append(run("ip netns list | awk '{print $1}' | sort").out());
    b.append("root links: ").append(run("ip -o link | awk -F': ' '{print $2}' | sort").out());
    for (String n : nodes.keySet()) {
      b.append(n)
          .append(" links: ")
          .append(run("ip -n " + ns(n) + " -o link | awk -F': ' '{print $2}' | sort").out());
      b.append(n)
          .append(" ports: ")
          .append(run("ovs-vsctl --db=unix:" + ovsDir(n) + "/db.sock list-ports br-l2sm").out());
    }
    return b.toString();
  }

  private void cleanLeftovers() {
    if (where.ownsUnderlay()) {
      destroy(prefix);
    } else {
      destroy(prefix + where.tag(), dir);
    }
  }

  /** Where the testbed with this prefix keeps its files. */
  public static Path dirOf(String prefix) {
    return Path.of("/tmp/l2sm-testbed-" + prefix);
  }

  /**
   * Removes everything a testbed with this prefix may have left, running or crashed: its Open
   * vSwitch instances, every process started with its directory on the command line, processes
   * inside its namespaces, the namespaces, the links, the directory.
   */
  public static void destroy(String prefix) {
    destroy(prefix, dirOf(prefix));
  }

  /**
   * As above for the namespaces and links named {@code prefix*} and what runs from {@code dir} (its
   * Open vSwitch instances at any depth).
   */
  static void destroy(String prefix, Path dir) {
    if (Files.isDirectory(dir)) {
      // The logs of the last run stay readable in <dir>-logs, each named by its path in <dir>
      // (c1/ovs-n1/ovs-vswitchd.log as c1-ovs-n1-ovs-vswitchd.log).
      String logs = dir + "-logs";
      run(
          "rm -rf "
              + logs
              + " && mkdir -p "
              + logs
              + " && cd "
              + dir
              + " && find . -name '*.log' | while read f; do f=${f#./}; cp \"$f\" "
              + logs
              + "/$(echo \"$f\" | tr / -); done");
    }
    // Real Kubernetes nodes: kubelets, containerd, containers, their mounts and cgroups, and
    // the host folders they made to mount over.
    RealNode.stop(prefix + "*", dir);
    RealNode.removeMadePaths(dir);
    run(
        "find "
            + dir
            + " -name 'ovs-vswitchd.ctl' -o -name 'ovsdb-server.ctl' 2>/dev/null"
            + " | while read c; do ovs-appctl -t $c exit; done; true");
    run(
        "find "
            + dir
            + " -name 'ovs-vswitchd.pid' -o -name 'ovsdb-server.pid' 2>/dev/null"
            + " | while read p; do kill -9 $(cat $p); done; true");
    // [/] keeps pkill from matching the shell that runs it.
    run("pkill -9 -f -- '[/]" + dir.toString().substring(1) + "([/ ]|$)'");
    run(
        "for n in $(ip netns list | awk '{print $1}' | grep '^"
            + prefix
            + "'); do ip netns pids $n | xargs -r kill -9; ip netns del $n; done");
    run(
        "for l in $(ip -o link | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^"
            + prefix
            + "'); do ip link del $l; done");
    // A namespace's own resolver files (ip netns exec mounts /etc/netns/NAME/* over /etc).
    run("rm -rf /etc/netns/" + prefix + "*");
    run("rm -rf " + dir);
  }

  /** The command lines of the controller ({@code controller}) and agents ({@code agent-<node>}). */
  public Map<String, List<String>> commands() {
    return Map.copyOf(commands);
  }

  /** The controller's OpenFlow port (on {@link #controllerIp()}). */
  public int openflowPort() {
    return ofPort;
  }

  public int grpcPort() {
    return grpcPort;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The command line of this program (for the lab's other processes). */
  public static List<String> program() {
    return self();
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close();
    }
    if (admin != null) {
      admin.close();
    }
    agents.values().forEach(Process::destroyForcibly);
    if (controller != null) {
      controller.destroyForcibly();
    }
    for (Process p : agents.values()) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    cleanLeftovers();
  }

  public static List<String> lines(String s) {
    return Arrays.stream(s.split("\n")).filter(l -> !l.isBlank()).toList();
  }
}
