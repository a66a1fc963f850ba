package io.l2sm.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.l2sm.cli.BenchReport.Figure;
import io.l2sm.lab.InterDomain;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.LabObjects;
import io.l2sm.lab.Testbed;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code l2sm bench intercluster}: networks across clusters, timed in a lab of three. */
@Command(
    name = "intercluster",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Bring a lab of 3 clusters of 2 nodes up, with edge devices on a WAN ring and the IDCO"
          + " (root, Open vSwitch), and measure:",
      "- TCP throughput (iperf3) between pods of an inter-cluster network in c1 and c2 (gateway"
          + " -> edge device -> WAN -> edge device -> gateway), divided, run by run, by the"
          + " throughput between pods on two nodes of c1 on a local network, and by that of a"
          + " plain path over the same four switch processes (NORMAL bridges joined by VXLAN);",
      "- network created in the last cluster -> first ping reply across clusters: the network"
          + " and a pod of it exist in c1 and c2, the NAD and a pod are created in c3;",
      "- failover: pings every 10 ms across the WAN link c1~c2 while it is cut; the time without"
          + " replies.",
      "The lab is taken down at the end."
    })
public class BenchInterclusterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Throughput runs and failover cuts (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--seconds",
      defaultValue = "5",
      description = "Seconds per iperf3 run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--networks",
      defaultValue = "10",
      description = "Networks timed from creation to ping (default: ${DEFAULT-VALUE}).")
  int networks;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  private PrintWriter out;
  private List<KubernetesClient> clients;
  private List<LabInfo> labs;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (runs < 1 || seconds < 1 || networks < 1 || networks > 50) {
      spec.commandLine()
          .getErr()
          .println("intercluster: error: counts must be positive; --networks at most 50");
      return ExitCodes.INVALID_INPUT;
    }
    if (!BenchReport.testbedReady(spec.commandLine(), "intercluster")) {
      return ExitCodes.FAILURE;
    }
    if (Lab.isUp()) {
      spec.commandLine()
          .getErr()
          .println("intercluster: error: a lab is up; run `l2sm lab down` first");
      return ExitCodes.FAILURE;
    }
    BenchReport report = new BenchReport();
    labs = Lab.up(3, 2, 0, 0, out);
    clients = new ArrayList<>();
    try {
      for (LabInfo l : labs) {
        clients.add(LabCommand.client(l));
      }
      throughput(report);
      creationToPing(report);
      failover(report);
    } finally {
      clients.forEach(KubernetesClient::close);
      Lab.down();
    }
    report.finish(
        out,
        json,
        "Targets: inter-cluster / intra-cluster >= 0.9; last creation -> ping <= 500 ms;"
            + " failover <= 3 s.");
    return ExitCodes.OK;
  }

  private void progress(String s) {
    out.println(s);
    out.flush();
  }

  private void pod(int cluster, String name, String node, String network, String ip) {
    clients.get(cluster).resource(LabObjects.member(name, node, network, ip)).create();
  }

  /** The pod's namespace once the kubelet has set it up with its networks. */
  private String awaitPod(int cluster, String name, long timeoutMs) throws Exception {
    return Kubelet.awaitAttached(labs.get(cluster), name, timeoutMs).netns();
  }

  private void throughput(BenchReport report) throws Exception {
    progress("Throughput: inter-cluster (c1 -> c2) against intra-cluster (c1 n1 -> n2)...");
    clients.get(0).resource(io.l2sm.lab.LabObjects.interClusterNad("wide")).create();
    clients.get(1).resource(io.l2sm.lab.LabObjects.interClusterNad("wide")).create();
    clients.get(0).resource(LabObjects.nad("near", "vnet")).create();
    pod(0, "w1", "n1", "wide", "10.60.0.1");
    pod(1, "w2", "n1", "wide", "10.60.0.2");
    pod(0, "l1", "n1", "near", "10.61.0.1");
    pod(0, "l2", "n2", "near", "10.61.0.2");
    String w1 = awaitPod(0, "w1", 60_000);
    String w2 = awaitPod(1, "w2", 60_000);
    String l1 = awaitPod(0, "l1", 60_000);
    String l2 = awaitPod(0, "l2", 60_000);
    Testbed.awaitReply(w1, "10.60.0.2", 30_000);
    Testbed.awaitReply(l1, "10.61.0.2", 30_000);
    Testbed.sh("ip netns exec " + w2 + " iperf3 -s -D -p 5401");
    Testbed.sh("ip netns exec " + l2 + " iperf3 -s -D -p 5402");
    Thread.sleep(300);
    double[] inter = new double[runs];
    double[] intra = new double[runs];
    double[] ratio = new double[runs];
    for (int r = 0; r < runs; r++) {
      inter[r] = iperf(w1, "10.60.0.2", 5401);
      intra[r] = iperf(l1, "10.61.0.2", 5402);
      ratio[r] = inter[r] / intra[r];
      progress(
          String.format(
              "Run %d/%d: inter-cluster %.0f Mbit/s, intra-cluster %.0f Mbit/s, ratio %.2f",
              r + 1, runs, inter[r], intra[r], ratio[r]));
    }
    // The same four switches in a row, each a plain NORMAL bridge: what the path costs
    // without L2S-M.
    String[] chain = normalChain();
    Testbed.sh("ip netns exec " + chain[1] + " iperf3 -s -D -p 5403");
    Thread.sleep(300);
    double[] plain = new double[runs];
    double[] overPlain = new double[runs];
    for (int r = 0; r < runs; r++) {
      plain[r] = iperf(chain[0], "10.63.0.2", 5403);
      double again = iperf(w1, "10.60.0.2", 5401);
      overPlain[r] = again / plain[r];
      progress(
          String.format(
              "Run %d/%d: same path with NORMAL bridges %.0f Mbit/s, L2S-M %.0f Mbit/s, ratio %.2f",
              r + 1, runs, plain[r], again, overPlain[r]));
    }
    Testbed.run("pkill -f 'iperf3 -s -D -p 540[123]'");
    report.figure(Figure.ofSamples("intercluster_tcp_mbps", "Mbit/s", inter));
    report.reference(Figure.ofSamples("intracluster_internode_tcp_mbps", "Mbit/s", intra));
    report.reference(Figure.ofSamples("same_path_normal_bridges_tcp_mbps", "Mbit/s", plain));
    report.figure(Figure.ofSamples("intercluster_over_intracluster", "ratio", ratio));
    report.figure(Figure.ofSamples("intercluster_over_same_path_normal", "ratio", overPlain));
  }

  /**
   * A plain path over the same four switch processes as c1 -> c2 (c1's gateway, both edge devices,
   * c2's gateway): a NORMAL bridge in each, joined by VXLAN (a key of its own) over the same
   * underlay and WAN link, a namespace at each end. Returns the two ends' namespaces.
   */
  private String[] normalChain() throws Exception {
    LabInfo idco = Lab.idco();
    InterDomain.WanLink wan = InterDomain.wan(idco).get(0); // c1~c2
    LabInfo.Node gw1 = labs.get(0).nodes().get(0);
    LabInfo.Node gw2 = labs.get(1).nodes().get(0);
    LabInfo.Node ned1 = idco.node("ned-c1");
    LabInfo.Node ned2 = idco.node("ned-c2");
    String[][] hops = {
      {db(labs.get(0), gw1), ned1.ip()},
      {db(idco, ned1), gw1.ip(), wan.ip("c2")},
      {db(idco, ned2), gw2.ip(), wan.ip("c1")},
      {db(labs.get(1), gw2), ned2.ip()}
    };
    for (String[] h : hops) {
      String vsctl = "ovs-vsctl --db=" + h[0] + " ";
      Testbed.sh(vsctl + "add-br brn -- set bridge brn datapath_type=netdev fail_mode=standalone");
      for (int i = 1; i < h.length; i++) {
        Testbed.sh(
            vsctl
                + "add-port brn vxn"
                + i
                + " -- set interface vxn"
                + i
                + " type=vxlan options:remote_ip="
                + h[i]
                + " options:key=4242");
      }
    }
    String a = Lab.PREFIX + "pref1";
    String b = Lab.PREFIX + "pref2";
    end(a, gw1.netns(), hops[0][0], "10.63.0.1");
    end(b, gw2.netns(), hops[3][0], "10.63.0.2");
    Testbed.awaitReply(a, "10.63.0.2", 30_000);
    return new String[] {a, b};
  }

  private static String db(LabInfo lab, LabInfo.Node n) {
    return "unix:" + Path.of(lab.dir()).resolve("ovs-" + n.name()).resolve("db.sock");
  }

  private static void end(String ns, String nodeNs, String db, String ip) {
    String host = ns.substring(ns.length() - 4) + "h";
    Testbed.sh(
        String.join(
            " && ",
            "ip netns add " + ns,
            "ip -n " + ns + " link set lo up",
            "ip link add "
                + host
                + " netns "
                + nodeNs
                + " mtu 1450 type veth peer name eth1 netns "
                + ns
                + " mtu 1450",
            "ip -n " + nodeNs + " link set " + host + " up",
            "ip netns exec " + nodeNs + " ethtool -K " + host + " tx off >/dev/null",
            "ovs-vsctl --db=" + db + " add-port brn " + host,
            "ip -n " + ns + " addr add " + ip + "/24 dev eth1",
            "ip -n " + ns + " link set eth1 up",
            "ip netns exec " + ns + " ethtool -K eth1 tx off >/dev/null"));
  }

  private double iperf(String from, String ip, int port) {
    return Testbed.tcpMbps(from, ip, port, seconds);
  }

  private void creationToPing(BenchReport report) throws Exception {
    progress("Network created in the last cluster -> first ping across clusters...");
    double[] ms = new double[networks];
    for (int i = 0; i < networks; i++) {
      String net = "late" + i;
      String ip = "10.62." + i + ".";
      clients.get(0).resource(io.l2sm.lab.LabObjects.interClusterNad(net)).create();
      clients.get(1).resource(io.l2sm.lab.LabObjects.interClusterNad(net)).create();
      pod(0, net + "-a", "n2", net, ip + "1");
      pod(1, net + "-b", "n2", net, ip + "2");
      String a = awaitPod(0, net + "-a", 60_000);
      awaitPod(1, net + "-b", 60_000);
      Testbed.awaitReply(a, ip + "2", 30_000);
      long t0 = System.nanoTime();
      clients.get(2).resource(io.l2sm.lab.LabObjects.interClusterNad(net)).create();
      pod(2, net + "-c", "n2", net, ip + "3");
      String c = awaitPod(2, net + "-c", 60_000);
      // From the new pod, as fast as ping can be asked: every 10 ms until a reply.
      while (Testbed.run("ip netns exec " + c + " ping -c 1 -W 0.2 " + ip + "1").exit() != 0) {
        if ((System.nanoTime() - t0) / 1e9 > 60) {
          throw new IllegalStateException("network " + net + " never joined c3");
        }
      }
      ms[i] = (System.nanoTime() - t0) / 1e6;
      progress(String.format("  %d/%d: %.0f ms", i + 1, networks, ms[i]));
    }
    report.figure(Figure.percentile("last_cluster_create_to_ping_p50_ms", ms, 50));
    report.figure(Figure.percentile("last_cluster_create_to_ping_p99_ms", ms, 99));
  }

  private void failover(BenchReport report) throws Exception {
    progress("Failover: the WAN link c1~c2 cut under a 10 ms ping, " + runs + " times...");
    LabInfo idco = Lab.idco();
    InterDomain.WanLink link = InterDomain.wan(idco).get(0);
    String from = awaitPod(0, "w1", 1000);
    double[] ms = new double[runs];
    for (int r = 0; r < runs; r++) {
      Process ping =
          new ProcessBuilder(
                  "ip", "netns", "exec", from, "ping", "-i", "0.01", "-c", "400", "10.60.0.2")
              .redirectErrorStream(true)
              .start();
      Thread.sleep(1000);
      InterDomain.setWanUp(idco, link, false);
      String text = new String(ping.getInputStream().readAllBytes());
      ping.waitFor();
      int lost = 400 - Testbed.received(text);
      ms[r] = lost * 10.0;
      progress(String.format("  cut %d/%d: %d pings lost, %.0f ms", r + 1, runs, lost, ms[r]));
      InterDomain.setWanUp(idco, link, true);
      Thread.sleep(3000); // the link is back in use
    }
    report.figure(Figure.ofSamples("wan_cut_failover_ms", "ms", ms));
  }
}
