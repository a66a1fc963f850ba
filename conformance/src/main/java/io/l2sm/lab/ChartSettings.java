package io.l2sm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The processes' settings as the production chart ({@code helm-charts/l2sm}) installs them: the
 * chart is rendered with the real Helm library for the lab's values (userspace datapath, the
 * optional parts on) and its ConfigMap's args files are written out; the lab starts its controller,
 * operator, agents and IDCO with {@code @<file>}, so what runs in the lab is what is installed.
 */
public final class ChartSettings {
  /**
   * The values the lab renders the chart with (docs/lab.md). Its credentials are Secrets it made
   * (tls.mode=secrets): the lab's own CA issues them ({@link Pki}).
   */
  public static final Map<String, Object> LAB_VALUES =
      Map.ofEntries(
          Map.entry("agent.datapath", "netdev"),
          Map.entry("adapter.enabled", true),
          Map.entry("adapter.credentialsSecret", "lab"),
          Map.entry("idco.enabled", true),
          Map.entry("idco.tokensSecret", "lab"),
          Map.entry("tls.mode", "secrets"),
          Map.entry("tls.secrets.controller", "lab-controller"),
          Map.entry("tls.secrets.operator", "lab-operator"),
          Map.entry("tls.secrets.adapter", "lab-adapter"),
          Map.entry("tls.secrets.idco", "lab-idco"),
          Map.entry("tls.secrets.agents", "lab-agents"),
          // The mock API server calls no admission webhooks; the lab's kubelet reads
          // l2sm/networks itself, as the webhook's result would have it.
          Map.entry("operator.webhook.enabled", false));

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ChartSettings() {}

  /** The chart: $L2SM_CHART, or helm-charts/l2sm of the checkout this code runs from. */
  public static Path chart() {
    String env = System.getenv("L2SM_CHART");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Optional<Path> chart = Checkout.find("helm-charts/l2sm/Chart.yaml");
    if (chart.isPresent()) {
      return chart.get().getParent();
    }
    throw new IllegalStateException(
        "cannot find the chart helm-charts/l2sm above this program; set L2SM_CHART");
  }

  /** Renders the chart and writes each args file of its ConfigMap into {@code dir}. */
  public static Path render(Path dir) throws IOException {
    var t = new Helm(chart()).template().withName("l2sm").withNamespace("l2sm-system");
    LAB_VALUES.forEach(t::set);
    String manifests = t.call();
    Files.createDirectories(dir);
    int files = 0;
    for (JsonNode doc : YAML.readValues(YAML.createParser(manifests), JsonNode.class).readAll()) {
      if (doc != null
          && doc.path("kind").asText().equals("ConfigMap")
          && doc.path("metadata").path("name").asText().endsWith("-config")) {
        for (var it = doc.path("data").fields(); it.hasNext(); ) {
          var e = it.next();
          Files.writeString(dir.resolve(e.getKey()), e.getValue().asText());
          files++;
        }
      }
    }
    if (files == 0) {
      throw new IllegalStateException("the chart " + chart() + " renders no settings ConfigMap");
    }
    return dir;
  }
}
