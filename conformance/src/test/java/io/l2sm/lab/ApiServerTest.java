package io.l2sm.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.L2NetworkSpec;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.api.v1.NetworkKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiServerTest {
  @TempDir Path dir;

  @Test
  void servesTheProjectsKindsThroughItsKubeconfig() throws Exception {
    try (ApiServer api = new ApiServer("127.0.0.1", 0)) {
      Path kubeconfig = dir.resolve("c1.kubeconfig");
      api.writeKubeconfig(kubeconfig, "c1");
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      try (KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build()) {
        assertThat(c.apiextensions().v1().customResourceDefinitions().list().getItems())
            .extracting(crd -> crd.getMetadata().getName())
            .containsExactlyInAnyOrder(
                "l2networks.l2sm.l2sm.k8s.local",
                "network-attachment-definitions.k8s.cni.cncf.io",
                "networkedgedevices.l2sm.l2sm.k8s.local",
                "overlays.l2sm.l2sm.k8s.local");
        assertThat(
                c.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName("l2networks.l2sm.l2sm.k8s.local")
                    .get()
                    .getStatus()
                    .getConditions())
            .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True"));
        L2Network n = new L2Network();
        n.getMetadata().setName("net-a");
        L2NetworkSpec spec = new L2NetworkSpec();
        spec.setType(NetworkKind.VLINK);
        n.setSpec(spec);
        c.resources(L2Network.class).inNamespace("default").resource(n).create();
        assertThat(
                c.resources(L2Network.class)
                    .inNamespace("default")
                    .withName("net-a")
                    .get()
                    .getSpec()
                    .getType())
            .isEqualTo(NetworkKind.VLINK);
        NetworkAttachmentDefinition nad = new NetworkAttachmentDefinition();
        nad.getMetadata().setName("net-a");
        nad.getSpec().setConfig("{}");
        c.resources(NetworkAttachmentDefinition.class)
            .inNamespace("default")
            .resource(nad)
            .create();
        assertThat(
                c.resources(NetworkAttachmentDefinition.class).inAnyNamespace().list().getItems())
            .hasSize(1);
      }
    }
  }

  /** kubectl against the API server, with a private cache; its output and exit code. */
  static Testbed.Result kubectl(Path kubeconfig, Path cache, String args) {
    return Testbed.run(
        "kubectl --kubeconfig " + kubeconfig + " --cache-dir " + cache + " " + args + " 2>&1");
  }

  @Test
  void kubectlWorksAgainstItWithDiscoveryAndTables() throws Exception {
    if (!Testbed.onPath("kubectl")) {
      String msg = "kubectl is not installed (it ships with this machine's base image)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(msg);
      }
      org.junit.jupiter.api.Assumptions.abort(msg);
    }
    try (ApiServer api = new ApiServer("127.0.0.1", 0)) {
      Path kubeconfig = dir.resolve("kubeconfig");
      Path cache = dir.resolve("kube-cache");
      api.writeKubeconfig(kubeconfig, "c1");
      assertThat(kubectl(kubeconfig, cache, "version").out())
          .contains("Server Version: v1.30.0-l2sm-lab");
      assertThat(kubectl(kubeconfig, cache, "api-resources").out())
          .contains("network-attachment-definitions", "net-attach-def", "l2networks", "overlays");
      Files.writeString(
          dir.resolve("objects.yaml"),
          String.join(
              "\n",
              "apiVersion: l2sm.l2sm.k8s.local/v1",
              "kind: L2Network",
              "metadata: {name: blue}",
              "spec: {type: vnet}",
              "---",
              "apiVersion: v1",
              "kind: Pod",
              "metadata: {name: web}",
              "spec:",
              "  nodeName: n1",
              "  containers: [{name: c, image: nginx}]",
              ""));
      Testbed.Result applied =
          kubectl(kubeconfig, cache, "apply --validate=false -f " + dir.resolve("objects.yaml"));
      assertThat(applied.exit()).as(applied.out()).isZero();
      try (KubernetesClient c = api.client()) {
        L2Network n = c.resources(L2Network.class).inNamespace("default").withName("blue").get();
        n.setStatus(new io.l2sm.api.v1.L2NetworkStatus());
        n.getStatus().setVni(4242);
        n.getStatus()
            .getConditions()
            .add(
                new io.fabric8.kubernetes.api.model.ConditionBuilder()
                    .withType("Ready")
                    .withStatus("True")
                    .withReason("NetworkReady")
                    .build());
        c.resource(n).updateStatus();
      }
      // The CRD's printer columns, as a real API server prints them.
      assertThat(Testbed.lines(kubectl(kubeconfig, cache, "get l2networks").out()))
          .satisfiesExactly(
              header -> assertThat(header).matches("NAME +TYPE +READY +.*VNI +AGE"),
              row -> assertThat(row).matches("blue +vnet +True +.*4242 +\\d+s"));
      assertThat(kubectl(kubeconfig, cache, "get pods -o wide").out())
          .containsPattern("web +0/1 +Pending +<none> +n1");
      assertThat(kubectl(kubeconfig, cache, "get l2net blue -o jsonpath={.status.vni}").out())
          .isEqualTo("4242");
      Testbed.Result missing = kubectl(kubeconfig, cache, "get l2networks nosuch");
      assertThat(missing.exit()).isNotZero();
      assertThat(missing.out()).contains("NotFound");
    }
  }

  @Test
  void printerColumnPathsAreEvaluatedAsKubectlWould() throws Exception {
    var o =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "{\"spec\":{\"type\":\"vnet\"},\"status\":{\"vni\":7,\"conditions\":["
                    + "{\"type\":\"Other\",\"status\":\"False\"},"
                    + "{\"type\":\"Ready\",\"status\":\"True\"}]}}");
    assertThat(DiscoveryDispatcher.evaluate(o, ".spec.type")).isEqualTo("vnet");
    assertThat(DiscoveryDispatcher.evaluate(o, ".status.vni")).isEqualTo("7");
    assertThat(DiscoveryDispatcher.evaluate(o, ".status.conditions[?(@.type==\"Ready\")].status"))
        .isEqualTo("True");
    assertThat(DiscoveryDispatcher.evaluate(o, ".status.missing")).isEmpty();
    assertThat(DiscoveryDispatcher.evaluate(o, ".status")).as("an object prints empty").isEmpty();
    assertThat(DiscoveryDispatcher.evaluate(o, "status.vni")).as("not a path").isEmpty();
  }
}
