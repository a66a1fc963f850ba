package io.l2sm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.l2sm.api.k8s.Conditions;
import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.api.v1.Overlay;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.Testbed;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code l2sm lab}: the local testbed. */
@Command(
    name = "lab",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the whole system on this machine (root, Open vSwitch): nodes are network namespaces"
          + " with their own Open vSwitch, the cluster's Kubernetes API is fabric8's mock API"
          + " server, and the controller, operator, agents and a lab kubelet run as processes.",
      "See docs/lab.md."
    },
    subcommands = {
      LabCommand.Up.class,
      LabCommand.Down.class,
      LabCommand.StatusCmd.class,
      LabCommand.Apply.class,
      LabCommand.Delete.class,
      LabCommand.Get.class,
      LabCommand.Exec.class,
      LabCommand.Restart.class,
      LabCommand.Wan.class,
      LabCommand.Device.class
    })
public class LabCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static LabInfo requireUp(String cluster) throws IOException {
    if (!Lab.isUp()) {
      throw new IllegalStateException("no lab is up; run `l2sm lab up` first");
    }
    return Lab.cluster(cluster);
  }

  /** The {@code --cluster} option of the commands that act on one cluster. */
  static class ClusterOption {
    @Option(
        names = "--cluster",
        paramLabel = "C",
        defaultValue = "c1",
        description = "The cluster (default: ${DEFAULT-VALUE}).")
    String cluster;
  }

  static KubernetesClient client(LabInfo lab) throws IOException {
    return lab.client();
  }

  static void requireRoot(CommandSpec spec) {
    List<String> missing = Testbed.missingPrerequisites();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the lab needs " + missing + "; run as root: scripts/install-prereqs.sh");
    }
  }

  /** {@code l2sm lab device}. */
  @Command(
      name = "device",
      mixinStandardHelpOptions = true,
      description = {
        "Plug a device into a node's switch (a namespace whose eth1 is a port of br-l2sm), as a"
            + " VNF's VM or a bare-metal box is in OSM's SDN-assist, and print its endpoint id"
            + " (of:<dpid>/<port>) for a service of the OSM adapter. Its traffic is dropped until"
            + " a service names the port. Run commands in it with: ip netns exec l2ld-C-NAME ...;"
            + " lab down removes it."
      })
  static class Device implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin ClusterOption cluster = new ClusterOption();

    @Parameters(index = "0", paramLabel = "NODE")
    String node;

    @Parameters(index = "1", paramLabel = "NAME", description = "1-6 lower-case letters or digits.")
    String name;

    @Option(names = "--ip", paramLabel = "CIDR", defaultValue = "", description = "eth1's address.")
    String ip;

    @Override
    public Integer call() throws Exception {
      LabInfo lab = requireUp(cluster.cluster);
      try {
        String endpoint = Lab.device(lab, node, name, ip);
        spec.commandLine().getOut().println(endpoint);
        spec.commandLine()
            .getErr()
            .println(
                "device "
                    + name
                    + " on "
                    + lab.cluster()
                    + "/"
                    + node
                    + ": ip netns exec "
                    + Lab.deviceNetns(lab.cluster(), name)
                    + " ...");
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      return ExitCodes.OK;
    }
  }

  /** {@code l2sm lab up}. */
  @Command(name = "up", mixinStandardHelpOptions = true, description = "Bring a lab up.")
  static class Up implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--clusters", defaultValue = "1", description = "Clusters (default: 1).")
    int clusters;

    @Option(names = "--nodes", defaultValue = "3", description = "Nodes per cluster (default: 3).")
    int nodes;

    @Option(
        names = "--sites",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "With 2 clusters or more: add N sites without Kubernetes (s1..sN), each an edge"
                + " device described by a file, linked to c1's (default: 0).")
    int sites;

    @Option(
        names = "--wan-rate",
        paramLabel = "MBIT",
        defaultValue = "0",
        description =
            "With 2 clusters or more: limit each WAN link to MBIT Mbit/s in each direction (tc"
                + " tbf; default: no limit).")
    double wanMbit;

    @Option(
        names = "--kubernetes",
        paramLabel = "KIND",
        defaultValue = "mock",
        description =
            "mock (default): the lab's own API server and kubelet; real: etcd, kube-apiserver,"
                + " controller-manager, scheduler, containerd and a kubelet per node, Multus"
                + " (built by scripts/k8s/build.sh the first time), L2S-M by helm install;"
                + " with 2 clusters or more also each one's edge device and the IDCO from the"
                + " chart (no --sites).")
    String kubernetes;

    @Override
    public Integer call() throws Exception {
      Lab.Kubernetes kind =
          switch (kubernetes) {
            case "mock" -> Lab.Kubernetes.MOCK;
            case "real" -> Lab.Kubernetes.REAL;
            default ->
                throw new ParameterException(
                    spec.commandLine(),
                    "--kubernetes must be mock or real, not '" + kubernetes + "'");
          };
      if (kind == Lab.Kubernetes.REAL && sites != 0) {
        throw new ParameterException(
            spec.commandLine(),
            "--sites needs --kubernetes mock: a site without Kubernetes joins the mock lab only");
      }
      if (clusters < 1 || clusters > 8) {
        throw new ParameterException(spec.commandLine(), "--clusters must be 1-8");
      }
      if (nodes < 1 || nodes > 20) {
        throw new ParameterException(spec.commandLine(), "--nodes must be 1-20");
      }
      requireRoot(spec);
      PrintWriter out = spec.commandLine().getOut();
      long t0 = System.nanoTime();
      if (sites < 0 || sites > 4) {
        throw new ParameterException(spec.commandLine(), "--sites must be 0-4");
      }
      if (wanMbit < 0) {
        throw new ParameterException(spec.commandLine(), "--wan-rate must not be negative");
      }
      List<LabInfo> labs = Lab.up(clusters, nodes, sites, wanMbit, kind, out);
      out.printf(
          "Lab up in %.1f s: %d cluster(s) of %d node(s)%n",
          (System.nanoTime() - t0) / 1e9, labs.size(), nodes);
      for (LabInfo lab : labs) {
        out.printf("  %s: API %s, kubeconfig %s%n", lab.cluster(), lab.apiUrl(), lab.kubeconfig());
      }
      LabInfo idco = Lab.idco();
      if (idco != null) {
        out.printf(
            "  IDCO (provider %s): REST %s (CA %s), read-only token in %s%n",
            io.l2sm.lab.InterDomain.PROVIDER,
            idco.apiUrl(),
            Lab.caFile(),
            io.l2sm.lab.InterDomain.viewerToken());
      }
      out.printf(
          "kubectl works too: kubectl --kubeconfig %s get l2networks,pods%n",
          labs.get(0).kubeconfig());
      return ExitCodes.OK;
    }
  }

  /** {@code l2sm lab down}. */
  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description = "Remove the lab, all of it.")
  static class Down implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Lab.down();
      spec.commandLine()
          .getOut()
          .println("Lab down: no namespace, link, Open vSwitch or process left.");
      return ExitCodes.OK;
    }
  }

  /** {@code l2sm lab status}. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the lab's parts.")
  static class StatusCmd implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if (!Lab.isUp()) {
        out.println("No lab is up.");
        return ExitCodes.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"CLUSTER", "PART", "STATE", "DETAIL"});
      for (LabInfo lab : Lab.clusters()) {
        rows.addAll(status(lab));
      }
      LabInfo idco = Lab.idco();
      if (idco != null) {
        // On real Kubernetes the IDCO is a pod of c1's release and each NED one of its cluster's.
        boolean real = Lab.onRealKubernetes(Lab.clusters().get(0));
        String idcoPod = real ? chartPods(Lab.clusters().get(0)).get("idco") : null;
        rows.add(
            new String[] {
              "idco",
              "idco",
              (real ? idcoPod != null : Lab.running(idco, "idco")) ? "running" : "DOWN",
              (idcoPod == null ? "" : idcoPod + ", ")
                  + "REST "
                  + idco.apiUrl()
                  + ", provider "
                  + io.l2sm.lab.InterDomain.PROVIDER
            });
        for (LabInfo.Node n : idco.nodes()) {
          String nedPod =
              real && n.name().startsWith("ned-c")
                  ? chartPods(Lab.cluster(n.name().substring(4))).get("edge-device")
                  : null;
          rows.add(
              new String[] {
                "idco",
                "ned " + n.name(),
                (real ? nedPod != null : Lab.running(idco, "agent-" + n.name()))
                    ? "ready"
                    : "NO AGENT",
                n.ip() + (nedPod == null ? "" : ", " + nedPod)
              });
        }
        for (io.l2sm.lab.InterDomain.WanLink l : io.l2sm.lab.InterDomain.wan(idco)) {
          String rate = io.l2sm.lab.InterDomain.wanRate(idco, l);
          rows.add(
              new String[] {
                "idco",
                "wan " + l.name(),
                io.l2sm.lab.InterDomain.wanUp(idco, l) ? "up" : "CUT",
                l.ip(l.a()) + " - " + l.ip(l.b()) + (rate.isEmpty() ? "" : ", " + rate)
              });
        }
      }
      Table.print(out, rows);
      List<String[]> eps = new ArrayList<>();
      eps.add(new String[] {"CLUSTER", "ENDPOINT", "WHAT"});
      for (LabInfo lab : Lab.clusters()) {
        eps.addAll(endpoints(lab));
      }
      if (idco != null) {
        eps.addAll(endpoints(idco));
      }
      if (eps.size() > 1) {
        out.println();
        out.println("Endpoints (of:<dpid>/<port>, for OSM port mappings and the adapter):");
        Table.print(out, eps);
      }
      return ExitCodes.OK;
    }

    /**
     * Each switch (its datapath id: a port of it is of:<dpid>/<port>) and each attached port, as
     * the cluster's controller reports them; nothing when it does not answer.
     */
    static List<String[]> endpoints(LabInfo lab) {
      List<String[]> rows = new ArrayList<>();
      if (lab.controllerGrpc().isBlank()) {
        return rows; // the chart's controller, inside the cluster (docs/lab.md)
      }
      try (var controller = Lab.controller(lab.controllerGrpc())) {
        io.l2sm.api.grpc.v1.Status st = controller.within(java.time.Duration.ofSeconds(3)).status();
        for (io.l2sm.api.grpc.v1.Switch sw : st.getSwitchesList()) {
          rows.add(
              new String[] {
                lab.cluster(),
                "of:" + sw.getDpidHex() + "/*",
                "switch of "
                    + (lab.cluster().equals("idco") ? "edge device " : "node ")
                    + sw.getNode()
              });
        }
        for (io.l2sm.api.grpc.v1.Network n : st.getNetworksList()) {
          for (io.l2sm.api.grpc.v1.Attachment a : n.getAttachmentsList()) {
            rows.add(
                new String[] {
                  lab.cluster(), a.getEndpoint(), "attachment " + a.getId() + " in " + n.getName()
                });
          }
        }
      } catch (io.l2sm.api.grpc.ControllerClient.CallException e) {
        rows.add(new String[] {lab.cluster(), "-", "controller: " + e.code()});
      }
      rows.addAll(Lab.devices(lab));
      return rows;
    }

    static List<String[]> status(LabInfo lab) throws IOException {
      List<String[]> rows = new ArrayList<>();
      String c = lab.cluster();
      // A lab on real Kubernetes: its API server speaks TLS with the lab's CA, and real kubelets
      // (one per node) take the place of the lab's.
      boolean real = Lab.onRealKubernetes(lab);
      boolean api;
      java.util.Map<String, String> kubelets = new java.util.TreeMap<>();
      if (real) {
        try (KubernetesClient k = client(lab)) {
          api = k.getKubernetesVersion() != null;
          for (var node : k.nodes().list().getItems()) {
            String ready =
                node.getStatus().getConditions().stream()
                    .filter(x -> x.getType().equals("Ready"))
                    .map(x -> x.getStatus())
                    .findFirst()
                    .orElse("Unknown");
            kubelets.put(node.getMetadata().getName(), "True".equals(ready) ? "Ready" : "NotReady");
          }
        } catch (RuntimeException e) {
          api = false;
        }
      } else {
        try {
          var http =
              (java.net.HttpURLConnection)
                  java.net.URI.create(lab.apiUrl() + "/version").toURL().openConnection();
          api = http.getResponseCode() == 200;
        } catch (IOException e) {
          api = false;
        }
      }
      rows.add(
          new String[] {
            c, real ? "kube-apiserver" : "apiserver", api ? "running" : "DOWN", lab.apiUrl()
          });
      // On real Kubernetes L2S-M's parts are the chart's pods: a part runs when its pod is Ready.
      java.util.Map<String, String> pods = real && api ? chartPods(lab) : java.util.Map.of();
      for (String part :
          real ? List.of("controller", "operator") : List.of("controller", "operator", "kubelet")) {
        boolean up = real ? pods.containsKey(part) : Lab.running(lab, part);
        rows.add(
            new String[] {
              c, part, up ? "running" : "DOWN", real ? pods.getOrDefault(part, "") : ""
            });
      }
      for (LabInfo.Node n : lab.nodes()) {
        boolean agent =
            real ? pods.containsKey("agent " + n.name()) : Lab.running(lab, "agent-" + n.name());
        rows.add(
            new String[] {
              c,
              "node " + n.name(),
              agent ? "ready" : "NO AGENT",
              n.ip()
                  + ", pods "
                  + n.podCidr()
                  + (real ? ", kubelet " + kubelets.getOrDefault(n.name(), "not registered") : "")
            });
      }
      if (!api) {
        return rows;
      }
      try (KubernetesClient k = client(lab)) {
        rows.add(
            new String[] {
              c, "pods", String.valueOf(k.pods().inAnyNamespace().list().getItems().size()), ""
            });
        rows.add(
            new String[] {
              c,
              "l2networks",
              String.valueOf(
                  k.resources(L2Network.class).inAnyNamespace().list().getItems().size()),
              ""
            });
      }
      return rows;
    }
  }

  /**
   * The Ready pods of the chart's parts on a real cluster: "controller" and "operator" to the pod's
   * name, "agent NODE" to the agent pod's name on that node.
   */
  static java.util.Map<String, String> chartPods(LabInfo lab) throws IOException {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    try (KubernetesClient k = client(lab)) {
      for (Pod p : k.pods().inNamespace(Lab.CHART_NAMESPACE).list().getItems()) {
        String part = p.getMetadata().getLabels().get("app.kubernetes.io/component");
        boolean ready = io.l2sm.conformance.KubeTarget.ready(p);
        if (part == null || !ready) {
          continue;
        }
        out.put(
            part.equals("agent") ? "agent " + p.getSpec().getNodeName() : part,
            "pod " + p.getMetadata().getName());
      }
    }
    return out;
  }

  static List<HasMetadata> read(Path path) throws IOException {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.list(path)) {
        s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
            .sorted()
            .forEach(files::add);
      }
    } else {
      files.add(path);
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<HasMetadata> out = new ArrayList<>();
    for (Path f : files) {
      try (var parser = yaml.getFactory().createParser(f.toFile())) {
        for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
          if (doc == null || doc.isNull() || doc.isEmpty()) {
            continue;
          }
          String kind = doc.path("kind").asText();
          Class<? extends HasMetadata> type =
              switch (kind) {
                case "Pod" -> Pod.class;
                case "NetworkAttachmentDefinition" -> NetworkAttachmentDefinition.class;
                case "L2Network" -> L2Network.class;
                case "Overlay" -> io.l2sm.api.v1.Overlay.class;
                case "NetworkEdgeDevice" -> io.l2sm.api.v1.NetworkEdgeDevice.class;
                case "Namespace" -> Namespace.class;
                default ->
                    throw new IllegalArgumentException(
                        f
                            + ": kind '"
                            + kind
                            + "' is not supported by the lab (Pod,"
                            + " NetworkAttachmentDefinition, L2Network, Overlay,"
                            + " NetworkEdgeDevice, Namespace)");
              };
          out.add(Serialization.unmarshal(doc.toString(), type));
        }
      }
    }
    return out;
  }

  /** What apply and delete share: the objects of a YAML file or folder, each acted on. */
  abstract static class OnObjects implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "-f",
        required = true,
        paramLabel = "PATH",
        description = "A YAML file or a folder of them.")
    Path path;

    @Option(
        names = {"-n", "--namespace"},
        defaultValue = "default",
        description = "Namespace for objects without one.")
    String namespace;

    @picocli.CommandLine.Mixin ClusterOption cluster = new ClusterOption();

    /** Acts on one object; returns the past participle to print ("applied"). */
    abstract String act(KubernetesClient c, HasMetadata o);

    @Override
    public Integer call() throws Exception {
      LabInfo lab = requireUp(cluster.cluster);
      List<HasMetadata> objects = read(path);
      try (KubernetesClient c = client(lab)) {
        for (HasMetadata o : objects) {
          if (o.getMetadata().getNamespace() == null && !(o instanceof Namespace)) {
            o.getMetadata().setNamespace(namespace);
          }
          String done = act(c, o);
          spec.commandLine()
              .getOut()
              .println(o.getKind().toLowerCase() + "/" + o.getMetadata().getName() + " " + done);
        }
      }
      return ExitCodes.OK;
    }
  }

  /** {@code l2sm lab apply -f PATH}. */
  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = "Create or update objects from YAML.")
  static class Apply extends OnObjects {
    @Override
    String act(KubernetesClient c, HasMetadata o) {
      c.resource(o).createOr(NonDeletingOperation::update);
      return "applied";
    }
  }

  /** {@code l2sm lab delete -f PATH}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete objects named in YAML.")
  static class Delete extends OnObjects {
    @Override
    String act(KubernetesClient c, HasMetadata o) {
      c.resource(o).delete();
      return "deleted";
    }
  }

  /** {@code l2sm lab get KIND}. */
  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "List objects: nodes, pods, l2networks, nads, overlays, events.")
  static class Get implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "KIND")
    String kind;

    @Option(names = "-o", paramLabel = "FORMAT", description = "yaml for the whole objects.")
    String format;

    @picocli.CommandLine.Mixin ClusterOption cluster = new ClusterOption();

    /** A kind as the table lists it: its objects, the header and one row per object. */
    record Listing(
        java.util.function.Function<KubernetesClient, List<? extends HasMetadata>> list,
        String[] header,
        java.util.function.Function<HasMetadata, String[]> row) {}

    static final Map<String, String> ALIASES =
        Map.ofEntries(
            Map.entry("nodes", "nodes"),
            Map.entry("node", "nodes"),
            Map.entry("no", "nodes"),
            Map.entry("pods", "pods"),
            Map.entry("pod", "pods"),
            Map.entry("po", "pods"),
            Map.entry("l2networks", "l2networks"),
            Map.entry("l2network", "l2networks"),
            Map.entry("l2net", "l2networks"),
            Map.entry("nads", "nads"),
            Map.entry("nad", "nads"),
            Map.entry("net-attach-def", "nads"),
            Map.entry("network-attachment-definitions", "nads"),
            Map.entry("overlays", "overlays"),
            Map.entry("overlay", "overlays"),
            Map.entry("events", "events"),
            Map.entry("event", "events"),
            Map.entry("ev", "events"));

    static final Map<String, Listing> KINDS =
        Map.of(
            "nodes",
            new Listing(
                c -> c.nodes().list().getItems(),
                new String[] {"NAME", "STATUS", "INTERNAL-IP", "POD-CIDR"},
                o -> {
                  io.fabric8.kubernetes.api.model.Node n = (io.fabric8.kubernetes.api.model.Node) o;
                  var st = n.getStatus();
                  String ready =
                      st == null
                          ? ""
                          : st.getConditions().stream()
                              .filter(c -> "Ready".equals(c.getType()))
                              .map(c -> "True".equals(c.getStatus()) ? "Ready" : "NotReady")
                              .findFirst()
                              .orElse("Unknown");
                  String ip =
                      st == null
                          ? ""
                          : st.getAddresses().stream()
                              .filter(a -> "InternalIP".equals(a.getType()))
                              .map(a -> a.getAddress())
                              .findFirst()
                              .orElse("");
                  return new String[] {
                    n.getMetadata().getName(),
                    ready,
                    ip,
                    n.getSpec() == null ? "" : str(n.getSpec().getPodCIDR())
                  };
                }),
            "pods",
            new Listing(
                c -> c.pods().inAnyNamespace().list().getItems(),
                new String[] {"NAMESPACE", "NAME", "NODE", "PHASE", "IP", "REASON"},
                o -> {
                  Pod p = (Pod) o;
                  var st = p.getStatus();
                  return new String[] {
                    p.getMetadata().getNamespace(),
                    p.getMetadata().getName(),
                    str(p.getSpec().getNodeName()),
                    st == null ? "" : str(st.getPhase()),
                    st == null ? "" : str(st.getPodIP()),
                    st == null ? "" : str(st.getReason())
                  };
                }),
            "l2networks",
            new Listing(
                c -> c.resources(L2Network.class).inAnyNamespace().list().getItems(),
                new String[] {"NAMESPACE", "NAME", "TYPE", "VNI", "PODS", "READY", "REASON"},
                o -> {
                  L2Network n = (L2Network) o;
                  var st = n.getStatus();
                  var ready = st == null ? null : Conditions.find(st.getConditions(), "Ready");
                  return new String[] {
                    n.getMetadata().getNamespace(),
                    n.getMetadata().getName(),
                    n.getSpec().getType() == null ? "" : n.getSpec().getType().wireName(),
                    st == null || st.getVni() == null ? "" : String.valueOf(st.getVni()),
                    st == null || st.getConnectedPodCount() == null
                        ? ""
                        : String.valueOf(st.getConnectedPodCount()),
                    ready == null ? "" : ready.getStatus(),
                    ready == null ? "" : ready.getReason()
                  };
                }),
            "nads",
            new Listing(
                c ->
                    c.resources(NetworkAttachmentDefinition.class)
                        .inAnyNamespace()
                        .list()
                        .getItems(),
                new String[] {"NAMESPACE", "NAME", "CONFIG"},
                o -> {
                  NetworkAttachmentDefinition n = (NetworkAttachmentDefinition) o;
                  return new String[] {
                    n.getMetadata().getNamespace(),
                    n.getMetadata().getName(),
                    str(n.getSpec().getConfig())
                  };
                }),
            "overlays",
            new Listing(
                c -> c.resources(Overlay.class).inAnyNamespace().list().getItems(),
                new String[] {"NAMESPACE", "NAME", "NODES", "LINKS", "READY", "MESSAGE"},
                o -> {
                  Overlay ov = (Overlay) o;
                  var ready =
                      ov.getStatus() == null
                          ? null
                          : Conditions.find(ov.getStatus().getConditions(), "Ready");
                  return new String[] {
                    ov.getMetadata().getNamespace(),
                    ov.getMetadata().getName(),
                    String.valueOf(ov.getSpec().getTopology().getNodes().size()),
                    String.join(
                        " ",
                        ov.getSpec().getTopology().getLinks().stream()
                            .map(l -> l.getEndpointA() + "~" + l.getEndpointB())
                            .toList()),
                    ready == null ? "" : ready.getStatus(),
                    ready == null ? "" : ready.getMessage()
                  };
                }),
            "events",
            new Listing(
                c -> c.events().v1().events().inAnyNamespace().list().getItems(),
                new String[] {"NAMESPACE", "OBJECT", "TYPE", "REASON", "MESSAGE"},
                o -> {
                  Event e = (Event) o;
                  return new String[] {
                    e.getMetadata().getNamespace(),
                    e.getRegarding() == null
                        ? ""
                        : e.getRegarding().getKind() + "/" + e.getRegarding().getName(),
                    str(e.getType()),
                    str(e.getReason()),
                    str(e.getNote())
                  };
                }));

    @Override
    public Integer call() throws Exception {
      String canonical = ALIASES.get(kind);
      if (canonical == null) {
        throw new ParameterException(
            spec.commandLine(),
            "KIND must be nodes, pods, l2networks, nads, overlays or events, not " + kind);
      }
      if (format != null && !format.equals("yaml")) {
        throw new ParameterException(
            spec.commandLine(), "-o must be yaml (or left out for a table), not " + format);
      }
      Listing listing = KINDS.get(canonical);
      LabInfo lab = requireUp(cluster.cluster);
      PrintWriter out = spec.commandLine().getOut();
      try (KubernetesClient c = client(lab)) {
        List<? extends HasMetadata> items = listing.list().apply(c);
        if ("yaml".equals(format)) {
          // One YAML stream: each object as its own document.
          for (HasMetadata o : items) {
            String doc = Serialization.asYaml(o);
            out.print(doc.startsWith("---") ? doc : "---\n" + doc);
          }
        } else if (items.isEmpty()) {
          out.println("No " + canonical + ".");
        } else {
          List<String[]> rows = new ArrayList<>();
          rows.add(listing.header());
          items.forEach(o -> rows.add(listing.row().apply(o)));
          Table.print(out, rows);
        }
        out.flush();
      }
      return ExitCodes.OK;
    }

    static String str(Object o) {
      return o == null ? "" : o.toString();
    }
  }

  /** {@code l2sm lab exec POD -- CMD...}. */
  @Command(
      name = "exec",
      mixinStandardHelpOptions = true,
      description =
          "Run a command in a lab pod's network namespace (on real Kubernetes: in its first"
              + " container, through the API server).")
  static class Exec implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-n", "--namespace"},
        defaultValue = "default",
        description = "The pod's namespace.")
    String namespace;

    @picocli.CommandLine.Mixin ClusterOption cluster = new ClusterOption();

    @Parameters(index = "0", paramLabel = "POD")
    String pod;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "The command, after --.")
    List<String> command = List.of();

    @Override
    public Integer call() throws Exception {
      if (command.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "give a command after --");
      }
      LabInfo lab = requireUp(cluster.cluster);
      if (lab.apiUrl().startsWith("https:")) {
        // Real Kubernetes: in the pod's first container, through the API server and the kubelet.
        Path kubectl =
            io.l2sm.lab.ControlPlane.binaries(spec.commandLine().getErr()).resolve("kubectl");
        List<String> cmd =
            new ArrayList<>(
                List.of(
                    kubectl.toString(),
                    "--kubeconfig",
                    lab.kubeconfig(),
                    "exec",
                    "-n",
                    namespace,
                    pod,
                    "--"));
        cmd.addAll(command);
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
      }
      Map<String, Kubelet.PodRecord> pods = Kubelet.readState(Path.of(lab.dir()));
      Kubelet.PodRecord r = pods.get(namespace + "/" + pod);
      if (r == null) {
        throw new IllegalStateException(
            "pod " + namespace + "/" + pod + " is not running in cluster " + lab.cluster());
      }
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", r.netns()));
      cmd.addAll(command);
      return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
  }

  /** {@code l2sm lab restart PART}. */
  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description =
          "kill -9 a part of the lab (controller, operator, kubelet, apiserver, agent-<node>) and start it again; on real Kubernetes, L2S-M's parts (controller, operator, agent-<node>): delete its pod at once and wait for the new one to be Ready; Kubernetes' own (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, coredns, containerd-<node>, kubelet-<node>, kube-proxy-<node>): kill -9 and start again.")
  static class Restart implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PART")
    String part;

    @picocli.CommandLine.Mixin ClusterOption cluster = new ClusterOption();

    @Override
    public Integer call() throws Exception {
      LabInfo lab = requireUp(cluster.cluster);
      if (Lab.onRealKubernetes(lab)) {
        long t0 = System.nanoTime();
        var kubernetesParts = io.l2sm.lab.RealParts.parts(lab);
        if (kubernetesParts.containsKey(part)) {
          // Kubernetes itself: a process killed and started again, as its supervisor would.
          String up = io.l2sm.lab.RealParts.restart(lab, part);
          spec.commandLine()
              .getOut()
              .printf(
                  "%s of %s restarted in %.1f s (killed -9 and started again; %s)%n",
                  part, lab.cluster(), (System.nanoTime() - t0) / 1e9, up);
          return ExitCodes.OK;
        }
        // The chart's parts are pods: deleted at once (as a crash) and replaced by their
        // controllers, as the conformance suite's fault cases do it.
        boolean known;
        try (var target = new io.l2sm.conformance.KubeTarget(lab.client(), lab.cluster())) {
          known = target.restart(part);
        }
        if (!known) {
          throw new ParameterException(
              spec.commandLine(),
              "PART must be controller, operator or agent-<node> (a node of "
                  + lab.cluster()
                  + ") or one of Kubernetes' parts ("
                  + String.join(", ", kubernetesParts.keySet())
                  + ") on real Kubernetes, not '"
                  + part
                  + "'");
        }
        spec.commandLine()
            .getOut()
            .printf(
                "%s of %s restarted in %.1f s (its pod deleted; the new one is Ready)%n",
                part, lab.cluster(), (System.nanoTime() - t0) / 1e9);
        return ExitCodes.OK;
      }
      if (!lab.processes().containsKey(part)) {
        throw new ParameterException(
            spec.commandLine(), "PART must be one of " + String.join(", ", Lab.parts(lab)));
      }
      long t0 = System.nanoTime();
      Lab.restart(lab, part);
      spec.commandLine()
          .getOut()
          .printf(
              "%s of %s restarted in %.1f s%n",
              part, lab.cluster(), (System.nanoTime() - t0) / 1e9);
      return ExitCodes.OK;
    }
  }

  /** {@code l2sm lab wan}: the WAN between the clusters' edge devices. */
  @Command(
      name = "wan",
      mixinStandardHelpOptions = true,
      description = {
        "Show the WAN links between the clusters' edge devices, or act on one:",
        "  lab wan                      list them",
        "  lab wan cut c1~c2            take the link down (both ends)",
        "  lab wan restore c1~c2        bring it up again",
        "  lab wan rate c1~c2 MBIT      limit it (tc tbf) in each direction; 0 removes the limit"
      })
  static class Wan implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "ACTION",
        description = "cut, restore or rate.")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LINK", description = "cA~cB.")
    String link;

    @Parameters(index = "2", arity = "0..1", paramLabel = "MBIT", description = "For rate.")
    Double mbit;

    @Override
    public Integer call() throws Exception {
      if (!Lab.isUp()) {
        throw new IllegalStateException("no lab is up; run `l2sm lab up --clusters 2` first");
      }
      LabInfo idco = Lab.idco();
      if (idco == null) {
        throw new IllegalStateException(
            "this lab has one cluster and no WAN; run `l2sm lab up --clusters 2` or more");
      }
      List<io.l2sm.lab.InterDomain.WanLink> wan = io.l2sm.lab.InterDomain.wan(idco);
      PrintWriter out = spec.commandLine().getOut();
      if (action == null) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"LINK", "STATE", "ADDRESSES", "RATE"});
        for (var l : wan) {
          String rate = io.l2sm.lab.InterDomain.wanRate(idco, l);
          rows.add(
              new String[] {
                l.name(),
                io.l2sm.lab.InterDomain.wanUp(idco, l) ? "up" : "CUT",
                l.ip(l.a()) + " - " + l.ip(l.b()),
                rate.isEmpty() ? "-" : rate
              });
        }
        Table.print(out, rows);
        return ExitCodes.OK;
      }
      if (link == null) {
        throw new ParameterException(spec.commandLine(), "give the link, e.g. c1~c2");
      }
      var l =
          wan.stream()
              .filter(x -> x.name().equals(link) || (x.b() + "~" + x.a()).equals(link))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "no WAN link "
                              + link
                              + "; links: "
                              + String.join(
                                  ", ",
                                  wan.stream()
                                      .map(io.l2sm.lab.InterDomain.WanLink::name)
                                      .toList())));
      switch (action) {
        case "cut" -> io.l2sm.lab.InterDomain.setWanUp(idco, l, false);
        case "restore" -> io.l2sm.lab.InterDomain.setWanUp(idco, l, true);
        case "rate" -> {
          if (mbit == null || mbit < 0) {
            throw new ParameterException(spec.commandLine(), "rate needs MBIT, 0 or more");
          }
          io.l2sm.lab.InterDomain.setWanRate(idco, l, mbit);
        }
        default ->
            throw new ParameterException(
                spec.commandLine(), "ACTION must be cut, restore or rate, not " + action);
      }
      out.println("wan " + l.name() + ": " + action + (mbit == null ? "" : " " + mbit + " Mbit/s"));
      return ExitCodes.OK;
    }
  }
}
