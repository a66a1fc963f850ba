package io.l2sm.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.l2sm.api.v1.L2Network;
import io.l2sm.cli.BenchReport.Figure;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.LabObjects;
import io.l2sm.lab.StageTimes;
import io.l2sm.lab.Testbed;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code l2sm bench lab}: networks and pods as Kubernetes objects, timed end to end in a lab. */
@Command(
    name = "lab",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Bring a 3-node lab up (root, Open vSwitch) and time, through the whole system (API"
          + " server, operator, controller, kubelet, CNI plugin, agents):",
      "- network create -> Ready: NADs created one after the other, each until its L2Network"
          + " reports Ready;",
      "- pod annotated -> ping works: pods created one after the other over the nodes, each"
          + " until its first ping reply from an anchor pod on the same network;",
      "- many pods at once across networks: total time until all run, the operator's memory;",
      "- the first two again with those pods running (20 samples each): the system at scale."
          + " Pod -> ping is also reported at 10 and 100 pods from the one-by-one series.",
      "The lab is taken down at the end."
    })
public class BenchLabCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--networks",
      defaultValue = "200",
      description = "Networks timed (default: ${DEFAULT-VALUE}).")
  int networks;

  @Option(
      names = "--pods",
      defaultValue = "200",
      description = "Pods timed one by one (default: ${DEFAULT-VALUE}).")
  int pods;

  @Option(
      names = "--bulk-pods",
      defaultValue = "1000",
      description = "Pods created at once (default: ${DEFAULT-VALUE}).")
  int bulkPods;

  @Option(
      names = "--bulk-networks",
      defaultValue = "20",
      description = "Networks the bulk pods spread over (default: ${DEFAULT-VALUE}).")
  int bulkNetworks;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (networks < 1 || pods < 1 || bulkPods < 0 || bulkNetworks < 1 || pods > 240) {
      spec.commandLine()
          .getErr()
          .println("lab: error: counts must be positive; --pods at most 240");
      return ExitCodes.INVALID_INPUT;
    }
    if (bulkPods > 0 && bulkNetworks >= networks) {
      // The bulk pods use networks 1..bulkNetworks of those timed (0 is the timed pods').
      spec.commandLine()
          .getErr()
          .println("lab: error: --bulk-networks must be below --networks (" + networks + ")");
      return ExitCodes.INVALID_INPUT;
    }
    if (!BenchReport.testbedReady(spec.commandLine(), "lab")) {
      return ExitCodes.FAILURE;
    }
    if (Lab.isUp()) {
      spec.commandLine().getErr().println("lab: error: a lab is up; run `l2sm lab down` first");
      return ExitCodes.FAILURE;
    }
    BenchReport report = new BenchReport();
    LabInfo lab = Lab.up(3, out);
    try (KubernetesClient c = LabCommand.client(lab)) {
      networkReady(c, report);
      podToPing(c, lab, report);
      if (bulkPods > 0) {
        bulk(c, lab, report);
        atScale(c, lab, report, bulkPods + pods + 1);
      }
    } finally {
      Lab.down();
    }
    report.targetAtMost("network_ready_p99_ms", 100);
    report.targetAtMost("network_ready_p99_ms_at_scale", 100);
    report.targetAtMost("bulk_pods_all_running_s", 60);
    report.targetAtMost("pod_to_ping_p50_ms_at_scale", 150);
    report.targetAtMost("pod_to_ping_p99_ms_at_scale", 1000);
    report.targetAtMost("operator_rss_mib", 128);
    report.targetAtMost("agent_rss_mib_max", 100);
    report.finish(
        out,
        json,
        "Targets (issue 17): network create -> Ready p99 <= 100 ms, also at scale; 1,000 pods all"
            + " Running <= 60 s; pod -> first ping at scale p50 <= 150 ms, p99 <= 1000 ms;"
            + " operator RSS <= 128 MiB; agent RSS <= 100 MiB.");
    return ExitCodes.OK;
  }

  private void progress(String s) {
    out.println(s);
    out.flush();
  }

  private void networkReady(KubernetesClient c, BenchReport report) throws Exception {
    progress("Timing " + networks + " networks: create -> Ready...");
    double[] ms = new double[networks];
    for (int i = 0; i < networks; i++) {
      ms[i] = createToReadyMs(c, "bench-net-" + i);
    }
    report.figure(Figure.percentile("network_ready_p50_ms", ms, 50));
    report.figure(Figure.percentile("network_ready_p99_ms", ms, 99));
  }

  private static Pod pod(String name, String node, String network, String ip) {
    return LabObjects.idle(
        name,
        node,
        Map.of(
            "k8s.v1.cni.cncf.io/networks",
            ip == null ? network : "[{\"name\":\"" + network + "\",\"ips\":[\"" + ip + "\"]}]"));
  }

  private void podToPing(KubernetesClient c, LabInfo lab, BenchReport report) throws Exception {
    progress("Timing " + pods + " pods: created -> first ping reply...");
    c.resource(pod("anchor", "n1", "bench-net-0", "10.40.0.254/24")).create();
    awaitPod(lab, "anchor");
    double[] ms = new double[pods];
    for (int i = 0; i < pods; i++) {
      ms[i] = createToPingMs(c, lab, "timed-" + i, i, "bench-net-0", "10.40.0.");
      if ((i + 1) % 50 == 0) {
        progress(String.format("  %d/%d: %.0f ms", i + 1, pods, ms[i]));
      }
    }
    report.figure(Figure.percentile("pod_created_to_ping_p50_ms", ms, 50));
    report.figure(Figure.percentile("pod_created_to_ping_p99_ms", ms, 99));
    // The same series where the lab held about 10 and about 100 pods.
    if (pods >= 10) {
      report.figure(
          Figure.percentile("pod_to_ping_p50_ms_at_10_pods", Arrays.copyOfRange(ms, 0, 10), 50));
    }
    if (pods >= 110) {
      report.figure(
          Figure.percentile("pod_to_ping_p50_ms_at_100_pods", Arrays.copyOfRange(ms, 90, 110), 50));
    }
  }

  /**
   * With {@code total} pods running: 20 more networks (create -> Ready) and 20 more pods (created
   * -> first ping reply from an anchor), one after the other.
   */
  private void atScale(KubernetesClient c, LabInfo lab, BenchReport report, int total)
      throws Exception {
    progress("At scale (" + total + " pods running): 20 networks, then 20 pods, timed...");
    int n = 20;
    double[] ready = new double[n];
    for (int i = 0; i < n; i++) {
      ready[i] = createToReadyMs(c, "scale-net-" + i);
    }
    c.resource(pod("scale-anchor", "n1", "scale-net-0", "10.41.0.254/24")).create();
    awaitPod(lab, "scale-anchor");
    double[] ping = new double[n];
    for (int i = 0; i < n; i++) {
      ping[i] = createToPingMs(c, lab, "scale-" + i, i, "scale-net-0", "10.41.0.");
    }
    String at = "_at_scale";
    report.reference(new Figure("pods_running_at_scale", total, "pods", 1, total, total));
    report.figure(Figure.percentile("network_ready_p50_ms" + at, ready, 50));
    report.figure(Figure.percentile("network_ready_p99_ms" + at, ready, 99));
    report.figure(Figure.percentile("pod_to_ping_p50_ms" + at, ping, 50));
    report.figure(Figure.percentile("pod_to_ping_p99_ms" + at, ping, 99));
  }

  /** Creates a network and waits for its L2Network to be Ready; the time it took. */
  private static double createToReadyMs(KubernetesClient c, String name) throws Exception {
    long t0 = System.nanoTime();
    c.resource(LabObjects.nad(name, "vnet")).create();
    while (!LabObjects.ready(
        c.resources(L2Network.class).inNamespace("default").withName(name).get())) {
      Thread.sleep(2);
      if (System.nanoTime() - t0 > 30_000_000_000L) {
        throw new IllegalStateException("network " + name + " not Ready in 30 s");
      }
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  /**
   * Creates pod {@code i} (on node i mod nodes) on a network whose anchor is {@code subnet}254 and
   * times it to its first ping reply from the anchor.
   */
  private static double createToPingMs(
      KubernetesClient c, LabInfo lab, String name, int i, String network, String subnet)
      throws Exception {
    String node = lab.nodes().get(i % lab.nodes().size()).name();
    long t0 = System.nanoTime();
    c.resource(pod(name, node, network, subnet + (i + 1) + "/24")).create();
    Kubelet.PodRecord r = awaitPod(lab, name);
    if (Testbed.run(
                "ip netns exec " + r.netns() + " ping -n -q -i 0.005 -c 1 -w 5 " + subnet + "254")
            .exit()
        != 0) {
      throw new IllegalStateException("pod " + name + " got no reply in 5 s");
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Waits for the kubelet to have set the pod up with its networks. */
  private static Kubelet.PodRecord awaitPod(LabInfo lab, String name) throws Exception {
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 60_000_000_000L) {
      Kubelet.PodRecord r = Kubelet.readState(Path.of(lab.dir())).get("default/" + name);
      if (r != null && r.pid() >= 0 && !r.ifaces().isEmpty()) {
        return r;
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("pod " + name + " was not set up in 60 s");
  }

  /**
   * Prints where the burst's time went: the CPU seconds each part used (with the commands it ran)
   * against the wall time and both cores, and the lab kubelet's wall time per stage of a pod's
   * set-up. The CPU figures go into the report as references.
   */
  private void breakdown(
      double wallS,
      Map<String, Double> cpu,
      Map<String, StageTimes.Stage> stages,
      BenchReport report) {
    out.println();
    int cores = Runtime.getRuntime().availableProcessors();
    out.printf(
        Locale.ROOT,
        "Where the %.1f s went: CPU seconds per part, with the commands it ran (%d cores: %.1f"
            + " CPU-s)%n",
        wallS,
        cores,
        cores * wallS);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PART", "CPU S", "SHARE OF WALL x CORES"});
    cpu.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(
            e -> {
              rows.add(
                  new String[] {
                    e.getKey(),
                    String.format(Locale.ROOT, "%.1f", e.getValue()),
                    String.format(Locale.ROOT, "%.0f%%", 100 * e.getValue() / (wallS * cores))
                  });
              report.reference(
                  new Figure(
                      "bulk_cpu_s_"
                          + e.getKey().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_$", ""),
                      e.getValue(),
                      "s",
                      1,
                      e.getValue(),
                      e.getValue()));
            });
    Table.print(out, rows);
    out.println();
    out.println(
        "The lab kubelet's wall time per stage (up to "
            + Kubelet.PODS_IN_PARALLEL
            + " pods per node at once, so totals exceed the wall time):");
    List<String[]> st = new ArrayList<>();
    st.add(new String[] {"STAGE", "COUNT", "TOTAL S", "MEAN MS", "MAX MS"});
    stages.forEach(
        (k, v) ->
            st.add(
                new String[] {
                  k,
                  Long.toString(v.count()),
                  String.format(Locale.ROOT, "%.1f", v.totalMs() / 1000),
                  String.format(Locale.ROOT, "%.1f", v.meanMs()),
                  String.format(Locale.ROOT, "%.0f", v.maxMs())
                }));
    Table.print(out, st);
    out.println();
    out.flush();
  }

  private void bulk(KubernetesClient c, LabInfo lab, BenchReport report) throws Exception {
    progress("Creating " + bulkPods + " pods at once over " + bulkNetworks + " networks...");
    Path stagesFile = Kubelet.stagesFile(Path.of(lab.dir()));
    Map<String, StageTimes.Stage> stagesBefore = StageTimes.read(stagesFile);
    CpuUse cpuBefore = CpuUse.of(lab);
    long t0 = System.nanoTime();
    // At once: from 16 clients, as many controllers or users would.
    java.util.concurrent.ExecutorService creators =
        java.util.concurrent.Executors.newFixedThreadPool(16);
    List<java.util.concurrent.Future<?>> creates = new ArrayList<>();
    for (int i = 0; i < bulkPods; i++) {
      Pod p = pod("bulk-" + i, null, "bench-net-" + (1 + i % bulkNetworks), null);
      creates.add(creators.submit(() -> c.resource(p).create()));
    }
    for (var f : creates) {
      f.get();
    }
    creators.shutdown();
    long created = System.nanoTime();
    long lastReport = 0;
    while (true) {
      long running =
          c.pods().inNamespace("default").list().getItems().stream()
              .filter(p -> p.getMetadata().getName().startsWith("bulk-"))
              .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
              .count();
      if (running == bulkPods) {
        break;
      }
      long s = (System.nanoTime() - t0) / 1_000_000_000L;
      if (s / 30 != lastReport / 30) {
        lastReport = s;
        progress(String.format("  %d s: %d of %d Running", s, running, bulkPods));
      }
      if (System.nanoTime() - t0 > 1_800_000_000_000L) {
        throw new IllegalStateException(
            "only " + running + " of " + bulkPods + " pods ran in 30 min");
      }
      Thread.sleep(500);
    }
    double total = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> cpu = CpuUse.of(lab).since(cpuBefore);
    // Written every second: a snapshot a second later holds the last pods' stages.
    Thread.sleep(1_500);
    breakdown(total, cpu, StageTimes.between(stagesBefore, StageTimes.read(stagesFile)), report);
    report.figure(new Figure("bulk_pods_all_running_s", total, "s", 1, total, total));
    report.reference(
        new Figure(
            "bulk_pods_api_creates_s",
            (created - t0) / 1e9,
            "s",
            1,
            (created - t0) / 1e9,
            (created - t0) / 1e9));
    String pid =
        Testbed.run("pgrep -f -- '" + Lab.pattern(lab, "operator") + "'")
            .out()
            .strip()
            .split("\n")[0];
    String heap =
        Testbed.run("jcmd " + pid + " GC.run >/dev/null; jcmd " + pid + " GC.heap_info").out();
    // Serial GC: the young and tenured generations ("... generation total NK, used NK").
    Matcher m = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K").matcher(heap);
    long usedK = 0;
    while (m.find()) {
      usedK += Long.parseLong(m.group(1));
    }
    double usedMib = usedK / 1024.0;
    report.figure(new Figure("operator_heap_after_gc_mib", usedMib, "MiB", 1, usedMib, usedMib));
    double rssMib = rssMibOf(pid);
    report.figure(new Figure("operator_rss_mib", rssMib, "MiB", 1, rssMib, rssMib));
    // Every other long-running part's resident memory with the burst's pods in place; the agents'
    // as one figure (the largest of the nodes') against its target, each also as a reference.
    double agentMax = -1;
    for (String part : lab.processes().keySet()) {
      if (part.equals("operator")) {
        continue;
      }
      double mib = rssMib(lab, part);
      report.reference(new Figure("rss_mib_" + part.replace('-', '_'), mib, "MiB", 1, mib, mib));
      if (part.startsWith("agent-")) {
        agentMax = Math.max(agentMax, mib);
      }
    }
    report.figure(new Figure("agent_rss_mib_max", agentMax, "MiB", 1, agentMax, agentMax));
  }

  /** The resident memory of a lab part's process, in MiB; -1 when it is not running. */
  private static double rssMib(LabInfo lab, String part) {
    return rssMibOf(
        Testbed.run("pgrep -f -- '" + Lab.pattern(lab, part) + "'").out().strip().split("\n")[0]);
  }

  /** The resident memory of process {@code pid}, in MiB; -1 when there is none. */
  private static double rssMibOf(String pid) {
    String rss = pid.isEmpty() ? "" : Testbed.run("ps -o rss= -p " + pid).out().strip();
    return rss.isEmpty() ? -1 : Long.parseLong(rss) / 1024.0;
  }
}
