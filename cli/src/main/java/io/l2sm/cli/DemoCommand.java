package io.l2sm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.l2sm.api.v1.Annotations;
import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.LabObjects;
import io.l2sm.lab.Testbed;
import io.l2sm.translator.InvalidInputException;
import io.l2sm.translator.Translation;
import io.l2sm.translator.TranslationOptions;
import io.l2sm.translator.plan.PlannedAttachment;
import io.l2sm.translator.plan.PlannedNetwork;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code l2sm demo}: the main job on the embedded default. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "The main job on the embedded default, end to end: the paper's Smart Campus in quick"
          + " mode. Bring up a lab of four clusters (two campuses, each a cloud and an edge"
          + " cluster) with edge devices and the IDCO, translate nsd-examples/smart-campus with"
          + " its cluster map, apply its networks in the clusters that host them, run each KDU"
          + " as a pod with a real program (nginx content server and caches, dnsmasq, a router"
          + " with an nftables firewall, a client), check reachability, the firewall and"
          + " isolation, run the CDN test (cache off and on, inter-campus link idle and"
          + " congested, --runs downloads each) and a cluster addition, print the tables, and"
          + " take the lab down (unless --keep).",
      "With --ns PATH: that NS package in a one-cluster lab of --nodes nodes instead (one pod"
          + " per KDU, reachability on every network, isolation from a pod of another network).",
      "Needs root and Open vSwitch (scripts/install-prereqs.sh installs them)."
    })
public class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--ns",
      paramLabel = "PATH",
      description = "Deploy this NS package in a one-cluster lab instead of the Smart Campus.")
  Path ns;

  @Option(names = "--nodes", defaultValue = "3", description = "With --ns: lab nodes (default: 3).")
  int nodes;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Smart Campus: downloads per CDN condition (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--keep", description = "Leave the lab up afterwards (l2sm lab down removes it).")
  boolean keep;

  private PrintWriter out;
  private final List<String[]> results = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (ns == null) {
      return campus();
    }
    if (!Files.exists(ns)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--ns " + ns + " does not exist (run from the project's folder)");
    }
    List<String> missing = Testbed.missingPrerequisites();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the demo needs " + missing + "; run as root: scripts/install-prereqs.sh");
    }
    Translation t;
    try {
      t = Translation.run(ns, List.of(), TranslationOptions.defaults());
    } catch (InvalidInputException e) {
      throw new IllegalStateException("cannot translate " + ns + ": " + e.getMessage(), e);
    }
    boolean ownLab = !Lab.isUp();
    long t0 = System.nanoTime();
    if (ownLab) {
      Lab.up(nodes, out);
    } else {
      out.println("Using the lab that is already up.");
    }
    try {
      run(t, Lab.cluster("c1"));
    } finally {
      if (ownLab && !keep) {
        out.println("Taking the lab down...");
        out.flush();
        Lab.down();
      }
    }
    return results(t0, keep || !ownLab);
  }

  /** The Smart Campus in quick mode. */
  private int campus() throws Exception {
    if (!Files.isRegularFile(SmartCampus.NS.resolve("cluster-map.yaml"))) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), SmartCampus.NS + " is not here (run from the project's folder)");
    }
    if (runs < 2 || runs > 100) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--runs must be 2-100");
    }
    List<String> missing = Testbed.missingPrerequisites();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the demo needs " + missing + "; run as root: scripts/install-prereqs.sh");
    }
    List<String> packages = SmartCampus.missingPackages();
    if (!packages.isEmpty()) {
      throw new IllegalStateException(
          "the Smart Campus's programs are missing; run as root: apt-get install -y "
              + String.join(" ", packages));
    }
    if (Lab.isUp()) {
      throw new IllegalStateException(
          "the Smart Campus demo brings up a lab of its own; run `l2sm lab down` first");
    }
    long t0 = System.nanoTime();
    Lab.up(4, 1, 0, 0, out);
    try (SmartCampus campus = SmartCampus.deploy(SmartCampus.NS, 2, out)) {
      campusChecks(campus);
    } finally {
      if (!keep) {
        out.println("Taking the lab down...");
        out.flush();
        Lab.down();
      }
    }
    return results(t0, keep);
  }

  private void campusChecks(SmartCampus campus) throws Exception {
    out.println();
    List<String[]> placement = new ArrayList<>();
    placement.add(new String[] {"CLUSTER", "POD", "ADDRESSES", "PROGRAM"});
    placement.addAll(campus.placement());
    Table.print(out, placement);
    out.println();
    List<String> vnis = new ArrayList<>();
    for (String c : campus.labs().keySet()) {
      vnis.add(c + ": " + campus.vnis(c));
    }
    List<String> gaps = campus.gaps();
    List<String> netGaps = gaps.stream().filter(g -> !g.startsWith("pod ")).toList();
    List<String> podGaps = gaps.stream().filter(g -> g.startsWith("pod ")).toList();
    check(
        "networks Ready",
        netGaps.isEmpty(),
        netGaps.isEmpty() ? String.join("; ", vnis) : "not Ready: " + String.join(", ", netGaps));
    check(
        "pods run their programs",
        podGaps.isEmpty(),
        podGaps.isEmpty()
            ? campus.members().size()
                + " pods in "
                + campus.labs().size()
                + " clusters; the content server and both caches answered HTTP"
            : "not running: " + String.join(", ", podGaps));
    SmartCampus.DnsPath before = campus.dnsPath(SmartCampus.VIDEO_HOST);
    SmartCampus.Download d = campus.download(false);
    SmartCampus.DnsPath after = campus.dnsPath(SmartCampus.VIDEO_HOST);
    long queries = after.queries() - before.queries();
    long crossed = after.routerPackets() - before.routerPackets();
    check(
        "DNS through the router",
        queries > 0 && crossed > 0,
        String.format(
            java.util.Locale.ROOT,
            "ap-c2 resolved %s in %.0f ms: dnsmasq in c1 logged %d query(ies) from ap-c2, router-c2's"
                + " firewall counted %d DNS packet(s) from its access network",
            SmartCampus.VIDEO_HOST,
            d.dnsSeconds() * 1000,
            queries,
            crossed));
    check(
        "inter-cluster download",
        d.bytes() == campus.fileBytes(),
        String.format(
            java.util.Locale.ROOT,
            "ap-c2 (c4) -> edge cache -> cloud cache (c3) -> content server (c1): %d bytes in %.2f s",
            d.bytes(),
            d.seconds()));
    String icmp =
        Testbed.run(
                "ip netns exec "
                    + campus.netns(SmartCampus.CLIENT)
                    + " ping -c 2 -i 0.2 -W 1 10.30.0.1")
            .out();
    int replies = Testbed.received(icmp);
    // The control: the same ping reaches router-c2 itself (the firewall filters what it forwards).
    int toRouter =
        Testbed.received(
            Testbed.run(
                    "ip netns exec "
                        + campus.netns(SmartCampus.CLIENT)
                        + " ping -c 2 -i 0.2 -W 1 10.32.0.1")
                .out());
    check(
        "router firewall",
        replies == 0 && toRouter == 2,
        "ping ap-c2 -> router-c2: "
            + toRouter
            + "/2 (control); ap-c2 -> content server through router-c2: "
            + replies
            + "/2 (only DNS and HTTP pass); DNS and HTTP passed above");
    BenchCdnCommand.Cdn cdn = BenchCdnCommand.measure(campus, runs, 50, out);
    check(
        "CDN: cache off vs on, link congested",
        cdn.mean("cache_congested") < cdn.mean("nocache_congested"),
        String.format(
            java.util.Locale.ROOT,
            "mean %.2f s without the cache, %.2f s with it (idle link: %.2f s, %.2f s)",
            cdn.mean("nocache_congested"),
            cdn.mean("cache_congested"),
            cdn.mean("nocache_idle"),
            cdn.mean("cache_idle")));
    check(
        "CDN: edge cache hits",
        cdn.hits() == cdn.cached(),
        cdn.hits() + " of " + cdn.cached() + " cached downloads served by the campus-2 edge cache");
    check(
        "isolation",
        cdn.isolated(),
        cdn.leaked()
            + " frames of campus 2's access network captured on campus 1's access point during"
            + " the downloads (the capture saw "
            + cdn.control()
            + " control frames from router-c1)");
    BenchCdnCommand.Join join = BenchCdnCommand.join(campus, 1, out);
    check(
        "cluster addition",
        join.lost() == 0,
        String.format(
            java.util.Locale.ROOT,
            "c4 joined a network of c1 and c3 in %.0f ms; the flow c1 -> c3 lost %d of %d pings",
            join.ms(),
            join.lost(),
            join.sent()));
  }

  /** Prints the checks and the count; the exit code. */
  private int results(long t0, boolean labStaysUp) {
    out.println();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"CHECK", "RESULT", "DETAIL"});
    rows.addAll(results);
    Table.print(out, rows);
    long failed = results.stream().filter(r -> !r[1].equals("pass")).count();
    out.printf(
        "%n%d of %d checks passed in %.1f s.%s%n",
        results.size() - failed,
        results.size(),
        (System.nanoTime() - t0) / 1e9,
        labStaysUp
            ? " The lab is still up: l2sm lab status / get / exec, then l2sm lab down."
            : "");
    out.flush();
    return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  private void check(String name, boolean ok, String detail) {
    results.add(new String[] {name, ok ? "pass" : "FAIL", detail});
  }

  private void run(Translation t, LabInfo lab) throws Exception {
    String nsName = t.plan().nsName();
    out.println(
        "Deploying NS "
            + nsName
            + ": "
            + t.plan().networks().size()
            + " network(s), "
            + t.plan().attachments().size()
            + " attachment(s)");
    out.flush();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Path work = Files.createDirectories(Lab.dir().resolve("demo"));
    Path networks = work.resolve("networks.yaml");
    Files.writeString(networks, t.files().get("networks.yaml"));
    try (KubernetesClient c = LabCommand.client(lab)) {
      for (HasMetadata o : LabCommand.read(networks)) {
        o.getMetadata().setNamespace("default");
        c.resource(o).createOr(NonDeletingOperation::update);
      }
      // A network outside the NS, for the isolation check.
      NetworkAttachmentDefinition other = new NetworkAttachmentDefinition();
      other.getMetadata().setName("demo-other");
      other.getMetadata().setNamespace("default");
      other
          .getSpec()
          .setConfig(
              "{\"cniVersion\":\"1.0.0\",\"name\":\"demo-other\",\"type\":\"l2sm\",\"device\":\"l2sm-vNet\",\"kind\":\"vnet\"}");
      c.resource(other).createOr(NonDeletingOperation::update);

      // One pod per KDU, annotated as its Helm values say; spread over the nodes.
      Map<String, String> podOfProfile = new LinkedHashMap<>();
      int i = 0;
      for (Map.Entry<String, String> f : t.files().entrySet()) {
        if (!f.getKey().startsWith("kdu-values/")) {
          continue;
        }
        String podName = f.getKey().substring("kdu-values/".length()).replace(".yaml", "");
        JsonNode values = yaml.readTree(f.getValue());
        Map<String, String> annotations = new TreeMap<>();
        values
            .path("podAnnotations")
            .fields()
            .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        createPod(c, podName, annotations, lab.nodes().get(i % lab.nodes().size()).name());
        podOfProfile.put(podName, podName);
        i++;
      }
      createPod(
          c,
          "intruder",
          Map.of(Annotations.NETWORKS, "[{\"name\":\"demo-other\",\"interface\":\"net-other\"}]"),
          lab.nodes().get(0).name());

      // Ready: networks and pods.
      long deadline = System.nanoTime() + 60_000_000_000L;
      List<String> netNames = t.plan().networks().stream().map(PlannedNetwork::name).toList();
      boolean netsReady = false;
      boolean podsRunning = false;
      while (System.nanoTime() < deadline && !(netsReady && podsRunning)) {
        netsReady =
            netNames.stream()
                .allMatch(
                    n ->
                        LabObjects.ready(
                            c.resources(L2Network.class).inNamespace("default").withName(n).get()));
        podsRunning =
            c.pods().inNamespace("default").list().getItems().stream()
                    .filter(
                        p ->
                            podOfProfile.containsKey(p.getMetadata().getName())
                                || p.getMetadata().getName().equals("intruder"))
                    .filter(
                        p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                    .count()
                == podOfProfile.size() + 1;
        Thread.sleep(200);
      }
      List<String> vnis = new ArrayList<>();
      for (String n : netNames) {
        L2Network net = c.resources(L2Network.class).inNamespace("default").withName(n).get();
        vnis.add(
            n
                + " "
                + (net == null || net.getStatus() == null
                    ? "-"
                    : "VNI " + net.getStatus().getVni()));
      }
      check("networks Ready", netsReady, String.join(", ", vnis));
      check(
          "pods Running",
          podsRunning,
          (podOfProfile.size() + 1) + " pods on " + lab.nodes().size() + " nodes");
      if (!podsRunning) {
        return;
      }
      boolean statusWritten =
          c.pods().inNamespace("default").list().getItems().stream()
              .allMatch(
                  p ->
                      p.getMetadata().getAnnotations() != null
                          && p.getMetadata()
                              .getAnnotations()
                              .containsKey(Annotations.NETWORK_STATUS));
      check(
          "network-status written",
          statusWritten,
          "k8s.v1.cni.cncf.io/network-status on every pod");
    }

    // Addresses on the networks (an L2 network carries whatever the functions use).
    Map<String, Kubelet.PodRecord> pods = Kubelet.readState(Path.of(lab.dir()));
    Map<String, List<String[]>> members = new LinkedHashMap<>();
    for (PlannedAttachment a : t.plan().attachments()) {
      String pod = a.vnfProfile() + "-" + a.kdu();
      members
          .computeIfAbsent(a.network(), k -> new ArrayList<>())
          .add(new String[] {pod, a.interfaceName()});
    }
    Map<String, String> datanetIp = new TreeMap<>();
    int k = 0;
    for (Map.Entry<String, List<String[]>> e : members.entrySet()) {
      k++;
      int j = 0;
      for (String[] m : e.getValue()) {
        j++;
        String ip = "10.200." + k + "." + j;
        Testbed.sh(
            "ip netns exec "
                + pods.get("default/" + m[0]).netns()
                + " ip addr add "
                + ip
                + "/24 dev "
                + m[1]);
        m[0] = m[0] + "@" + ip;
        if (k == 1) {
          datanetIp.put(m[0], ip);
        }
      }
    }
    Testbed.sh(
        "ip netns exec "
            + pods.get("default/intruder").netns()
            + " ip addr add 10.200.1.99/24 dev net-other");

    // Capture at the intruder while the NS's networks carry traffic.
    String intruderNs = pods.get("default/intruder").netns();
    Path capture = Lab.dir().resolve("demo/intruder.pcap");
    Process tcpdump =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                intruderNs,
                "tcpdump",
                "--immediate-mode",
                "-Q",
                "in",
                "-i",
                "net-other",
                "-n",
                "-w",
                capture.toString())
            .redirectErrorStream(true)
            .start();
    Thread.sleep(800);
    for (Map.Entry<String, List<String[]>> e : members.entrySet()) {
      List<String[]> m = e.getValue();
      if (m.size() < 2) {
        continue;
      }
      String from = m.get(0)[0].split("@")[0];
      String to = m.get(1)[0].split("@")[1];
      String ping =
          "ip netns exec " + pods.get("default/" + from).netns() + " ping -c 3 -i 0.2 -W 1 " + to;
      String result = Testbed.run(ping).out();
      int got = Testbed.received(result);
      if (got > 0 && got < 3) {
        // The first ARP reply to a new port can be lost in the userspace datapath (retried a
        // second later): ask once more.
        result = Testbed.run(ping).out();
        got = Testbed.received(result);
      }
      Matcher rtt = Pattern.compile("= [\\d.]+/([\\d.]+)/").matcher(result);
      check(
          "reach on " + e.getKey(),
          got == 3,
          from
              + " -> "
              + m.get(1)[0].split("@")[0]
              + " ("
              + to
              + "): "
              + got
              + "/3 replies"
              + (rtt.find() ? ", rtt " + rtt.group(1) + " ms" : ""));
    }
    String probe =
        Testbed.run("ip netns exec " + intruderNs + " ping -c 3 -i 0.2 -W 1 10.200.1.1").out();
    int leaked = Testbed.received(probe);
    Thread.sleep(300);
    tcpdump.destroy();
    tcpdump.waitFor();
    String frames = Testbed.run("tcpdump -r " + capture + " -nn -e 2>/dev/null").out();
    long foreign = Testbed.lines(frames).stream().filter(l -> l.contains("10.200.")).count();
    check(
        "isolation",
        leaked == 0 && foreign == 0,
        "a pod of another network, same subnet: "
            + leaked
            + "/3 replies, "
            + foreign
            + " frames of the NS's networks captured");
  }

  private static void createPod(
      KubernetesClient c, String name, Map<String, String> annotations, String node) {
    c.resource(LabObjects.sleeper(name, node, annotations)).createOr(NonDeletingOperation::update);
  }
}
