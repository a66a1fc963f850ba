package io.l2sm.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real-cluster target over fabric8's mock API server: exec's protocol (expectations with a
 * WebSocket upgrade, as the API server speaks it), nodes that take pods, and a restart by pod
 * deletion (CRUD mode, with a stand-in for the Deployment controller).
 */
class KubeTargetTest {
  private KubernetesMockServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.destroy();
    }
    if (api != null) {
      api.close();
    }
  }

  private KubernetesClient expectations() {
    server = new KubernetesMockServer(false);
    server.init();
    return server.createClient();
  }

  private io.l2sm.lab.ApiServer api;

  /** The lab's API server: fabric8's mock in CRUD mode. */
  private KubernetesClient crud() throws Exception {
    api = new io.l2sm.lab.ApiServer("127.0.0.1", 0);
    java.nio.file.Path kubeconfig = java.nio.file.Files.createTempFile("kube", ".yaml");
    api.writeKubeconfig(kubeconfig, "test");
    try {
      return KubeTarget.of(kubeconfig).client();
    } finally {
      java.nio.file.Files.delete(kubeconfig);
    }
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("l2sm-conformance")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .endContainer()
        .endSpec()
        .build();
  }

  private void expectExec(String pod, String command, String output, int exit) {
    Pod running = pod(pod);
    running.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .build());
    running.getMetadata().setResourceVersion("1");
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/l2sm-conformance/pods/" + pod)
        .andReturn(200, running)
        .always();
    // The client waits for the pod to be ready (a list by name, then a watch) before exec.
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/l2sm-conformance/pods?fieldSelector=metadata.name%3D" + pod)
        .andReturn(
            200,
            new io.fabric8.kubernetes.api.model.PodListBuilder()
                .withNewMetadata()
                .withResourceVersion("1")
                .endMetadata()
                .addToItems(running)
                .build())
        .always();
    server
        .expect()
        .withPath(
            "/api/v1/namespaces/l2sm-conformance/pods/"
                + pod
                + "/exec?command=sh&command=-c&command="
                + URLEncoder.encode(
                        command + "\necho \"" + KubeTarget.EXIT_MARK + "$?\"",
                        StandardCharsets.UTF_8)
                    .replace("+", "%20")
                + "&container=c&stdout=true&stderr=true")
        .andUpgradeToWebSocket()
        .open()
        .waitFor(10)
        // What the shell prints: the command's output, then the exit line.
        .andEmit(new OutputStreamMessage(output + KubeTarget.EXIT_MARK + exit + "\n"))
        .waitFor(10)
        .andEmit(new StatusStreamMessage(exit))
        .done()
        .always();
  }

  @Test
  void execReturnsTheCommandsOutputAndExitCode() {
    KubeTarget t = new KubeTarget(expectations(), "test cluster");
    expectExec("a1", "ping -c 3 10.210.0.2", "3 packets transmitted, 3 received\n", 0);
    expectExec("a1", "ping -c 3 10.210.0.11", "3 packets transmitted, 0 received\n", 1);
    Target.Exec ok = t.exec("l2sm-conformance", "a1", "ping -c 3 10.210.0.2");
    assertThat(ok.exit()).isZero();
    assertThat(ok.out()).contains("3 received").doesNotContain(KubeTarget.EXIT_MARK);
    Target.Exec failed = t.exec("l2sm-conformance", "a1", "ping -c 3 10.210.0.11");
    assertThat(failed.exit()).as(failed.out()).isEqualTo(1);
    assertThat(failed.out()).contains("0 received");
  }

  @Test
  void nodesAreTheReadyOnesThatTakePods() throws Exception {
    KubernetesClient c = crud();
    for (String[] n :
        new String[][] {
          {"w1", "True", "false", ""},
          {"w2", "True", "false", ""},
          {"cp", "True", "false", "NoSchedule"},
          {"down", "False", "false", ""},
          {"cordoned", "True", "true", ""}
        }) {
      NodeBuilder b =
          new NodeBuilder()
              .withNewMetadata()
              .withName(n[0])
              .endMetadata()
              .withNewSpec()
              .withUnschedulable(Boolean.parseBoolean(n[2]))
              .endSpec()
              .withNewStatus()
              .addNewCondition()
              .withType("Ready")
              .withStatus(n[1])
              .endCondition()
              .endStatus();
      if (!n[3].isEmpty()) {
        b.editSpec()
            .addNewTaint()
            .withKey("node-role.kubernetes.io/control-plane")
            .withEffect(n[3])
            .endTaint()
            .endSpec();
      }
      c.resource(b.build()).create();
    }
    assertThat(new KubeTarget(c, "test").nodes()).containsExactly("w1", "w2");
    assertThat(new KubeTarget(c, "test").hooks()).as("no chart installed").isEmpty();
    c.resource(agent("ctl", "w1", true)).create();
    c.pods()
        .inNamespace("l2sm")
        .withName("ctl")
        .edit(
            p -> {
              p.getMetadata().getLabels().put(KubeTarget.COMPONENT, "controller");
              return p;
            });
    assertThat(new KubeTarget(c, "test").hooks()).containsExactly(Target.Hook.RESTART_PARTS);
  }

  @Test
  void restartDeletesThePartsPodsAndWaitsForNewReadyOnes() throws Exception {
    KubernetesClient c = crud();
    c.resource(agent("agent-a", "w1", true)).create();
    c.resource(agent("agent-b", "w2", true)).create();
    KubeTarget t = new KubeTarget(c, "test");
    // The DaemonSet controller's part: a new pod on w1, Ready a moment after the old one goes.
    CompletableFuture<Void> daemonSet =
        CompletableFuture.runAsync(
            () -> {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
              while (c.pods().inNamespace("l2sm").withName("agent-a").get() != null
                  && System.nanoTime() < deadline) {
                sleep(20);
              }
              c.resource(agent("agent-c", "w1", false)).create();
              sleep(300);
              c.resource(agent("agent-c", "w1", true)).update();
            });
    assertThat(t.restart("agent-w1")).isTrue();
    daemonSet.get(10, TimeUnit.SECONDS);
    assertThat(c.pods().inNamespace("l2sm").list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("agent-b", "agent-c");
    assertThat(t.restart("idco")).as("no IDCO installed").isFalse();
  }

  private static Pod agent(String name, String node, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("l2sm")
        .addToLabels(KubeTarget.COMPONENT, "agent")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .endSpec()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aPodThatIsNotReadySaysWhyInTheRestartError() {
    Pod crashing =
        new PodBuilder()
            .withNewMetadata()
            .withName("l2sm-agent-x")
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("agent")
            .withReady(false)
            .withRestartCount(3)
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .endWaiting()
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withReason("Error")
            .withExitCode(1)
            .endTerminated()
            .endLastState()
            .endContainerStatus()
            .endStatus()
            .build();
    assertThat(KubeTarget.describe(java.util.List.of(crashing)))
        .isEqualTo(
            "l2sm-agent-x Running, agent not ready waiting CrashLoopBackOff, 3 restart(s),"
                + " last ended Error (exit 1)");
    assertThat(KubeTarget.describe(java.util.List.of())).isEqualTo("no new pod");
  }
}
