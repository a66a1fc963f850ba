package io.l2sm.cli.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.NetworkKind;
import io.l2sm.lab.ControlPlane;
import io.l2sm.lab.Images;
import io.l2sm.lab.LabObjects;
import io.l2sm.lab.RealNode;
import io.l2sm.lab.Testbed;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real Kubernetes nodes: in each of a two-node testbed's namespaces its own containerd (with runc)
 * and a kubelet registered with a real {@link ControlPlane}; the primary network is the CNI bridge
 * plugin with a pod range per node and routes between the nodes. Pods from the lab's probe image
 * run on both nodes, reach each other, and go without a trace; exec and logs go through the API
 * server to the kubelets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodesIT {
  Testbed tb;
  ControlPlane cp;
  Path dir;
  final List<RealNode> nodes = new ArrayList<>();

  @BeforeAll
  void up() throws Exception {
    RealKubernetes.require();
    PrintWriter progress = new PrintWriter(System.err, true);
    Path bin = ControlPlane.binaries(progress);
    List<Images.Image> images = Images.make(false, progress);
    dir = Testbed.dirOf("l2k");
    tb = new Testbed("l2k", Testbed.Placement.alone("l2k"), 44, "300-363", 2, List.of(), "n1~n2");
    cp = ControlPlane.start(dir.resolve("k8s"), bin, tb.controllerIp(), progress);
    int i = 1;
    for (String n : tb.nodes()) {
      nodes.add(
          RealNode.start(
              cp,
              bin,
              dir.resolve("node-" + n),
              n,
              tb.ns(n),
              tb.nodeIp(n),
              "10.244." + i++ + ".0/24",
              null,
              images,
              progress));
    }
    RealNode.routeBetween(nodes);
  }

  @AfterAll
  void down() {
    for (RealNode n : nodes) {
      n.close();
    }
    if (cp != null) {
      cp.close();
    }
    if (tb != null) {
      tb.close();
    }
  }

  @Test
  @Order(1)
  void bothNodesBecomeReady() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                cp.kubectl(
                        "get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type==\"Ready\")].status} {end}'")
                    .contains("n1=True n2=True"));
    String info =
        cp.kubectl(
            "get node n1 -o jsonpath='{.status.nodeInfo.kubeletVersion} {.status.nodeInfo.containerRuntimeVersion}'");
    assertThat(info).startsWith("v1.34").contains("containerd://1.6");
  }

  @Test
  @Order(2)
  void podsOnTwoNodesRunAndReachEachOther() {
    for (String n : List.of("n1", "n2")) {
      cp.kubectl("apply -f - <<'EOF'\n" + probePod("p-" + n, n) + "EOF");
    }
    cp.kubectl("wait --for=condition=Ready pod/p-n1 pod/p-n2 --timeout=120s");
    String ip2 = cp.kubectl("get pod p-n2 -o jsonpath={.status.podIP}").strip();
    assertThat(ip2).startsWith("10.244.2.");
    // Exec through the API server and the kubelet's authenticated API.
    String ping = cp.kubectl("exec p-n1 -- ping -c 3 -W 2 " + ip2);
    assertThat(Testbed.received(ping)).as(ping).isEqualTo(3);
    String logs = cp.kubectl("logs p-n2");
    assertThat(logs).contains("probe on n2 up");
  }

  @Test
  @Order(3)
  void aDeletedPodLeavesNothingOnItsNode() throws Exception {
    Path leases = dir.resolve("node-n1/cni/lib/networks/lab");
    assertThat(addressLeases(leases)).as("p-n1's address lease").isEqualTo(1);
    // Positive control: the running pod's veth is on the node's bridge now.
    assertThat(Testbed.sh("ip -n " + tb.ns("n1") + " -o link show master cni0")).isNotBlank();
    int before = containers("n1");
    assertThat(before).as("the running pod's containers on n1").isPositive();
    cp.kubectl("delete pod p-n1 --wait=true --timeout=60s");
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> containers("n1") == 0);
    // The pod's veth on the node's bridge and its address are gone too.
    assertThat(Testbed.sh("ip -n " + tb.ns("n1") + " -o link show master cni0")).isBlank();
    assertThat(addressLeases(leases)).isZero();
  }

  @Test
  @Order(4)
  void multusAttachesASecondNetworkFromANadInThePapersForm() throws Exception {
    cp.installMultus(nodes.size());
    // Multus put its configuration first on every node, delegating to the primary network.
    for (RealNode n : nodes) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(n.cniConfDir().resolve("00-multus.conf")));
    }
    // No "name" in the CNI config: Multus fills it in from the NAD's.
    cp.kubectl(
        "apply -f - <<'EOF'\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
            + "metadata:\n  name: side\n  namespace: default\nspec:\n  config: '{\"cniVersion\":"
            + " \"0.3.1\", \"type\": \"bridge\", \"bridge\": \"side0\", \"ipam\": {\"type\":"
            + " \"host-local\", \"subnet\": \"10.30.0.0/24\"}}'\nEOF");
    for (String p : List.of("s1", "s2")) {
      cp.kubectl(
          "apply -f - <<'EOF'\n"
              + probePod(p, "n1")
                  .replace(
                      "  namespace: default\n",
                      "  namespace: default\n  annotations:\n    k8s.v1.cni.cncf.io/networks: side\n")
              + "EOF");
    }
    cp.kubectl("wait --for=condition=Ready pod/s1 pod/s2 --timeout=120s");
    String status =
        cp.kubectl(
            "get pod s2 -o jsonpath='{.metadata.annotations.k8s\\.v1\\.cni\\.cncf\\.io/network-status}'");
    assertThat(status).contains("\"name\": \"default/side\"").contains("\"interface\": \"net1\"");
    Matcher ip = Pattern.compile("\"10\\.30\\.0\\.\\d+\"").matcher(status);
    assertThat(ip.find()).as(status).isTrue();
    String s2 = ip.group().replace("\"", "");
    String addr = cp.kubectl("exec s2 -- ip -4 -o addr show net1");
    assertThat(addr).contains(s2 + "/24");
    String ping = cp.kubectl("exec s1 -- ping -c 3 -W 2 -I net1 " + s2);
    assertThat(Testbed.received(ping)).as(ping).isEqualTo(3);
  }

  @Test
  @Order(5)
  void anL2smNetworkThroughMultusJoinsPodsOnTwoNodesAndNoOneElse() throws Exception {
    // L2S-M's CNI plugin on each node, and the node's agent where the pods' namespaces are.
    for (RealNode n : nodes) {
      n.joinL2sm(tb);
    }
    for (String net : List.of("red", "blue")) {
      tb.grpc()
          .createNetwork(
              CreateNetworkRequest.newBuilder().setName(net).setKind(NetworkKind.VNET).build());
      // The paper's form: no "name" in the config (Multus fills it in).
      String config = LabObjects.unnamedNad(net, "vnet").getSpec().getConfig().replace("'", "");
      cp.kubectl(
          "apply -f - <<'EOF'\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
              + "metadata:\n  name: "
              + net
              + "\n  namespace: default\nspec:\n  config: '"
              + config
              + "'\nEOF");
    }
    Map<String, String[]> pods =
        Map.of(
            "r1", new String[] {"n1", "red", "10.0.0.1"},
            "r2", new String[] {"n2", "red", "10.0.0.2"},
            "b1", new String[] {"n2", "blue", "10.0.0.3"},
            "b2", new String[] {"n1", "blue", "10.0.0.4"});
    for (var e : pods.entrySet()) {
      String[] v = e.getValue();
      String networks = "[{\"name\": \"" + v[1] + "\", \"ips\": [\"" + v[2] + "/24\"]}]";
      cp.kubectl(
          "apply -f - <<'EOF'\n"
              + probePod(e.getKey(), v[0])
                  .replace(
                      "  namespace: default\n",
                      "  namespace: default\n  annotations:\n    k8s.v1.cni.cncf.io/networks: '"
                          + networks
                          + "'\n")
              + "EOF");
    }
    cp.kubectl("wait --for=condition=Ready pod/r1 pod/r2 pod/b1 pod/b2 --timeout=120s");
    // Members reach each other across the nodes.
    String red = cp.kubectl("exec r1 -- ping -c 3 -W 2 -I net1 10.0.0.2");
    assertThat(Testbed.received(red)).as(red).isEqualTo(3);
    // Positive control for the non-member: its own network works over the same kind of path.
    String blue = cp.kubectl("exec b1 -- ping -c 3 -W 2 -I net1 10.0.0.4");
    assertThat(Testbed.received(blue)).as(blue).isEqualTo(3);
    // The same subnet on another network: the probe ran (3 sent) and nothing came back.
    Testbed.Result cross = cp.tryKubectl("exec b1 -- ping -c 3 -W 1 -I net1 10.0.0.1");
    assertThat(cross.out()).as(cross.out()).contains("3 packets transmitted, 0 received");
  }

  @Test
  @Order(6)
  void aCrashedNodeIsClearedByLabDown() throws Exception {
    // kill -9 of the kubelets and containerds: the pods' containers and shims live on.
    String sleeper = Testbed.sh("pgrep -f '^sleep infinity' || true").strip().replace('\n', ' ');
    assertThat(sleeper).as("the pods' containers run before the crash").isNotBlank();
    Testbed.sh("pkill -9 -f '[/]" + dir.toString().substring(1) + "/node-n[12]/kubelet.yaml'");
    Testbed.sh("pkill -9 -f '^containerd --config " + dir + "/node-n'");
    // The nodes' mount namespaces, held by files in their folders, with the pods' volumes in them.
    assertThat(mountsUnder(dir)).as("the nodes' namespaces after the crash").isPositive();
    assertThat(Testbed.run("kill -0 " + sleeper).exit()).isZero();

    // The host folders the nodes made to mount over (none where the host had them all).
    List<String> made = new ArrayList<>();
    for (String n : List.of("n1", "n2")) {
      made.addAll(Files.readAllLines(dir.resolve("node-" + n + "/made-on-host")));
    }
    for (String p : made) {
      assertThat(Path.of(p)).as("made by a node").isDirectory();
    }

    Testbed.destroy("l2k"); // what `lab down` runs for a lab's folder

    for (String p : made) {
      assertThat(Path.of(p)).as("made by a node, removed by lab down").doesNotExist();
    }

    assertThat(Testbed.run("kill -0 " + sleeper).exit()).as("the containers are gone").isNotZero();
    // Live ones (a killed shim is a zombie until PID 1 reaps it).
    assertThat(
            Testbed.sh(
                "ps -eo stat=,args= | awk '$1 !~ /^Z/' | grep -E '[c]ontainerd-shim|[k]ubelet"
                    + " --config' || true"))
        .isBlank();
    assertThat(mountsUnder(dir)).isZero();
    assertThat(Testbed.sh("ls -d /sys/fs/cgroup/*/l2sm 2>/dev/null || true")).isBlank();
    assertThat(Testbed.sh("ip netns list")).doesNotContain("l2k");
  }

  /** host-local's address files in {@code dir} (one per pod on the node). */
  static long addressLeases(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("10.244.")).count();
    }
  }

  static long mountsUnder(Path dir) throws Exception {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(l -> l.split(" ")[4].startsWith(dir + "/"))
        .count();
  }

  /** Running containers (sandboxes included) in node {@code n}'s containerd. */
  int containers(String n) {
    RealNode node = nodes.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow();
    String out = Testbed.sh("ctr -a " + node.containerdSocket() + " -n k8s.io tasks ls 2>&1");
    Matcher m = Pattern.compile("(?m)RUNNING").matcher(out);
    int running = 0;
    while (m.find()) {
      running++;
    }
    return running;
  }

  static String probePod(String name, String node) {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: "
        + name
        + "\n  namespace: default\nspec:\n  nodeSelector: {kubernetes.io/hostname: "
        + node
        + "}\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: probe\n    image: "
        + Images.PROBE
        + "\n    imagePullPolicy: Never\n    command: [sh, -c, 'echo probe on "
        + node
        + " up; exec sleep infinity']\n";
  }
}
