package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.l2sm.lab.ControlPlane;
import io.l2sm.lab.Images;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabObjects;
import io.l2sm.lab.Testbed;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code l2sm lab up --kubernetes real}, as a user runs it: the command's output names the
 * kubeconfig; through it the real kubectl applies an L2S-M network in the paper's NAD form and two
 * pods of the probe image on two nodes, which the operator, the real Multus and the agents join;
 * {@code lab status} shows the parts, and {@code lab down} leaves nothing.
 */
class RealLabE2E {
  static Path kubectl;
  static String upOutput;

  @BeforeAll
  static void up() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    kubectl = ControlPlane.binaries(new PrintWriter(System.err, true)).resolve("kubectl");
    upOutput = l2sm("lab up --kubernetes real --nodes 2");
  }

  @AfterAll
  static void down() {
    Lab.down();
  }

  static String l2sm(String args) {
    List<String> cmd = new ArrayList<>(Testbed.program());
    return Testbed.sh(String.join(" ", cmd) + " " + args + " 2>&1");
  }

  static String kubectl(String args) {
    return Testbed.sh(kubectl + " --kubeconfig " + Lab.dir().resolve("c1/kubeconfig") + " " + args);
  }

  static long mountsUnderLab() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(l -> l.split(" ")[4].startsWith(Lab.dir() + "/"))
        .count();
  }

  @Test
  void podsOnTwoRealNodesJoinAnL2smNetworkAndLabDownLeavesNothing() throws Exception {
    assertThat(upOutput)
        .contains("Lab up in")
        .contains("kubeconfig " + Lab.dir().resolve("c1/kubeconfig"))
        .contains("node n2 registered");
    assertThat(kubectl("get nodes -o name")).contains("node/n1").contains("node/n2");
    String config = LabObjects.unnamedNad("red", "vnet").getSpec().getConfig();
    kubectl(
        "apply -f - <<'EOF'\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
            + "metadata:\n  name: red\n  namespace: default\nspec:\n  config: '"
            + config
            + "'\nEOF");
    for (String[] p : new String[][] {{"a", "n1", "10.1.0.1"}, {"b", "n2", "10.1.0.2"}}) {
      kubectl(
          "apply -f - <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: "
              + p[0]
              + "\n  namespace: default\n  annotations:\n    k8s.v1.cni.cncf.io/networks: '[{\"name\":"
              + " \"red\", \"ips\": [\""
              + p[2]
              + "/24\"]}]'\nspec:\n  nodeSelector: {kubernetes.io/hostname: "
              + p[1]
              + "}\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: probe\n    image: "
              + Images.PROBE
              + "\n    imagePullPolicy: Never\n    command: [sleep, infinity]\nEOF");
    }
    kubectl("wait --for=condition=Ready pod/a pod/b --timeout=120s");
    // The operator made the L2Network from the NAD.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kubectl(
                        "get l2network red -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'")
                    .contains("True"));
    String ping = kubectl("exec a -- ping -c 3 -W 2 -I net1 10.1.0.2");
    assertThat(Testbed.received(ping)).as(ping).isEqualTo(3);
    // The lab's own exec goes the same way, through the API server and the kubelet.
    String labPing = l2sm("lab exec b -- ping -c 2 -W 2 -I net1 10.1.0.1");
    assertThat(Testbed.received(labPing)).as(labPing).isEqualTo(2);

    String status = l2sm("lab status");
    assertThat(status).contains("kube-apiserver").contains("running").contains("kubelet Ready");

    // Positive controls for what lab down must remove: the parts run, their namespaces are mounted.
    assertThat(Testbed.run("pgrep -f '[k]ube-apiserver'").exit()).isZero();
    assertThat(mountsUnderLab()).isPositive();
    Lab.down();
    assertThat(
            Testbed.sh(
                "ps -eo stat=,args= | awk '$1 !~ /^Z/' | grep -E '[c]ontainerd|[k]ubelet --config|[k]ube-apiserver|[e]tcd --name' || true"))
        .isBlank();
    assertThat(mountsUnderLab()).isZero();
    assertThat(Testbed.sh("ls -d /sys/fs/cgroup/*/l2sm 2>/dev/null || true")).isBlank();
    assertThat(Testbed.sh("ip netns list")).doesNotContain(Lab.PREFIX);
  }
}
