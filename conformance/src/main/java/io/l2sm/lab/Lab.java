package io.l2sm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code l2sm lab up/down/restart}: clusters on this machine, from real parts. Each cluster is a
 * testbed (nodes as namespaces with private Open vSwitch, its controller and agents) plus its own
 * API server, operator and lab kubelet, all as processes that outlive the command. The clusters
 * share one underlay, as sites share a WAN. Everything carries the lab's prefix, so {@code lab
 * down} removes it all, even after a crash.
 */
public final class Lab {
  public static final String PREFIX = "l2l";
  static final int SUBNET = 50;
  static final int MAX_NODES = 100;

  private Lab() {}

  public static Path dir() {
    return Testbed.dirOf(PREFIX);
  }

  /** The lab's CA: one for its clusters, its edge devices and their clients. */
  static Pki pki() {
    return Pki.at(dir().resolve("pki"));
  }

  /**
   * The credentials folder of a client of the lab's controllers (the adapter, an admin, a reader),
   * issued by the lab's CA the first time it is asked for.
   */
  public static synchronized Path credentials(io.l2sm.api.grpc.Identity who) {
    Path d = dir().resolve("pki").resolve(who.commonName().replace(':', '-'));
    if (!Files.exists(d.resolve(io.l2sm.api.grpc.Credentials.KEY))) {
      pki().client(who.commonName(), d);
    }
    return d;
  }

  /** The lab's CA certificate (what its clients trust). */
  public static Path caFile() {
    return dir().resolve("pki").resolve(io.l2sm.api.grpc.Credentials.CA);
  }

  private static io.l2sm.api.grpc.Credentials admin;
  private static String adminCa;

  /**
   * A channel to one of the lab's controllers ({@code host:port}), as the lab's admin. The
   * credentials are issued again for a lab that was brought up anew (a new CA).
   */
  public static synchronized io.l2sm.api.grpc.GrpcControllerClient controller(String target) {
    Path dir = credentials(io.l2sm.api.grpc.Identity.of(io.l2sm.api.grpc.Identity.Role.ADMIN));
    String ca;
    try {
      ca = Files.readString(caFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the lab's CA " + caFile() + " is not readable", e);
    }
    if (admin == null || !ca.equals(adminCa)) {
      if (admin != null) {
        admin.close();
      }
      admin = io.l2sm.api.grpc.Credentials.load(dir);
      adminCa = ca;
    }
    return io.l2sm.api.grpc.GrpcControllerClient.open(target, admin);
  }

  /** The lab's index of its clusters. */
  static Path file() {
    return dir().resolve("lab.json");
  }

  public static boolean isUp() {
    return Files.exists(file());
  }

  /** The clusters of the lab that is up, in order. */
  public static List<LabInfo> clusters() throws IOException {
    List<LabInfo> out = new ArrayList<>();
    for (JsonNode c : LabInfo.JSON.readTree(file().toFile()).path("clusters")) {
      out.add(LabInfo.read(dir().resolve(c.asText())));
    }
    return out;
  }

  /** The inter-domain part (edge devices and IDCO) of the lab that is up, or null. */
  public static LabInfo idco() throws IOException {
    JsonNode name = LabInfo.JSON.readTree(file().toFile()).path("idco");
    return name.isTextual() ? LabInfo.read(dir().resolve(name.asText())) : null;
  }

  /** One cluster of the lab that is up, or its inter-domain part ({@code idco}). */
  public static LabInfo cluster(String name) throws IOException {
    List<LabInfo> all = new ArrayList<>(clusters());
    LabInfo idco = idco();
    if (idco != null) {
      all.add(idco);
    }
    return all.stream()
        .filter(c -> c.cluster().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no cluster '"
                        + name
                        + "' in the lab; clusters: "
                        + String.join(", ", all.stream().map(LabInfo::cluster).toList())));
  }

  /**
   * A device plugged into a node's switch, as a VNF's VM or a bare-metal box is in OSM's
   * SDN-assist: a network namespace {@code l2ld-<cluster>-<name>} whose {@code eth1} (address
   * {@code ipCidr}, may be empty) is a port of the node's {@code br-l2sm}. Until a service names
   * the port, the controller drops everything it sends. Removed by {@code lab down}.
   *
   * @return the port's endpoint id, {@code of:<dpid>/<port>}
   */
  public static String device(LabInfo cluster, String node, String name, String ipCidr)
      throws IOException {
    LabInfo.Node n = cluster.node(node);
    if (n == null) {
      throw new IllegalArgumentException("no node " + node + " in cluster " + cluster.cluster());
    }
    if (!name.matches("[a-z0-9]{1,6}")) {
      throw new IllegalArgumentException("a device name is 1-6 lower-case letters or digits");
    }
    String ns = PREFIX + "d-" + cluster.cluster() + "-" + name;
    String host = PREFIX + "d" + cluster.cluster() + name;
    String db = db(cluster, node);
    Testbed.sh("ip netns add " + ns);
    Testbed.sh("ip link add " + host + " type veth peer name eth1 netns " + ns);
    Testbed.sh("ip link set " + host + " netns " + n.netns());
    // As the agent does for pods: the node's end gets no IPv6 address, so the node's kernel never
    // sends router solicitations or duplicate-address probes into the device.
    Testbed.sh("ip -n " + n.netns() + " link set dev " + host + " addrgenmode none");
    Testbed.sh("ip -n " + n.netns() + " link set " + host + " up");
    Testbed.sh("ip netns exec " + ns + " ethtool -K eth1 tx off");
    Testbed.sh("ip -n " + ns + " link set lo up");
    Testbed.sh("ip -n " + ns + " link set eth1 up");
    if (!ipCidr.isEmpty()) {
      Testbed.sh("ip -n " + ns + " addr add " + ipCidr + " dev eth1");
    }
    Testbed.sh("ovs-vsctl " + db + " add-port br-l2sm " + host);
    String port = Testbed.sh("ovs-vsctl " + db + " get Interface " + host + " ofport").strip();
    return "of:" + dpid(db) + "/" + port;
  }

  private static String db(LabInfo cluster, String node) {
    return "--db=unix:" + Path.of(cluster.dir()).resolve("ovs-" + node) + "/db.sock";
  }

  private static String dpid(String db) {
    return Testbed.run("ovs-vsctl " + db + " get Bridge br-l2sm datapath_id")
        .out()
        .strip()
        .replace("\"", "");
  }

  /**
   * The devices of a cluster (from {@link #device}): rows cluster, endpoint id, "device NAME on
   * NODE".
   */
  public static List<String[]> devices(LabInfo cluster) {
    List<String[]> rows = new ArrayList<>();
    String mine = PREFIX + "d" + cluster.cluster();
    for (LabInfo.Node n : cluster.nodes()) {
      String db = db(cluster, n.name());
      Testbed.Result ports = Testbed.run("ovs-vsctl " + db + " list-ports br-l2sm");
      if (ports.exit() != 0) {
        continue;
      }
      String dpid = null;
      for (String port : Testbed.lines(ports.out())) {
        if (!port.startsWith(mine)) {
          continue;
        }
        if (dpid == null) {
          dpid = dpid(db);
        }
        String ofport =
            Testbed.run("ovs-vsctl " + db + " get Interface " + port + " ofport").out().strip();
        rows.add(
            new String[] {
              cluster.cluster(),
              "of:" + dpid + "/" + ofport,
              "device " + port.substring(mine.length()) + " on " + n.name()
            });
      }
    }
    return rows;
  }

  /** The network namespace of a device made by {@link #device}. */
  public static String deviceNetns(String cluster, String name) {
    return PREFIX + "d-" + cluster + "-" + name;
  }

  /**
   * The processes' settings rendered from the production chart (ChartSettings), in the lab's
   * folder.
   */
  static Path settings() {
    return dir().resolve("settings");
  }

  /** Builds a lab of one cluster. */
  public static LabInfo up(int nodes, PrintWriter progress) throws Exception {
    return up(1, nodes, progress).get(0);
  }

  /**
   * Builds the lab: clusters c1..cN of M nodes each; returns what was built. On failure everything
   * is removed again.
   */
  public static List<LabInfo> up(int clusters, int nodes, PrintWriter progress) throws Exception {
    return up(clusters, nodes, 0, 0, progress);
  }

  /**
   * As above; with two clusters or more, also the edge devices, the WAN between them (each link
   * limited to {@code wanMbit} when it is above 0) and the IDCO.
   */
  public static List<LabInfo> up(
      int clusters, int nodes, int sites, double wanMbit, PrintWriter progress) throws Exception {
    return up(clusters, nodes, sites, wanMbit, Kubernetes.MOCK, progress);
  }

  /** What a lab cluster's Kubernetes is. */
  public enum Kubernetes {
    /** The lab's own API server (fabric8's mock) and kubelet: fast, and no pods' processes. */
    MOCK,
    /**
     * Real parts ({@link ControlPlane}, {@link RealNode}: etcd, kube-apiserver, controller-manager,
     * scheduler, containerd and a kubelet per node, Multus), built by {@code scripts/k8s/build.sh}.
     */
    REAL
  }

  /** As above, on the given kind of Kubernetes. */
  public static List<LabInfo> up(
      int clusters,
      int nodes,
      int sites,
      double wanMbit,
      Kubernetes kubernetes,
      PrintWriter progress)
      throws Exception {
    if (kubernetes == Kubernetes.REAL && sites > 0) {
      throw new IllegalArgumentException(
          "sites without Kubernetes join a lab on the mock Kubernetes only (--kubernetes mock)");
    }
    if (sites > 0 && clusters < 2) {
      throw new IllegalArgumentException(
          "sites without Kubernetes join an inter-domain lab: use 2 clusters or more");
    }
    if (isUp()) {
      throw new IllegalStateException(
          "a lab is already up (" + dir() + "); run `l2sm lab down` first");
    }
    if (clusters < 1 || nodes < 1 || clusters * nodes > MAX_NODES) {
      throw new IllegalArgumentException(
          "a lab has 1 or more clusters of 1 or more nodes, at most " + MAX_NODES + " in all");
    }
    Testbed.destroy(PREFIX); // whatever an earlier lab left
    progress.println(
        "Rendering the processes' settings from the chart " + ChartSettings.chart() + "...");
    progress.flush();
    ChartSettings.render(settings());
    List<Testbed> built = new ArrayList<>();
    try {
      List<LabInfo> out = new ArrayList<>();
      boolean interDomain = clusters > 1;
      boolean real = kubernetes == Kubernetes.REAL;
      // On real Kubernetes each edge device is a node of its cluster, where the chart runs it.
      Testbed neds =
          interDomain && real
              ? InterDomain.realNodes(clusters, clusters * nodes + 1, built, progress)
              : null;
      if (interDomain && !real) {
        InterDomain.prepare();
      }
      // The Kubernetes parts and the images, built or checked once for every cluster.
      Path bin = real ? ControlPlane.binaries(progress) : null;
      List<Images.Image> images = real ? Images.make(true, progress) : List.of();
      for (int k = 1; k <= clusters; k++) {
        out.add(
            real
                ? realCluster(
                    k, nodes, new RealPeers(clusters, neds, out, bin, images), built, progress)
                : cluster(k, nodes, interDomain, built, progress));
      }
      ObjectNode index = LabInfo.JSON.createObjectNode();
      out.forEach(c -> index.withArray("clusters").add(c.cluster()));
      if (interDomain) {
        if (real) {
          InterDomain.upReal(out, neds, wanMbit, progress);
        } else {
          InterDomain.up(out, sites, clusters * nodes + 1, wanMbit, built, progress);
        }
        index.put("idco", InterDomain.NAME);
      }
      LabInfo.JSON.writeValue(file().toFile(), index);
      return out;
    } catch (Exception | Error e) {
      for (int i = built.size() - 1; i >= 0; i--) {
        built.get(i).close();
      }
      Testbed.destroy(PREFIX);
      throw e;
    }
  }

  /**
   * Cluster {@code k}'s nodes (namespaces, Open vSwitch), controller and agents, whose kubeconfig
   * is the cluster's {@code kubeconfig} file. No --peer links: the agents follow the cluster's
   * Overlays, and the operator makes a default one (a full mesh) when the cluster has none.
   */
  private static Testbed testbed(int k, int nodes, List<Testbed> built, PrintWriter progress)
      throws Exception {
    String name = "c" + k;
    Path dir = dir().resolve(name);
    progress.println(
        "Cluster "
            + name
            + ": building "
            + nodes
            + " node(s) (namespaces, Open vSwitch, controller, agents)...");
    progress.flush();
    Testbed tb =
        new Testbed(
            PREFIX,
            new Testbed.Placement(dir, name, (k - 1) * nodes + 1, k == 1, dir().resolve("pki")),
            Testbed.Extras.NONE.withSettings(settings()),
            SUBNET,
            "4096-16777215",
            nodes,
            List.of("--kubeconfig", dir.resolve("kubeconfig").toString()));
    built.add(tb);
    return tb;
  }

  /** The operator's command line for a cluster of {@code tb} with this kubeconfig. */
  private static List<String> operatorCommand(Testbed tb, Path kubeconfig) throws IOException {
    return program(
        "operator",
        "@" + settings().resolve("operator.args"),
        "--kubeconfig",
        kubeconfig.toString(),
        "--controller",
        "127.0.0.1:" + tb.grpcPort(),
        "--controller-credentials",
        tb.credentials("operator").toString(),
        "--http",
        "127.0.0.1:" + Ports.free());
  }

  private static LabInfo cluster(
      int k, int nodes, boolean interDomain, List<Testbed> built, PrintWriter progress)
      throws Exception {
    String name = "c" + k;
    Path dir = dir().resolve(name);
    int first = (k - 1) * nodes + 1;
    Path kubeconfig = dir.resolve("kubeconfig");
    Testbed tb = testbed(k, nodes, built, progress);
    List<LabInfo.Node> info = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      String n = "n" + i;
      String ns = tb.ns(n);
      // Each node's pods get a /16 (room for thousands): 10.<100+number>.0.0/16, numbered
      // across the lab so that no two clusters' pods share addresses.
      int number = first + i - 1;
      String gateway = "10." + (100 + number) + ".0.1";
      Testbed.sh(
          String.join(
              " && ",
              "ip -n " + ns + " link add cni0 type bridge",
              "ip -n " + ns + " addr add " + gateway + "/16 dev cni0",
              "ip -n " + ns + " link set cni0 up",
              "ip netns exec " + ns + " sysctl -qw net.ipv4.ip_forward=1"));
      for (int j = 1; j <= nodes; j++) {
        if (j != i) {
          Testbed.sh(
              "ip -n "
                  + ns
                  + " route add 10."
                  + (100 + first + j - 1)
                  + ".0.0/16 via "
                  + tb.nodeIp("n" + j));
        }
      }
      info.add(
          new LabInfo.Node(
              n,
              ns,
              tb.nodeIp(n),
              tb.socket(n).toString(),
              "10." + (100 + number) + ".0.0/16",
              gateway));
    }
    progress.println(
        "Cluster " + name + ": starting the API server, the operator and the kubelet...");
    progress.flush();
    // On the underlay's root address, so the agents reach it from their node namespaces.
    String apiUrl = "http://" + tb.controllerIp() + ":" + Ports.free();
    String grpc = "127.0.0.1:" + tb.grpcPort();
    Map<String, List<String>> processes = new TreeMap<>(tb.commands());
    // Its command line names the lab's folder (the kubeconfig it writes), so `lab down`
    // finds it like every other part.
    processes.put(
        "apiserver",
        program(
            "apiserver",
            "--listen",
            apiUrl.substring(7),
            "--kubeconfig",
            kubeconfig.toString(),
            "--pods-from",
            dir.toString()));
    List<String> operator = operatorCommand(tb, kubeconfig);
    if (interDomain) {
      operator.addAll(
          List.of(
              "--provider-token-file",
              InterDomain.operatorToken().toString(),
              "--provider-ca",
              caFile().toString()));
    }
    processes.put("operator", operator);
    processes.put("kubelet", program("kubelet", "--lab-dir", dir.toString()));
    LabInfo lab =
        new LabInfo(
            name,
            dir.toString(),
            apiUrl,
            kubeconfig.toString(),
            grpc,
            tb.cniPlugin().toString(),
            info,
            processes);
    start(lab, "apiserver");
    lab.write(dir);
    startAll(lab, "operator", "kubelet");
    awaitMesh(tb, nodes);
    tb.releaseClient();
    return lab;
  }

  /** The namespace and release name the chart is installed with on a real cluster. */
  public static final String CHART_NAMESPACE = "l2sm-system";

  /**
   * A cluster on real Kubernetes: the testbed's nodes (namespaces and their Open vSwitch, no L2S-M
   * process), a {@link ControlPlane} on the underlay's root address, a {@link RealNode} in each
   * node's namespace, Multus, and L2S-M installed by {@code helm install} of the chart with the
   * values of resource {@code real-values.yaml} from L2S-M's image made from this checkout. The
   * processes outlive this call; {@link #down} finds them by the lab's folder.
   */
  /**
   * What a real cluster joins: the lab's number of clusters, the edge devices' nodes (null for one
   * cluster), the clusters built before it, the Kubernetes parts' folder and the nodes' images.
   */
  private record RealPeers(
      int clusters, Testbed neds, List<LabInfo> before, Path bin, List<Images.Image> images) {}

  private static LabInfo realCluster(
      int k, int nodes, RealPeers peers, List<Testbed> built, PrintWriter progress)
      throws Exception {
    String name = "c" + k;
    Path dir = dir().resolve(name);
    int first = (k - 1) * nodes + 1;
    Path bin = peers.bin();
    List<Images.Image> images = peers.images();
    Path kubeconfig = dir.resolve("kubeconfig");
    progress.println(
        "Cluster " + name + ": building " + nodes + " node(s) (namespaces, Open vSwitch)...");
    progress.flush();
    Testbed tb =
        new Testbed(
            PREFIX,
            new Testbed.Placement(
                dir, name, first, k == 1 && peers.neds() == null, dir().resolve("pki")),
            Testbed.Extras.NONE.nodesOnly(),
            SUBNET,
            "4096-16777215",
            nodes,
            List.of());
    built.add(tb);
    progress.println(
        "Cluster " + name + ": starting etcd, the Kubernetes control plane and CoreDNS...");
    progress.flush();
    // Each cluster's control plane on an address of its own: CoreDNS answers on port 53 of it,
    // and two clusters' CoreDNS bound to one address share its queries (SO_REUSEPORT), each
    // answering with its own cluster's Services: half of a name's look-ups in one cluster got the
    // other cluster's ClusterIP (an agent then could not reach its controller for a minute).
    String controlPlaneIp = k == 1 ? tb.controllerIp() : tb.rootAddress(254 - (k - 1));
    ControlPlane cp = ControlPlane.start(dir.resolve("k8s"), bin, controlPlaneIp, progress);
    Files.copy(cp.adminKubeconfig(), kubeconfig, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    List<RealNode> real = new ArrayList<>();
    List<LabInfo.Node> info = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      String n = "n" + i;
      int number = first + i - 1;
      String cidr = "10." + (100 + number) + ".0.0/16";
      real.add(
          RealNode.start(
              cp,
              bin,
              dir.resolve("node-" + n),
              n,
              tb.ns(n),
              tb.nodeIp(n),
              cidr,
              tb.ovsDir(n),
              images,
              progress));
      tb.moveSwitchInto(n, real.get(i - 1).mountNamespace());
      info.add(
          new LabInfo.Node(
              n,
              tb.ns(n),
              tb.nodeIp(n),
              "/run/l2sm/agent.sock",
              cidr,
              "10." + (100 + number) + ".0.1"));
    }
    String ned = "ned-" + name;
    if (peers.neds() != null) {
      int number = peers.clusters() * nodes + k;
      real.add(
          RealNode.start(
              cp,
              bin,
              dir.resolve("node-" + ned),
              ned,
              peers.neds().ns(ned),
              peers.neds().nodeIp(ned),
              "10." + (100 + number) + ".0.0/16",
              peers.neds().ovsDir(ned),
              images,
              progress));
      peers.neds().moveSwitchInto(ned, real.get(real.size() - 1).mountNamespace());
    }
    RealNode.routeBetween(real);
    // The clusters' nodes share the underlay; their pods reach another cluster's node ports (the
    // IDCO's), whose replies come back straight to the pod's node: the host does not forward.
    for (LabInfo other : peers.before()) {
      for (LabInfo.Node b : other.nodes()) {
        for (RealNode a : real) {
          a.route(b.podCidr(), b.ip());
          Testbed.sh("ip -n " + b.netns() + " route replace " + a.podCidr() + " via " + a.ip());
        }
      }
    }
    progress.println("Cluster " + name + ": installing Multus...");
    progress.flush();
    cp.installMultus(real.size());
    // The controller's state on a volume (the chart's controller.persistence), so that a new
    // controller pod starts from it and its switches keep forwarding.
    cp.offerLocalVolume(
        "l2sm-controller-state", real.get(0).name(), dir.resolve("volumes/controller"), "1Gi");
    progress.println(
        "Cluster " + name + ": helm install of L2S-M's chart (waits for every part)...");
    progress.flush();
    Path values = dir.resolve("real-values.yaml");
    try (var in = Lab.class.getResourceAsStream("real-values.yaml")) {
      Files.write(values, in.readAllBytes());
    }
    String more = "";
    if (peers.neds() != null) {
      String idcoHost = k == 1 ? tb.nodeIp("n1") : peers.before().get(0).nodes().get(0).ip();
      more =
          " --values "
              + InterDomain.joinReal(
                  cp,
                  name,
                  CHART_NAMESPACE,
                  idcoHost,
                  "n1",
                  peers.neds().nodeIp(ned),
                  peers.clusters(),
                  dir);
    }
    cp.helm(
        "install l2sm "
            + ChartSettings.chart()
            + " --namespace "
            + CHART_NAMESPACE
            + " --create-namespace --values "
            + values
            + more
            + " --wait --timeout 300s");
    LabInfo lab =
        new LabInfo(
            name,
            dir.toString(),
            cp.url(),
            kubeconfig.toString(),
            "",
            real.get(0).cniBinDir().resolve("l2sm").toString(),
            info,
            Map.of());
    lab.write(dir);
    tb.releaseClient();
    return lab;
  }

  /** Waits until every switch has a tunnel to every other node: the default overlay applied. */
  private static void awaitMesh(Testbed tb, int nodes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String missing = "";
    while (System.nanoTime() < deadline) {
      missing =
          tb.grpc().status().getSwitchesList().stream()
              .filter(s -> s.getTunnelsCount() != nodes - 1 || !s.getConnected())
              .map(s -> s.getNode() + " has " + s.getTunnelsCount() + " tunnel(s)")
              .collect(java.util.stream.Collectors.joining(", "));
      if (missing.isEmpty()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the default overlay was not applied within 60 s: " + missing);
  }

  private static List<String> program(String... args) {
    List<String> cmd = new ArrayList<>(Testbed.program());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Whether the cluster runs on real Kubernetes (its API server speaks TLS with the lab's CA). */
  public static boolean onRealKubernetes(LabInfo lab) {
    return lab.apiUrl().startsWith("https:");
  }

  /** The parts {@link #restart} knows. */
  public static List<String> parts(LabInfo lab) {
    return List.copyOf(lab.processes().keySet());
  }

  /**
   * Starts one part from its recorded command line and waits until it is ready: the API server
   * serving, the controller healthy, an agent's socket in place; the others at once.
   */
  public static void start(LabInfo lab, String part) throws Exception {
    start(lab, part, java.util.function.UnaryOperator.identity());
  }

  /**
   * As {@link #start(LabInfo, String)}, from the recorded command line changed by {@code rewrite}
   * (a test that starts a part built differently, with the same arguments).
   */
  public static void start(
      LabInfo lab, String part, java.util.function.UnaryOperator<List<String>> rewrite)
      throws Exception {
    launch(lab, part, rewrite).await();
  }

  /**
   * Starts several parts at once (their JVMs' starts overlap) and waits until all are ready, the
   * first to fail reported.
   */
  static void startAll(LabInfo lab, String... parts) throws Exception {
    List<Launched> launched = new ArrayList<>();
    for (String part : parts) {
      launched.add(launch(lab, part, java.util.function.UnaryOperator.identity()));
    }
    for (Launched l : launched) {
      l.await();
    }
  }

  /** A part's process just started: what it runs and where it logs from. */
  private record Launched(LabInfo lab, String part, Process process, Path log, long logStart) {
    /** Waits until the part is ready (60 s at most). */
    void await() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        if (ready(lab, part, log, logStart)) {
          return;
        }
        if (!process.isAlive()) {
          break; // it exited: what it said is the reason
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException(part + " did not start: " + since(log, logStart));
    }
  }

  private static Launched launch(
      LabInfo lab, String part, java.util.function.UnaryOperator<List<String>> rewrite)
      throws IOException {
    List<String> recorded = lab.processes().get(part);
    List<String> cmd = recorded == null ? null : rewrite.apply(recorded);
    if (cmd == null) {
      throw new IllegalArgumentException(
          "no part '" + part + "'; parts: " + String.join(", ", parts(lab)));
    }
    Path log = Path.of(lab.dir()).resolve(part + ".log");
    if (part.startsWith("agent-")) {
      String node = part.substring("agent-".length());
      Files.deleteIfExists(Path.of(lab.node(node).agentSocket()));
    }
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    return new Launched(lab, part, p, log, logStart);
  }

  /** The log's text from {@code start} on: what this run of a part wrote. */
  private static String since(Path log, long start) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    byte[] all = Files.readAllBytes(log);
    return new String(
        all,
        (int) Math.min(start, all.length),
        (int) Math.max(0, all.length - start),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  private static boolean ready(LabInfo lab, String part, Path log, long logStart)
      throws IOException {
    if (part.equals("apiserver")) {
      // It says it is serving once the CRDs are registered.
      return since(log, logStart).contains("l2sm apiserver: serving");
    }
    if (part.equals("controller") || part.equals("operator") || part.equals(InterDomain.NAME)) {
      String http = lab.processes().get(part).get(lab.processes().get(part).indexOf("--http") + 1);
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create("http://" + http + "/readyz").toURL().openConnection();
        return c.getResponseCode() == 200;
      } catch (IOException e) {
        return false;
      }
    }
    if (part.startsWith("agent-")) {
      return Files.exists(Path.of(lab.node(part.substring("agent-".length())).agentSocket()));
    }
    if (part.equals("kubelet")) {
      // It says so once its nodes are registered and its informer runs.
      return since(log, logStart).contains("l2sm kubelet:");
    }
    return true;
  }

  /** {@code kill -9} of one part. */
  public static void kill(LabInfo lab, String part) throws InterruptedException {
    List<String> cmd = lab.processes().get(part);
    if (cmd == null) {
      throw new IllegalArgumentException(
          "no part '" + part + "'; parts: " + String.join(", ", parts(lab)));
    }
    String pattern = pattern(lab, part);
    Testbed.run("pkill -9 -f -- '" + pattern + "'");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Testbed.run("pgrep -f -- '" + pattern + "'").exit() == 0
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /**
   * A pgrep pattern for one part's process: its subcommand and the options that tell it from the
   * same part of another cluster (an agent's node and controller; the others' first option, which
   * names a folder or port of its own). [x] keeps pkill off its own shell.
   */
  public static String pattern(LabInfo lab, String part) {
    // The settings file (@<lab>/settings/<command>.args) is the same for every cluster: the
    // words that tell processes apart are the ones after it.
    List<String> cmd = lab.processes().get(part).stream().filter(a -> !a.startsWith("@")).toList();
    boolean settings = lab.processes().get(part).stream().anyMatch(a -> a.startsWith("@"));
    int at = cmd.indexOf(part.startsWith("agent-") ? "agent" : part);
    int words = part.startsWith("agent-") ? 5 : 3;
    return "["
        + cmd.get(at).charAt(0)
        + "]"
        + cmd.get(at).substring(1)
        + (settings ? "( @[^ ]+)?" : "")
        + " "
        + String.join(" ", cmd.subList(at + 1, at + words))
        + "( |$)";
  }

  /** Whether one part's process runs. */
  public static boolean running(LabInfo lab, String part) {
    return Testbed.run("pgrep -f -- '" + pattern(lab, part) + "'").exit() == 0;
  }

  /** {@code kill -9} of one part, then start it again. */
  public static void restart(LabInfo lab, String part) throws Exception {
    kill(lab, part);
    start(lab, part);
    if (part.equals("apiserver")) {
      // The mock API server keeps its objects in memory and does not resume watches: after a
      // restart the cluster is empty, and every part that caches it starts afresh.
      for (String p : parts(lab)) {
        if (p.equals("kubelet") || p.equals("operator") || p.startsWith("agent-")) {
          kill(lab, p);
          start(lab, p);
        }
      }
    }
  }

  /**
   * {@code kill -9} of a node's ovs-vswitchd, then starts it again on its database, as a node's
   * service manager would, and puts back what the node had on its underlay port {@code br-phy} (its
   * address and routes): the userspace datapath's internal ports are taps that go with the process.
   * Returns once {@code br-phy} carries the address again.
   */
  public static void restartSwitch(LabInfo lab, String node) throws Exception {
    LabInfo.Node n = lab.node(node);
    Path d = Path.of(lab.dir()).resolve("ovs-" + node);
    List<String> routes =
        Testbed.lines(Testbed.sh("ip -n " + n.netns() + " route show dev br-phy")).stream()
            .filter(r -> !r.isBlank() && !r.contains("proto kernel"))
            .toList();
    String pid = Files.readString(d.resolve("ovs-vswitchd.pid")).strip();
    Testbed.run("kill -9 " + pid);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Files.exists(Path.of("/proc/" + pid)) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Testbed.startSwitchDaemon(n.netns(), d);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Testbed.run("ip -n " + n.netns() + " link show br-phy").exit() != 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("br-phy of " + node + " did not come back in 30 s");
      }
      Thread.sleep(20);
    }
    Testbed.sh("ip -n " + n.netns() + " addr replace " + n.ip() + "/24 dev br-phy");
    Testbed.sh("ip -n " + n.netns() + " link set br-phy up");
    for (String r : routes) {
      Testbed.sh("ip -n " + n.netns() + " route replace " + r.strip() + " dev br-phy");
    }
  }

  /** Takes a node off the underlay (its NIC down) or puts it back: a node lost and found. */
  public static void setNodeLinked(LabInfo lab, String node, boolean linked) {
    Testbed.sh("ip -n " + lab.node(node).netns() + " link set eth-ul " + (linked ? "up" : "down"));
  }

  /** Removes the lab: processes, pods, Open vSwitch instances, namespaces, links, files. */
  public static void down() {
    Testbed.destroy(PREFIX);
  }
}
