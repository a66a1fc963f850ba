package io.l2sm.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.l2sm.api.v1.Annotations;
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
    // The mock API server lives as long as the class: each test starts with no Overlay and n1-n3.
    client.resources(Overlay.class).inAnyNamespace().delete();
    client.nodes().delete();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                client.resources(Overlay.class).inAnyNamespace().list().getItems().isEmpty()
                    && client.nodes().list().getItems().isEmpty());
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
              assertThat(List.of("self", "unlisted", "missing"))
                  .allSatisfy(o -> assertThat(ready(o)).as(o).isNotNull());
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

  static List<String> links(Overlay o) {
    return o.getSpec().getTopology().getLinks().stream()
        .map(l -> l.getEndpointA() + "~" + l.getEndpointB())
        .toList();
  }

  static Overlay defaultOverlay() {
    return client
        .resources(Overlay.class)
        .inNamespace("default")
        .withName(OverlayReconciler.DEFAULT_NAME)
        .get();
  }

  @Test
  void aClusterWithoutAnOverlayGetsAMeshThatFollowsItsNodesUntilTheUserWritesOne() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Overlay d = defaultOverlay();
              assertThat(d).isNotNull();
              assertThat(d.getMetadata().getAnnotations())
                  .containsEntry(OverlayReconciler.MANAGED_BY, OverlayReconciler.OPERATOR);
              assertThat(d.getSpec().getTopology().getNodes()).containsExactly("n1", "n2", "n3");
              assertThat(links(d)).containsExactly("n1~n2", "n1~n3", "n2~n3");
              assertThat(ready(OverlayReconciler.DEFAULT_NAME).getStatus()).isEqualTo("True");
            });
    // A node joins: the mesh grows.
    client
        .resource(new NodeBuilder().withNewMetadata().withName("n4").endMetadata().build())
        .create();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(links(defaultOverlay()))
                    .containsExactly("n1~n2", "n1~n3", "n1~n4", "n2~n3", "n2~n4", "n3~n4"));
    // An edit of the default is undone: it belongs to the operator.
    client
        .resources(Overlay.class)
        .inNamespace("default")
        .withName(OverlayReconciler.DEFAULT_NAME)
        .edit(
            o -> {
              o.getSpec().getTopology().setLinks(List.of(new OverlaySpec.Link("n1", "n2")));
              return o;
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(links(defaultOverlay())).hasSize(6));
    // The user's own Overlay replaces it; when that goes, the default comes back.
    overlay("line", List.of("n1", "n2", "n3", "n4"), "n1~n2", "n2~n3", "n3~n4");
    await().atMost(Duration.ofSeconds(10)).until(() -> defaultOverlay() == null);
    assertThat(client.resources(Overlay.class).inAnyNamespace().list().getItems())
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("line");
    client.resources(Overlay.class).inNamespace("default").withName("line").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> defaultOverlay() != null);
  }

  @Test
  void anEdgeDevicesNodeIsLeftOutOfTheMeshAndJoinsItWhenItsLabelGoes() {
    client
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("ned-c1")
                .addToLabels(Annotations.EDGE_DEVICE_NODE_LABEL, "true")
                .endMetadata()
                .build())
        .create();
    // Positive control: a plain node added at the same time joins the mesh.
    client
        .resource(new NodeBuilder().withNewMetadata().withName("n4").endMetadata().build())
        .create();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(defaultOverlay().getSpec().getTopology().getNodes())
                    .containsExactly("n1", "n2", "n3", "n4"));
    client
        .nodes()
        .withName("ned-c1")
        .edit(
            n -> {
              n.getMetadata().getLabels().remove(Annotations.EDGE_DEVICE_NODE_LABEL);
              return n;
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(defaultOverlay().getSpec().getTopology().getNodes())
                    .containsExactly("n1", "n2", "n3", "n4", "ned-c1"));
  }
}
