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
}
