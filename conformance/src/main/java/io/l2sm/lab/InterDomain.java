package io.l2sm.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.l2sm.api.v1.NetworkEdgeDevice;
import io.l2sm.api.v1.NetworkEdgeDeviceSpec;
import io.l2sm.api.v1.ProviderSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The inter-domain part of a lab of several clusters: one edge device (NED) per cluster, each a
 * node of its own with a private Open vSwitch, joined by WAN links (point-to-point veth pairs, a
 * ring for three clusters or more, each end on its own userspace bridge so that {@code tc tbf} can
 * limit it and a cut is a link going down), and the IDCO controlling them, registered in every
 * cluster as provider {@value #PROVIDER}. Each cluster gets a NetworkEdgeDevice object: its gateway
 * node (n1) keeps a tunnel to the NED over the underlay.
 */
public final class InterDomain {
  public static final String PROVIDER = "lab-idco";
  public static final String NAME = "idco";

  private InterDomain() {}

  /** One WAN link: the two clusters it joins, its number and its two addresses. */
  public record WanLink(String a, String b, int index) {
    public String name() {
      return a + "~" + b;
    }

    /** The address of {@code cluster}'s end. */
    public String ip(String cluster) {
      return "10.98." + index + "." + (cluster.equals(a) ? 1 : 2);
    }

    /** The interface of {@code cluster}'s end, in its NED's namespace. */
    public String iface(String cluster) {
      return "wn-" + (cluster.equals(a) ? b : a);
    }

    /** The userspace bridge holding that interface and its address. */
    public String bridge(String cluster) {
      return "bw-" + (cluster.equals(a) ? b : a);
    }
  }

  static Path dir() {
    return Lab.dir().resolve(NAME);
  }

  /** The file holding the token the clusters' operators present to the IDCO. */
  public static Path operatorToken() {
    return dir().resolve("operator-token");
  }

  /** The file holding a read-only token (for people and dashboards). */
  public static Path viewerToken() {
    return dir().resolve("viewer-token");
  }

  /**
   * The WAN: a line for two clusters, a ring for more; each site without Kubernetes ({@code sK})
   * hangs off c1.
   */
  public static List<WanLink> wan(int clusters, int sites) {
    List<WanLink> out = new ArrayList<>();
    for (int i = 1; i < clusters; i++) {
      out.add(new WanLink("c" + i, "c" + (i + 1), out.size() + 1));
    }
    if (clusters > 2) {
      out.add(new WanLink("c1", "c" + clusters, out.size() + 1));
    }
    for (int i = 1; i <= sites; i++) {
      out.add(new WanLink("c1", "s" + i, out.size() + 1));
    }
    return out;
  }

  /** The WAN of the lab's inter-domain part. */
  public static List<WanLink> wan(LabInfo idco) {
    long sites = idco.nodes().stream().filter(n -> n.name().startsWith("ned-s")).count();
    return wan(idco.nodes().size() - (int) sites, (int) sites);
  }

  /** The NetworkEdgeDevice file of a site without Kubernetes. */
  public static Path siteFile(String site) {
    return dir().resolve("ned-" + site + ".yaml");
  }

  /** Writes the IDCO's tokens: a writer for the operators, a reader for people. */
  static void prepare() throws IOException {
    Files.createDirectories(dir());
    SecureRandom random = new SecureRandom();
    byte[] w = new byte[16];
    byte[] r = new byte[16];
    random.nextBytes(w);
    random.nextBytes(r);
    String writer = HexFormat.of().formatHex(w);
    String reader = HexFormat.of().formatHex(r);
    Files.writeString(
        dir().resolve("tokens"),
        "# l2sm lab: the IDCO's clients\n"
            + writer
            + " write lab-operators\n"
            + reader
            + " read lab-viewer\n");
    Files.writeString(operatorToken(), writer + "\n");
    Files.writeString(viewerToken(), reader + "\n");
  }

  /**
   * Builds the NEDs, the WAN and the IDCO, and registers a NetworkEdgeDevice in each cluster.
   *
   * @param firstNode the underlay number of the first NED
   */
  static LabInfo up(
      List<LabInfo> clusters,
      int sites,
      int firstNode,
      double wanMbit,
      List<Testbed> built,
      PrintWriter out)
      throws Exception {
    int n = clusters.size();
    List<WanLink> wan = wan(n, sites);
    out.println(
        "Inter-domain: "
            + (n + sites)
            + " edge devices ("
            + sites
            + " of sites without Kubernetes), "
            + wan.size()
            + " WAN link(s), the IDCO (provider "
            + PROVIDER
            + ")...");
    out.flush();
    String rest = Testbed.ip(Lab.SUBNET, 254) + ":" + Ports.free();
    // A cluster's edge device follows its NetworkEdgeDevice object in the cluster; a site's
    // follows a file in the same form.
    List<String> names = new ArrayList<>();
    Map<String, List<String>> agentArgs = new TreeMap<>();
    for (LabInfo c : clusters) {
      String ned = "ned-" + c.cluster();
      names.add(ned);
      agentArgs.put(
          ned, List.of("--kubeconfig", c.kubeconfig(), "--edge-device", "default/" + ned));
    }
    for (int i = 1; i <= sites; i++) {
      String ned = "ned-s" + i;
      names.add(ned);
      Files.writeString(
          siteFile("s" + i),
          io.fabric8.kubernetes.client.utils.Serialization.asYaml(
              edgeDevice("s" + i, null, null, wan)));
      agentArgs.put(ned, List.of("--edge-device-file", siteFile("s" + i).toString()));
    }
    Testbed tb =
        new Testbed(
            Lab.PREFIX,
            new Testbed.Placement(dir(), "x", firstNode, false, Lab.dir().resolve("pki")),
            new Testbed.Extras(
                    names,
                    Map.of(),
                    agentArgs,
                    List.of("idco", "--tokens", dir().resolve("tokens").toString(), "--rest", rest))
                .withSettings(Lab.settings()),
            Lab.SUBNET,
            "16-4095",
            n + sites,
            List.of());
    built.add(tb);
    for (WanLink l : wan) {
      wanLink(tb, l, wanMbit);
    }
    Map<String, List<String>> processes = new TreeMap<>();
    tb.commands().forEach((k, v) -> processes.put(k.equals("controller") ? NAME : k, v));
    List<LabInfo.Node> nodes = new ArrayList<>();
    for (String ned : names) {
      nodes.add(
          new LabInfo.Node(ned, tb.ns(ned), tb.nodeIp(ned), tb.socket(ned).toString(), "", ""));
    }
    LabInfo idco =
        new LabInfo(
            NAME,
            dir().toString(),
            "https://" + rest,
            "",
            "127.0.0.1:" + tb.grpcPort(),
            tb.cniPlugin().toString(),
            nodes,
            processes);
    idco.write(dir());
    for (LabInfo c : clusters) {
      registerEdgeDevice(c, idco, wan);
    }
    awaitInterDomain(tb, clusters, wan);
    tb.releaseClient();
    return idco;
  }

  /** A WAN link: a veth pair between two NEDs, each end on its own bridge with its address. */
  private static void wanLink(Testbed tb, WanLink l, double mbit) {
    String nsA = tb.ns("ned-" + l.a());
    String nsB = tb.ns("ned-" + l.b());
    Testbed.sh(
        "ip link add "
            + l.iface(l.a())
            + " netns "
            + nsA
            + " type veth peer name "
            + l.iface(l.b())
            + " netns "
            + nsB);
    for (String c : List.of(l.a(), l.b())) {
      String ned = "ned-" + c;
      String ns = tb.ns(ned);
      String iface = l.iface(c);
      Testbed.sh("ip netns exec " + ns + " ethtool -K " + iface + " tx off >/dev/null");
      Testbed.sh("ip netns exec " + ns + " sysctl -qw net.ipv4.conf." + iface + ".arp_ignore=1");
      Testbed.sh("ip -n " + ns + " link set " + iface + " up");
      tb.vsctl(
          ned,
          "add-br "
              + l.bridge(c)
              + " -- set bridge "
              + l.bridge(c)
              + " datapath_type=netdev -- add-port "
              + l.bridge(c)
              + " "
              + iface);
      Testbed.sh("ip -n " + ns + " addr add " + l.ip(c) + "/30 dev " + l.bridge(c));
      Testbed.sh("ip -n " + ns + " link set " + l.bridge(c) + " up");
      if (mbit > 0) {
        rate(ns, iface, mbit);
      }
    }
  }

  static void rate(String ns, String iface, double mbit) {
    Testbed.run("ip netns exec " + ns + " tc qdisc del dev " + iface + " root");
    if (mbit > 0) {
      Testbed.sh(
          String.format(
              "ip netns exec %s tc qdisc add dev %s root tbf rate %.3fmbit burst 64kb latency 50ms",
              ns, iface, mbit));
    }
  }

  /** Cuts a WAN link (both ends down) or restores it. */
  public static void setWanUp(LabInfo idco, WanLink l, boolean up) {
    for (String c : List.of(l.a(), l.b())) {
      Testbed.sh(
          "ip -n "
              + idco.node("ned-" + c).netns()
              + " link set "
              + l.iface(c)
              + (up ? " up" : " down"));
    }
  }

  /** Limits a WAN link to {@code mbit} in each direction (0: no limit). */
  public static void setWanRate(LabInfo idco, WanLink l, double mbit) {
    for (String c : List.of(l.a(), l.b())) {
      rate(idco.node("ned-" + c).netns(), l.iface(c), mbit);
    }
  }

  /** Whether a WAN link is up (both ends). */
  public static boolean wanUp(LabInfo idco, WanLink l) {
    for (String c : List.of(l.a(), l.b())) {
      String state =
          Testbed.run(
                  "ip -n "
                      + idco.node("ned-" + c).netns()
                      + " -o link show "
                      + l.iface(c)
                      + " | grep -c 'state UP'")
              .out()
              .strip();
      if (!state.equals("1")) {
        return false;
      }
    }
    return true;
  }

  /** The rate limit of a WAN link's end, as tc shows it, or "" for none. */
  public static String wanRate(LabInfo idco, WanLink l) {
    String out =
        Testbed.run(
                "ip netns exec "
                    + idco.node("ned-" + l.a()).netns()
                    + " tc qdisc show dev "
                    + l.iface(l.a()))
            .out();
    var m = java.util.regex.Pattern.compile("tbf .*rate (\\S+)").matcher(out);
    return m.find() ? m.group(1) : "";
  }

  /**
   * The NetworkEdgeDevice of a cluster ({@code cluster} non-null: its gateway and own address) or
   * of a site, with its WAN neighbours.
   */
  static NetworkEdgeDevice edgeDevice(String c, LabInfo cluster, LabInfo idco, List<WanLink> wan) {
    return cluster == null
        ? edgeDevice(c, null, null, null, wan)
        : edgeDevice(
            c, cluster.nodes().get(0).name(), idco.node("ned-" + c).ip(), idco.apiUrl(), wan);
  }

  /**
   * The same from its parts: {@code gateway} the cluster's node that keeps the tunnel to the device
   * at {@code nedIp}, {@code apiUrl} the IDCO's REST address (all null for a site).
   */
  static NetworkEdgeDevice edgeDevice(
      String c, String gateway, String nedIp, String apiUrl, List<WanLink> wan) {
    NetworkEdgeDevice d = new NetworkEdgeDevice();
    d.getMetadata().setNamespace("default");
    d.getMetadata().setName("ned-" + c);
    d.getSpec()
        .setProvider(new ProviderSpec(PROVIDER, apiUrl == null ? List.of() : List.of(apiUrl)));
    if (gateway != null) {
      d.getSpec().setClusterName(c);
      d.getSpec().setNodeConfig(new NetworkEdgeDeviceSpec.NodeConfig(gateway, nedIp));
    }
    List<NetworkEdgeDeviceSpec.Neighbor> neighbours = new ArrayList<>();
    for (WanLink l : wan) {
      if (l.a().equals(c) || l.b().equals(c)) {
        String other = l.a().equals(c) ? l.b() : l.a();
        neighbours.add(new NetworkEdgeDeviceSpec.Neighbor("ned-" + other, l.ip(other)));
      }
    }
    d.getSpec().setNeighbors(neighbours);
    return d;
  }

  private static void registerEdgeDevice(LabInfo cluster, LabInfo idco, List<WanLink> wan)
      throws IOException {
    NetworkEdgeDevice d = edgeDevice(cluster.cluster(), cluster, idco, wan);
    try (KubernetesClient k = cluster.client()) {
      k.resource(d).createOr(NonDeletingOperation::update);
    }
  }

  /**
   * Waits until the IDCO sees every WAN link (both ends registered) and every NED's cluster link,
   * and each cluster's gateway has its tunnel to its NED.
   */
  private static void awaitInterDomain(Testbed tb, List<LabInfo> clusters, List<WanLink> wan)
      throws InterruptedException {
    await(
        () -> {
          List<String> gaps = gaps(tb.grpc().status(), clusters, wan);
          for (LabInfo c : clusters) {
            if (!gatewayHasEdge(c)) {
              gaps.add(c.cluster() + "'s gateway tunnel to ned-" + c.cluster());
            }
          }
          return gaps;
        });
  }

  /** The same for an IDCO reached at {@code target}, as the lab's admin. */
  private static void awaitWan(String target, List<LabInfo> clusters, List<WanLink> wan)
      throws InterruptedException {
    await(
        () -> {
          try (var controller = Lab.controller(target)) {
            return gaps(controller.within(Duration.ofSeconds(5)).status(), clusters, wan);
          } catch (io.l2sm.api.grpc.ControllerClient.CallException e) {
            return new ArrayList<>(List.of("the IDCO at " + target + " (" + e.getMessage() + ")"));
          }
        });
  }

  /** Polls {@code gaps} until it is empty, for up to 60 s. */
  private static void await(java.util.function.Supplier<List<String>> gaps)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String missing = "";
    while (System.nanoTime() < deadline) {
      List<String> now = gaps.get();
      if (now.isEmpty()) {
        return;
      }
      missing = String.join(", ", now);
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "the inter-domain links did not come up within 60 s: " + missing);
  }

  /** What the IDCO's status lacks: WAN links not up at both ends, devices without their cluster. */
  private static List<String> gaps(
      io.l2sm.api.grpc.v1.Status status, List<LabInfo> clusters, List<WanLink> wan) {
    Map<String, List<String>> tunnels = new TreeMap<>();
    status
        .getSwitchesList()
        .forEach(
            s ->
                tunnels.put(
                    s.getNode(), s.getTunnelsList().stream().map(t -> t.getPeerNode()).toList()));
    List<String> gaps = new ArrayList<>();
    for (WanLink l : wan) {
      if (!tunnels.getOrDefault("ned-" + l.a(), List.of()).contains("ned-" + l.b())
          || !tunnels.getOrDefault("ned-" + l.b(), List.of()).contains("ned-" + l.a())) {
        gaps.add("WAN " + l.name());
      }
    }
    for (LabInfo c : clusters) {
      if (!tunnels.getOrDefault("ned-" + c.cluster(), List.of()).contains(c.cluster())) {
        gaps.add("cluster link of ned-" + c.cluster());
      }
    }
    return gaps;
  }

  private static boolean gatewayHasEdge(LabInfo c) {
    try (var controller = Lab.controller(c.controllerGrpc())) {
      return controller.within(Duration.ofSeconds(5)).status().getSwitchesList().stream()
          .anyMatch(
              s ->
                  s.getNode().equals(c.nodes().get(0).name())
                      && s.getTunnelsList().stream()
                          .anyMatch(t -> t.getPeerNode().equals("ned-" + c.cluster())));
    }
  }

  /** The IDCO's node ports on a lab of real clusters (the chart's idco.service.nodePorts). */
  static final int REAL_OPENFLOW_PORT = 30663;

  static final int REAL_GRPC_PORT = 30660;
  static final int REAL_REST_PORT = 30808;

  /**
   * The edge devices' nodes of a lab of real clusters ({@code ned-c1}..): namespaces with their
   * Open vSwitch on the underlay from number {@code firstNode}. Each becomes a Kubernetes node of
   * its cluster ({@link #joinReal}), where the chart's edgeDevice part runs the device.
   */
  static Testbed realNodes(int clusters, int firstNode, List<Testbed> built, PrintWriter out)
      throws Exception {
    prepare();
    out.println("Inter-domain: " + clusters + " edge device node(s) (namespaces, Open vSwitch)...");
    out.flush();
    List<String> names = new ArrayList<>();
    for (int k = 1; k <= clusters; k++) {
      names.add("ned-c" + k);
    }
    Testbed tb =
        new Testbed(
            Lab.PREFIX,
            // Made before the clusters, it makes the underlay they join.
            new Testbed.Placement(dir(), "x", firstNode, true, Lab.dir().resolve("pki")),
            new Testbed.Extras(names, Map.of(), Map.of(), List.of()).nodesOnly(),
            Lab.SUBNET,
            "16-4095",
            clusters,
            List.of());
    built.add(tb);
    return tb;
  }

  /**
   * Makes a real cluster's release hold its edge device, and cluster c1's the IDCO too: labels and
   * taints the device's node (so only the device runs there), creates the Secrets (the lab's CA,
   * which the joined clusters share; the operators' token and the CA they check the IDCO with; in
   * c1 the IDCO's tokens), the CRDs and the cluster's NetworkEdgeDevice, and writes the values file
   * that enables the chart's parts.
   *
   * @param idcoHost the address of c1's first node, where the IDCO's node ports are
   * @param gateway the cluster's node that keeps the tunnel to the device
   * @param clusters how many clusters the lab has (the WAN's shape)
   * @return the values file, for {@code helm install} after the lab's own
   */
  static Path joinReal(
      ControlPlane cp,
      String cluster,
      String namespace,
      String idcoHost,
      String gateway,
      String nedIp,
      int clusters,
      Path dir)
      throws IOException {
    String ned = "ned-" + cluster;
    String label = io.l2sm.api.v1.Annotations.EDGE_DEVICE_NODE_LABEL;
    cp.kubectl("label node " + ned + " " + label + "=true");
    cp.kubectl("taint node " + ned + " " + label + "=true:NoSchedule");
    cp.kubectl("create namespace " + namespace);
    String in = "-n " + namespace + " create secret ";
    Path pki = Lab.dir().resolve("pki");
    cp.kubectl(in + "tls lab-ca --cert=" + Pki.caCertificate(pki) + " --key=" + Pki.caKey(pki));
    cp.kubectl(in + "generic lab-idco-token --from-file=token=" + operatorToken());
    cp.kubectl(in + "generic lab-idco-ca --from-file=ca.crt=" + Lab.caFile());
    boolean hostsIdco = cluster.equals("c1");
    if (hostsIdco) {
      cp.kubectl(in + "generic lab-idco-tokens --from-file=tokens=" + dir().resolve("tokens"));
    }
    cp.kubectl("apply -f " + ChartSettings.chart().resolve("crds"));
    String apiUrl = "https://" + idcoHost + ":" + REAL_REST_PORT;
    NetworkEdgeDevice d = edgeDevice(cluster, gateway, nedIp, apiUrl, wan(clusters, 0));
    Path object = dir.resolve(ned + ".yaml");
    Files.writeString(object, io.fabric8.kubernetes.client.utils.Serialization.asYaml(d));
    cp.kubectl("apply -f " + object);
    StringBuilder v = new StringBuilder();
    v.append("# l2sm lab: cluster ").append(cluster).append("'s part of the inter-domain lab\n");
    v.append("tls:\n  caSecret: lab-ca\n");
    v.append("operator:\n  providerTokenSecret: lab-idco-token\n  providerCaSecret: lab-idco-ca\n");
    v.append("edgeDevice:\n  enabled: true\n");
    v.append("  object: default/").append(ned).append('\n');
    v.append("  idco:\n    grpc: \"").append(idcoHost).append(':').append(REAL_GRPC_PORT);
    v.append("\"\n    openflow: \"").append(idcoHost).append(':').append(REAL_OPENFLOW_PORT);
    v.append("\"\n");
    if (hostsIdco) {
      v.append("idco:\n  enabled: true\n  tokensSecret: lab-idco-tokens\n");
      v.append("  service:\n    type: NodePort\n    nodePorts: {openflow: ");
      v.append(REAL_OPENFLOW_PORT).append(", grpc: ").append(REAL_GRPC_PORT);
      v.append(", rest: ").append(REAL_REST_PORT).append("}\n");
      v.append("  externalAddresses: [\"").append(idcoHost).append("\"]\n");
    }
    Path values = dir.resolve("inter-domain-values.yaml");
    Files.writeString(values, v.toString());
    return values;
  }

  /**
   * The inter-domain part of a lab of real clusters, once every release is installed: the WAN links
   * between the edge devices' nodes, then a wait until the IDCO (in c1, at its node ports) sees
   * every WAN link and every device's link to its cluster.
   */
  static LabInfo upReal(List<LabInfo> clusters, Testbed neds, double wanMbit, PrintWriter out)
      throws Exception {
    List<WanLink> wan = wan(clusters.size(), 0);
    out.println(
        "Inter-domain: " + wan.size() + " WAN link(s), waiting for the IDCO to see them...");
    out.flush();
    for (WanLink l : wan) {
      wanLink(neds, l, wanMbit);
    }
    String idcoHost = clusters.get(0).nodes().get(0).ip();
    List<LabInfo.Node> nodes = new ArrayList<>();
    for (LabInfo c : clusters) {
      String ned = "ned-" + c.cluster();
      nodes.add(new LabInfo.Node(ned, neds.ns(ned), neds.nodeIp(ned), "", "", ""));
    }
    LabInfo idco =
        new LabInfo(
            NAME,
            dir().toString(),
            "https://" + idcoHost + ":" + REAL_REST_PORT,
            "",
            idcoHost + ":" + REAL_GRPC_PORT,
            "",
            nodes,
            Map.of());
    idco.write(dir());
    awaitWan(idco.controllerGrpc(), clusters, wan);
    return idco;
  }
}
