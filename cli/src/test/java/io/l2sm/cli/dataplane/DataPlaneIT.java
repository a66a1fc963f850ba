package io.l2sm.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.l2sm.api.grpc.v1.AdminTarget;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.NetworkKind;
import io.l2sm.api.grpc.v1.SetAdminStateRequest;
import io.l2sm.api.grpc.v1.SetPathRequest;
import io.l2sm.lab.Testbed;
import io.l2sm.lab.Testbed.Cni;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The data plane on real Open vSwitch: a ring of three nodes (n1~n2~n3~n1), the real controller and
 * agents as processes, pods attached through the real CNI shim. Network a has pods on n1 and n2
 * (through a tunnel), network b likewise; the tests share this lab and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataPlaneIT {
  static final String A1 = "02:00:00:00:0a:01";
  static final String A2 = "02:00:00:00:0a:02";
  static final String A3 = "02:00:00:00:0a:03";
  static final String B1 = "02:00:00:00:0b:01";
  static final String B2 = "02:00:00:00:0b:02";
  static final Path PROBE =
      Path.of("../conformance/src/main/resources/io/l2sm/conformance/probe.py").toAbsolutePath();

  static final List<String> PROBE_KINDS = io.l2sm.conformance.Suite.PROBE_KINDS;

  /**
   * What a member receives from probe.py: each flooded kind three times (it sends every frame three
   * times); the two kinds with forged source MACs never.
   */
  static final Map<String, Long> FLOODED_KINDS =
      new TreeMap<>(
          Map.of(
              "arp",
              3L,
              "mcast4",
              3L,
              "nd6",
              3L,
              "unknown",
              3L,
              "othermac",
              3L,
              "dot1q",
              3L,
              "qinq",
              3L));

  static Testbed lab;
  static String pa1;
  static String pa2;
  static String pa3;
  static String pb1;
  static String pb2;

  @BeforeAll
  static void up() throws Exception {
    TestLab.requireLab();
    lab = new Testbed("l2d", 41, "100-163", 3, "n1~n2", "n2~n3", "n1~n3");
    create("a", NetworkKind.VNET);
    create("b", NetworkKind.VNET);
    pa1 = lab.pod("a1");
    pa2 = lab.pod("a2");
    pa3 = lab.pod("a3");
    pb1 = lab.pod("b1");
    pb2 = lab.pod("b2");
    lab.attach("n1", pa1, "a", "10.10.0.1/24", A1);
    lab.attach("n2", pa2, "a", "10.10.0.2/24", A2);
    lab.attach("n3", pa3, "a", "10.10.0.3/24", A3);
    lab.attach("n1", pb1, "b", "10.10.0.11/24", B1);
    lab.attach("n2", pb2, "b", "10.10.0.12/24", B2);
  }

  @AfterAll
  static void down() {
    if (lab != null && !Boolean.getBoolean("lab.keep")) {
      lab.close();
    }
  }

  static void create(String name, NetworkKind kind) {
    lab.grpc().createNetwork(CreateNetworkRequest.newBuilder().setName(name).setKind(kind).build());
  }

  /**
   * tcpdump in a pod's namespace, writing to a file until stopped: frames the pod received (not
   * those it sent), each handed over as it arrives.
   */
  static final class Capture implements AutoCloseable {
    final Path file;
    final Process p;

    Capture(String podNs) throws Exception {
      file = lab.dir.resolve("cap-" + podNs + "-" + System.nanoTime() + ".pcap");
      p =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  podNs,
                  "tcpdump",
                  "--immediate-mode",
                  "-Q",
                  "in",
                  "-i",
                  "net1",
                  "-U",
                  "-n",
                  "-w",
                  file.toString())
              .redirectErrorStream(true)
              .start();
      // tcpdump prints "listening on" once capturing
      var err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
      String line;
      while ((line = err.readLine()) != null && !line.contains("listening on")) {
        // skip warnings
      }
      assertThat(line).as("tcpdump in %s started", podNs).isNotNull();
    }

    /** Frames captured, one line each, with link-level headers and ASCII payload. */
    List<String> frames() throws Exception {
      close();
      String out = Testbed.sh("tcpdump -r " + file + " -nn -e -A 2>/dev/null");
      return List.of(out.split("\n(?=\\d\\d:\\d\\d:\\d\\d)"));
    }

    @Override
    public void close() throws Exception {
      if (p.isAlive()) {
        Thread.sleep(300);
        p.destroy();
        p.waitFor();
      }
    }
  }

  /** How many frames of each probe kind were captured. */
  static Map<String, Long> kinds(List<String> frames, String marker) {
    Map<String, Long> got = new TreeMap<>();
    for (String kind : PROBE_KINDS) {
      long n = count(frames, marker + "-" + kind + ";");
      if (n > 0) {
        got.put(kind, n);
      }
    }
    return got;
  }

  static long count(List<String> frames, String needle) {
    return frames.stream().filter(f -> f.contains(needle)).count();
  }

  /** {@code count} pings {@code interval} s apart from a pod, running until they are done. */
  static Process pings(String fromNs, String ip, String interval, int count) throws Exception {
    return new ProcessBuilder(
            "ip", "netns", "exec", fromNs, "ping", "-i", interval, "-c", String.valueOf(count), ip)
        .redirectErrorStream(true)
        .start();
  }

  static int ping(String fromNs, String ip, int count) {
    String out =
        Testbed.run("ip netns exec " + fromNs + " ping -c " + count + " -i 0.05 -W 1 " + ip).out();
    return Testbed.received(out);
  }

  @Test
  @Order(1)
  void membersReachEachOtherAcrossTheTunnelAndTheOtherNetworkSeesNothing() throws Exception {
    try (Capture b1 = new Capture(pb1);
        Capture b2 = new Capture(pb2);
        Capture a2 = new Capture(pa2)) {
      assertThat(ping(pa1, "10.10.0.2", 3)).isEqualTo(3);
      lab.in(pa1, "arping -c 2 -w 2 -I net1 10.10.0.2");
      lab.in(pa2, "iperf3 -s -1 -D -p 5201");
      Thread.sleep(300);
      String tcp = lab.in(pa1, "iperf3 -c 10.10.0.2 -p 5201 -t 1 -J");
      assertThat(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree(tcp)
                  .at("/end/sum_received/bytes")
                  .asLong())
          .as("TCP bytes received in 1 s")
          .isGreaterThan(1L << 20);
      lab.in(pa1, "/usr/bin/python3 " + PROBE + " net1 L2SMPROBE " + B2 + " " + B1);
      List<String> seenB1 = b1.frames();
      List<String> seenB2 = b2.frames();
      List<String> seenA2 = a2.frames();
      for (List<String> seen : List.of(seenB1, seenB2)) {
        assertThat(seen)
            .as("frames in network b that came from network a or carry the probe marker")
            .filteredOn(
                f ->
                    f.contains("L2SMPROBE")
                        || f.contains(A1)
                        || f.contains(A2)
                        || f.contains("10.10.0.1 ")
                        || f.contains("02:66:66:66:66:66"))
            .isEmpty();
      }
      // The same capture method does see a's traffic inside a, so the zero above is real:
      // every probe kind arrives, tagged frames included, except the two with forged sources.
      assertThat(kinds(seenA2, "L2SMPROBE")).isEqualTo(FLOODED_KINDS);
      assertThat(count(seenA2, "Request who-has 10.10.0.2")).isPositive();
      assertThat(count(seenA2, "ethertype IPv6")).isPositive();
      assertThat(count(seenA2, "02:66:66:66:66:66 >")).isZero();
      assertThat(count(seenA2, B1 + " >")).isZero();
    }
  }

  @Test
  @Order(2)
  void theSwitchAnswersArpForAKnownMemberAndTheRequestReachesNoOne() throws Exception {
    lab.in(pa1, "ip neigh flush dev net1");
    String answered;
    String unknown;
    List<String> seenA2;
    List<String> seenA3;
    try (Capture a2 = new Capture(pa2);
        Capture a3 = new Capture(pa3)) {
      answered = lab.in(pa1, "arping -c 1 -w 2 -I net1 10.10.0.2");
      // The control: a request for an address no member has is flooded to both, as before.
      unknown = Testbed.run("ip netns exec " + pa1 + " arping -c 1 -w 1 -I net1 10.10.0.250").out();
      seenA2 = a2.frames();
      seenA3 = a3.frames();
    }
    assertThat(answered).contains("bytes from " + A2 + " (10.10.0.2)");
    assertThat(unknown).contains("1 packets transmitted, 0 packets received");
    for (List<String> seen : List.of(seenA2, seenA3)) {
      assertThat(count(seen, "who-has 10.10.0.250")).as("control request flooded").isEqualTo(1);
      assertThat(count(seen, "who-has 10.10.0.2 ")).as("answered request delivered").isZero();
    }
    assertThat(lab.grpc().status().getPacketIns()).isZero();
  }

  @Test
  @Order(2)
  void broadcastOnTheRingArrivesExactlyOncePerMember() throws Exception {
    try (Capture a2 = new Capture(pa2);
        Capture a3 = new Capture(pa3)) {
      lab.in(pa1, "/usr/bin/python3 " + PROBE + " net1 RINGONCE " + B2 + " " + B1);
      // n1 floods along the tree to n2 and n3 although the ring also joins n2 and n3: a loop
      // would deliver more copies, a duplicate path twice as many.
      for (Capture c : List.of(a2, a3)) {
        assertThat(kinds(c.frames(), "RINGONCE"))
            .as("copies of each probe at one member")
            .isEqualTo(FLOODED_KINDS);
      }
    }
  }

  @Test
  @Order(3)
  void vlinkTakesTwoEndpointsAndFollowsItsExplicitPath() throws Exception {
    create("v", NetworkKind.VLINK);
    String v1 = lab.pod("v1");
    String v3 = lab.pod("v3");
    String vx = lab.pod("vx");
    lab.attach("n1", v1, "v", "10.20.0.1/24", "02:00:00:00:0c:01");
    lab.attach("n3", v3, "v", "10.20.0.3/24", "02:00:00:00:0c:03");
    Cni third = lab.cni("ADD", "n2", vx, "net1", Testbed.netConf("v", "10.20.0.9/24", null));
    assertThat(third.exit()).isEqualTo(1);
    assertThat(third.stdout())
        .contains("\"code\":100")
        .contains("network v is a vlink and already has its two endpoints");
    assertThat(Testbed.run("ip -n " + vx + " link show net1").exit())
        .as("nothing left")
        .isNotZero();

    int vni = lab.grpc().network("v").orElseThrow().getVni();
    lab.grpc()
        .setPath(
            SetPathRequest.newBuilder()
                .setNetwork("v")
                .addAllNodes(List.of("n1", "n2", "n3"))
                .build());
    long before = transitPackets("n2", vni);
    assertThat(ping(v1, "10.20.0.3", 5)).isEqualTo(5);
    // OVS folds datapath counters into its flow statistics about once a second.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (transitPackets("n2", vni) - before < 10 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(transitPackets("n2", vni) - before)
        .as("packets through n2")
        .isGreaterThanOrEqualTo(10);
  }

  /** Packets n2's switch classified from tunnels with this VNI. */
  static long transitPackets(String node, int vni) {
    long sum = 0;
    for (String line : Testbed.lines(lab.dumpFlows(node))) {
      if (line.contains("tun_id=0x" + Integer.toHexString(vni) + " ")
          || line.contains("tun_id=0x" + Integer.toHexString(vni) + ",")) {
        Matcher m = Pattern.compile("n_packets=(\\d+)").matcher(line);
        if (m.find()) {
          sum += Long.parseLong(m.group(1));
        }
      }
    }
    return sum;
  }

  @Test
  @Order(4)
  void shuttingAPortALinkOrANetworkStopsTrafficAndEnablingResumesIt() throws Exception {
    String id = "ctr-" + pa2 + "/net1";
    admin(AdminTarget.PORT, id, false);
    assertThat(ping(pa1, "10.10.0.2", 3)).isZero();
    admin(AdminTarget.PORT, id, true);
    assertThat(ping(pa1, "10.10.0.2", 3)).isEqualTo(3);

    admin(AdminTarget.NETWORK, "a", false);
    assertThat(ping(pa1, "10.10.0.2", 3)).isZero();
    assertThat(ping(pb1, "10.10.0.12", 3)).as("other networks unaffected").isEqualTo(3);
    admin(AdminTarget.NETWORK, "a", true);
    assertThat(ping(pa1, "10.10.0.2", 3)).isEqualTo(3);

    // On the ring a shut link is routed around; shutting both links of n2 cuts it off.
    admin(AdminTarget.LINK, "n1~n2", false);
    assertThat(ping(pa1, "10.10.0.2", 3)).as("rerouted via n3").isEqualTo(3);
    admin(AdminTarget.LINK, "n2~n3", false);
    assertThat(ping(pa1, "10.10.0.2", 3)).isZero();
    admin(AdminTarget.LINK, "n1~n2", true);
    admin(AdminTarget.LINK, "n2~n3", true);
    assertThat(ping(pa1, "10.10.0.2", 3)).isEqualTo(3);
  }

  static void admin(AdminTarget t, String name, boolean enabled) {
    lab.grpc()
        .setAdminState(
            SetAdminStateRequest.newBuilder()
                .setTarget(t)
                .setName(name)
                .setEnabled(enabled)
                .build());
  }

  @Test
  @Order(5)
  void aMirroredNetworkIsCopiedToTheMonitorAndNothingElseIs() throws Exception {
    create("mon", NetworkKind.VNET);
    String pm = lab.pod("mon");
    lab.attach("n3", pm, "mon", "10.30.0.1/24", "02:00:00:00:0d:01");
    mirror("a", "ctr-" + pm + "/net1");
    try (Capture mon = new Capture(pm)) {
      assertThat(ping(pa1, "10.10.0.2", 3)).isEqualTo(3);
      assertThat(ping(pb1, "10.10.0.12", 3)).isEqualTo(3);
      List<String> seen = mon.frames();
      assertThat(count(seen, "10.10.0.1 > 10.10.0.2: ICMP echo request"))
          .as("echo requests at the monitor in %s", seen)
          .isEqualTo(3);
      assertThat(count(seen, "10.10.0.2 > 10.10.0.1: ICMP echo reply")).isEqualTo(3);
      assertThat(seen)
          .as("frames at the monitor that are not network a's")
          .filteredOn(f -> f.matches("(?s)^\\S+ ([0-9a-f:]{17}) >.*"))
          .filteredOn(
              f ->
                  !(f.contains(" " + A1 + " >")
                      || f.contains(" " + A2 + " >")
                      || f.contains(" " + A3 + " >")))
          .isEmpty();
    }
    mirror("a", "");
    try (Capture mon = new Capture(pm)) {
      assertThat(ping(pa1, "10.10.0.2", 3)).isEqualTo(3);
      assertThat(count(mon.frames(), "ICMP echo")).as("after the mirror is removed").isZero();
    }
  }

  static void mirror(String network, String monitor) {
    lab.grpc()
        .setMirror(
            io.l2sm.api.grpc.v1.SetMirrorRequest.newBuilder()
                .setSourceNetwork(network)
                .setMonitorAttachment(monitor)
                .build());
  }

  @Test
  @Order(6)
  void aRateLimitedAttachmentSendsNoFasterThanItsMeter() throws Exception {
    String id = "ctr-" + pa1 + "/net1";
    rate(id, 20_000);
    double limited = tcpMbps(pa1, pa2, "10.10.0.2");
    rate(id, 0);
    double free = tcpMbps(pa1, pa2, "10.10.0.2");
    assertThat(limited).as("Mbit/s through a 20 Mbit/s meter").isBetween(2.0, 25.0);
    assertThat(free).as("Mbit/s without the meter").isGreaterThan(100.0);
  }

  static void rate(String id, long kbps) {
    lab.grpc()
        .setRateLimit(
            io.l2sm.api.grpc.v1.SetRateLimitRequest.newBuilder()
                .setAttachment(id)
                .setKbps(kbps)
                .build());
  }

  /** TCP goodput from one pod to another over 2 s, as iperf3's receiver measured it. */
  static double tcpMbps(String from, String to, String toIp) throws Exception {
    lab.in(to, "iperf3 -s -1 -D -p 5202");
    Thread.sleep(300);
    String json = lab.in(from, "iperf3 -c " + toIp + " -p 5202 -t 2 -J");
    return new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(json)
            .at("/end/sum_received/bits_per_second")
            .asDouble()
        / 1e6;
  }

  @Test
  @Order(7)
  void concurrentAttachmentsToANetworkWithACidrGetDistinctAddresses() throws Exception {
    lab.grpc()
        .createNetwork(
            CreateNetworkRequest.newBuilder()
                .setName("ipam")
                .setKind(NetworkKind.VNET)
                .setCidr("10.60.0.0/24")
                .build());
    String config = "{\"cniVersion\":\"1.0.0\",\"name\":\"ipam\",\"type\":\"l2sm\"}";
    List<String> pods = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      pods.add(lab.pod("ip" + i));
    }
    java.util.concurrent.ExecutorService kubelets =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    List<java.util.concurrent.Future<Cni>> adds = new java.util.ArrayList<>();
    for (int i = 0; i < pods.size(); i++) {
      String pod = pods.get(i);
      String node = i % 2 == 0 ? "n1" : "n2";
      adds.add(kubelets.submit(() -> lab.cni("ADD", node, pod, "net1", config)));
    }
    List<String> addresses = new java.util.ArrayList<>();
    for (var f : adds) {
      Cni r = f.get();
      assertThat(r.exit()).as(r.stdout()).isZero();
      addresses.add(
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(r.stdout())
              .at("/ips/0/address")
              .asText());
    }
    kubelets.shutdown();
    assertThat(addresses)
        .doesNotHaveDuplicates()
        .allMatch(a -> a.startsWith("10.60.0.") && a.endsWith("/24"));
    String last = addresses.get(19).replace("/24", "");
    assertThat(ping(pods.get(0), last, 3)).as("%s reaches %s", pods.get(0), last).isEqualTo(3);
    assertThat(lab.in(pods.get(19), "ip -4 -o addr show dev net1")).contains(addresses.get(19));
  }

  @Test
  @Order(8)
  void badInputGetsPreciseErrorsAndLeavesNothingBehind() throws Exception {
    String before = lab.footprint();
    String p = lab.pod("bad");
    Cni missing = lab.cni("ADD", "n1", p, "net1", "{\"cniVersion\":\"1.0.0\",\"type\":\"l2sm\"}");
    assertThat(missing.stdout())
        .contains("\"code\":7")
        .contains("has neither 'name' nor 'l2smNetwork'");
    Cni noNs =
        lab.cni("ADD", "n1", "l2dpnosuch", "net1", Testbed.netConf("a", "10.10.0.99/24", null));
    assertThat(noNs.stdout()).contains("\"code\":3").contains("does not exist");
    Cni badIf = lab.cni("ADD", "n1", p, "bad/name", Testbed.netConf("a", "10.10.0.99/24", null));
    assertThat(badIf.stdout()).contains("\"code\":4").contains("not a valid interface name");
    Cni unknown = lab.cni("ADD", "n1", p, "net1", Testbed.netConf("nosuch", "10.10.0.99/24", null));
    assertThat(unknown.stdout()).contains("\"code\":100").contains("no network nosuch");
    Cni dupMac = lab.cni("ADD", "n1", p, "net1", Testbed.netConf("a", "10.10.0.99/24", A2));
    assertThat(dupMac.stdout()).contains("MAC " + A2 + " is already used in network a");
    Cni checkOk = lab.cni("CHECK", "n1", pa1, "net1", Testbed.netConf("a", "10.10.0.1/24", A1));
    assertThat(checkOk.exit()).as(checkOk.stdout()).isZero();
    Cni checkBad = lab.cni("CHECK", "n1", p, "net1", Testbed.netConf("a", "10.10.0.99/24", null));
    assertThat(checkBad.stdout()).contains("\"code\":101").contains("no switch port for ctr-" + p);
    for (Cni c : List.of(missing, noNs, badIf, unknown, dupMac, checkBad)) {
      assertThat(c.exit()).isEqualTo(1);
    }
    lab.deletePod(p);
    assertThat(lab.footprint()).isEqualTo(before);

    assertThat(lab.grpc().network("zz")).isEmpty();
    assertThatThrownBy(
            () ->
                lab.grpc()
                    .deleteNetwork(
                        io.l2sm.api.grpc.v1.DeleteNetworkRequest.newBuilder()
                            .setName("zz")
                            .build()))
        .isInstanceOf(io.l2sm.api.grpc.ControllerClient.CallException.class)
        .hasMessage("NOT_FOUND: no network zz");
    // The lab's controller allocates VNIs 100-163: the 65th network finds none.
    int made = lab.grpc().status().getNetworksCount();
    for (int i = made; i < 64; i++) {
      create("fill-" + i, NetworkKind.VNET);
    }
    assertThatThrownBy(() -> create("one-too-many", NetworkKind.VNET))
        .hasMessageStartingWith("RESOURCE_EXHAUSTED: no free VNI");
    for (int i = made; i < 64; i++) {
      lab.grpc()
          .deleteNetwork(
              io.l2sm.api.grpc.v1.DeleteNetworkRequest.newBuilder().setName("fill-" + i).build());
    }
  }

  @Test
  @Order(9)
  void controllerKill9DuringAPingLosesNothingAndANewAttachmentWorksSoonAfterRestart()
      throws Exception {
    Process ping = pings(pa1, "10.10.0.2", "0.01", 400);
    Thread.sleep(1000);
    lab.killController();
    Thread.sleep(1000);
    lab.startController();
    String out = new String(ping.getInputStream().readAllBytes());
    ping.waitFor();
    assertThat(out).contains("400 packets transmitted, 400 received");

    String p = lab.pod("late");
    long t0 = System.nanoTime();
    lab.attach("n2", p, "a", "10.10.0.20/24", null);
    long addMs = (System.nanoTime() - t0) / 1_000_000;
    // ADD returns only when the port forwards: the first ping is answered within its 1 s wait.
    assertThat(lab.tryIn(p, "ping -c 1 -W 1 10.10.0.1")).isZero();
    // The controller's first change after its restart runs in a JVM that has just started: its
    // attach path is loaded and interpreted for the first time. Measured here, 270-450 ms on an
    // idle machine (the next attachment: about 55 ms), and 1,011 ms once in a CI run whose
    // machine was busy; the bound is "soon" with room for a loaded machine (the kubelet waits
    // up to 2 minutes for a sandbox's networking).
    assertThat(addMs).as("restart → CNI ADD returned, ms").isLessThan(3000);
    assertThat(lab.grpc().status().getPacketIns()).isZero();
  }

  @Test
  @Order(10)
  void agentKill9KeepsPodsForwardingAndRestartLeaksNothing() throws Exception {
    String before = lab.footprint();
    lab.killAgent("n1");
    assertThat(ping(pa1, "10.10.0.2", 3)).isEqualTo(3);
    lab.startAgent("n1");
    assertThat(ping(pa1, "10.10.0.2", 3)).isEqualTo(3);
    assertThat(lab.footprint()).isEqualTo(before);
  }

  static List<String> attachmentIds() {
    return lab.grpc().status().getNetworksList().stream()
        .flatMap(n -> n.getAttachmentsList().stream())
        .map(a -> a.getId())
        .toList();
  }

  @Test
  @Order(11)
  @DisplayName("a pod gone without a DEL (sent while its agent was down) is detached by the agent")
  void aPodGoneWithoutADelIsDetachedByItsAgent() throws Exception {
    String before = lab.footprint();
    String p = lab.pod("orphan");
    lab.attach("n2", p, "a", "10.10.0.31/24", null);
    String id = "ctr-" + p + "/net1";
    assertThat(attachmentIds()).as("positive control: the controller has it").contains(id);
    lab.deletePod(p); // the namespace and its veth are gone; no DEL reaches the agent
    long t0 = System.nanoTime();
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !attachmentIds().contains(id));
    System.out.printf(
        "orphan detached %d ms after its pod went%n", (System.nanoTime() - t0) / 1_000_000);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(lab::footprint, f -> f.equals(before));
  }

  @Test
  @Order(12)
  void hundredAttachDetachCyclesLeaveEverythingAsItWas() throws Exception {
    String p = lab.pod("cycle");
    String before = lab.footprint();
    String statusBefore = lab.grpc().status().toString();
    String flowsBefore =
        lab.dumpFlows("n2").replaceAll("duration=[^,]*,|n_packets=\\d+, n_bytes=\\d+, ", "");
    for (int i = 0; i < 100; i++) {
      lab.attach("n2", p, "a", "10.10.0.30/24", null);
      Cni del = lab.cni("DEL", "n2", p, "net1", Testbed.netConf("a", "10.10.0.30/24", null));
      assertThat(del.exit()).as(del.stdout()).isZero();
    }
    assertThat(lab.footprint()).isEqualTo(before);
    assertThat(withoutCounters(lab.grpc().status().toString()))
        .isEqualTo(withoutCounters(statusBefore));
    assertThat(lab.dumpFlows("n2").replaceAll("duration=[^,]*,|n_packets=\\d+, n_bytes=\\d+, ", ""))
        .isEqualTo(flowsBefore);
  }

  static int tunnelsRegistered(String node) {
    return lab.grpc().status().getSwitchesList().stream()
        .filter(w -> w.getNode().equals(node))
        .mapToInt(w -> w.getTunnelsCount())
        .sum();
  }

  @Test
  @Order(13)
  void aDeadTunnelIsFoundByBfdAndRoutedAroundWithinASecond() throws Exception {
    assertThat(tunnelsRegistered("n1")).isEqualTo(2);
    Process ping = pings(pa1, "10.10.0.2", "0.02", 250);
    Thread.sleep(1000);
    // The underlay loses n1's packets to n2 (dropped in n1's br-phy, which carries its tunnels).
    String brPhy = "unix:" + lab.ovsDir("n1") + "/br-phy.mgmt";
    String cut = "priority=100,ip,nw_dst=" + lab.nodeIp("n2");
    Testbed.sh("ovs-ofctl add-flow " + brPhy + " '" + cut + ",actions=drop'");
    String out = new String(ping.getInputStream().readAllBytes());
    ping.waitFor();
    assertThat(out).as(out).contains(" received");
    int lost = 250 - Testbed.received(out);
    // BFD at 100 ms finds it in about 0.3 s; the pings then go n1 -> n3 -> n2.
    assertThat(lost).as("pings lost at 20 ms intervals: %s", out).isBetween(1, 50);
    assertThat(tunnelsRegistered("n1")).isEqualTo(1);
    Testbed.sh("ovs-ofctl del-flows --strict " + brPhy + " '" + cut + "'");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (tunnelsRegistered("n1") != 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(tunnelsRegistered("n1")).as("the link is back").isEqualTo(2);
    assertThat(ping(pa1, "10.10.0.2", 3)).isEqualTo(3);
  }

  /** The controller's events from now on, gathered until the returned stream's deadline. */
  static List<io.l2sm.api.grpc.v1.WatchEvent> watch(Duration howLong) {
    List<io.l2sm.api.grpc.v1.WatchEvent> events =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    var stream = lab.grpc().within(howLong).watch();
    Thread t =
        new Thread(
            () -> {
              try {
                stream.forEachRemaining(events::add);
              } catch (io.l2sm.api.grpc.ControllerClient.CallException e) {
                // the deadline ends it
              }
            });
    t.setDaemon(true);
    t.start();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty()); // snapshot
    return events;
  }

  static boolean saw(List<io.l2sm.api.grpc.v1.WatchEvent> events, String name, String action) {
    synchronized (events) {
      return events.stream()
          .anyMatch(
              e ->
                  e.getKind().equals("attachment")
                      && e.getName().equals(name)
                      && e.getAction().equals(action));
    }
  }

  @Test
  @Order(14)
  @DisplayName(
      "an ADD that fails after the controller stored its attachment leaves no attachment behind"
          + " and its port serves the next pod")
  void anAddWhoseAttachmentWasStoredButNotConfirmedIsTakenBack() throws Exception {
    String before = lab.footprint();
    String p = lab.pod("unconfirmed");
    String id = "ctr-" + p + "/net1";
    var events = watch(Duration.ofSeconds(90));
    // n3's switch stops answering: the controller stores the attachment, pushes its flows and
    // waits for n3's confirmation, which does not come: the ADD fails after the controller took it.
    String vswitchd = Testbed.sh("cat " + lab.ovsDir("n3") + "/ovs-vswitchd.pid").strip();
    Testbed.sh("kill -STOP " + vswitchd);
    Cni add;
    try {
      add = lab.cni("ADD", "n2", p, "net1", Testbed.netConf("a", "10.10.0.41/24", null));
    } finally {
      Testbed.sh("kill -CONT " + vswitchd);
    }
    assertThat(add.exit()).as("ADD while a member's switch does not confirm").isNotZero();
    assertThat(add.stdout()).containsAnyOf("DEADLINE_EXCEEDED", "did not confirm");
    // Positive control: the controller did take it, so there was something to take back.
    assertThat(saw(events, id, "added")).as("the controller stored %s: %s", id, events).isTrue();
    long t0 = System.nanoTime();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !attachmentIds().contains(id));
    System.out.printf(
        "attachment of the failed ADD gone %d ms after the ADD returned%n",
        (System.nanoTime() - t0) / 1_000_000);
    assertThat(saw(events, id, "removed")).isTrue();
    // Its port is free for the next pod on n2, which is attached and reaches n1.
    String q = lab.pod("after-unconfirmed");
    lab.attach("n2", q, "a", "10.10.0.42/24", null);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> lab.tryIn(q, "ping -c 1 -W 1 10.10.0.1") == 0);
    Cni del = lab.cni("DEL", "n2", q, "net1", Testbed.netConf("a", "10.10.0.42/24", null));
    assertThat(del.exit()).as(del.stdout()).isZero();
    lab.deletePod(q);
    lab.deletePod(p);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(lab::footprint, f -> f.equals(before));
  }

  static int vni(String network) {
    return lab.grpc().network(network).orElseThrow().getVni();
  }

  static void declare(String network, int vni) {
    lab.grpc()
        .createNetwork(
            CreateNetworkRequest.newBuilder()
                .setName(network)
                .setKind(NetworkKind.VNET)
                .setVni(vni)
                .build());
  }

  /** Last: the controller's state is lost here, as a pod without its volume loses it. */
  @Test
  @Order(15)
  @DisplayName(
      "a controller that lost its state keeps the switches' flows until its state is declared"
          + " again, and drops what was not")
  void aControllerThatLostItsStateKeepsForwardingWhileItsStateIsDeclaredAgain() throws Exception {
    int vniA = vni("a");
    int vniB = vni("b");
    assertThat(ping(pb1, "10.10.0.12", 3)).as("positive control: b forwards").isEqualTo(3);
    Process pings = pings(pa1, "10.10.0.2", "0.02", 750);
    Thread.sleep(1000);
    lab.killController();
    Testbed.sh("rm -rf " + lab.controllerStateDir());
    int holdSeconds = 12;
    lab.startController(List.of("--hold-flows", String.valueOf(holdSeconds)));
    long started = System.nanoTime();
    // As the operator does on its resync: network a again, with the VNI its status records; b not.
    declare("a", vniA);
    // The agents register their switches and restore a's attachments in their next round.
    List<String> aIds =
        List.of("ctr-" + pa1 + "/net1", "ctr-" + pa2 + "/net1", "ctr-" + pa3 + "/net1");
    Awaitility.await()
        .atMost(Duration.ofSeconds(holdSeconds - 2))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> attachmentIds().containsAll(aIds));
    System.out.printf(
        "a's attachments restored %d ms after the controller started%n",
        (System.nanoTime() - started) / 1_000_000);
    // b is unknown to the controller, yet its flows are held: b1 still reaches b2.
    assertThat(attachmentIds()).noneMatch(id -> id.contains(pb1));
    assertThat(ping(pb1, "10.10.0.12", 3)).as("b during the hold").isEqualTo(3);
    String out = new String(pings.getInputStream().readAllBytes());
    pings.waitFor();
    assertThat(out).as(out).contains("750 packets transmitted");
    int lost = 750 - Testbed.received(out);
    System.out.printf("pings a1 -> a2 across the loss, 20 ms apart: %d of 750 lost%n", lost);
    assertThat(lost).as(out).isZero();
    // The hold ends: b, never declared again, stops; a goes on.
    Awaitility.await()
        .atMost(Duration.ofSeconds(holdSeconds + 10))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> ping(pb1, "10.10.0.12", 1) == 0);
    assertThat((System.nanoTime() - started) / 1_000_000_000.0)
        .as("b stopped only once the hold was over")
        .isGreaterThanOrEqualTo(holdSeconds - 2.0);
    assertThat(ping(pa1, "10.10.0.2", 3)).as("a after the hold").isEqualTo(3);
    assertThat(lab.log("controller.log"))
        .contains("held for " + holdSeconds + " s")
        .contains("the hold is over");
    // b declared again: the agents restore its attachments and it forwards again.
    declare("b", vniB);
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> ping(pb1, "10.10.0.12", 1) == 1);
  }

  static String withoutCounters(String status) {
    return status.replaceAll("flow_mods: \\d+", "");
  }
}
