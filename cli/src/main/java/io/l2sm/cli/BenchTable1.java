package io.l2sm.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.l2sm.cli.BenchReport.Figure;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.LabObjects;
import io.l2sm.lab.Testbed;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paper's Table 1 in a lab of two clusters of two nodes: TCP throughput (iperf3) and round-trip
 * time (ping) between pods over the flat network (the lab's {@code eth0}, the Flannel stand-in) and
 * over L2S-M, intra-node and inter-node, and over an L2S-M network across the two clusters. Paths
 * are measured in turn within each run, so each pair sees the same machine load.
 */
final class BenchTable1 {
  private record Path2(String from, String toIp, int port) {}

  private final PrintWriter out;
  private final int runs;
  private final int seconds;

  BenchTable1(PrintWriter out, int runs, int seconds) {
    this.out = out;
    this.runs = runs;
    this.seconds = seconds;
  }

  void run(BenchReport report) throws Exception {
    progress("Table 1: a lab of two clusters of two nodes (flat eth0 against L2S-M)...");
    List<LabInfo> labs = Lab.up(2, 2, 0, 0, out);
    try (KubernetesClient c1 = labs.get(0).client();
        KubernetesClient c2 = labs.get(1).client()) {
      c1.resource(LabObjects.nad("table1", "vnet")).create();
      c1.resource(LabObjects.interClusterNad("table1-wide")).create();
      c2.resource(LabObjects.interClusterNad("table1-wide")).create();
      c1.resource(LabObjects.member("a", "n1", "table1", "10.70.0.1")).create();
      c1.resource(LabObjects.member("b", "n1", "table1", "10.70.0.2")).create();
      c1.resource(LabObjects.member("c", "n2", "table1", "10.70.0.3")).create();
      c1.resource(LabObjects.member("w1", "n1", "table1-wide", "10.71.0.1")).create();
      c2.resource(LabObjects.member("w2", "n1", "table1-wide", "10.71.0.2")).create();
      Kubelet.PodRecord a = Kubelet.awaitAttached(labs.get(0), "a", 60_000);
      Kubelet.PodRecord b = Kubelet.awaitAttached(labs.get(0), "b", 60_000);
      Kubelet.PodRecord c = Kubelet.awaitAttached(labs.get(0), "c", 60_000);
      Kubelet.PodRecord w1 = Kubelet.awaitAttached(labs.get(0), "w1", 60_000);
      Kubelet.PodRecord w2 = Kubelet.awaitAttached(labs.get(1), "w2", 60_000);
      Map<String, Path2> paths = new LinkedHashMap<>();
      paths.put("flat_intra_node", new Path2(a.netns(), b.ip(), 5501));
      paths.put("l2sm_intra_node", new Path2(a.netns(), "10.70.0.2", 5502));
      paths.put("flat_inter_node", new Path2(a.netns(), c.ip(), 5503));
      paths.put("l2sm_inter_node", new Path2(a.netns(), "10.70.0.3", 5504));
      paths.put("l2sm_inter_cluster", new Path2(w1.netns(), "10.71.0.2", 5505));
      Map<String, String> server =
          Map.of(
              "flat_intra_node", b.netns(),
              "l2sm_intra_node", b.netns(),
              "flat_inter_node", c.netns(),
              "l2sm_inter_node", c.netns(),
              "l2sm_inter_cluster", w2.netns());
      for (Map.Entry<String, Path2> e : paths.entrySet()) {
        Testbed.awaitReply(e.getValue().from(), e.getValue().toIp(), 30_000);
        Testbed.sh(
            "ip netns exec " + server.get(e.getKey()) + " iperf3 -s -D -p " + e.getValue().port());
      }
      Thread.sleep(300);
      Map<String, List<Double>> mbps = new LinkedHashMap<>();
      Map<String, List<Double>> rtt = new LinkedHashMap<>();
      for (int r = 0; r < runs; r++) {
        for (Map.Entry<String, Path2> e : paths.entrySet()) {
          double v =
              Testbed.tcpMbps(
                  e.getValue().from(), e.getValue().toIp(), e.getValue().port(), seconds);
          double ms = rtt(e.getValue());
          mbps.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(v);
          rtt.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(ms);
          progress(
              String.format(
                  Locale.ROOT,
                  "Run %d/%d %-19s %7.0f Mbit/s, rtt %.3f ms",
                  r + 1,
                  runs,
                  e.getKey(),
                  v,
                  ms));
        }
      }
      Testbed.run("pkill -f 'iperf3 -s -D -p 550[1-5]'");
      List<String[]> table = new ArrayList<>();
      table.add(new String[] {"PATH (Table 1)", "FLAT eth0", "L2S-M", "L2S-M / FLAT"});
      for (String where : List.of("intra_node", "inter_node")) {
        table.add(
            new String[] {
              where.replace('_', '-'),
              String.format(Locale.ROOT, "%.0f Mbit/s", median(mbps.get("flat_" + where))),
              String.format(Locale.ROOT, "%.0f Mbit/s", median(mbps.get("l2sm_" + where))),
              String.format(
                  Locale.ROOT,
                  "%.2f",
                  median(mbps.get("l2sm_" + where)) / median(mbps.get("flat_" + where)))
            });
      }
      table.add(
          new String[] {
            "inter-cluster",
            "(no flat path)",
            String.format(Locale.ROOT, "%.0f Mbit/s", median(mbps.get("l2sm_inter_cluster"))),
            "-"
          });
      out.println();
      Table.print(out, table);
      for (String name : paths.keySet()) {
        Figure t = Figure.ofSamples(name + "_tcp_mbps", "Mbit/s", array(mbps.get(name)));
        Figure l = Figure.ofSamples(name + "_rtt_ms", "ms", array(rtt.get(name)));
        if (name.startsWith("flat")) {
          report.reference(t);
          report.reference(l);
        } else {
          report.figure(t);
          report.figure(l);
        }
      }
      report.figure(
          overhead(
              "isolation_overhead_intra_node",
              mbps.get("l2sm_intra_node"),
              mbps.get("flat_intra_node")));
      report.figure(
          overhead(
              "isolation_overhead_inter_node",
              mbps.get("l2sm_inter_node"),
              mbps.get("flat_inter_node")));
      double[] ratio = new double[runs];
      for (int r = 0; r < runs; r++) {
        ratio[r] = mbps.get("l2sm_inter_cluster").get(r) / mbps.get("l2sm_inter_node").get(r);
      }
      report.figure(Figure.ofSamples("inter_cluster_ratio", "ratio", ratio));
    } finally {
      Lab.down();
    }
  }

  /**
   * The throughput isolation costs: per run, {@code 1 - l2sm / flat} (0 none, 0.25 a quarter
   * slower, below 0 faster than the flat network); the median of the runs.
   */
  static Figure overhead(String name, List<Double> l2sm, List<Double> flat) {
    double[] v = new double[l2sm.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = 1 - l2sm.get(i) / flat.get(i);
    }
    return Figure.ofSamples(name, "fraction", v);
  }

  private static double[] array(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double median(List<Double> l) {
    return Figure.ofSamples("m", "", array(l)).value();
  }

  /** The mean round-trip time of 20 pings 50 ms apart, in milliseconds. */
  private static double rtt(Path2 p) {
    String text =
        Testbed.run("ip netns exec " + p.from() + " ping -n -q -c 20 -i 0.05 " + p.toIp()).out();
    Matcher m = Pattern.compile("= [\\d.]+/([\\d.]+)/").matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no round-trip time to " + p.toIp() + ": " + text);
    }
    return Double.parseDouble(m.group(1));
  }

  private void progress(String s) {
    out.println(s);
    out.flush();
  }
}
