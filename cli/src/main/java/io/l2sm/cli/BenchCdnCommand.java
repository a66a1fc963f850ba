package io.l2sm.cli;

import io.l2sm.cli.BenchReport.Figure;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabObjects;
import io.l2sm.lab.Testbed;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code l2sm bench cdn}: the paper's Smart Campus CDN test (section 5, Figure 10) in a lab. */
@Command(
    name = "cdn",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "The paper's Smart Campus CDN test in a lab of four clusters (two campuses, each a cloud and"
          + " an edge cluster, edge devices and the IDCO between them; needs root and no lab up):"
          + " deploy nsd-examples/smart-campus with real programs in its pods (nginx content"
          + " server and caches, dnsmasq, a router with an nftables firewall, a client), then"
          + " the campus-2 client downloads a file through the chain with the cache off and on,"
          + " with the inter-campus link idle and congested (tc tbf on the link plus an iperf3"
          + " flood), --runs times each: mean and 95%% confidence interval, and a bar plot like"
          + " the paper's Figure 10 with --plot.",
      "Then the cluster-addition test: a network spans c1 and c3 with a 20 ms ping flowing; c4"
          + " joins it; the time to the first reply from c4 and the pings the flow lost.",
      "References measured in the same run: the same file from the content server by a pod of"
          + " its own cluster, and the inter-campus link's TCP throughput."
    })
public class BenchCdnCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--runs",
      defaultValue = "30",
      description = "Downloads per condition (default: ${DEFAULT-VALUE}; --quick: 5).")
  int runs;

  @Option(
      names = "--file-mib",
      defaultValue = "8",
      description = "Size of the file in MiB (default: ${DEFAULT-VALUE}; --quick: 2).")
  int fileMib;

  @Option(
      names = "--link-mbit",
      defaultValue = "50",
      description = "Rate of each inter-campus link in Mbit/s (default: ${DEFAULT-VALUE}).")
  double linkMbit;

  @Option(
      names = "--joins",
      defaultValue = "3",
      description = "Cluster-addition runs (default: ${DEFAULT-VALUE}; --quick: 1).")
  int joins;

  @Option(names = "--quick", description = "5 runs of a 2 MiB file, 1 cluster addition.")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  @Option(
      names = "--plot",
      paramLabel = "FILE.png",
      description = "Also draw the download times as a PNG bar chart.")
  Path plot;

  @Option(
      names = "--markdown",
      paramLabel = "FILE.md",
      description = "Also write the figures as a Markdown table.")
  Path markdown;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (quick) {
      runs = spec.commandLine().getParseResult().hasMatchedOption("--runs") ? runs : 5;
      fileMib = spec.commandLine().getParseResult().hasMatchedOption("--file-mib") ? fileMib : 2;
      joins = spec.commandLine().getParseResult().hasMatchedOption("--joins") ? joins : 1;
    }
    if (runs < 2 || runs > 1000 || fileMib < 1 || fileMib > 1024 || linkMbit <= 0 || joins < 0) {
      spec.commandLine()
          .getErr()
          .println(
              "cdn: error: --runs 2-1000, --file-mib 1-1024, --link-mbit above 0, --joins 0 or"
                  + " more");
      return ExitCodes.INVALID_INPUT;
    }
    if (plot != null && !plot.toString().endsWith(".png")) {
      spec.commandLine().getErr().println("cdn: error: --plot takes a .png file name: " + plot);
      return ExitCodes.INVALID_INPUT;
    }
    if (!Files.isRegularFile(SmartCampus.NS.resolve("cluster-map.yaml"))) {
      spec.commandLine()
          .getErr()
          .println("cdn: error: " + SmartCampus.NS + " is not here; run from the project's folder");
      return ExitCodes.INVALID_INPUT;
    }
    if (!BenchReport.testbedReady(spec.commandLine(), "cdn")) {
      return ExitCodes.FAILURE;
    }
    List<String> packages = SmartCampus.missingPackages();
    if (!packages.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "cdn: error: the campus's programs are missing; run as root: apt-get install -y "
                  + String.join(" ", packages));
      return ExitCodes.FAILURE;
    }
    if (Lab.isUp()) {
      spec.commandLine().getErr().println("cdn: error: a lab is up; run `l2sm lab down` first");
      return ExitCodes.FAILURE;
    }
    BenchReport report = new BenchReport();
    Cdn result;
    Lab.up(4, 1, 0, 0, out);
    try (SmartCampus campus = SmartCampus.deploy(SmartCampus.NS, fileMib, out)) {
      result = measure(campus, runs, linkMbit, out);
      result.report(report);
      if (joins > 0) {
        join(campus, joins, report, out);
      }
    } finally {
      Lab.down();
    }
    report.finish(
        out,
        json,
        "Targets: the cache makes the congested download >= 5x faster; without it congestion"
            + " slows the download; every cached download a hit; 0 campus-2 frames on campus 1's"
            + " access network; a cluster joins in <= 1 s with 0 pings lost.");
    if (markdown != null) {
      report.writeMarkdown(markdown, "Smart Campus CDN (bench cdn)");
      out.printf("Wrote %s%n", markdown);
    }
    if (plot != null) {
      result.plot(plot);
      out.printf("Wrote %s%n", plot);
    }
    out.flush();
    return result.isolated() ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  /**
   * The samples of one CDN run.
   *
   * @param seconds download times by condition (nocache_idle, cache_idle, nocache_congested,
   *     cache_congested)
   * @param hits cache hits among the cached downloads
   * @param dnsRetries downloads whose name lookup took a resolver retry (over 0.9 s)
   * @param leaked campus-2 frames captured on campus 1's access point
   * @param control the control frames that capture saw (router-c1's pings): proof it listened
   */
  record Cdn(
      Map<String, double[]> seconds,
      int hits,
      int cached,
      int dnsRetries,
      long leaked,
      long control,
      double[] local,
      double idleMbps,
      double linkMbit,
      int fileMib) {

    boolean isolated() {
      return leaked == 0;
    }

    double mean(String condition) {
      return java.util.Arrays.stream(seconds.get(condition)).average().orElse(0);
    }

    void report(BenchReport r) {
      for (Map.Entry<String, double[]> e : seconds.entrySet()) {
        r.figure(Figure.mean("cdn_" + e.getKey() + "_s", "s", e.getValue()));
        double ci = Figure.ci95(e.getValue());
        r.figure(
            new Figure(
                "cdn_" + e.getKey() + "_ci95_s",
                round(ci),
                "s",
                e.getValue().length,
                round(ci),
                round(ci)));
      }
      r.figure(ratio("cdn_cache_speedup_idle", mean("nocache_idle") / mean("cache_idle")));
      r.figure(
          ratio(
              "cdn_cache_speedup_congested", mean("nocache_congested") / mean("cache_congested")));
      r.figure(
          ratio(
              "cdn_congestion_slowdown_nocache", mean("nocache_congested") / mean("nocache_idle")));
      r.figure(
          ratio("cdn_congestion_slowdown_cache", mean("cache_congested") / mean("cache_idle")));
      r.figure(new Figure("cdn_cache_hits", hits, "downloads", cached, hits, hits));
      r.figure(new Figure("cdn_leaked_frames_other_campus", leaked, "frames", 1, leaked, leaked));
      int lookups = 2 * seconds.get("cache_idle").length * 2;
      r.figure(
          new Figure("cdn_dns_retries", dnsRetries, "lookups", lookups, dnsRetries, dnsRetries));
      r.reference(Figure.mean("origin_same_cluster_download_s", "s", local));
      r.reference(
          new Figure(
              "intercampus_idle_tcp_mbps",
              round(idleMbps),
              "Mbit/s",
              1,
              round(idleMbps),
              round(idleMbps)));
      r.reference(
          new Figure("intercampus_link_rate_mbit", linkMbit, "Mbit/s", 1, linkMbit, linkMbit));
    }

    private static Figure ratio(String name, double v) {
      return new Figure(name, round(v), "ratio", 1, round(v), round(v));
    }

    private static double round(double v) {
      return Math.round(v * 100.0) / 100.0;
    }

    /** Bars like the paper's Figure 10: mean download time, 95% CI as error bars. */
    void plot(Path file) throws IOException {
      System.setProperty("java.awt.headless", "true");
      CategoryChart chart =
          new CategoryChartBuilder()
              .width(800)
              .height(500)
              .title(
                  String.format(
                      Locale.ROOT,
                      "Smart Campus CDN: %d MiB download, inter-campus link %.0f Mbit/s",
                      fileMib,
                      linkMbit))
              .xAxisTitle("inter-campus link")
              .yAxisTitle("download time (s), mean and 95% CI")
              .build();
      chart.getStyler().setYAxisMin(0.0);
      chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
      List<String> x = List.of("idle", "congested (iperf3 flood)");
      for (String cache : List.of("nocache", "cache")) {
        List<Double> y = new ArrayList<>();
        List<Double> err = new ArrayList<>();
        for (String load : List.of("idle", "congested")) {
          double[] s = seconds.get(cache + "_" + load);
          y.add(java.util.Arrays.stream(s).average().orElse(0));
          err.add(Figure.ci95(s));
        }
        chart.addSeries(
            cache.equals("cache") ? "cache on" : "cache off (from the content server)", x, y, err);
      }
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
  }

  /**
   * The CDN test on a deployed campus: the inter-campus links limited to {@code linkMbit}, then
   * {@code runs} downloads per condition, cache off and on interleaved, the link idle, then
   * congested; a capture on campus 1's access point throughout.
   */
  static Cdn measure(SmartCampus campus, int runs, double linkMbit, PrintWriter out)
      throws Exception {
    campus.limitInterCampus(linkMbit);
    Path pcap = Lab.dir().resolve("campus/ap-c1.pcap");
    Process capture = campus.captureOtherCampus(pcap);
    double idleMbps = campus.interCampusMbps(2);
    progress(
        out,
        String.format(
            Locale.ROOT,
            "Inter-campus links limited to %.0f Mbit/s (tc tbf); idle TCP content server -> campus-2"
                + " cloud cache: %.1f Mbit/s",
            linkMbit,
            idleMbps));
    double[] local = new double[Math.min(runs, 5)];
    for (int i = 0; i < local.length; i++) {
      local[i] = campus.localDownload().seconds();
    }
    SmartCampus.Download warm = campus.download(true);
    progress(
        out,
        String.format(
            Locale.ROOT,
            "Cache warmed: first cached download %.2f s (edge cache %s)",
            warm.seconds(),
            warm.cache()));
    Map<String, double[]> seconds = new LinkedHashMap<>();
    int hits = 0;
    int dnsRetries = 0;
    for (String load : List.of("idle", "congested")) {
      campus.congest(load.equals("congested"));
      double[] off = new double[runs];
      double[] on = new double[runs];
      for (int r = 0; r < runs; r++) {
        SmartCampus.Download a = campus.download(false);
        SmartCampus.Download b = campus.download(true);
        off[r] = a.seconds();
        on[r] = b.seconds();
        if (b.cache().equals("HIT")) {
          hits++;
        }
        dnsRetries += (a.dnsSeconds() > 0.9 ? 1 : 0) + (b.dnsSeconds() > 0.9 ? 1 : 0);
        if ((r + 1) % 5 == 0 || r + 1 == runs || r == 0) {
          progress(
              out,
              String.format(
                  Locale.ROOT,
                  "Link %s, run %d/%d: cache off %.2f s, cache on %.2f s (%s)",
                  load,
                  r + 1,
                  runs,
                  a.seconds(),
                  b.seconds(),
                  b.cache()));
        }
      }
      seconds.put("nocache_" + load, off);
      seconds.put("cache_" + load, on);
    }
    campus.congest(false);
    SmartCampus.Capture seen = campus.campus2Frames(capture, pcap);
    long leaked = seen.campus2();
    Cdn cdn =
        new Cdn(
            orderForReport(seconds),
            hits,
            2 * runs,
            dnsRetries,
            leaked,
            seen.control(),
            local,
            idleMbps,
            linkMbit,
            (int) (campus.fileBytes() >> 20));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"CONDITION", "MEAN (s)", "95% CI (s)", "MIN", "MAX", "RUNS"});
    for (Map.Entry<String, double[]> e : cdn.seconds().entrySet()) {
      Figure f = Figure.mean(e.getKey(), "s", e.getValue());
      rows.add(
          new String[] {
            e.getKey().replace('_', ' '),
            String.format(Locale.ROOT, "%.3f", f.value()),
            String.format(Locale.ROOT, "± %.3f", Figure.ci95(e.getValue())),
            String.format(Locale.ROOT, "%.3f", f.min()),
            String.format(Locale.ROOT, "%.3f", f.max()),
            Integer.toString(f.runs())
          });
    }
    out.println();
    Table.print(out, rows);
    out.printf(
        "Edge cache hits %d of %d cached downloads; name lookups that took a resolver retry: %d;"
            + " campus-2 frames captured on campus 1's access point: %d (with %d control frames)%n",
        hits, 2 * runs, dnsRetries, leaked, seen.control());
    out.flush();
    return cdn;
  }

  private static Map<String, double[]> orderForReport(Map<String, double[]> s) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String k : List.of("nocache_idle", "nocache_congested", "cache_idle", "cache_congested")) {
      out.put(k, s.get(k));
    }
    return out;
  }

  private static void progress(PrintWriter out, String s) {
    out.println(s);
    out.flush();
  }

  /** Result of one cluster addition. */
  record Join(double ms, int lost, int sent) {}

  /**
   * A network spanning c1 and c3 carries a 20 ms ping; c4 joins it (its NAD and a pod); the time
   * from the NAD's creation to the first reply from c4's pod, and the pings the flow lost.
   */
  static Join join(SmartCampus campus, int index, PrintWriter out) throws Exception {
    String net = "campus-join" + index;
    String ip = "10.33." + index + ".";
    var c1 = campus.clients().get("c1");
    var c3 = campus.clients().get("c3");
    var c4 = campus.clients().get("c4");
    c1.resource(LabObjects.interClusterNad(net)).create();
    c3.resource(LabObjects.interClusterNad(net)).create();
    c1.resource(
            LabObjects.member(
                net + "-a", campus.labs().get("c1").nodes().get(0).name(), net, ip + "1"))
        .create();
    c3.resource(
            LabObjects.member(
                net + "-b", campus.labs().get("c3").nodes().get(0).name(), net, ip + "3"))
        .create();
    String a = Kubelet.awaitAttached(campus.labs().get("c1"), net + "-a", 60_000).netns();
    Kubelet.awaitAttached(campus.labs().get("c3"), net + "-b", 60_000).netns();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Testbed.run("ip netns exec " + a + " ping -c 1 -W 1 " + ip + "3").exit() != 0) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("network " + net + " never joined c1 and c3");
      }
    }
    int count = 400; // 8 s at 20 ms
    Process flow =
        new ProcessBuilder(
                "ip", "netns", "exec", a, "ping", "-n", "-i", "0.02", "-c", "" + count, ip + "3")
            .redirectErrorStream(true)
            .start();
    Thread.sleep(1000);
    long t0 = System.nanoTime();
    c4.resource(LabObjects.interClusterNad(net)).create();
    c4.resource(
            LabObjects.member(
                net + "-c", campus.labs().get("c4").nodes().get(0).name(), net, ip + "4"))
        .create();
    String c = Kubelet.awaitAttached(campus.labs().get("c4"), net + "-c", 60_000).netns();
    while (Testbed.run("ip netns exec " + c + " ping -c 1 -W 0.2 " + ip + "1").exit() != 0) {
      if ((System.nanoTime() - t0) / 1e9 > 60) {
        throw new IllegalStateException("c4 never joined network " + net);
      }
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    String text = new String(flow.getInputStream().readAllBytes());
    flow.waitFor();
    int lost = count - Testbed.received(text);
    progress(
        out,
        String.format(
            Locale.ROOT,
            "Cluster addition %d: c4 joined %s in %.0f ms; the c1 -> c3 flow lost %d of %d pings",
            index,
            net,
            ms,
            lost,
            count));
    return new Join(ms, lost, count);
  }

  private static void join(SmartCampus campus, int joins, BenchReport report, PrintWriter out)
      throws Exception {
    progress(out, "Cluster addition: c4 joins a network of c1 and c3 under a 20 ms ping...");
    double[] ms = new double[joins];
    double[] lost = new double[joins];
    for (int i = 0; i < joins; i++) {
      Join j = join(campus, i + 1, out);
      ms[i] = j.ms();
      lost[i] = j.lost();
    }
    report.figure(Figure.ofSamples("cluster_join_to_ping_ms", "ms", ms));
    report.figure(Figure.ofSamples("cluster_join_flow_lost_pings", "pings", lost));
  }
}
