package io.l2sm.cli;

import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.NetworkKind;
import io.l2sm.cli.BenchReport.Figure;
import io.l2sm.lab.Testbed;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code l2sm bench dataplane}: attach latency and TCP throughput on a two-node testbed, each
 * against references measured in the same run on the same machine.
 */
@Command(
    name = "dataplane",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Build a two-node testbed (private Open vSwitch per node, userspace datapath, VXLAN between"
          + " them; needs root) and measure:",
      "- attach latency: CNI ADD start to the first ping reply from a pod on the other node,"
          + " against the same plumbing done by a shell script into a NORMAL bridge (no"
          + " controller) as the floor;",
      "- TCP throughput (iperf3) through the L2S-M flow tables, intra-node and inter-node,"
          + " divided by the same OVS with the NORMAL action; a direct veth pair and a Linux"
          + " bridge as physical references;",
      "- packet-ins received by the controller during the run (0 expected);",
      "- the paper's Table 1 in a lab of two clusters of two nodes (needs no lab up): TCP"
          + " throughput and round-trip time over the flat network (eth0) and over L2S-M,"
          + " intra-node and inter-node, and over L2S-M across the clusters.",
      "--part picks one of the two testbeds."
    })
public class BenchDataplaneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--attachments",
      defaultValue = "200",
      description = "Attachments timed (default: ${DEFAULT-VALUE}).")
  int attachments;

  @Option(
      names = "--seconds",
      defaultValue = "3",
      description = "Seconds per iperf3 run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Throughput runs per path, interleaved (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  /** Which measurements. */
  enum Part {
    all,
    testbed,
    table1
  }

  @Option(
      names = "--part",
      defaultValue = "all",
      description = "all, testbed (attach latency, throughput ratios) or table1 (default: all).")
  Part part;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (attachments < 1 || attachments > 5000 || seconds < 1 || runs < 1) {
      spec.commandLine()
          .getErr()
          .println("dataplane: error: --attachments 1-5000, --seconds and --runs positive");
      return ExitCodes.INVALID_INPUT;
    }
    if (!BenchReport.testbedReady(spec.commandLine(), "dataplane")) {
      return ExitCodes.FAILURE;
    }
    if (part != Part.testbed && io.l2sm.lab.Lab.isUp()) {
      spec.commandLine()
          .getErr()
          .println("dataplane: error: Table 1 runs in a lab of its own; run `l2sm lab down` first");
      return ExitCodes.FAILURE;
    }
    BenchReport report = new BenchReport();
    if (part != Part.table1) {
      testbed(report);
    }
    if (part != Part.testbed) {
      new BenchTable1(out, runs, seconds).run(report);
    }
    report.finish(
        out,
        json,
        "Targets: attach p50 <= 50 ms, p99 <= 150 ms; L2S-M over NORMAL (the isolation's own"
            + " cost) >= 0.95; packet-ins 0. Table 1's isolation overhead against the flat"
            + " network also holds the userspace datapath against the kernel's bridge.");
    return ExitCodes.OK;
  }

  private void testbed(BenchReport report) throws Exception {
    progress("Building a two-node testbed (n1~n2)...");
    try (Testbed tb = new Testbed("l2b", 42, "100-200", 2, "n1~n2")) {
      tb.grpc()
          .createNetwork(
              CreateNetworkRequest.newBuilder().setName("bench").setKind(NetworkKind.VNET).build());
      for (String n : tb.nodes()) {
        String peer = n.equals("n1") ? "n2" : "n1";
        tb.vsctl(
            n,
            "add-br br-ref -- set bridge br-ref datapath_type=netdev fail_mode=standalone"
                + " -- add-port br-ref vxref -- set interface vxref type=vxlan"
                + " options:remote_ip="
                + tb.nodeIp(peer)
                + " options:key=999999");
      }
      long packetInsBefore = packetIns(tb);
      long t0 = System.nanoTime();
      // Throughput first, on switches with few ports: the userspace datapath polls every port
      // from one thread, so hundreds of ports slow every path alike.
      throughput(tb, report);
      latency(tb, report);
      double window = (System.nanoTime() - t0) / 1e9;
      long packetIns = packetIns(tb) - packetInsBefore;
      report.figure(
          new Figure("packet_in_per_s", packetIns / window, "1/s", 1, packetIns, packetIns));
    }
  }

  private void progress(String line) {
    out.println(line);
    out.flush();
  }

  private static long packetIns(Testbed tb) throws IOException {
    Matcher m = Pattern.compile("(?m)^l2sm_packet_ins_total (\\d+)").matcher(tb.http("/metrics"));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  // ---- attach latency ----

  private void latency(Testbed tb, BenchReport report) {
    String peer = tb.pod("peer");
    tb.attach("n2", peer, "bench", "10.50.255.254/16", null);
    String refPeer = tb.pod("rpeer");
    plumbReference(tb, "n2", refPeer, "rpeer", "10.51.255.254/16");
    progress("Warming up the agent and controller (10 attach/detach cycles, not timed)...");
    String warm = tb.pod("warm");
    for (int i = 0; i < 10; i++) {
      tb.attach("n1", warm, "bench", "10.50.254.1/16", null);
      tb.cni("DEL", "n1", warm, "net1", Testbed.netConf("bench", "10.50.254.1/16", null));
    }
    // The reference series first, then its ports go, then the L2S-M series: each grows the
    // node from the same few ports to as many as there are attachments.
    double[] refReply = new double[attachments];
    List<String> refPods = new ArrayList<>();
    for (int i = 0; i < attachments; i++) {
      String refPod = tb.pod("r" + i);
      refPods.add(refPod);
      long r0 = System.nanoTime();
      plumbReference(tb, "n1", refPod, "r" + i, address(51, i));
      firstReply(tb, refPod, "10.51.255.254");
      refReply[i] = (System.nanoTime() - r0) / 1e6;
      if ((i + 1) % 50 == 0 || i + 1 == attachments) {
        progress(
            String.format("Reference %d/%d: first reply %.0f ms", i + 1, attachments, refReply[i]));
      }
    }
    for (int i = 0; i < refPods.size(); i++) {
      tb.deletePod(refPods.get(i));
      tb.vsctl("n1", "--if-exists del-port br-ref rfr" + i);
    }
    double[] add = new double[attachments];
    double[] reply = new double[attachments];
    for (int i = 0; i < attachments; i++) {
      String pod = tb.pod("l" + i);
      long t0 = System.nanoTime();
      tb.attach("n1", pod, "bench", address(50, i), null);
      add[i] = (System.nanoTime() - t0) / 1e6;
      firstReply(tb, pod, "10.50.255.254");
      reply[i] = (System.nanoTime() - t0) / 1e6;
      if ((i + 1) % 50 == 0 || i + 1 == attachments) {
        progress(
            String.format(
                "L2S-M %d/%d: ADD %.0f ms, first reply %.0f ms",
                i + 1, attachments, add[i], reply[i]));
      }
    }
    report.figure(Figure.percentile("attach_add_p50_ms", add, 50));
    report.figure(Figure.percentile("attach_latency_p50_ms", reply, 50));
    report.figure(Figure.percentile("attach_latency_p99_ms", reply, 99));
    if (attachments > 50) {
      // The same series while the node still had at most 50 pod ports.
      double[] first = Arrays.copyOf(reply, 50);
      report.figure(Figure.percentile("attach_latency_first50_p50_ms", first, 50));
      report.figure(Figure.percentile("attach_latency_first50_p99_ms", first, 99));
      double[] refFirst = Arrays.copyOf(refReply, 50);
      report.reference(
          Figure.percentile("plain_plumbing_first_reply_first50_p99_ms", refFirst, 99));
    }
    report.reference(Figure.percentile("plain_plumbing_first_reply_p50_ms", refReply, 50));
    report.reference(Figure.percentile("plain_plumbing_first_reply_p99_ms", refReply, 99));
  }

  /** Probes every 5 ms until the first reply (3 s at most). */
  private static void firstReply(Testbed tb, String pod, String ip) {
    if (tb.tryIn(pod, "ping -n -q -i 0.005 -c 1 -w 3 " + ip) != 0) {
      throw new Testbed.TestbedException("no reply from " + ip + " in pod " + pod + " in 3 s");
    }
  }

  private static String address(int second, int i) {
    return "10." + second + "." + (i / 250) + "." + (i % 250 + 1) + "/16";
  }

  /**
   * The floor: what the agent does for an attachment (veth into the pod, address, MTU, checksum
   * offload off, silent node end, OVS port), as one shell script into the NORMAL bridge.
   */
  private static void plumbReference(Testbed tb, String node, String pod, String tag, String ip) {
    String host = "rf" + tag;
    String script =
        String.join(
            "\n",
            "set -e",
            "ip netns exec "
                + tb.ns(node)
                + " ip link add "
                + host
                + " mtu 1450 type veth"
                + " peer name net1 mtu 1450 netns /var/run/netns/"
                + pod,
            "ip netns exec "
                + pod
                + " sh -ec 'ip link set net1 up; ip addr add "
                + ip
                + " dev net1; ethtool -K net1 tx off >/dev/null'",
            "ip netns exec "
                + tb.ns(node)
                + " sh -ec 'echo 1 > /proc/sys/net/ipv6/conf/"
                + host
                + "/disable_ipv6; ip link set "
                + host
                + " up'",
            "ovs-vsctl --db=unix:" + tb.ovsDir(node) + "/db.sock add-port br-ref " + host);
    Testbed.sh(script);
  }

  // ---- throughput ----

  private record Path2(String from, String to, String toIp) {}

  private void throughput(Testbed tb, BenchReport report) throws Exception {
    progress("Setting up throughput paths...");
    Map<String, Path2> paths = new LinkedHashMap<>();
    String t1 = tb.pod("t1");
    String t2 = tb.pod("t2");
    String t3 = tb.pod("t3");
    tb.attach("n1", t1, "bench", "10.52.0.1/16", null);
    tb.attach("n1", t2, "bench", "10.52.0.2/16", null);
    tb.attach("n2", t3, "bench", "10.52.0.3/16", null);
    String r1 = tb.pod("q1");
    String r2 = tb.pod("q2");
    String r3 = tb.pod("q3");
    plumbReference(tb, "n1", r1, "q1", "10.53.0.1/16");
    plumbReference(tb, "n1", r2, "q2", "10.53.0.2/16");
    plumbReference(tb, "n2", r3, "q3", "10.53.0.3/16");
    // Each L2S-M path right before its NORMAL twin, so a pair sees the same machine load.
    paths.put("l2sm_intra", new Path2(t1, t2, "10.52.0.2"));
    paths.put("normal_intra", new Path2(r1, r2, "10.53.0.2"));
    paths.put("l2sm_inter", new Path2(t1, t3, "10.52.0.3"));
    paths.put("normal_inter", new Path2(r1, r3, "10.53.0.3"));
    String d1 = tb.pod("d1");
    String d2 = tb.pod("d2");
    Testbed.sh("ip link add dv1 netns " + d1 + " type veth peer name dv2 netns " + d2);
    Testbed.sh("ip -n " + d1 + " addr add 10.54.0.1/24 dev dv1; ip -n " + d1 + " link set dv1 up");
    Testbed.sh("ip -n " + d2 + " addr add 10.54.0.2/24 dev dv2; ip -n " + d2 + " link set dv2 up");
    paths.put("veth", new Path2(d1, d2, "10.54.0.2"));
    String b0 = tb.pod("lb");
    String b1 = tb.pod("b1");
    String b2 = tb.pod("b2");
    Testbed.sh("ip -n " + b0 + " link add br0 type bridge; ip -n " + b0 + " link set br0 up");
    int k = 1;
    for (String b : List.of(b1, b2)) {
      Testbed.sh("ip link add lb" + k + " netns " + b0 + " type veth peer name eth1 netns " + b);
      Testbed.sh(
          "ip -n "
              + b0
              + " link set lb"
              + k
              + " master br0 up; ip -n "
              + b
              + " addr add 10.55.0."
              + k
              + "/24 dev eth1; ip -n "
              + b
              + " link set eth1 up");
      k++;
    }
    paths.put("linux_bridge", new Path2(b1, b2, "10.55.0.2"));
    Map<String, List<Double>> gbps = new LinkedHashMap<>();
    int port = 5301;
    for (Path2 p : paths.values()) {
      tb.in(p.to(), "iperf3 -s -D -p " + port);
    }
    Thread.sleep(300);
    for (int r = 0; r < runs; r++) {
      for (Map.Entry<String, Path2> e : paths.entrySet()) {
        double v = iperf(e.getValue(), port);
        gbps.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).add(v);
        progress(String.format("Run %d/%d %-13s %6.2f Gbit/s", r + 1, runs, e.getKey(), v));
      }
    }
    Testbed.run("pkill -f 'iperf3 -s -D -p " + port + "'");
    Map<String, Double> median = new LinkedHashMap<>();
    gbps.forEach(
        (name, l) -> {
          Figure f = Figure.ofSamples(name + "_tcp_gbps", "Gbit/s", toArray(l));
          median.put(name, f.value());
          if (name.startsWith("l2sm")) {
            report.figure(f);
          } else {
            report.reference(f);
          }
        });
    report.figure(
        ratio("l2sm_over_normal_intra", gbps.get("l2sm_intra"), gbps.get("normal_intra")));
    report.figure(
        ratio("l2sm_over_normal_inter", gbps.get("l2sm_inter"), gbps.get("normal_inter")));
  }

  private static double[] toArray(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Median (min, max) of per-run ratios: each run measured both paths back to back. */
  private static Figure ratio(String name, List<Double> a, List<Double> b) {
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.get(i) / b.get(i);
    }
    return Figure.ofSamples(name, "ratio", r);
  }

  private double iperf(Path2 p, int port) {
    return Testbed.tcpMbps(p.from(), p.toIp(), port, seconds) / 1000;
  }
}
