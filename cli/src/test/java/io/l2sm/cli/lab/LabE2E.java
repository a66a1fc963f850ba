package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.L2NetworkSpec;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.api.v1.NetworkKind;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.Testbed;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Networks and pods as Kubernetes objects, end to end through a three-node lab: the operator, the
 * lab kubelet, the CNI plugin, the agents and the controller, all real processes.
 */
class LabE2E {
  static LabInfo lab;
  static LabCluster c1;
  static KubernetesClient client;

  @BeforeAll
  static void up() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    lab = Lab.up(3, new PrintWriter(System.out, true));
    c1 = new LabCluster(lab);
    client = c1.client;
  }

  @AfterAll
  static void down() {
    if (c1 != null) {
      c1.close();
    }
    Lab.down();
  }

  static NetworkAttachmentDefinition nad(String name, String kind) {
    return c1.nad(name, kind);
  }

  static Pod pod(String name, String node, String annotation) {
    return c1.pod(name, node, annotation);
  }

  static String phase(String name) {
    return c1.phase(name);
  }

  static void awaitRunning(String... names) {
    c1.awaitRunning(names);
  }

  static String netns(String pod) throws Exception {
    return c1.netns(pod);
  }

  static int ping(String pod, String ip) throws Exception {
    return c1.ping(pod, ip);
  }

  /** Creates an L2Network with a networkCIDR and waits until the operator gave it a VNI. */
  static void cidrNetwork(String name, String cidr) {
    L2Network n = new L2Network();
    n.getMetadata().setName(name);
    n.getMetadata().setNamespace("default");
    L2NetworkSpec spec = new L2NetworkSpec();
    spec.setType(NetworkKind.VNET);
    spec.setNetworkCIDR(cidr);
    n.setSpec(spec);
    client.resource(n).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                network(name) != null
                    && network(name).getStatus() != null
                    && network(name).getStatus().getVni() != null);
  }

  /** The address a pod got on a network, as its network-status annotation reports it. */
  static String addressOn(String pod, String network) {
    String status =
        client
            .pods()
            .inNamespace("default")
            .withName(pod)
            .get()
            .getMetadata()
            .getAnnotations()
            .get("k8s.v1.cni.cncf.io/network-status");
    var m =
        java.util.regex.Pattern.compile(
                "\"name\":\"default/"
                    + network
                    + "\",\"interface\":\"net1\",\"ips\":\\[\"([0-9.]+)\"")
            .matcher(status);
    assertThat(m.find()).as(status).isTrue();
    return m.group(1);
  }

  static L2Network network(String name) {
    return client.resources(L2Network.class).inNamespace("default").withName(name).get();
  }

  @Test
  void aNetworkDeletedWithPodsAttachedIsHeldUntilTheyGo() throws Exception {
    nad("held", "vnet");
    pod("h1", "n1", "[{\"name\":\"held\",\"ips\":[\"10.31.0.1/24\"]}]");
    pod("h2", "n2", "[{\"name\":\"held\",\"ips\":[\"10.31.0.2/24\"]}]");
    awaitRunning("h1", "h2");
    assertThat(ping("h1", "10.31.0.2")).isEqualTo(3);
    int vni = network("held").getStatus().getVni();
    client.resources(L2Network.class).inNamespace("default").withName("held").delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              L2Network n = network("held");
              assertThat(n).isNotNull();
              assertThat(n.getStatus().getConditions())
                  .anyMatch(
                      c ->
                          c.getType().equals("Ready")
                              && c.getReason().equals("DeletionHeldPodsAttached"));
            });
    assertThat(ping("h1", "10.31.0.2"))
        .as("pods still forward while the deletion is held")
        .isEqualTo(3);
    client.pods().inNamespace("default").withName("h1").delete();
    client.pods().inNamespace("default").withName("h2").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(network("held")).isNull();
              assertThat(
                      client
                          .resources(NetworkAttachmentDefinition.class)
                          .inNamespace("default")
                          .withName("held")
                          .get())
                  .isNull();
            });
    for (String n : List.of("n1", "n2", "n3")) {
      String flows =
          Testbed.sh(
              "ovs-ofctl -O OpenFlow13 dump-flows unix:"
                  + lab.dir()
                  + "/ovs-"
                  + n
                  + "/br-l2sm.mgmt");
      assertThat(flows)
          .as("flows of VNI %s on %s", vni, n)
          .doesNotContain("0x" + Integer.toHexString(vni) + " ")
          .doesNotContain("0x" + Integer.toHexString(vni) + ",");
    }
  }

  @Test
  void aPodCreatedBeforeItsNetworkWaitsThenAttaches() throws Exception {
    pod("early", "n3", "late-net");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Pod p = client.pods().inNamespace("default").withName("early").get();
              assertThat(p.getStatus()).isNotNull();
              assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
              assertThat(p.getStatus().getReason()).isEqualTo("NetworkNotFound");
            });
    assertThat(client.events().v1().events().inNamespace("default").list().getItems())
        .anyMatch(
            e ->
                "NetworkNotFound".equals(e.getReason())
                    && "early".equals(e.getRegarding().getName()));
    nad("late-net", "vnet");
    awaitRunning("early");
    assertThat(
            client
                .pods()
                .inNamespace("default")
                .withName("early")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsKey("k8s.v1.cni.cncf.io/network-status");
    assertThat(Testbed.sh("ip netns exec " + netns("early") + " ip -o link show net1"))
        .contains("net1");
  }

  @Test
  void fiftyPodsAtOnceOnANetworkWithACidrGetDistinctAddresses() throws Exception {
    cidrNetwork("pool", "10.32.0.0/24");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      names.add("pool-" + i);
      client
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName("pool-" + i)
                  .withNamespace("default")
                  .withAnnotations(Map.of("l2sm/networks", "pool"))
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("main")
                  .withImage("busybox")
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
    }
    awaitRunning(names.toArray(String[]::new));
    List<String> addresses = new ArrayList<>();
    for (String name : names) {
      addresses.add(addressOn(name, "pool"));
    }
    assertThat(addresses)
        .hasSize(50)
        .doesNotHaveDuplicates()
        .allMatch(a -> a.startsWith("10.32.0."));
    assertThat(
            client.pods().inNamespace("default").list().getItems().stream()
                .filter(p -> p.getMetadata().getName().startsWith("pool-"))
                .map(p -> p.getSpec().getNodeName())
                .distinct()
                .count())
        .as("scheduled over the nodes")
        .isEqualTo(3);
    // The first ARP reply to a just-added port is sometimes lost in the userspace datapath (the
    // ARP is retried a second later; see dataplane.md): wait for the whole reply set.
    await().atMost(Duration.ofSeconds(10)).until(() -> ping("pool-0", addresses.get(49)) == 3);
  }

  /** Upstream L2S-M's own ping-pong example (examples/ping-pong), applied unchanged. */
  static final String UPSTREAM_EXAMPLE =
      String.join(
          "\n",
          "apiVersion: l2sm.l2sm.k8s.local/v1",
          "kind: L2Network",
          "metadata:",
          "  name: ping-network-intra",
          "spec:",
          "  type: vnet",
          "---",
          "apiVersion: v1",
          "kind: Pod",
          "metadata:",
          "  name: ping-intra",
          "  labels:",
          "    app: ping-pong",
          "    l2sm: \"true\"",
          "  annotations:",
          "    l2sm/networks: '[{\"name\": \"ping-network-intra\",\"ips\": [\"10.0.0.1/24\"]}]'",
          "spec:",
          "  containers:",
          "  - name: router",
          "    command: [\"/bin/ash\", \"-c\", \"trap : TERM INT; sleep infinity & wait\"]",
          "    image: alpine:latest",
          "    securityContext:",
          "      capabilities:",
          "        add: [\"NET_ADMIN\"]",
          "---",
          "apiVersion: v1",
          "kind: Pod",
          "metadata:",
          "  name: pong-intra",
          "  labels:",
          "    app: ping-pong",
          "    l2sm: \"true\"",
          "  annotations:",
          "    l2sm/networks: '[{\"name\": \"ping-network-intra\",\"ips\": [\"10.0.0.2/24\"]}]'",
          "spec:",
          "  containers:",
          "  - name: router",
          "    command: [\"/bin/ash\", \"-c\", \"trap : TERM INT; sleep infinity & wait\"]",
          "    image: alpine:latest",
          "");

  /** {@code l2sm lab apply -f} of these manifests, as a user runs it: a process of its own. */
  static void labApply(String name, String yaml) throws Exception {
    Path file = Files.createTempFile(name, ".yaml");
    Files.writeString(file, yaml);
    Testbed.Result applied =
        Testbed.run(String.join(" ", Testbed.program()) + " lab apply -f " + file + " 2>&1");
    assertThat(applied.exit()).as(applied.out()).isZero();
  }

  @Test
  void upstreamL2smExampleManifestsWorkUnchanged() throws Exception {
    labApply("upstream-ping-pong", UPSTREAM_EXAMPLE);
    awaitRunning("ping-intra", "pong-intra");
    assertThat(ping("ping-intra", "10.0.0.2")).isEqualTo(3);
    L2Network n = network("ping-network-intra");
    assertThat(n.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(network("ping-network-intra").getStatus().getConnectedPodCount())
                    .isEqualTo(2));
  }

  /**
   * A network in the form the paper and most public NADs use: no "name" in the CNI config (Multus
   * fills in the NAD's), the config spread over several lines, an older cniVersion. One pod asks
   * for it with the NPWG comma form, the other with the JSON form, on two nodes.
   */
  static final String NAD_WITHOUT_NAME =
      String.join(
          "\n",
          "apiVersion: \"k8s.cni.cncf.io/v1\"",
          "kind: NetworkAttachmentDefinition",
          "metadata:",
          "  name: unnamed-vnet",
          "spec:",
          "  config: '{",
          "      \"cniVersion\": \"0.3.0\",",
          "      \"type\": \"l2sm\",",
          "      \"device\": \"l2sm-vNet\",",
          "      \"kind\": \"vnet\"",
          "    }'",
          "---",
          "apiVersion: v1",
          "kind: Pod",
          "metadata:",
          "  name: unnamed-a",
          "  annotations:",
          "    k8s.v1.cni.cncf.io/networks: unnamed-vnet",
          "spec:",
          "  nodeName: n1",
          "  containers:",
          "  - name: c",
          "    image: alpine:3.20",
          "    command: [\"sleep\", \"infinity\"]",
          "---",
          "apiVersion: v1",
          "kind: Pod",
          "metadata:",
          "  name: unnamed-b",
          "  annotations:",
          "    k8s.v1.cni.cncf.io/networks: '[{\"name\": \"unnamed-vnet\", \"namespace\": \"default\","
              + " \"interface\": \"net1\", \"ips\": [\"10.37.0.2/24\"]}]'",
          "spec:",
          "  nodeName: n2",
          "  containers:",
          "  - name: c",
          "    image: alpine:3.20",
          "    command: [\"sleep\", \"infinity\"]",
          "");

  @Test
  void aNadWithoutNameWorksWithBothAnnotationForms() throws Exception {
    labApply("nad-without-name", NAD_WITHOUT_NAME);
    awaitRunning("unnamed-a", "unnamed-b");
    // The comma form carries no address: unnamed-a gets one on its net1 by hand.
    Testbed.Result addr =
        Testbed.run("ip netns exec " + netns("unnamed-a") + " ip addr add 10.37.0.1/24 dev net1");
    assertThat(addr.exit()).as(addr.out()).isZero();
    assertThat(ping("unnamed-a", "10.37.0.2")).isEqualTo(3);
    assertThat(ping("unnamed-b", "10.37.0.1")).isEqualTo(3);
    L2Network n = network("unnamed-vnet");
    assertThat(n.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    // The user's config is left without a name; the operator adds only its own fields.
    String config =
        client
            .resources(NetworkAttachmentDefinition.class)
            .inNamespace("default")
            .withName("unnamed-vnet")
            .get()
            .getSpec()
            .getConfig();
    assertThat(config)
        .doesNotContain("\"name\"")
        .contains("\"l2smNetwork\":\"default/unnamed-vnet\"");
  }

  @Test
  void badRequestsLeaveThePodPendingWithTheReasonAndOthersUnaffected() throws Exception {
    cidrNetwork("narrow", "10.33.0.0/24");
    pod("bad-json", "n1", "[{\"name\": ");
    pod("outside", "n2", "[{\"name\":\"narrow\",\"ips\":[\"10.99.0.5/24\"]}]");
    pod("twice", "n3", "narrow@net1,narrow@net1");
    pod("fine", "n1", "narrow");
    awaitRunning("fine");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(reason("bad-json")).isEqualTo("InvalidNetworkAnnotation");
              assertThat(message("bad-json"))
                  .startsWith("annotation k8s.v1.cni.cncf.io/networks is not valid JSON");
              assertThat(reason("outside")).isEqualTo("NetworkAttachFailed");
              assertThat(message("outside"))
                  .contains("IP 10.99.0.5/24 is outside network default/narrow's 10.33.0.0/24");
              assertThat(reason("twice")).isEqualTo("InvalidNetworkAnnotation");
              assertThat(message("twice")).isEqualTo("interface net1 is requested twice");
            });
    assertThat(client.events().v1().events().inNamespace("default").list().getItems())
        .anyMatch(
            e ->
                "NetworkAttachFailed".equals(e.getReason())
                    && "outside".equals(e.getRegarding().getName()));
  }

  static String reason(String pod) {
    Pod p = client.pods().inNamespace("default").withName(pod).get();
    return p.getStatus() == null ? null : p.getStatus().getReason();
  }

  static String message(String pod) {
    Pod p = client.pods().inNamespace("default").withName(pod).get();
    return p.getStatus() == null ? null : p.getStatus().getMessage();
  }

  @Test
  void killingTheOperatorControllerAndAnAgentDuringChurnConvergesAndLeaksNothing()
      throws Exception {
    cidrNetwork("churn", "10.34.0.0/24");
    List<String> stable = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      stable.add("stable-" + i);
      pod("stable-" + i, "n" + (i % 3 + 1), "churn");
    }
    awaitRunning(stable.toArray(String[]::new));
    // Churn: pods come and go while parts of the system are killed and restarted.
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<String> alive = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread churn =
        new Thread(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                pod("churn-" + i, "n" + (i % 3 + 1), "churn");
                alive.add("churn-" + i);
                if (alive.size() > 3) {
                  client.pods().inNamespace("default").withName(alive.remove(0)).delete();
                }
                try {
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    churn.start();
    for (String part : List.of("operator", "controller", "agent-n2")) {
      Thread.sleep(1500);
      Lab.kill(lab, part);
      Thread.sleep(1000);
      Lab.start(lab, part);
    }
    Thread.sleep(1500);
    stop.set(true);
    churn.join();
    List<String> declared = new ArrayList<>(stable);
    declared.addAll(alive);
    awaitRunning(declared.toArray(String[]::new));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              // Exactly the declared pods are set up, attached, and have a port on their node's
              // switch.
              assertThat(Kubelet.readState(Path.of(lab.dir())).keySet())
                  .containsExactlyInAnyOrderElementsOf(
                      declared.stream().map(x -> "default/" + x).toList());
              assertThat(Testbed.run("ip netns list | grep -c '^l2lp'").out().strip())
                  .isEqualTo(String.valueOf(declared.size()));
              int ports = 0;
              for (String node : List.of("n1", "n2", "n3")) {
                ports +=
                    Testbed.lines(
                            Testbed.run(
                                    "ovs-vsctl --db=unix:"
                                        + lab.dir()
                                        + "/ovs-"
                                        + node
                                        + "/db.sock list-ports br-l2sm | grep '^l2s'")
                                .out())
                        .size();
              }
              assertThat(ports).as("attachment ports on the switches").isEqualTo(declared.size());
              assertThat(network("churn").getStatus().getConnectedPodCount())
                  .isEqualTo(declared.size());
            });
    String last = declared.get(declared.size() - 1);
    assertThat(ping("stable-0", addressOn(last, "churn")))
        .as("stable-0 reaches %s after the churn", last)
        .isEqualTo(3);
  }

  static void overlay(String... links) {
    io.l2sm.api.v1.Overlay o = new io.l2sm.api.v1.Overlay();
    o.getMetadata().setName("lab-overlay");
    o.getMetadata().setNamespace("default");
    o.getSpec().getTopology().setNodes(List.of("n1", "n2", "n3"));
    List<io.l2sm.api.v1.OverlaySpec.Link> l = new ArrayList<>();
    for (String link : links) {
      String[] ab = link.split("~");
      l.add(new io.l2sm.api.v1.OverlaySpec.Link(ab[0], ab[1]));
    }
    o.getSpec().getTopology().setLinks(l);
    client.resource(o).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
  }

  static int tunnels(String node) {
    return Testbed.lines(
            Testbed.run(
                    "ovs-vsctl --db=unix:"
                        + lab.dir()
                        + "/ovs-"
                        + node
                        + "/db.sock list-ports br-l2sm | grep '^l2v'")
                .out())
        .size();
  }

  @Test
  void editingTheOverlayChangesTheTunnelsAndConnectivityHoldsWhereAPathRemains() throws Exception {
    assertThat(client.nodes().list().getItems())
        .extracting(n -> n.getMetadata().getName())
        .contains("n1", "n2", "n3");
    nad("ovl", "vnet");
    pod("o1", "n1", "[{\"name\":\"ovl\",\"ips\":[\"10.35.0.1/24\"]}]");
    pod("o3", "n3", "[{\"name\":\"ovl\",\"ips\":[\"10.35.0.3/24\"]}]");
    awaitRunning("o1", "o3");
    // The lab has no Overlay of its own: the operator's default meshes the three nodes.
    io.l2sm.api.v1.Overlay mesh =
        client
            .resources(io.l2sm.api.v1.Overlay.class)
            .inNamespace("default")
            .withName("l2sm-default")
            .get();
    assertThat(mesh.getSpec().getTopology().getLinks())
        .extracting(l -> l.getEndpointA() + "~" + l.getEndpointB())
        .containsExactly("n1~n2", "n1~n3", "n2~n3");
    assertThat(List.of(tunnels("n1"), tunnels("n2"), tunnels("n3"))).containsOnly(2);
    assertThat(ping("o1", "10.35.0.3")).as("over the default mesh").isEqualTo(3);
    // A line n1~n2~n3: n1 and n3 lose their direct tunnel, traffic goes through n2.
    overlay("n1~n2", "n2~n3");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(tunnels("n1")).isEqualTo(1);
              assertThat(tunnels("n2")).isEqualTo(2);
              assertThat(tunnels("n3")).isEqualTo(1);
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> ping("o1", "10.35.0.3") == 3);
    // Cut n3 off: no path remains.
    overlay("n1~n2");
    await().atMost(Duration.ofSeconds(20)).until(() -> tunnels("n3") == 0 && tunnels("n2") == 1);
    assertThat(ping("o1", "10.35.0.3")).as("no path").isZero();
    // The ring again.
    overlay("n1~n2", "n2~n3", "n3~n1");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> tunnels("n1") == 2 && tunnels("n2") == 2 && tunnels("n3") == 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> ping("o1", "10.35.0.3") == 3);
    // Without the user's Overlay, the default mesh is back, and so are its tunnels.
    client
        .resources(io.l2sm.api.v1.Overlay.class)
        .inNamespace("default")
        .withName("lab-overlay")
        .delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                client
                        .resources(io.l2sm.api.v1.Overlay.class)
                        .inNamespace("default")
                        .withName("l2sm-default")
                        .get()
                    != null);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> tunnels("n1") == 2 && tunnels("n2") == 2 && tunnels("n3") == 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> ping("o1", "10.35.0.3") == 3);
  }

  @Test
  void aNetworkOfAnotherNamespaceIsUsableOnlyOnceItIsShared() throws Exception {
    NetworkAttachmentDefinition n = new NetworkAttachmentDefinition();
    n.getMetadata().setName("private");
    n.getMetadata().setNamespace("team-a");
    n.getSpec()
        .setConfig(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"private\",\"type\":\"l2sm\","
                + "\"device\":\"l2sm-vNet\",\"kind\":\"vnet\"}");
    client.resource(n).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                client.resources(L2Network.class).inNamespace("team-a").withName("private").get()
                    != null);
    pod("borrower", "n2", "team-a/private");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(reason("borrower")).isEqualTo("NetworkAttachFailed");
              assertThat(message("borrower"))
                  .contains("pods of namespace default may not use network team-a/private");
            });
    client
        .resources(NetworkAttachmentDefinition.class)
        .inNamespace("team-a")
        .withName("private")
        .edit(
            x -> {
              x.getMetadata().setAnnotations(Map.of("l2sm.l2sm.k8s.local/shared-with", "default"));
              return x;
            });
    awaitRunning("borrower");
    assertThat(Testbed.sh("ip netns exec " + netns("borrower") + " ip -o link show net1"))
        .contains("net1");
  }

  /** A pod on a node and a network, running {@code sh -c SCRIPT} under a restart policy. */
  static void scriptPod(String name, String node, String ip, String policy, String script) {
    Pod p =
        io.l2sm.lab.LabObjects.sleeper(
            name,
            node,
            Map.of(
                "k8s.v1.cni.cncf.io/networks", "[{\"name\":\"ends\",\"ips\":[\"" + ip + "\"]}]"));
    p.getSpec().setRestartPolicy(policy);
    p.getSpec().getContainers().get(0).setCommand(List.of("sh", "-c", script));
    client.resource(p).create();
  }

  static long events(String pod, String reason) {
    return client.events().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> pod.equals(e.getRegarding().getName()) && reason.equals(e.getReason()))
        .count();
  }

  @Test
  void aPodWhoseCommandEndsIsRestartedOrDetachedAsItsRestartPolicySays() throws Exception {
    nad("ends", "vnet");
    pod("stay", "n3", "[{\"name\":\"ends\",\"ips\":[\"10.36.0.3/24\"]}]");
    scriptPod("once", "n1", "10.36.0.1/24", "Never", "sleep 3; exit 3");
    scriptPod("again", "n2", "10.36.0.2/24", "Always", "sleep 1");
    awaitRunning("stay", "once", "again");
    String onceNetns = netns("once");
    assertThat(ping("stay", "10.36.0.1")).isEqualTo(3);
    // Never: the pod fails when its command does, and its network goes with its sandbox.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(phase("once")).isEqualTo("Failed");
              assertThat(reason("once")).isEqualTo("Error");
              Kubelet.PodRecord once = Kubelet.readState(Path.of(lab.dir())).get("default/once");
              assertThat(once).isNotNull();
              assertThat(once.ended()).isEqualTo("Failed");
              assertThat(once.ifaces()).isEmpty();
            });
    assertThat(events("once", "Error")).isEqualTo(1);
    assertThat(Testbed.run("ip netns list").out()).doesNotContain(onceNetns);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                network("ends").getStatus() != null
                    && Integer.valueOf(2)
                        .equals(network("ends").getStatus().getConnectedPodCount()));
    assertThat(ping("stay", "10.36.0.1")).isZero();
    // Always: the command runs again (with a back-off) and the pod keeps its network.
    await().atMost(Duration.ofSeconds(20)).until(() -> events("again", "BackOff") >= 2);
    assertThat(phase("again")).isEqualTo("Running");
    assertThat(ping("stay", "10.36.0.2")).isEqualTo(3);
    // Deleting the pods leaves nothing of them (the finished one included).
    for (String p : List.of("once", "again", "stay")) {
      client.pods().inNamespace("default").withName(p).delete();
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Kubelet.readState(Path.of(lab.dir())).keySet().stream()
                    .noneMatch(k -> k.matches("default/(once|again|stay)")));
  }

  /** A part's /metrics over HTTP; fails when it does not answer 200. */
  static String metrics(String hostPort) throws Exception {
    var r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://" + hostPort + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(hostPort + "/metrics: " + r.body()).isEqualTo(200);
    return r.body();
  }

  /** The first value of a series, e.g. {@code l2sm_networks}; fails when it is missing. */
  static double value(String metrics, String series) {
    var m =
        java.util.regex.Pattern.compile(
                "(?m)^" + java.util.regex.Pattern.quote(series) + " ([0-9.eE+-]+)$")
            .matcher(metrics);
    assertThat(m.find()).as(series + " in\n" + metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void everyPartServesMetricsThatCountWhatItDid() throws Exception {
    nad("metered", "vnet");
    pod("metered-a", "n1", "metered");
    pod("metered-b", "n2", "metered");
    awaitRunning("metered-a", "metered-b");
    String controller =
        metrics(
            lab.processes()
                .get("controller")
                .get(lab.processes().get("controller").indexOf("--http") + 1));
    assertThat(value(controller, "l2sm_networks")).isGreaterThanOrEqualTo(1);
    assertThat(value(controller, "l2sm_attachments")).isGreaterThanOrEqualTo(2);
    assertThat(value(controller, "l2sm_switches_connected")).isEqualTo(lab.nodes().size());
    assertThat(value(controller, "l2sm_flow_push_seconds_count")).isPositive();
    assertThat(value(controller, "l2sm_flows{node=\"n1\"}")).isPositive();
    List<String> op = lab.processes().get("operator");
    String operator = metrics(op.get(op.indexOf("--http") + 1));
    assertThat(
            value(
                operator,
                "l2sm_reconciles_seconds_count{outcome=\"ok\",queue=\"network-reconciler\"}"))
        .isPositive();
    assertThat(operator).contains("l2sm_queue_depth{queue=\"network-reconciler\"}");
    // Each agent answered the ADD of its pod; agents serve on their node's address.
    StringBuilder served = new StringBuilder();
    for (String n : List.of("n1", "n2")) {
      String agent = metrics(lab.node(n).ip() + ":9653");
      assertThat(value(agent, "l2sm_cni_requests_seconds_count{command=\"ADD\",outcome=\"ok\"}"))
          .as(n)
          .isPositive();
      assertThat(value(agent, "process_uptime_seconds")).as(n).isPositive();
      // A full mesh of the lab's nodes, every BFD session up (soon after an agent restarted by
      // another case).
      String at = lab.node(n).ip() + ":9653";
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                String now = metrics(at);
                assertThat(value(now, "l2sm_tunnels")).as(n).isEqualTo(lab.nodes().size() - 1);
                assertThat(value(now, "l2sm_tunnels_failed")).as(n).isZero();
              });
      served.append(agent);
    }
    // The chart's dashboard reads only series the parts serve: every series of its panels is in
    // the output of the controller, the operator or an agent (the adapter's panels:
    // AdapterApiTest).
    served.append(controller).append(operator);
    JsonNode dashboard =
        new ObjectMapper()
            .readTree(Path.of("..", "helm-charts", "l2sm", "dashboards", "l2sm.json").toFile());
    List<String> series = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("title").asText().startsWith("OSM adapter:")) {
        continue;
      }
      for (JsonNode t : panel.path("targets")) {
        var m =
            java.util.regex.Pattern.compile("\\b(?:l2sm|jvm|process)_[a-z_]+\\b")
                .matcher(t.path("expr").asText());
        while (m.find()) {
          series.add(m.group());
        }
      }
    }
    assertThat(series).hasSizeGreaterThan(10);
    for (String name : series) {
      assertThat(served.toString())
          .as("the dashboard's %s is served", name)
          .containsPattern("(?m)^" + name + "[{ ]");
    }
  }

  @org.junit.jupiter.api.Test
  void theLabRunsWithTheSettingsTheChartInstalls() throws Exception {
    // Rendered again here, independently, from the chart with the lab's values.
    var t =
        new com.marcnuri.helm.Helm(io.l2sm.lab.ChartSettings.chart())
            .template()
            .withName("l2sm")
            .withNamespace("l2sm-system");
    io.l2sm.lab.ChartSettings.LAB_VALUES.forEach(t::set);
    io.fabric8.kubernetes.api.model.ConfigMap config = null;
    for (String doc : t.call().split("(?m)^---\\s*$")) {
      if (doc.contains("kind: ConfigMap") && doc.contains("-config")) {
        config =
            io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                doc, io.fabric8.kubernetes.api.model.ConfigMap.class);
      }
    }
    assertThat(config).isNotNull();
    Map<String, String> parts =
        Map.of(
            "controller", "controller.args", "operator", "operator.args", "agent-n1", "agent.args");
    for (var e : parts.entrySet()) {
      List<String> cmd = lab.processes().get(e.getKey());
      String at =
          cmd.stream()
              .filter(a -> a.startsWith("@"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(e.getKey() + ": " + cmd));
      assertThat(at).endsWith("/settings/" + e.getValue());
      assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(at.substring(1))))
          .as(e.getKey())
          .isEqualTo(config.getData().get(e.getValue()));
    }
    assertThat(config.getData().get("agent.args"))
        .contains("--datapath=netdev")
        .contains("--bfd-interval=100");
    assertThat(config.getData().get("controller.args")).contains("--vni-range=4096-16777215");
  }
}
