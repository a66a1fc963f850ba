package io.l2sm.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.l2sm.api.v1.Overlay;
import io.l2sm.api.v1.OverlaySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class OverlayReconcilerTest {
  static KubernetesClient client;
  OverlayReconciler reconciler;

  @BeforeEach
  void start() throws Exception {
    try (Stream<Path> files = Files.list(NetworkReconcilerTest.CRDS)) {
      for (Path f : files.sorted().toList()) {
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .load(f.toFile())
            .createOr(c -> c.update());
      }
    }
    for (String n : List.of("n1", "n2", "n3")) {
      client
          .resource(new NodeBuilder().withNewMetadata().withName(n).endMetadata().build())
          .createOr(c -> c.update());
    }
    reconciler = new OverlayReconciler(client);
    reconciler.start();
  }

  @AfterEach
  void stop() {
    reconciler.close();
  }

  static void overlay(String name, List<String> nodes, String... links) {
    Overlay o = new Overlay();
    o.getMetadata().setName(name);
    o.getMetadata().setNamespace("default");
    o.getSpec().getTopology().setNodes(nodes);
    List<OverlaySpec.Link> l = new ArrayList<>();
    for (String link : links) {
      String[] ab = link.split("~");
      l.add(new OverlaySpec.Link(ab[0], ab[1]));
    }
    o.getSpec().getTopology().setLinks(l);
    client.resource(o).createOr(c -> c.update());
  }

  static Condition ready(String name) {
    Overlay o = client.resources(Overlay.class).inNamespace("default").withName(name).get();
    return o == null || o.getStatus() == null || o.getStatus().getConditions().isEmpty()
        ? null
        : o.getStatus().getConditions().get(0);
  }

  @Test
  void aValidOverlayIsReadyWithItsCounts() {
    overlay("ring", List.of("n1", "n2", "n3"), "n1~n2", "n2~n3", "n3~n1");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(ready("ring")).isNotNull();
              assertThat(ready("ring").getStatus()).isEqualTo("True");
              assertThat(ready("ring").getMessage()).isEqualTo("3 link(s) between 3 node(s)");
              Overlay o =
                  client.resources(Overlay.class).inNamespace("default").withName("ring").get();
              assertThat(o.getStatus().getLinkCount()).isEqualTo(3);
              assertThat(o.getStatus().getNodeCount()).isEqualTo(3);
            });
  }

  @Test
  void faultsAreReportedWithTheirReasons() {
    overlay("self", List.of("n1"), "n1~n1");
    overlay("unlisted", List.of("n1", "n2"), "n1~n3");
    overlay("missing", List.of("n1", "n9"), "n1~n9");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(ready("self").getReason()).isEqualTo("InvalidLink");
              assertThat(ready("self").getMessage())
                  .isEqualTo("link n1~n1 must join two different nodes");
              assertThat(ready("unlisted").getReason()).isEqualTo("UnknownNode");
              assertThat(ready("unlisted").getMessage())
                  .isEqualTo("link n1~n3 names a node not in spec.topology.nodes");
              assertThat(ready("missing").getReason()).isEqualTo("NodeNotFound");
              assertThat(ready("missing").getMessage())
                  .isEqualTo("node n9 is not in the cluster (no Node object)");
              assertThat(ready("missing").getStatus()).isEqualTo("False");
            });
  }
}
