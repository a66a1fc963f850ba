package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code l2sm lab up --kubernetes real}, as a user runs it: the command's output names the
 * kubeconfig; through it the real kubectl applies an L2S-M network in the paper's NAD form and two
 * pods of the probe image on two nodes, which L2S-M's parts (installed by helm from the chart, all
 * of them containers on the nodes), the real Multus and kube-proxy join; RBAC refuses none of
 * L2S-M's requests; {@code lab status} shows the parts, and {@code lab down} leaves nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealLabE2E {
  static Path kubectl;
  static String upOutput;

  @BeforeAll
  static void up() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    kubectl = ControlPlane.binaries(new PrintWriter(System.err, true)).resolve("kubectl");
    upOutput = l2sm("lab up --kubernetes real --clusters 2 --nodes 2");
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
    return Testbed.sh(kubectlCommand() + " " + args);
  }

  /** Waits up to a minute, trying each second, until the kubectl ping gets {@code n} replies. */
  static void awaitReplies(String kubectlPing, int n) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> Testbed.received(Testbed.run(kubectlCommand() + " " + kubectlPing).out()) == n);
  }

  static String kubectlCommand() {
    return kubectl + " --kubeconfig " + Lab.dir().resolve("c1/kubeconfig");
  }

  /** The whole logs of the chart's pods this label selector picks, each line named by its pod. */
  static String chartLogs(String selector) {
    return kubectl(
        "logs -n "
            + Lab.CHART_NAMESPACE
            + " -l "
            + selector
            + " --all-containers --prefix --tail=-1");
  }

  /** A pod of the probe image on {@code node} with one attachment to network red at {@code ip}. */
  static void pod(String name, String node, String ip) {
    kubectl(
        "apply -f - <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: "
            + name
            + "\n  namespace: default\n  annotations:\n    k8s.v1.cni.cncf.io/networks: '[{\"name\":"
            + " \"red\", \"ips\": [\""
            + ip
            + "/24\"]}]'\nspec:\n  nodeSelector: {kubernetes.io/hostname: "
            + node
            + "}\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: probe\n    image: "
            + Images.PROBE
            + "\n    imagePullPolicy: Never\n    command: [sleep, infinity]\nEOF");
  }

  static long mountsUnderLab() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(l -> l.split(" ")[4].startsWith(Lab.dir() + "/"))
        .count();
  }

  @Test
  @Order(1)
  void podsOnTwoRealNodesJoinAnL2smNetwork() throws Exception {
    assertThat(upOutput)
        .contains("Lab up in")
        .contains("kubeconfig " + Lab.dir().resolve("c1/kubeconfig"))
        .contains("node n2 registered");
    assertThat(kubectl("get nodes -o name")).contains("node/n1").contains("node/n2");
    // Each cluster's DNS answers with its own cluster's Services, every time: two clusters'
    // CoreDNS once shared one address, and the kernel spread the queries between them.
    java.util.Map<String, String> controllerIps = new java.util.TreeMap<>();
    for (String c : List.of("c1", "c2")) {
      String svc =
          Testbed.sh(
              kubectl
                  + " --kubeconfig "
                  + Lab.dir().resolve(c + "/kubeconfig")
                  + " -n "
                  + Lab.CHART_NAMESPACE
                  + " get svc l2sm-controller -o jsonpath='{.spec.clusterIP}'");
      String dns = java.net.URI.create(Lab.cluster(c).apiUrl()).getHost();
      for (int i = 0; i < 20; i++) {
        assertThat(
                ControlPlane.resolveAt(
                    dns, "l2sm-controller." + Lab.CHART_NAMESPACE + ".svc.cluster.local"))
            .as("%s's DNS at %s, look-up %d", c, dns, i + 1)
            .isEqualTo(svc);
      }
      controllerIps.put(c, svc);
    }
    // The look-ups could tell the clusters apart: their controllers' Services differ.
    assertThat(controllerIps.get("c1")).isNotBlank().isNotEqualTo(controllerIps.get("c2"));
    // Each Node records the pod range the lab routes to it.
    for (var n : Lab.cluster("c1").nodes()) {
      assertThat(kubectl("get node " + n.name() + " -o jsonpath='{.spec.podCIDR}'"))
          .isEqualTo(n.podCidr());
    }
    String config = LabObjects.unnamedNad("red", "vnet").getSpec().getConfig();
    apply(
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
            + "metadata:\n  name: red\n  namespace: default\nspec:\n  config: '"
            + config
            + "'");
    pod("a", "n1", "10.1.0.1");
    pod("b", "n2", "10.1.0.2");
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

    // RBAC as the chart grants it, enforced: the API server refused none of L2S-M's requests
    // (its audit log, which holds every request with its user and code), and L2S-M's logs say
    // they did their work without a refusal.
    String sa = "system:serviceaccount:" + Lab.CHART_NAMESPACE + ":";
    for (String c : List.of("c1", "c2")) {
      List<String> audit = Files.readAllLines(Lab.dir().resolve(c + "/k8s/audit.log"));
      assertThat(audit.stream().filter(l -> l.contains(sa + "l2sm-operator")))
          .as("positive control: the operator's requests are audited in " + c)
          .isNotEmpty();
      assertThat(audit.stream().filter(l -> l.contains(sa + "l2sm-agent")))
          .as("positive control: the agents' requests are audited in " + c)
          .isNotEmpty();
      assertThat(audit.stream().filter(l -> l.contains(sa + "l2sm-edge-device")))
          .as("positive control: the edge device's requests are audited in " + c)
          .isNotEmpty();
      assertThat(audit.stream().filter(l -> l.contains(sa) && l.contains("\"code\":403")))
          .as(c)
          .isEmpty();
    }
    // The edge device writes its NetworkEdgeDevice's status under its own ServiceAccount: up,
    // its datapath, and the neighbours whose tunnel is up.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        kubectl(
                            "get ned -A -o jsonpath='{range .items[*]}{.status.availability}"
                                + " {.status.openflowId} {.status.connectedNeighbors}{\"\\n\"}{end}'"))
                    .matches("(?s)Available of:[0-9a-f]{16} \\[\".+\"\\]\\s*"));
    String logs = chartLogs("app.kubernetes.io/instance=l2sm");
    assertThat(logs).contains("created from its NAD");
    assertThat(logs).doesNotContainPattern("(?i)forbidden|code\\W{0,3}403\\b");

    // A crash of each of the chart's parts (its pod deleted at once, as `lab restart` does on real
    // Kubernetes): the network works again within a minute, with the pods untouched.
    for (String part : List.of("agent-n2", "controller", "operator")) {
      assertThat(l2sm("lab restart " + part)).contains(part + " of c1 restarted in");
      awaitReplies("exec a -- ping -c 1 -W 1 -I net1 10.1.0.2", 1);
    }

    // The new controller pod started from the state on its volume (the lab's values turn the
    // chart's controller.persistence on, on a local PersistentVolume the lab offers) and kept the
    // switches' flows; the restarted agent restored its pod's port; both agents are Ready, and a
    // pod attached now reaches the others.
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> l2sm("lab status"), st -> st.matches("(?s).*node n1 +ready.*node n2 +ready.*"));
    assertThat(kubectl("get pvc -n " + Lab.CHART_NAMESPACE + " l2sm-controller")).contains("Bound");
    String controllerLog = chartLogs("app.kubernetes.io/component=controller");
    assertThat(controllerLog).containsPattern("controller up: .*\\(1 networks, 2 attachments\\)");
    assertThat(controllerLog)
        .containsPattern("reconciled in \\d+ ms: it held (\\d+) flows and 0 meters, now \\1 and");
    assertThat(chartLogs("app.kubernetes.io/component=agent")).contains("restoring attachment");
    pod("c", "n2", "10.1.0.3");
    kubectl("wait --for=condition=Ready pod/c --timeout=120s");
    String late = kubectl("exec a -- ping -c 3 -W 2 -I net1 10.1.0.3");
    assertThat(Testbed.received(late)).as(late).isEqualTo(3);

    String status = l2sm("lab status");
    assertThat(status).contains("kube-apiserver").contains("running").contains("kubelet Ready");
    assertThat(status).containsPattern("controller +running +pod l2sm-controller-");
    // The inter-domain part, from the chart's optional parts: the IDCO in c1, each cluster's edge
    // device on its node, the WAN between them; the IDCO's switches in the endpoint table.
    assertThat(status)
        .containsPattern("idco +idco +running +pod l2sm-idco-")
        .containsPattern("ned ned-c1 +ready +\\S+, pod l2sm-edge-device-")
        .containsPattern("ned ned-c2 +ready +\\S+, pod l2sm-edge-device-")
        .containsPattern("wan c1~c2 +up");

    // L2S-M came from helm install of the chart: its release is deployed, and every L2S-M process
    // on the machine is a container of a node (in a node's cgroup), none started by the lab.
    assertThat(kubectl("get secret -n " + Lab.CHART_NAMESPACE + " -o name"))
        .contains("sh.helm.release.v1.l2sm.v1");
    String javas = Testbed.sh("pgrep -f '[l]2sm-cli.jar (controller|operator|agent|idco)' || true");
    assertThat(Testbed.lines(javas))
        .as("in each cluster a controller, an operator, two agents and the edge device; the IDCO")
        .hasSize(11);
    for (String pid : Testbed.lines(javas)) {
      assertThat(Files.readString(Path.of("/proc", pid.strip(), "cgroup")))
          .as("process %s", pid)
          .contains("/l2sm/" + Lab.PREFIX);
    }
  }

  /**
   * Upstream L2S-M's ping-pong example as its users write it: an {@code L2Network} and two pods
   * labelled {@code l2sm: "true"} asking for it with {@code l2sm/networks}, which Multus does not
   * read; the chart's pod webhook writes the request where Multus reads it. Applied unchanged but
   * for its image (the probe image, whose /bin/ash is Debian's dash), one pod at a time with the
   * other node cordoned, so that they land on two nodes.
   */
  @Test
  @Order(2)
  void upstreamsPingPongExampleWorksUnchangedButForItsImage() throws Exception {
    String[] docs =
        LabE2E.UPSTREAM_EXAMPLE
            .replace("image: alpine:latest", "image: " + Images.PROBE)
            .split("(?m)^---\\n");
    assertThat(docs).hasSize(3);
    apply(docs[0]);
    kubectl("cordon n2");
    apply(docs[1]);
    kubectl("uncordon n2");
    kubectl("cordon n1");
    apply(docs[2]);
    kubectl("uncordon n1");
    kubectl("wait --for=condition=Ready pod/ping-intra pod/pong-intra --timeout=120s");
    assertThat(kubectl("get pod ping-intra -o 'jsonpath={.spec.nodeName}'").strip())
        .isEqualTo("n1");
    assertThat(kubectl("get pod pong-intra -o 'jsonpath={.spec.nodeName}'").strip())
        .isEqualTo("n2");
    // The webhook moved the request into the annotation Multus reads.
    String annotations = kubectl("get pod ping-intra -o 'jsonpath={.metadata.annotations}'");
    JsonNode a = new ObjectMapper().readTree(annotations);
    assertThat(a.has("l2sm/networks")).isFalse();
    assertThat(new ObjectMapper().readTree(a.path("k8s.v1.cni.cncf.io/networks").asText()))
        .isEqualTo(
            new ObjectMapper()
                .readTree(
                    "[{\"name\": \"ping-network-intra\", \"namespace\": \"default\","
                        + " \"interface\": \"net1\", \"ips\": [\"10.0.0.1/24\"]}]"));
    assertThat(chartLogs("app.kubernetes.io/component=operator"))
        .contains("pod default/ping-intra: k8s.v1.cni.cncf.io/networks written from l2sm/networks")
        .contains("pod default/pong-intra: k8s.v1.cni.cncf.io/networks written from l2sm/networks");
    String ping = kubectl("exec ping-intra -- ping -c 3 -W 2 10.0.0.2");
    assertThat(Testbed.received(ping)).as(ping).isEqualTo(3);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kubectl(
                    "get l2network ping-network-intra -o 'jsonpath={.status.conditions[?(@.type==\"Ready\")].status}/{.status.connectedPodCount}'"),
            v -> v.strip().equals("True/2"));
    // A malformed request: the API server refuses the pod with the webhook's message.
    Testbed.Result refused =
        Testbed.run(
            kubectlCommand()
                + " apply -f - 2>&1 <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name:"
                + " broken\n  labels: {l2sm: \"true\"}\n  annotations:\n    l2sm/networks:"
                + " '[{\"name\": \"ping-network-intra\", \"ips\": \"10.0.0.9/24\"}]'\nspec:\n"
                + "  containers:\n  - {name: c, image: "
                + Images.PROBE
                + ", command: [sleep, infinity]}\nEOF");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.out())
        .contains(
            "admission webhook \"pods.l2sm.l2sm.k8s.local\" denied the request: annotation"
                + " l2sm/networks, element 1: ips must be a list of address/prefix");
    assertThat(Testbed.run(kubectlCommand() + " get pod broken").exit()).isNotZero();

    // A pod whose image is not on its node: the kubelet's event says so in `lab get events`.
    kubectl(
        "run missing-image --image=l2sm.local/missing:1 --image-pull-policy=Never"
            + " --overrides='{\"apiVersion\": \"v1\", \"spec\": {\"nodeName\": \"n2\"}}'"
            + " -- sleep infinity");
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> l2sm("lab get events"),
            ev ->
                ev.lines()
                    .anyMatch(
                        l ->
                            l.contains("Pod/missing-image")
                                && l.contains("ErrImageNeverPull")
                                && l.contains("l2sm.local/missing:1")));
    kubectl("delete pod missing-image --wait=true");
    kubectl("delete pod ping-intra pong-intra --wait=true");
    kubectl("delete l2network ping-network-intra");
  }

  static void apply(String yaml) {
    kubectl("apply -f - <<'EOF'\n" + yaml + "\nEOF");
  }

  /**
   * The conformance suite as a user runs it against a cluster with L2S-M installed by its chart:
   * {@code l2sm conformance --kubeconfig K --image l2sm.local/probe:1}, a process of its own, the
   * pods' commands through the API server's exec and the kubelets, the fault cases by deleting the
   * chart's pods. Only the cases a cluster's API cannot cause are left out.
   */
  @Test
  @Order(3)
  void theConformanceSuiteIsGreenOnTheRealClusters() throws Exception {
    Path json = Lab.dir().resolve("real-conformance.json");
    Testbed.Result run =
        Testbed.run(
            String.join(" ", Testbed.program())
                + " conformance --kubeconfig "
                + Lab.dir().resolve("c1/kubeconfig")
                + " --kubeconfig "
                + Lab.dir().resolve("c2/kubeconfig")
                + " --image "
                + Images.PROBE
                + " --quick --report "
                + json
                + " 2>&1");
    System.out.println(run.out());
    assertThat(LabCluster.notPassed(json)).isEmpty();
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(run.exit()).as(run.out()).isZero();
    // Every group ran, the fault cases on the chart's pods and the intercluster group through
    // the chart's edge devices and IDCO among them.
    assertThat(report.path("cases").findValuesAsText("name"))
        .hasSize(25)
        .contains(
            "controller-killed-traffic-flows",
            "agent-killed-traffic-flows",
            "operator-killed-networks-still-made",
            "no-frame-reaches-a-non-member",
            "pods-attach-at-once",
            "vnet-across-clusters",
            "other-inter-cluster-network-isolated",
            "idco-killed-traffic-flows");
    List<String> leftOut = new ArrayList<>();
    report.path("summary").path("leftOut").forEach(n -> leftOut.add(n.asText()));
    assertThat(leftOut)
        .as("what a cluster's API cannot cause")
        .hasSize(3)
        .anyMatch(l -> l.startsWith("faults/node-lost-others-unaffected"))
        .anyMatch(l -> l.startsWith("faults/switch-killed-traffic-recovers"))
        .anyMatch(l -> l.startsWith("intercluster/wan-cut-recovers"));
  }

  /**
   * Kubernetes' own parts killed -9 and started again, as their supervisor would: the API server,
   * and n2's kubelet and containerd. The pods keep their networks, and the next pod on n2 starts
   * and joins. Runs after the suite, on the lab as the suite left it.
   */
  @Test
  @Order(4)
  void kubernetesOwnPartsRestartUnderThePods() throws Exception {
    for (String part : List.of("kube-apiserver", "kubelet-n2", "containerd-n2")) {
      assertThat(l2sm("lab restart " + part)).contains(part + " of c1 restarted in");
    }
    Testbed.Result unknown =
        Testbed.run(String.join(" ", Testbed.program()) + " lab restart kubelet-n9 2>&1");
    assertThat(unknown.exit()).as(unknown.out()).isEqualTo(2);
    assertThat(unknown.out()).contains("or one of Kubernetes' parts (").contains("kubelet-n2");
    awaitReplies("exec a -- ping -c 3 -W 2 -I net1 10.1.0.2", 3);
    pod("d", "n2", "10.1.0.4");
    kubectl("wait --for=condition=Ready pod/d --timeout=120s");
    String reached = kubectl("exec a -- ping -c 3 -W 2 -I net1 10.1.0.4");
    assertThat(Testbed.received(reached)).as(reached).isEqualTo(3);
    // What restarted among L2S-M's containers meanwhile, and why (evidence for the log): each
    // pod's restarts and last termination, and the end of a restarted container's previous log.
    String restarts =
        kubectl(
            "get pods -n "
                + Lab.CHART_NAMESPACE
                + " -o jsonpath='{range .items[*]}{.metadata.name} {.status.containerStatuses[*].restartCount}"
                + " {.status.containerStatuses[*].lastState.terminated.reason}"
                + " {.status.containerStatuses[*].lastState.terminated.exitCode}"
                + " {.status.containerStatuses[*].lastState.terminated.finishedAt}{\"\\n\"}{end}'");
    System.out.println(restarts);
    for (String line : restarts.strip().split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length > 1 && !"0".equals(f[1])) {
        System.out.println("--- " + f[0] + ", the end of its previous container's log:");
        System.out.println(
            Testbed.run(
                    kubectlCommand()
                        + " logs --previous --all-containers --tail=25 -n "
                        + Lab.CHART_NAMESPACE
                        + " "
                        + f[0]
                        + " 2>&1")
                .out());
      }
    }
  }

  @Test
  @Order(5)
  void labDownLeavesNothing() throws Exception {
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
