package io.l2sm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.l2sm.api.v1.Annotations;
import io.l2sm.api.v1.L2Network;
import io.l2sm.lab.InterDomain;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.LabObjects;
import io.l2sm.lab.Testbed;
import io.l2sm.translator.ClusterMap;
import io.l2sm.translator.InvalidInputException;
import io.l2sm.translator.Translation;
import io.l2sm.translator.TranslationOptions;
import io.l2sm.translator.plan.PlannedAttachment;
import io.l2sm.translator.plan.PlannedNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The paper's Smart Campus (section 5) in a lab of four clusters: campus 1 is c1 (cloud: content
 * server, DNS) and c2 (edge: cache, router, access point), campus 2 is c3 (cloud: cache) and c4
 * (edge: cache, router, access point), joined by the lab's WAN ring whose links c2~c3 and c1~c4 are
 * the inter-campus ones. The NS {@code nsd-examples/smart-campus} is translated with its cluster
 * map, its networks applied in the clusters the plan names, and each KDU runs as a pod whose
 * command is a real program: nginx as content server and as caching reverse proxies, dnsmasq as
 * DNS, a router with an nftables firewall, and a client namespace for each access point (its
 * resolver is the campus DNS, reached through its router).
 *
 * <p>Each cache listens twice: port 80 caches, port 81 passes every request upstream. The client of
 * campus 2 downloads {@code http://video.campus2.cdn/video.bin} (port 80 or 81) from the campus-2
 * edge cache, whose upstream is the campus-2 cloud cache, whose upstream is the content server in
 * campus 1: without the cache every byte crosses the inter-campus link.
 */
final class SmartCampus implements AutoCloseable {
  static final Path NS = Path.of("nsd-examples/smart-campus");
  static final String VIDEO_HOST = "video.campus2.cdn";
  static final String CLIENT = "ap-c2-ap";
  static final String OTHER_CLIENT = "ap-c1-ap";

  /** The address of each VNF profile on each virtual link (vld), /24 each. */
  private static final Map<String, Map<String, String>> ADDRESSES =
      Map.of(
          "origin", Map.of("net3", "10.30.0.1"),
          "dns", Map.of("net3", "10.30.0.2"),
          "cache-c2-cloud", Map.of("net3", "10.30.0.3"),
          "cache-c1-edge", Map.of("net3", "10.30.0.11", "net1", "10.31.0.2"),
          "router-c1", Map.of("net3", "10.30.0.12", "net1", "10.31.0.1"),
          "cache-c2-edge", Map.of("net3", "10.30.0.21", "net2", "10.32.0.2"),
          "router-c2", Map.of("net3", "10.30.0.22", "net2", "10.32.0.1"),
          "ap-c1", Map.of("net1", "10.31.0.10"),
          "ap-c2", Map.of("net2", "10.32.0.10"));

  private static final Map<String, Integer> CAMPUS = Map.of("c1", 1, "c2", 1, "c3", 2, "c4", 2);
  private static final String ORIGIN_IP = "10.30.0.1";
  private static final String DNS_IP = "10.30.0.2";
  private static final String CLOUD_CACHE_IP = "10.30.0.3";
  private static final int FLOOD_PORT = 5291;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The programs the campus's pods run, and what installs each (Debian). */
  private static final Map<String, String> PROGRAMS =
      Map.of("nginx", "nginx-light", "dnsmasq", "dnsmasq-base", "nft", "nftables", "curl", "curl");

  /** What this machine lacks to run the campus, as Debian packages; empty when it can. */
  static List<String> missingPackages() {
    List<String> out = new ArrayList<>();
    PROGRAMS.forEach(
        (program, pkg) -> {
          if (Testbed.run("command -v " + program + " || test -x /usr/sbin/" + program).exit()
              != 0) {
            out.add(pkg);
          }
        });
    java.util.Collections.sort(out);
    return out;
  }

  /** One deployed KDU pod. */
  record Member(String pod, String profile, String vnfd, String cluster) {}

  /** One download by the client: HTTP status, bytes, seconds, and the edge's cache status. */
  record Download(int status, long bytes, double seconds, double dnsSeconds, String cache) {}

  private final Map<String, KubernetesClient> clients = new TreeMap<>();
  private final Map<String, LabInfo> labs = new TreeMap<>();
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Map<String, String> netns = new TreeMap<>();
  private final List<PlannedNetwork> networks;
  private final Path work;
  private final long fileBytes;
  private final PrintWriter out;
  private Process flood;

  private SmartCampus(List<PlannedNetwork> networks, Path work, long fileBytes, PrintWriter out) {
    this.networks = networks;
    this.work = work;
    this.fileBytes = fileBytes;
    this.out = out;
  }

  /**
   * Deploys the Smart Campus NS into the lab that is up (clusters c1..c4 with the IDCO) and waits
   * until every network is Ready in every cluster that hosts it and every pod runs.
   *
   * @param fileMib the size of the content server's video file
   */
  static SmartCampus deploy(Path nsPackage, int fileMib, PrintWriter out) throws Exception {
    ClusterMap map = ClusterMap.load(nsPackage.resolve("cluster-map.yaml"));
    Translation t;
    try {
      t = Translation.run(nsPackage, List.of(), new TranslationOptions(null, null, null, map));
    } catch (InvalidInputException e) {
      throw new IllegalStateException("cannot translate " + nsPackage + ": " + e.getMessage(), e);
    }
    SmartCampus campus =
        new SmartCampus(
            t.plan().networks(),
            Files.createDirectories(Lab.dir().resolve("campus")),
            fileMib * 1024L * 1024L,
            out);
    try {
      campus.start(t);
    } catch (Exception | Error e) {
      campus.close();
      throw e;
    }
    return campus;
  }

  private void start(Translation t) throws Exception {
    for (LabInfo l : Lab.clusters()) {
      labs.put(l.cluster(), l);
      clients.put(l.cluster(), l.client());
    }
    if (!labs.keySet().containsAll(CAMPUS.keySet()) || Lab.idco() == null) {
      throw new IllegalStateException(
          "the Smart Campus needs a lab of clusters c1..c4 with the IDCO (l2sm lab up --clusters"
              + " 4); this lab has "
              + labs.keySet());
    }
    progress(
        "Deploying NS "
            + t.plan().nsName()
            + ": "
            + networks.size()
            + " networks, "
            + t.plan().attachments().size()
            + " attachments in clusters "
            + String.join(", ", CAMPUS.keySet().stream().sorted().toList())
            + "...");
    // Networks: each NAD in every cluster its plan names.
    Map<String, HasMetadata> nads = new TreeMap<>();
    Path networksFile = work.resolve("networks.yaml");
    Files.writeString(networksFile, t.files().get("networks.yaml"));
    for (HasMetadata o : LabCommand.read(networksFile)) {
      nads.put(o.getMetadata().getName(), o);
    }
    for (PlannedNetwork n : networks) {
      for (String c : n.clusters()) {
        HasMetadata nad = nads.get(n.name());
        nad.getMetadata().setNamespace("default");
        clients.get(c).resource(nad).createOr(NonDeletingOperation::update);
      }
    }
    // Pods: one per KDU, with its Helm values' annotation plus the addresses of its interfaces.
    Map<String, List<PlannedAttachment>> byPod = new LinkedHashMap<>();
    for (PlannedAttachment a : t.plan().attachments()) {
      byPod.computeIfAbsent(a.vnfProfile() + "-" + a.kdu(), k -> new ArrayList<>()).add(a);
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    writeContent();
    for (Map.Entry<String, List<PlannedAttachment>> e : byPod.entrySet()) {
      PlannedAttachment first = e.getValue().get(0);
      Member m = new Member(e.getKey(), first.vnfProfile(), first.vnfd(), first.cluster());
      members.put(m.pod(), m);
      String values = t.files().get("kdu-values/" + m.pod() + ".yaml");
      JsonNode request =
          JSON.readTree(
              yaml.readTree(values).path("podAnnotations").path(Annotations.NETWORKS).asText());
      for (JsonNode r : request) {
        String vld = vldOf(r.path("name").asText());
        String ip = address(m.profile(), vld);
        ((ObjectNode) r).set("ips", JSON.createArrayNode().add(ip + "/24"));
      }
      Pod pod =
          LabObjects.sleeper(
              m.pod(),
              labs.get(m.cluster()).nodes().get(0).name(),
              Map.of(Annotations.NETWORKS, JSON.writeValueAsString(request)));
      pod.getSpec().getContainers().get(0).setCommand(command(m));
      clients.get(m.cluster()).resource(pod).createOr(NonDeletingOperation::update);
    }
    awaitReady();
    // The access points' resolver: the campus DNS, through their routers.
    for (String client : List.of(CLIENT, OTHER_CLIENT)) {
      Path resolv = Path.of("/etc/netns", netns(client), "resolv.conf");
      Files.createDirectories(resolv.getParent());
      Files.writeString(resolv, "nameserver " + DNS_IP + "\noptions timeout:1 attempts:5\n");
    }
  }

  private String vldOf(String network) {
    return networks.stream()
        .filter(n -> n.name().equals(network))
        .map(PlannedNetwork::vld)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("network " + network + " is not in the plan"));
  }

  private static String address(String profile, String vld) {
    String ip = ADDRESSES.getOrDefault(profile, Map.of()).get(vld);
    if (ip == null) {
      throw new IllegalStateException(
          "the Smart Campus run knows no address for VNF profile "
              + profile
              + " on "
              + vld
              + "; it runs nsd-examples/smart-campus as shipped");
    }
    return ip;
  }

  private void progress(String s) {
    out.println(s);
    out.flush();
  }

  // ---- the programs ----

  private Path dir(String pod) throws IOException {
    return Files.createDirectories(work.resolve(pod));
  }

  /** The content server's file, random bytes (a video does not compress). */
  private void writeContent() throws IOException {
    Path www = Files.createDirectories(dir("origin-origin").resolve("www"));
    Testbed.sh("head -c " + fileBytes + " /dev/urandom > " + www.resolve("video.bin") + " && sync");
  }

  private List<String> command(Member m) throws IOException {
    Path d = dir(m.pod());
    switch (m.vnfd()) {
      case "cdn-origin_knf":
        return nginx(d, "    location / { root " + d.resolve("www") + "; }\n", ORIGIN_IP, "", "");
      case "cdn-cache_knf":
        {
          String upstream = m.profile().equals("cache-c2-edge") ? CLOUD_CACHE_IP : ORIGIN_IP;
          String listen =
              m.profile().equals("cache-c2-cloud")
                  ? address(m.profile(), "net3")
                  : address(m.profile(), m.profile().startsWith("cache-c1") ? "net1" : "net2");
          // Each cache names its own status header: a cached response keeps its upstream's.
          String header = m.profile().endsWith("cloud") ? "X-Cloud-Cache" : "X-Edge-Cache";
          return nginx(d, null, listen, upstream, header);
        }
      case "dns_knf":
        return List.of(
            "sh",
            "-c",
            "ip route add 10.31.0.0/24 via 10.30.0.12 && ip route add 10.32.0.0/24 via 10.30.0.22"
                + " && exec dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts"
                + " --bind-interfaces --listen-address="
                + DNS_IP
                + " --user=root --pid-file="
                + d.resolve("dnsmasq.pid")
                + " --address=/"
                + VIDEO_HOST
                + "/10.32.0.2 --address=/video.campus1.cdn/10.31.0.2 --log-queries"
                + " --log-facility="
                + d.resolve("queries.log"));
      case "router_knf":
        {
          String lan = m.profile().equals("router-c1") ? "10.31.0.0/24" : "10.32.0.0/24";
          Files.writeString(
              d.resolve("firewall.nft"),
              String.join(
                  "\n",
                  "# The campus edge firewall: its access network reaches DNS and HTTP only.",
                  "table inet campus {",
                  "  chain forward {",
                  "    type filter hook forward priority 0; policy drop;",
                  "    ct state established,related accept",
                  "    ip saddr " + lan + " udp dport 53 counter accept",
                  "    ip saddr " + lan + " tcp dport { 80, 81 } accept",
                  "  }",
                  "}",
                  ""));
          return List.of(
              "sh",
              "-c",
              "sysctl -qw net.ipv4.ip_forward=1 && nft -f "
                  + d.resolve("firewall.nft")
                  + " && exec sleep 86400");
        }
      case "access-point_knf":
        {
          String router = m.profile().equals("ap-c1") ? "10.31.0.1" : "10.32.0.1";
          return List.of(
              "sh", "-c", "ip route add 10.30.0.0/24 via " + router + " && exec sleep 86400");
        }
      default:
        throw new IllegalStateException("no program for VNF " + m.vnfd() + " in the campus run");
    }
  }

  /**
   * nginx in the foreground with all its files under {@code d}: a content server ({@code location}
   * given) or a cache in front of {@code upstream} (port 80 caching, 81 not) that tells its cache
   * status in response header {@code header}.
   */
  private static List<String> nginx(
      Path d, String location, String listen, String upstream, String header) throws IOException {
    Files.createDirectories(d.resolve("tmp"));
    Files.createDirectories(d.resolve("cache"));
    StringBuilder conf = new StringBuilder();
    conf.append("user root;\nworker_processes 1;\n")
        .append("pid ")
        .append(d.resolve("nginx.pid"))
        .append(";\nerror_log ")
        .append(d.resolve("error.log"))
        .append(" warn;\nevents { worker_connections 256; }\nhttp {\n")
        .append("  access_log ")
        .append(d.resolve("access.log"))
        .append(";\n  sendfile on;\n");
    for (String t : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      conf.append("  ")
          .append(t)
          .append("_temp_path ")
          .append(d.resolve("tmp").resolve(t))
          .append(";\n");
    }
    if (location != null) {
      conf.append("  server {\n    listen ").append(listen).append(":80;\n").append(location);
      conf.append("  }\n");
    } else {
      conf.append("  proxy_cache_path ")
          .append(d.resolve("cache"))
          .append(" levels=1:2 keys_zone=campus:10m max_size=2g inactive=1h use_temp_path=off;\n");
      conf.append("  server {\n    listen ")
          .append(listen)
          .append(":80;\n    location / {\n      proxy_pass http://")
          .append(upstream)
          .append(":80;\n      proxy_cache campus;\n      proxy_cache_valid 200 1h;\n")
          .append("      add_header ")
          .append(header)
          .append(" $upstream_cache_status always;\n    }\n  }\n");
      conf.append("  server {\n    listen ")
          .append(listen)
          .append(":81;\n    location / {\n      proxy_pass http://")
          .append(upstream)
          // The content server has one port; a cache upstream passes through on its :81.
          .append(upstream.equals(ORIGIN_IP) ? ":80" : ":81")
          .append(";\n      proxy_cache off;\n")
          .append("      add_header ")
          .append(header)
          .append(" BYPASS always;\n    }\n  }\n");
    }
    conf.append("}\n");
    Path file = d.resolve("nginx.conf");
    Files.writeString(file, conf.toString());
    return List.of("nginx", "-c", file.toString(), "-g", "daemon off;");
  }

  // ---- readiness ----

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String missing = "";
    while (System.nanoTime() < deadline) {
      missing = String.join(", ", gaps());
      if (missing.isEmpty()) {
        break;
      }
      Thread.sleep(200);
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("not ready within 120 s: " + missing);
    }
    // The programs answer: every cache and the content server over HTTP, the DNS by name.
    for (String url :
        List.of(
            "http://10.30.0.1/video.bin",
            "http://10.30.0.3:81/video.bin",
            "http://10.32.0.2:81/video.bin")) {
      String from = url.contains("10.32.") ? CLIENT : "dns-dns";
      awaitHttp(from, url);
    }
    progress(
        String.format(
            "Smart Campus up: %d pods in %d clusters, networks %s Ready; programs answer.",
            members.size(),
            labs.size(),
            networks.stream().map(PlannedNetwork::name).collect(Collectors.joining(", "))));
  }

  /**
   * What is not ready now: networks not Ready in a cluster that hosts them, pods without their
   * networks or without their program running; empty when all is.
   */
  List<String> gaps() throws IOException {
    List<String> gaps = new ArrayList<>();
    for (PlannedNetwork n : networks) {
      for (String c : n.clusters()) {
        L2Network net = network(c, n.name());
        if (!LabObjects.ready(net)) {
          gaps.add(n.name() + " in " + c);
        }
      }
    }
    for (Member m : members.values()) {
      Kubelet.PodRecord r =
          Kubelet.readState(Path.of(labs.get(m.cluster()).dir())).get("default/" + m.pod());
      if (r == null || r.pid() == 0 || r.ifaces().isEmpty()) {
        gaps.add("pod " + m.pod() + " in " + m.cluster());
      } else {
        netns.put(m.pod(), r.netns());
      }
    }
    return gaps;
  }

  private void awaitHttp(String from, String url) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline) {
      Testbed.Result r =
          Testbed.run(
              "ip netns exec "
                  + netns(from)
                  + " curl -sS -o /dev/null -r 0-0 --max-time 3 -w '%{http_code}' "
                  + url);
      last = r.out().strip();
      if (r.exit() == 0 && last.startsWith("20")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(url + " does not answer from " + from + ": " + last);
  }

  // ---- what the benchmark and the demo use ----

  String netns(String pod) {
    String ns = netns.get(pod);
    if (ns == null) {
      throw new IllegalStateException("no pod " + pod + " in the campus");
    }
    return ns;
  }

  Map<String, Member> members() {
    return members;
  }

  List<PlannedNetwork> networks() {
    return networks;
  }

  Map<String, KubernetesClient> clients() {
    return clients;
  }

  Map<String, LabInfo> labs() {
    return labs;
  }

  long fileBytes() {
    return fileBytes;
  }

  /**
   * The campus-2 client downloads the video by name (through its router to the campus DNS) from its
   * edge cache: port 80 caches, port 81 passes through to the content server.
   */
  /**
   * What shows a client's name lookup took the path the NS gives it: the queries for {@code host}
   * from the client's address in dnsmasq's log (the campus DNS in c1), and the DNS packets counted
   * by router-c2's firewall (the only way from campus 2's access network to the DNS).
   *
   * @param queries log lines of dnsmasq for the host, from the client
   * @param routerPackets DNS packets router-c2 forwarded from its access network
   */
  record DnsPath(long queries, long routerPackets) {}

  DnsPath dnsPath(String host) throws IOException {
    Path log = dir("dns-dns").resolve("queries.log");
    String client = address("ap-c2", "net2");
    long queries =
        Files.exists(log)
            ? Files.readAllLines(log).stream()
                .filter(l -> l.contains("query[A] " + host + " from " + client))
                .count()
            : 0;
    String rules =
        Testbed.run("ip netns exec " + netns("router-c2-router") + " nft list ruleset").out();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("udp dport 53 counter packets (\\d+)").matcher(rules);
    if (!m.find()) {
      throw new IllegalStateException("router-c2 has no DNS counter: " + rules.strip());
    }
    return new DnsPath(queries, Long.parseLong(m.group(1)));
  }

  Download download(boolean cached) {
    String url = "http://" + VIDEO_HOST + (cached ? "" : ":81") + "/video.bin";
    return curl(CLIENT, url);
  }

  /** The same file straight from the content server by a pod of its own cluster: the floor. */
  Download localDownload() {
    return curl("dns-dns", "http://" + ORIGIN_IP + "/video.bin");
  }

  private Download curl(String from, String url) {
    Testbed.Result r =
        Testbed.run(
            "ip netns exec "
                + netns(from)
                + " curl -sS -o /dev/null --max-time 110 -w '%{http_code} %{size_download}"
                + " %{time_total} %{time_namelookup} %header{x-edge-cache}' "
                + url);
    String[] f = r.out().strip().split("\\s+");
    if (r.exit() != 0 || f.length < 4 || !f[0].equals("200")) {
      throw new IllegalStateException("download " + url + " from " + from + " failed: " + r.out());
    }
    Download d =
        new Download(
            Integer.parseInt(f[0]),
            Long.parseLong(f[1]),
            Double.parseDouble(f[2]),
            Double.parseDouble(f[3]),
            f.length > 4 ? f[4] : "-");
    if (d.bytes() != fileBytes) {
      throw new IllegalStateException(
          "download " + url + " got " + d.bytes() + " bytes of " + fileBytes);
    }
    return d;
  }

  /** The WAN links between the campuses (c2~c3 and c1~c4 in the lab's ring). */
  List<InterDomain.WanLink> interCampusLinks() throws IOException {
    return InterDomain.wan(Lab.idco()).stream()
        .filter(l -> !CAMPUS.get(l.a()).equals(CAMPUS.get(l.b())))
        .toList();
  }

  /** Limits each inter-campus link to {@code mbit} in each direction (tc tbf). */
  void limitInterCampus(double mbit) throws IOException {
    LabInfo idco = Lab.idco();
    for (InterDomain.WanLink l : interCampusLinks()) {
      InterDomain.setWanRate(idco, l, mbit);
    }
  }

  /** TCP throughput (iperf3, Mbit/s) from the content server to the campus-2 cloud cache. */
  double interCampusMbps(int seconds) throws IOException {
    Testbed.sh("ip netns exec " + netns("cache-c2-cloud-cache") + " iperf3 -s -D -1 -p 5292");
    sleep(300);
    return Testbed.tcpMbps(netns("origin-origin"), CLOUD_CACHE_IP, 5292, seconds);
  }

  /**
   * Congests the inter-campus link or ends it: four TCP streams (iperf3) from the content server's
   * pod to the campus-2 cloud cache's, the direction the downloads take.
   */
  void congest(boolean on) throws IOException {
    if (on && flood == null) {
      Testbed.sh(
          "ip netns exec "
              + netns("cache-c2-cloud-cache")
              + " iperf3 -s -D -p "
              + FLOOD_PORT
              + " --logfile "
              + work.resolve("flood-server.log"));
      sleep(300);
      flood =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  netns("origin-origin"),
                  "iperf3",
                  "-c",
                  CLOUD_CACHE_IP,
                  "-p",
                  Integer.toString(FLOOD_PORT),
                  "-P",
                  "4",
                  "-t",
                  "86400")
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("flood.log").toFile())
              .start();
      sleep(2000);
      if (!flood.isAlive()) {
        throw new IllegalStateException(
            "the iperf3 flood stopped: " + Files.readString(work.resolve("flood.log")));
      }
    } else if (!on && flood != null) {
      flood.destroy();
      try {
        flood.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      flood.destroyForcibly();
      flood = null;
      Testbed.run("pkill -f 'iperf3 -s -D -p " + FLOOD_PORT + "'");
      sleep(500);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a capture on the campus-1 access point's interface (a non-member of campus 2). */
  Process captureOtherCampus(Path pcap) throws IOException {
    Process p =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                netns(OTHER_CLIENT),
                "tcpdump",
                "--immediate-mode",
                "-Q",
                "in",
                "-i",
                "net-wlan-ext",
                "-n",
                "-w",
                pcap.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("capture.log").toFile())
            .start();
    sleep(800);
    return p;
  }

  /**
   * What the capture on campus 1's access point held: frames of campus 2's access network or the
   * video (10.32.x.x), and the control frames router-c1 sent it just before the capture ended,
   * which show the capture was listening on that network.
   */
  record Capture(long campus2, long control) {}

  /**
   * Ends the capture; the capture must have listened ({@code listening on ...} in its log) and seen
   * router-c1's control pings, or it cannot vouch for the frames it did not see.
   */
  Capture campus2Frames(Process capture, Path pcap) throws InterruptedException, IOException {
    String router = address("router-c1", "net1");
    Testbed.run(
        "ip netns exec "
            + netns("router-c1-router")
            + " ping -c 2 -i 0.2 -W 1 "
            + address("ap-c1", "net1"));
    sleep(300);
    capture.destroy();
    capture.waitFor(5, TimeUnit.SECONDS);
    String log = Files.readString(work.resolve("capture.log"));
    if (!log.contains("listening on net-wlan-ext")) {
      throw new IllegalStateException(
          "the capture on campus 1's access point never listened: " + log.strip());
    }
    List<String> frames =
        Testbed.lines(Testbed.run("tcpdump -r " + pcap + " -nn 2>/dev/null").out());
    long control = frames.stream().filter(l -> l.contains(router + " > ")).count();
    if (control == 0) {
      throw new IllegalStateException(
          "the capture on campus 1's access point missed router-c1's control pings");
    }
    return new Capture(frames.stream().filter(l -> l.contains("10.32.")).count(), control);
  }

  private L2Network network(String cluster, String name) {
    return clients
        .get(cluster)
        .resources(L2Network.class)
        .inNamespace("default")
        .withName(name)
        .get();
  }

  /** The networks' VNIs in a cluster, for the report. */
  String vnis(String cluster) {
    List<String> out = new ArrayList<>();
    for (PlannedNetwork n : networks) {
      if (n.clusters().contains(cluster)) {
        L2Network net = network(cluster, n.name());
        out.add(
            n.vld()
                + (net == null || net.getStatus() == null
                    ? ""
                    : " VNI " + net.getStatus().getVni()));
      }
    }
    return String.join(", ", out);
  }

  /** Which pods are where, as table rows: cluster, pod, addresses, program. */
  List<String[]> placement() {
    List<String[]> rows = new ArrayList<>();
    for (Member m : members.values()) {
      Map<String, String> ips = ADDRESSES.get(m.profile());
      rows.add(
          new String[] {
            m.cluster(),
            m.pod(),
            ips.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")),
            programName(m.vnfd())
          });
    }
    return rows;
  }

  private static String programName(String vnfd) {
    return switch (vnfd) {
      case "cdn-origin_knf" -> "nginx (content server)";
      case "cdn-cache_knf" -> "nginx (cache, :80 on, :81 off)";
      case "dns_knf" -> "dnsmasq";
      case "router_knf" -> "router + nftables firewall";
      default -> "client (curl)";
    };
  }

  /** Stops the flood and closes the clients; the lab and its pods stay as they are. */
  @Override
  public void close() {
    try {
      congest(false);
    } catch (IOException e) {
      out.println("campus: could not stop the flood: " + e.getMessage());
    }
    clients.values().forEach(KubernetesClient::close);
  }
}
