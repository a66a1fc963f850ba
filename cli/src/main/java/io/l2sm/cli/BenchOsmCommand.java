package io.l2sm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.l2sm.api.grpc.ControllerClient;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.cli.BenchReport.Figure;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.Testbed;
import io.l2sm.osm.Adapter;
import io.l2sm.osm.fabric.ControllerFabric;
import io.l2sm.osm.fabric.Endpoint;
import io.l2sm.osm.render.PostRenderer;
import io.l2sm.osm.vpls.OnosVplsClient;
import io.l2sm.osm.web.Credentials;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code l2sm bench osm}: the OSM adapter and the post-renderer, timed. */
@Command(
    name = "osm",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Bring a lab of one cluster of 2 nodes up (root, Open vSwitch) with a device on each node,"
          + " run the OSM adapter in this process, and measure:",
      "- ELAN create -> network forwarding: from the first request of OSM's onos_vpls connector"
          + " sequence (GET, POST ports, POST VPLS) to the first ping reply between the two"
          + " devices (ping every 10 ms, running before the request; static neighbour entries, so"
          + " ARP's retry timer is not measured); reference: the"
          + " same network made straight through the controller's gRPC API;",
      "- N connectivity services created one after the other through the connector sequence"
          + " (each a 2-port ELAN on the lab's switches): total time, adapter heap after GC, the"
          + " size of the stored document; then all removed with one POST;",
      "- post-renderer throughput on a manifest stream of about 5 MB; reference: parsing and"
          + " writing back every document of the stream with the same YAML library.",
      "The lab is taken down at the end."
    })
public class BenchOsmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--runs",
      defaultValue = "20",
      description = "ELAN create -> ping runs (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--services",
      defaultValue = "500",
      description = "Connectivity services (default: ${DEFAULT-VALUE}).")
  int services;

  @Option(
      names = "--manifest-mb",
      defaultValue = "5",
      description = "Size of the manifest stream (default: ${DEFAULT-VALUE}).")
  int manifestMb;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (runs < 1 || services < 1 || services > 5000 || manifestMb < 1 || manifestMb > 100) {
      spec.commandLine()
          .getErr()
          .println("osm: error: --runs >= 1, --services 1-5000, --manifest-mb 1-100");
      return ExitCodes.INVALID_INPUT;
    }
    BenchReport report = new BenchReport();
    postRenderer(report);
    if (!BenchReport.testbedReady(spec.commandLine(), "osm")) {
      return ExitCodes.FAILURE;
    }
    if (Lab.isUp()) {
      spec.commandLine().getErr().println("osm: error: a lab is up; run `l2sm lab down` first");
      return ExitCodes.FAILURE;
    }
    LabInfo lab = Lab.up(1, 2, 0, 0, out).get(0);
    String password = UUID.randomUUID().toString();
    Path state = Files.createTempDirectory("l2sm-bench-adapter");
    try (Adapter adapter =
        Adapter.start(
            new Adapter.Options(
                "127.0.0.1", 0, 0, state, null, null, 64 << 20, Duration.ofSeconds(2)),
            new Credentials("bench", password),
            new ControllerFabric(Map.of(lab.cluster(), lab.controllerGrpc()), 10_000))) {
      OnosVplsClient osm =
          new OnosVplsClient(
              HttpClient.newHttpClient(), "127.0.0.1:" + adapter.httpPort(), "bench", password);
      String e1 = Lab.device(lab, "n1", "b1", "10.78.0.1/24");
      String e2 = Lab.device(lab, "n2", "b2", "10.78.0.2/24");
      createToPing(report, lab, osm, e1, e2);
      manyServices(report, lab, osm, adapter, state);
    } finally {
      Lab.down();
    }
    report.finish(
        out,
        json,
        "Targets: ELAN create -> forwarding p50 <= 200 ms; 500 services in <= 60 s with <= 256 MiB"
            + " of heap; post-renderer >= 0.5 of a plain YAML read+write.");
    return ExitCodes.OK;
  }

  private void progress(String s) {
    out.println(s);
    out.flush();
  }

  /** Starts a ping every 10 ms with timestamps; returns the process. */
  private static Process pinger(String ns, String ip) throws Exception {
    return new ProcessBuilder(
            "ip", "netns", "exec", ns, "ping", "-D", "-n", "-i", "0.01", "-w", "8", ip)
        .redirectErrorStream(true)
        .start();
  }

  /** Epoch ms of the first reply the pinger prints, or -1 when none within its deadline. */
  private static double firstReply(Process p) throws Exception {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.contains("bytes from") && line.startsWith("[")) {
          p.destroy();
          return Double.parseDouble(line.substring(1, line.indexOf(']'))) * 1000.0;
        }
      }
    }
    return -1;
  }

  private void createToPing(
      BenchReport report, LabInfo lab, OnosVplsClient osm, String e1, String e2) throws Exception {
    progress(
        "ELAN create -> first ping, "
            + runs
            + " run(s) through the adapter and as many straight through the controller...");
    String ns1 = Lab.deviceNetns(lab.cluster(), "b1");
    String ns2 = Lab.deviceNetns(lab.cluster(), "b2");
    // Static neighbours: the time measured is the network's, not ARP's one-second retry.
    String mac1 = Testbed.sh("ip netns exec " + ns1 + " cat /sys/class/net/eth1/address").strip();
    String mac2 = Testbed.sh("ip netns exec " + ns2 + " cat /sys/class/net/eth1/address").strip();
    Testbed.sh(
        "ip -n " + ns1 + " neigh replace 10.78.0.2 lladdr " + mac2 + " dev eth1 nud permanent");
    Testbed.sh(
        "ip -n " + ns2 + " neigh replace 10.78.0.1 lladdr " + mac1 + " dev eth1 nud permanent");
    double[] viaAdapter = new double[runs];
    double[] direct = new double[runs];
    ControllerClient ctl = Lab.controller(lab.controllerGrpc());
    Endpoint p1 = Endpoint.parse(e1);
    Endpoint p2 = Endpoint.parse(e2);
    try {
      for (int r = 0; r < runs; r++) {
        Process ping = pinger(ns1, "10.78.0.2");
        Thread.sleep(50);
        double t0 = System.currentTimeMillis();
        var made =
            osm.create(
                "ELAN", List.of(OnosVplsClient.Cp.at("b1", e1), OnosVplsClient.Cp.at("b2", e2)));
        double t1 = firstReply(ping);
        if (t1 < 0) {
          throw new IllegalStateException(
              "run " + (r + 1) + ": no ping reply through the adapter's network");
        }
        viaAdapter[r] = t1 - t0;
        osm.delete(made.getKey(), made.getValue());

        ping = pinger(ns1, "10.78.0.2");
        Thread.sleep(50);
        t0 = System.currentTimeMillis();
        ctl.createNetwork(
            CreateNetworkRequest.newBuilder()
                .setName("bench/direct")
                .setKind(io.l2sm.api.grpc.v1.NetworkKind.VNET)
                .build());
        ctl.attach(
            AttachRequest.newBuilder()
                .setId("bench-1")
                .setNetwork("bench/direct")
                .setNode("n1")
                .setPort(p1.port())
                .build());
        ctl.attach(
            AttachRequest.newBuilder()
                .setId("bench-2")
                .setNetwork("bench/direct")
                .setNode("n2")
                .setPort(p2.port())
                .build());
        t1 = firstReply(ping);
        if (t1 < 0) {
          throw new IllegalStateException(
              "run " + (r + 1) + ": no ping reply through the direct network");
        }
        direct[r] = t1 - t0;
        ctl.deleteNetwork(
            DeleteNetworkRequest.newBuilder().setName("bench/direct").setForce(true).build());
        progress(
            String.format(
                "Run %d/%d: adapter %.1f ms, controller straight %.1f ms",
                r + 1, runs, viaAdapter[r], direct[r]));
      }
    } finally {
      ctl.close();
    }
    report.figure(Figure.percentile("osm_elan_create_to_ping_p50_ms", viaAdapter, 50));
    report.figure(Figure.percentile("osm_elan_create_to_ping_p99_ms", viaAdapter, 99));
    report.reference(Figure.percentile("controller_network_create_to_ping_p50_ms", direct, 50));
    report.reference(Figure.percentile("controller_network_create_to_ping_p99_ms", direct, 99));
    double[] ratio = new double[runs];
    for (int i = 0; i < runs; i++) {
      ratio[i] = viaAdapter[i] / direct[i];
    }
    report.figure(Figure.ofSamples("osm_elan_create_to_ping_over_controller", "x", ratio));
  }

  private void manyServices(
      BenchReport report, LabInfo lab, OnosVplsClient osm, Adapter adapter, Path state)
      throws Exception {
    progress(services + " connectivity services through the connector sequence...");
    String n1 =
        Testbed.sh(
                "ovs-vsctl --db=unix:"
                    + Path.of(lab.dir()).resolve("ovs-n1")
                    + "/db.sock get Bridge br-l2sm datapath_id")
            .strip()
            .replace("\"", "");
    String n2 =
        Testbed.sh(
                "ovs-vsctl --db=unix:"
                    + Path.of(lab.dir()).resolve("ovs-n2")
                    + "/db.sock get Bridge br-l2sm datapath_id")
            .strip()
            .replace("\"", "");
    System.gc();
    long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long t0 = System.nanoTime();
    double[] each = new double[services];
    for (int i = 0; i < services; i++) {
      long s = System.nanoTime();
      osm.create(
          "ELAN",
          List.of(
              new OnosVplsClient.Cp("s" + i + "a", n1, Integer.toString(1000 + i), null, false),
              new OnosVplsClient.Cp("s" + i + "b", n2, Integer.toString(1000 + i), null, false)));
      each[i] = (System.nanoTime() - s) / 1e6;
      if ((i + 1) % 100 == 0) {
        progress(String.format("  %d services, %.1f s", i + 1, (System.nanoTime() - t0) / 1e9));
      }
    }
    double total = (System.nanoTime() - t0) / 1e9;
    long active =
        adapter.book().services().values().stream()
            .filter(s -> s.phase() == io.l2sm.osm.vpls.VplsBook.Phase.ACTIVE)
            .count();
    if (active != services) {
      throw new IllegalStateException(active + " of " + services + " services are ACTIVE");
    }
    System.gc();
    long heapAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long stored = Files.size(state.resolve("netcfg-state.json"));
    long t1 = System.nanoTime();
    osm.postConfig(OnosVplsClient.JSON.createObjectNode());
    double clear = (System.nanoTime() - t1) / 1e6;
    report.figure(
        new Figure(
            "osm_services_total_s", round(total), "s", services, round(total), round(total)));
    report.figure(Figure.percentile("osm_service_create_p50_ms", each, 50));
    report.figure(Figure.percentile("osm_service_create_p99_ms", each, 99));
    double mib = heapAfter / 1048576.0;
    report.figure(
        new Figure("adapter_heap_after_gc_mib", round(mib), "MiB", 1, round(mib), round(mib)));
    report.reference(
        new Figure(
            "jvm_heap_before_services_mib",
            round(heapBefore / 1048576.0),
            "MiB",
            1,
            round(heapBefore / 1048576.0),
            round(heapBefore / 1048576.0)));
    report.figure(
        new Figure(
            "osm_document_kib",
            round(stored / 1024.0),
            "KiB",
            1,
            round(stored / 1024.0),
            round(stored / 1024.0)));
    report.figure(
        new Figure(
            "osm_services_remove_all_ms", round(clear), "ms", 1, round(clear), round(clear)));
  }

  private static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  /** A release-like stream: Deployments with LCM's labels and ConfigMaps, about size MB. */
  static String manifests(int mb) {
    StringBuilder s = new StringBuilder(mb << 20);
    int i = 0;
    while (s.length() < (mb << 20)) {
      s.append(
              "---\n# Source: bench/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-")
          .append(i)
          .append(
              "\n  labels:\n    osm.etsi.org/ns-id: 7d1f3b2a\n    osm.etsi.org/kdu-name: app\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: a")
          .append(i)
          .append("}\n  template:\n    metadata:\n      labels: {app: a")
          .append(i)
          .append(
              "}\n    spec:\n      containers:\n      - name: c\n        image: alpine:3.20\n        command: [sleep, infinity]\n        env:\n        - {name: A, value: \"1\"}\n        - {name: B, value: \"2\"}\n");
      s.append(
              "---\n# Source: bench/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-")
          .append(i)
          .append("\ndata:\n  settings.conf: |\n    listen 80\n    root /srv\n    workers 4\n");
      i++;
    }
    return s.toString();
  }

  private void postRenderer(BenchReport report) throws Exception {
    String stream = manifests(manifestMb);
    double mb = stream.getBytes(StandardCharsets.UTF_8).length / 1048576.0;
    progress(String.format("Post-renderer on a %.1f MB manifest stream...", mb));
    PostRenderer renderer = new PostRenderer("[{\"name\":\"bench-net\",\"interface\":\"net1\"}]");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    int reps = 5;
    double[] rate = new double[reps];
    double[] ref = new double[reps];
    double[] ratio = new double[reps];
    renderer.render(stream); // warm-up
    for (int r = 0; r < reps; r++) {
      long t = System.nanoTime();
      PostRenderer.Result res = renderer.render(stream);
      rate[r] = mb / ((System.nanoTime() - t) / 1e9);
      if (res.podTemplates() == 0) {
        throw new IllegalStateException("the post-renderer annotated nothing");
      }
      t = System.nanoTime();
      StringBuilder copy = new StringBuilder(stream.length());
      for (JsonNode d : yaml.readValues(yaml.createParser(stream), JsonNode.class).readAll()) {
        copy.append("---\n").append(yaml.writeValueAsString(d));
      }
      ref[r] = mb / ((System.nanoTime() - t) / 1e9);
      ratio[r] = rate[r] / ref[r];
    }
    report.figure(Figure.ofSamples("post_render_mb_per_s", "MB/s", rate));
    report.reference(Figure.ofSamples("yaml_read_write_mb_per_s", "MB/s", ref));
    report.figure(Figure.ofSamples("post_render_over_yaml_read_write", "x", ratio));
  }
}
