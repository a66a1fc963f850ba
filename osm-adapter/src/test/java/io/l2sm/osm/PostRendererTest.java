package io.l2sm.osm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.l2sm.api.v1.Annotations;
import io.l2sm.osm.render.PlanSelection;
import io.l2sm.osm.render.PostRenderer;
import io.l2sm.translator.plan.Plan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The post-renderer on charts rendered by the real Helm (helm-java's native library). */
class PostRendererTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path EXAMPLES = Path.of("..", "nsd-examples");

  static List<JsonNode> docs(String manifests) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode d : YAML.readValues(YAML.createParser(manifests), JsonNode.class).readAll()) {
      if (d != null && !d.isNull() && !d.isMissingNode()) {
        out.add(d);
      }
    }
    return out;
  }

  static Plan plan(String example) throws Exception {
    return JSON.readValue(
        EXAMPLES.resolve(example).resolve("expected/plan.json").toFile(), Plan.class);
  }

  static String render(Path chart, String release) {
    return new Helm(chart).template().withName(release).withNamespace("osm").call();
  }

  /** The pod template's annotations of a workload document, or null. */
  static JsonNode podAnnotations(JsonNode doc) {
    return switch (doc.path("kind").asText()) {
      case "Pod" -> doc.path("metadata").path("annotations");
      case "CronJob" -> doc.at("/spec/jobTemplate/spec/template/metadata/annotations");
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" ->
          doc.at("/spec/template/metadata/annotations");
      default -> null;
    };
  }

  /** The document without the networks annotation (and an annotations map it left empty). */
  static JsonNode withoutNetworks(JsonNode doc) {
    ObjectNode copy = (ObjectNode) doc.deepCopy();
    JsonNode a = podAnnotations(copy);
    if (a != null && a.isObject()) {
      ((ObjectNode) a).remove(Annotations.NETWORKS);
      if (a.isEmpty()) {
        String path =
            switch (copy.path("kind").asText()) {
              case "Pod" -> "/metadata";
              case "CronJob" -> "/spec/jobTemplate/spec/template/metadata";
              default -> "/spec/template/metadata";
            };
        ObjectNode meta = (ObjectNode) copy.at(path);
        meta.remove("annotations");
        if (meta.isEmpty() && !path.equals("/metadata")) {
          ((ObjectNode) copy.at(path.substring(0, path.lastIndexOf('/')))).remove("metadata");
        }
      }
    }
    return copy;
  }

  @Test
  void thePingChartOfTheExampleGetsExactlyThePlansNetworks() throws Exception {
    Plan plan = plan("ping-pong");
    String in =
        render(EXAMPLES.resolve("ping-pong/ping_knf/helm-chart-v3s/ping"), "ping-1234567890");
    PostRenderer.Result r = new PostRenderer(PlanSelection.annotation(plan, "ping")).render(in);
    assertThat(r.podTemplates()).isEqualTo(1);
    List<JsonNode> out = docs(r.manifests());
    assertThat(out).hasSize(1);
    assertThat(JSON.readTree(podAnnotations(out.get(0)).path(Annotations.NETWORKS).asText()))
        .isEqualTo(
            JSON.readTree(
                "[{\"name\":\"ping-pong-datanet\",\"interface\":\"net-data-ext\"},"
                    + "{\"name\":\"ping-pong-p2p\",\"interface\":\"net-p2p-ext\"}]"));
    // Equal to what the translator's Helm values give the same chart.
    String viaValues =
        new Helm(EXAMPLES.resolve("ping-pong/ping_knf/helm-chart-v3s/ping"))
            .template()
            .withName("ping-1234567890")
            .withNamespace("osm")
            .withValuesFile(EXAMPLES.resolve("ping-pong/expected/kdu-values/ping-ping.yaml"))
            .call();
    assertThat(podAnnotations(out.get(0))).isEqualTo(podAnnotations(docs(viaValues).get(0)));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"ping-pong", "multi-vim", "smart-campus"})
  void everyKduOfTheExamplesGetsWhatItsTranslatedHelmValuesWouldGiveIt(String example)
      throws Exception {
    Plan plan = plan(example);
    Path root = EXAMPLES.resolve(example);
    int checked = 0;
    java.util.Set<String> done = new java.util.HashSet<>();
    for (var a : plan.attachments()) {
      String stem = io.l2sm.translator.Renderer.valuesStem(a.vnfProfile(), a.kdu());
      Path values = root.resolve("expected/kdu-values/" + stem + ".yaml");
      if (!done.add(stem)) {
        continue;
      }
      Path chart;
      String chartName = chartOf(root, a.vnfd(), a.kdu());
      try (var found = java.nio.file.Files.walk(root)) {
        chart =
            found
                .filter(p -> p.getFileName().toString().equals("Chart.yaml"))
                .map(Path::getParent)
                .filter(p -> p.getParent().getFileName().toString().equals("helm-chart-v3s"))
                .filter(p -> p.getFileName().toString().equals(chartName))
                .findFirst()
                .orElseThrow();
      }
      String release = stem.replace('_', '-');
      String in = render(chart, release);
      PostRenderer.Result r =
          new PostRenderer(PlanSelection.annotation(plan, a.vnfProfile() + "/" + a.kdu()))
              .render(in);
      String viaValues =
          new Helm(chart)
              .template()
              .withName(release)
              .withNamespace("osm")
              .withValuesFile(values)
              .call();
      List<JsonNode> got = docs(r.manifests());
      List<JsonNode> want = docs(viaValues);
      assertThat(got).as(stem).hasSameSizeAs(want);
      for (int i = 0; i < got.size(); i++) {
        JsonNode g = podAnnotations(got.get(i));
        if (g != null) {
          assertThat(JSON.readTree(g.path(Annotations.NETWORKS).asText()))
              .as(stem)
              .isEqualTo(
                  JSON.readTree(podAnnotations(want.get(i)).path(Annotations.NETWORKS).asText()));
        }
      }
      checked++;
    }
    assertThat(checked).isEqualTo(done.size());
  }

  /** The helm-chart a VNFD of the example gives a KDU. */
  static String chartOf(Path root, String vnfd, String kdu) throws Exception {
    try (var found = java.nio.file.Files.walk(root)) {
      for (Path p : found.filter(f -> f.toString().endsWith("_vnfd.yaml")).toList()) {
        JsonNode d = YAML.readTree(p.toFile()).path("vnfd");
        if (d.path("id").asText().equals(vnfd)) {
          for (JsonNode k : d.path("kdu")) {
            if (k.path("name").asText().equals(kdu)) {
              String c = k.path("helm-chart").asText();
              return c.substring(c.lastIndexOf('/') + 1);
            }
          }
        }
      }
    }
    throw new IllegalStateException("no KDU " + kdu + " in " + vnfd);
  }

  @Test
  void everyWorkloadKindIsAnnotatedAndEverythingElseIsLeftAsItWas() throws Exception {
    Path chart = Path.of("src/test/resources/charts/every-kind");
    String in = render(chart, "kinds");
    String annotation = "[{\"name\":\"ping-pong-datanet\",\"interface\":\"net-data-ext\"}]";
    PostRenderer.Result r = new PostRenderer(annotation).render(in);
    List<JsonNode> before = docs(in);
    List<JsonNode> after = docs(r.manifests());
    assertThat(after).hasSameSizeAs(before);
    assertThat(r.podTemplates()).isEqualTo(7);
    for (int i = 0; i < before.size(); i++) {
      JsonNode b = before.get(i);
      JsonNode a = after.get(i);
      String kind = b.path("kind").asText();
      JsonNode ann = podAnnotations(a);
      if (ann == null) {
        assertThat(a).as(kind).isEqualTo(b); // Service, ConfigMap: untouched
        continue;
      }
      List<String> names = new ArrayList<>();
      JSON.readTree(ann.path(Annotations.NETWORKS).asText())
          .forEach(e -> names.add(e.path("name").asText()));
      if (kind.equals("StatefulSet")) {
        assertThat(names).as(kind).containsExactly("chart-own-net", "ping-pong-datanet");
      } else {
        assertThat(names).as(kind).containsExactly("ping-pong-datanet");
        assertThat(withoutNetworks(a)).as(kind).isEqualTo(withoutNetworks(b));
      }
      if (kind.equals("Pod")) {
        assertThat(ann.path("team").asText()).isEqualTo("net");
      }
    }
    // Documents without pods are passed through as the same text.
    String svc = in.substring(in.indexOf("# Source: every-kind/templates/others.yaml"));
    assertThat(r.manifests())
        .contains(svc.substring(0, svc.indexOf("---") > 0 ? svc.indexOf("---") : svc.length()));
    // Rendering again changes nothing more.
    assertThat(new PostRenderer(annotation).render(r.manifests()).manifests())
        .isEqualTo(r.manifests());
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    assertThatThrownBy(
            () ->
                new PostRenderer("[]")
                    .render("kind: Pod\n---\nkind: Deployment\nmetadata: {name: [unclosed\n"))
        .isInstanceOf(PostRenderer.RenderException.class)
        .hasMessageStartingWith("document 2 of the manifests is not YAML: ");
    assertThatThrownBy(
            () ->
                new PostRenderer("[{\"name\":\"a\"}]")
                    .render("kind: Deployment\nmetadata: {name: x}\nspec: {replicas: 1}\n"))
        .hasMessage("document 1 (Deployment x) has no pod template");
    assertThatThrownBy(() -> new PostRenderer("{\"name\":\"a\"}"))
        .hasMessage("the requested networks must be a JSON list of {\"name\": ...}");
    assertThatThrownBy(() -> PlanSelection.annotation(plan("ping-pong"), "nope"))
        .hasMessage("the plan has no KDU 'nope' with networks; its KDUs: ping/ping, pong/pong");
  }
}
