package io.l2sm.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
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
import org.junit.jupiter.api.Assumptions;

/**
 * A small data-plane testbed on one machine, from real parts: each node is a network namespace with
 * its own ovsdb-server and ovs-vswitchd (userspace datapath), nodes share an underlay (a Linux
 * bridge in the root namespace, which also reaches the controller), and pods are network namespaces
 * plumbed by the real CNI shim → node agent → controller path. The controller and the agents run as
 * separate processes from the packaged jar.
 */
final class TestLab implements AutoCloseable {
  static final Path JAR = Path.of("target/l2sm-cli.jar").toAbsolutePath();
  static final Path SHIM =
      Path.of("../l2sm-operator/agent/src/main/resources/io/l2sm/agent/l2sm-cni")
          .toAbsolutePath()
          .normalize();

  final String prefix;
  final Path dir;
  final int subnet;
  final Map<String, Integer> nodes = new LinkedHashMap<>();
  final Map<String, List<String>> peers = new TreeMap<>();
  final Map<String, Process> agents = new TreeMap<>();
  final List<String> pods = new ArrayList<>();
  Process controller;
  final int ofPort;
  final int grpcPort;
  final int httpPort;
  private ManagedChannel channel;

  /** Fails under CI=true, skips elsewhere, when the machine cannot run the lab. */
  static void requireLab() {
    List<String> missing = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      missing.add("root");
    }
    for (String tool :
        List.of(
            "ovs-vswitchd",
            "ovsdb-server",
            "ovs-vsctl",
            "ovs-ofctl",
            "tcpdump",
            "iperf3",
            "ethtool",
            "ping",
            "nsenter",
            "ip")) {
      if (!onPath(tool)) {
        missing.add(tool);
      }
    }
    if (!Files.exists(Path.of("/usr/bin/python3"))) {
      missing.add("/usr/bin/python3");
    }
    if (!missing.isEmpty()) {
      String msg =
          "the data-plane tests need " + missing + " (run scripts/install-prereqs.sh as root)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(msg);
      }
      Assumptions.abort(msg);
    }
    assertThat(JAR).as("packaged CLI (mvn package)").exists();
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
   * A lab whose overlay has the given links ({@code "n1~n2"}); nodes are named n1..nN. The prefix
   * (3 characters) keeps this lab's namespaces and links apart from others.
   */
  TestLab(String prefix, int subnet, int nodeCount, String... links) throws Exception {
    requireLab();
    this.prefix = prefix;
    this.subnet = subnet;
    this.dir = Path.of("/tmp/l2sm-it-" + prefix);
    cleanLeftovers();
    Files.createDirectories(dir);
    ofPort = freePort();
    grpcPort = freePort();
    httpPort = freePort();
    for (int i = 1; i <= nodeCount; i++) {
      nodes.put("n" + i, i);
      peers.put("n" + i, new ArrayList<>());
    }
    for (String l : links) {
      String[] ab = l.split("~");
      peers.get(ab[0]).add(ab[1]);
      peers.get(ab[1]).add(ab[0]);
    }
    sh("ip link add " + ul() + " type bridge");
    sh("ip addr add " + controllerIp() + "/24 dev " + ul());
    sh("ip link set " + ul() + " up");
    sh("ethtool -K " + ul() + " tx off");
    for (var e : nodes.entrySet()) {
      startNode(e.getKey(), e.getValue());
    }
    startController();
    for (String n : nodes.keySet()) {
      startAgent(n);
    }
  }

  String ul() {
    return prefix + "ul";
  }

  String controllerIp() {
    return "10.99." + subnet + ".254";
  }

  String nodeIp(String node) {
    return "10.99." + subnet + "." + nodes.get(node);
  }

  String ns(String node) {
    return prefix + node;
  }

  Path ovsDir(String node) {
    return dir.resolve("ovs-" + node);
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
    sh("ip netns exec " + ns + " sysctl -qw net.ipv4.conf.eth-ul.arp_ignore=1");
    sh("ip netns exec " + ns + " ethtool -K eth-ul tx off");
    sh("ip -n " + ns + " link set eth-ul up");
    sh("mkdir -p " + d);
    sh("ovsdb-tool create " + d + "/conf.db /usr/share/openvswitch/vswitch.ovsschema");
    sh(
        "ip netns exec "
            + ns
            + " ovsdb-server "
            + d
            + "/conf.db --remote=punix:"
            + d
            + "/db.sock --pidfile="
            + d
            + "/ovsdb-server.pid --unixctl="
            + d
            + "/ovsdb-server.ctl --log-file="
            + d
            + "/ovsdb-server.log --detach");
    sh("ovs-vsctl --db=unix:" + d + "/db.sock --no-wait init");
    sh(
        "OVS_RUNDIR="
            + d
            + " OVS_LOGDIR="
            + d
            + " OVS_DBDIR="
            + d
            + " OVS_SYSCONFDIR="
            + d
            + " ip netns exec "
            + ns
            + " ovs-vswitchd unix:"
            + d
            + "/db.sock --pidfile="
            + d
            + "/ovs-vswitchd.pid --unixctl="
            + d
            + "/ovs-vswitchd.ctl --log-file="
            + d
            + "/ovs-vswitchd.log --detach");
    sh(
        "ovs-vsctl --db=unix:"
            + d
            + "/db.sock add-br br-phy -- set bridge br-phy"
            + " datapath_type=netdev -- add-port br-phy eth-ul");
    sh("ip -n " + ns + " addr add " + nodeIp(n) + "/24 dev br-phy");
    sh("ip -n " + ns + " link set br-phy up");
  }

  void startController() throws Exception {
    controller =
        new ProcessBuilder(
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toString(),
                "controller",
                "--state-dir",
                dir.resolve("controller").toString(),
                "--openflow",
                controllerIp() + ":" + ofPort,
                "--grpc",
                ":" + grpcPort,
                "--http",
                "127.0.0.1:" + httpPort,
                "--vni-range",
                "100-163")
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("controller.log").toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        HttpURLConnection c =
            (HttpURLConnection)
                URI.create("http://127.0.0.1:" + httpPort + "/healthz").toURL().openConnection();
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !controller.isAlive()) {
          throw new AssertionError("controller did not start: " + log("controller.log"), e);
        }
      }
      Thread.sleep(50);
    }
  }

  void killController() throws InterruptedException {
    controller.destroyForcibly().waitFor();
  }

  Path socket(String node) {
    return dir.resolve("agent-" + node + ".sock");
  }

  void startAgent(String n) throws Exception {
    Files.deleteIfExists(socket(n));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                ns(n),
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toString(),
                "agent",
                "--node",
                n,
                "--controller",
                controllerIp() + ":" + grpcPort,
                "--openflow-target",
                "tcp:" + controllerIp() + ":" + ofPort,
                "--datapath",
                "netdev",
                "--ovs-db",
                "unix:" + ovsDir(n) + "/db.sock",
                "--socket",
                socket(n).toString()));
    for (String p : peers.get(n)) {
      cmd.add("--peer");
      cmd.add(p + "=" + nodeIp(p));
    }
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("agent-" + n + ".log").toFile()))
            .start();
    agents.put(n, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(socket(n))) {
      if (System.nanoTime() > deadline || !p.isAlive()) {
        throw new AssertionError("agent " + n + " did not start: " + log("agent-" + n + ".log"));
      }
      Thread.sleep(50);
    }
    awaitConnected(n);
  }

  void killAgent(String n) throws InterruptedException {
    agents.get(n).destroyForcibly().waitFor();
  }

  void awaitConnected(String n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      boolean up =
          grpc()
              .getStatus(io.l2sm.api.grpc.v1.GetStatusRequest.getDefaultInstance())
              .getSwitchesList()
              .stream()
              .anyMatch(s -> s.getNode().equals(n) && s.getConnected());
      if (up) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("switch of " + n + " never connected: " + log("controller.log"));
  }

  ControllerGrpc.ControllerBlockingStub grpc() {
    if (channel == null) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    }
    return ControllerGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** A pod: a network namespace; IPv6 stays on, so its neighbour discovery is real traffic. */
  String pod(String name) {
    String ns = prefix + "p" + name;
    sh("ip netns add " + ns);
    sh("ip -n " + ns + " link set lo up");
    pods.add(ns);
    return ns;
  }

  /** What a CNI invocation printed and returned. */
  record Cni(int exit, String stdout) {}

  /** Calls the CNI shim as a kubelet (through Multus) would. */
  Cni cni(String command, String node, String podNs, String ifName, String config)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", SHIM.toString());
    Map<String, String> env = pb.environment();
    env.put("CNI_COMMAND", command);
    env.put("CNI_CONTAINERID", "ctr-" + podNs);
    env.put("CNI_NETNS", "/var/run/netns/" + podNs);
    env.put("CNI_IFNAME", ifName);
    env.put("CNI_PATH", "/opt/cni/bin");
    env.put("L2SM_AGENT_SOCKET", socket(node).toString());
    Process p = pb.start();
    p.getOutputStream().write(config.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return new Cni(p.exitValue(), out);
  }

  static String netConf(String network, String ip, String mac) {
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

  /** ADD that must succeed. */
  void attach(String node, String podNs, String network, String ip, String mac) throws Exception {
    Cni r = cni("ADD", node, podNs, "net1", netConf(network, ip, mac));
    assertThat(r.exit()).as("CNI ADD %s to %s: %s", podNs, network, r.stdout()).isZero();
  }

  /** Runs a command in a namespace; returns stdout, fails the test on a non-zero exit. */
  String in(String ns, String command) {
    return sh("ip netns exec " + ns + " " + command);
  }

  /** Runs a command in a namespace; returns the exit code. */
  int tryIn(String ns, String command) {
    return run("ip netns exec " + ns + " " + command).exit();
  }

  record Result(int exit, String out) {}

  static Result run(String command) {
    try {
      Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError(command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(command, e);
    }
  }

  static String sh(String command) {
    Result r = run(command);
    if (r.exit() != 0) {
      throw new AssertionError(command + " failed (" + r.exit() + "): " + r.out());
    }
    return r.out();
  }

  String dumpFlows(String node) {
    return sh("ovs-ofctl -O OpenFlow13 dump-flows unix:" + ovsDir(node) + "/br-l2sm.mgmt");
  }

  String log(String name) {
    try {
      String s = Files.readString(dir.resolve(name));
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no " + name + ")";
    }
  }

  /** What the machine holds that a lab could leak: namespaces, links, OVS ports. */
  String footprint() {
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

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void cleanLeftovers() {
    run(
        "for p in "
            + dir
            + "/ovs-*/ovs-vswitchd.ctl; do [ -e \"$p\" ] && ovs-appctl -t $p exit; done");
    run(
        "for p in "
            + dir
            + "/ovs-*/ovsdb-server.ctl; do [ -e \"$p\" ] && ovs-appctl -t $p exit; done");
    run("pkill -9 -f 'l2sm-it-" + prefix + "/' ; true");
    run(
        "for n in $(ip netns list | awk '{print $1}' | grep '^"
            + prefix
            + "'); do ip netns del $n; done");
    run(
        "for l in $(ip -o link | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^"
            + prefix
            + "'); do ip link del $l; done");
    run("rm -rf " + dir);
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
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

  static List<String> lines(String s) {
    return Arrays.stream(s.split("\n")).filter(l -> !l.isBlank()).toList();
  }
}
