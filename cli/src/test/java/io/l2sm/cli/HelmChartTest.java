package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The production chart (helm-charts/l2sm) through the real Helm library: lint, templates with every
 * documented option, the schema's refusals, and what the rendered objects must hold.
 */
class HelmChartTest {
  static final Path CHART = Path.of("..", "helm-charts", "l2sm").toAbsolutePath().normalize();

  /** The documented option combinations (docs/install.md), as --set pairs. */
  static List<Map<String, Object>> combinations() {
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(Map.of());
    out.add(Map.of("agent.ovs.mode", "bundled"));
    out.add(Map.of("agent.datapath", "netdev", "agent.bfdIntervalMs", 0, "agent.mtu", 9000));
    out.add(
        Map.of(
            "controller.persistence.enabled", true, "controller.persistence.storageClass", "fast"));
    out.add(Map.of("adapter.enabled", true, "adapter.credentialsSecret", "osm-account"));
    out.add(
        Map.of(
            "adapter.enabled", true,
            "adapter.credentialsSecret", "osm-account",
            "adapter.tlsSecret", "adapter-tls",
            "adapter.service.type", "LoadBalancer"));
    out.add(Map.of("idco.enabled", true, "idco.tokensSecret", "idco-tokens"));
    out.add(Map.of("operator.providerTokenSecret", "idco-token"));
    out.add(EDGE_DEVICE);
    out.add(Map.of("networkPolicy.nodeCidrs[0]", "10.0.0.0/24"));
    out.add(Map.of("networkPolicy.enabled", false));
    out.add(
        Map.of(
            "logging.format",
            "json",
            "logging.level",
            "debug",
            "adapter.enabled",
            true,
            "adapter.credentialsSecret",
            "osm-account",
            "idco.enabled",
            true,
            "idco.tokensSecret",
            "idco-tokens"));
    out.add(Map.of("operator.webhook.enabled", false));
    out.add(Map.of("operator.webhook.failurePolicy", "Ignore", "operator.webhook.port", 8443));
    out.add(
        Map.of(
            "overlay.links[0].endpointA", "node-1",
            "overlay.links[0].endpointB", "node-2",
            "agent.nodeSelector.l2sm", "yes",
            "image.tag", "0.1.0-test"));
    return out;
  }

  /** A cluster that holds its edge device and the IDCO, reached at a node's ports. */
  static final Map<String, Object> EDGE_DEVICE =
      Map.ofEntries(
          Map.entry("edgeDevice.enabled", true),
          Map.entry("edgeDevice.object", "default/ned-c1"),
          Map.entry("edgeDevice.idco.grpc", "10.0.0.5:30660"),
          Map.entry("edgeDevice.idco.openflow", "10.0.0.5:30663"),
          Map.entry("idco.enabled", true),
          Map.entry("idco.tokensSecret", "idco-tokens"),
          Map.entry("idco.service.type", "NodePort"),
          Map.entry("idco.service.nodePorts.grpc", 30660),
          Map.entry("idco.service.nodePorts.openflow", 30663),
          Map.entry("idco.externalAddresses[0]", "10.0.0.5"),
          Map.entry("agent.ovs.mode", "bundled"));

  /**
   * Credentials as Secrets the user made (tls.mode=secrets): the Helm library renders as a client
   * of a cluster, so the generating mode's lookups need one (a real install does it).
   */
  static final Map<String, Object> USER_SECRETS =
      Map.of(
          "tls.mode", "secrets",
          "tls.secrets.controller", "c-tls",
          "tls.secrets.operator", "o-tls",
          "tls.secrets.adapter", "a-tls",
          "tls.secrets.idco", "i-tls",
          "tls.secrets.agents", "agents-tls",
          "tls.secrets.webhook", "w-tls",
          "operator.webhook.caBundle", "Q0E=");

  static List<HasMetadata> render(Map<String, Object> values) {
    TemplateCommand t = new Helm(CHART).template().withName("l2sm").withNamespace("l2sm-system");
    if (!values.containsKey("tls.mode")) {
      USER_SECRETS.forEach(t::set);
    }
    values.forEach(t::set);
    String manifests = t.call();
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : manifests.split("(?m)^---\\s*$")) {
      if (doc.strip().isEmpty() || doc.strip().lines().allMatch(l -> l.startsWith("#"))) {
        continue;
      }
      out.add(
          Serialization.unmarshal(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8))));
    }
    return out;
  }

  static List<Map.Entry<String, PodSpec>> pods(List<HasMetadata> objects) {
    List<Map.Entry<String, PodSpec>> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (o instanceof Deployment d) {
        out.add(Map.entry(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
      } else if (o instanceof DaemonSet d) {
        out.add(Map.entry(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
      }
    }
    return out;
  }

  /** Every part's pod template: its component label, annotations and ports by name. */
  record PodTemplate(
      String component, Map<String, String> annotations, Map<String, Integer> ports) {}

  static List<PodTemplate> podTemplates(List<HasMetadata> objects) {
    List<PodTemplate> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      io.fabric8.kubernetes.api.model.PodTemplateSpec t =
          o instanceof Deployment d
              ? d.getSpec().getTemplate()
              : o instanceof DaemonSet d ? d.getSpec().getTemplate() : null;
      if (t == null) {
        continue;
      }
      Map<String, Integer> ports = new LinkedHashMap<>();
      t.getSpec().getContainers().stream()
          .flatMap(c -> c.getPorts().stream())
          .forEach(p -> ports.put(p.getName(), p.getContainerPort()));
      out.add(
          new PodTemplate(
              t.getMetadata().getLabels().get("app.kubernetes.io/component"),
              t.getMetadata().getAnnotations() == null
                  ? Map.of()
                  : t.getMetadata().getAnnotations(),
              ports));
    }
    return out;
  }

  @Test
  void everyPartIsScrapedThroughAnnotationsOrPodMonitorsNeverBoth() throws Exception {
    Map<String, Object> all = new LinkedHashMap<>(EDGE_DEVICE);
    all.put("adapter.enabled", true);
    all.put("adapter.credentialsSecret", "osm-account");
    all.put("adapter.tlsSecret", "adapter-tls");
    // Without the Prometheus operator's CRD ("auto", as here): annotations, on the port that
    // serves /metrics (the probes' port; the adapter's REST port, over HTTPS with its TLS).
    List<PodTemplate> annotated = podTemplates(render(all));
    assertThat(annotated)
        .extracting(PodTemplate::component)
        .contains("controller", "operator", "agent", "idco", "edge-device", "adapter");
    for (PodTemplate p : annotated) {
      String port = p.component().equals("adapter") ? "rest" : "http";
      assertThat(p.annotations())
          .as(p.component())
          .containsEntry("prometheus.io/scrape", "true")
          .containsEntry("prometheus.io/path", "/metrics")
          .containsEntry("prometheus.io/port", String.valueOf(p.ports().get(port)))
          .containsEntry(
              "prometheus.io/scheme", p.component().equals("adapter") ? "https" : "http");
    }
    assertThat(render(all)).noneMatch(o -> o.getKind().equals("PodMonitor"));

    // With PodMonitors: no annotations, and every part is selected by exactly one PodMonitor.
    all.put("metrics.podMonitor", "on");
    List<HasMetadata> objects = render(all);
    assertThat(podTemplates(objects))
        .allSatisfy(
            p ->
                assertThat(p.annotations())
                    .as(p.component())
                    .doesNotContainKey("prometheus.io/scrape"));
    List<GenericKubernetesResource> monitors =
        objects.stream()
            .filter(o -> o.getKind().equals("PodMonitor"))
            .map(GenericKubernetesResource.class::cast)
            .toList();
    assertThat(monitors).hasSize(2);
    String parts = Serialization.asJson(monitors.get(0).getAdditionalProperties());
    assertThat(parts)
        .contains("[\"controller\",\"operator\",\"agent\",\"idco\",\"edge-device\"]")
        .contains("\"port\":\"http\"");
    assertThat(Serialization.asJson(monitors.get(1).getAdditionalProperties()))
        .contains("\"app.kubernetes.io/component\":\"adapter\"")
        .contains("\"port\":\"rest\"")
        .contains("\"scheme\":\"https\"")
        .contains("\"serverName\":\"l2sm-adapter.l2sm-system.svc\"");

    // The dashboard, for Grafana's sidecar, only when asked for: the chart's file as it is.
    assertThat(objects).noneMatch(o -> o.getMetadata().getName().endsWith("-dashboard"));
    all.put("metrics.grafanaDashboard", true);
    ConfigMap dashboard =
        render(all).stream()
            .filter(
                o -> o instanceof ConfigMap && o.getMetadata().getName().equals("l2sm-dashboard"))
            .map(ConfigMap.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData().get("l2sm.json"))
        .isEqualTo(Files.readString(CHART.resolve("dashboards/l2sm.json")).strip());

    // Off: neither.
    all.put("metrics.enabled", false);
    objects = render(all);
    assertThat(objects).noneMatch(o -> o.getKind().equals("PodMonitor"));
    assertThat(podTemplates(objects))
        .allSatisfy(p -> assertThat(p.annotations()).doesNotContainKey("prometheus.io/scrape"));
  }

  @Test
  void lintPassesStrictly() {
    LintResult r = new Helm(CHART).lint().strict().call();
    assertThat(r.isFailed()).as(String.join("\n", r.getMessages())).isFalse();
  }

  @ParameterizedTest
  @MethodSource("combinations")
  void everyCombinationRendersValidObjectsWithCommandsTheCliAccepts(Map<String, Object> values) {
    List<HasMetadata> objects = render(values);
    assertThat(objects).isNotEmpty();
    Map<String, String> args = new LinkedHashMap<>();
    for (HasMetadata o : objects) {
      // Every object is a known kind of the fabric8 model (Overlay: the project's own CRD).
      if (!o.getKind().equals("Overlay")) {
        assertThat(o)
            .as(o.getKind() + " " + o.getMetadata().getName())
            .isNotInstanceOf(GenericKubernetesResource.class);
      }
      if (o instanceof ConfigMap c) {
        args.putAll(c.getData());
      }
    }
    for (var pod : pods(objects)) {
      for (Container c : pod.getValue().getContainers()) {
        if (!List.of("l2sm").equals(c.getCommand())) {
          assertThat(c.getCommand().get(0)).startsWith("/usr/share/l2sm/"); // bundled OVS
          continue;
        }
        // What the container runs, with its args file expanded and $(VARS) given values,
        // parses with the real command line: the subcommand and every flag exist.
        List<String> argv = new ArrayList<>();
        for (String a : c.getArgs()) {
          if (a.startsWith("@/etc/l2sm/")) {
            String file = args.get(a.substring("@/etc/l2sm/".length()));
            assertThat(file).as(a).isNotNull();
            file.lines().filter(l -> !l.isBlank()).forEach(argv::add);
          } else {
            argv.add(a.replaceAll("\\$\\([A-Z_]+\\)", "10.0.0.1"));
          }
        }
        CommandLine cli = Main.newCommandLine();
        CommandLine.ParseResult parsed = cli.parseArgs(argv.toArray(String[]::new));
        assertThat(parsed.hasSubcommand()).as(argv.toString()).isTrue();
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo(c.getArgs().get(0));
        // Every part says when it is alive and ready; those the data plane waits for (all but
        // the adapter) are probed every 2 s, so a replaced one is back in its Service quickly.
        assertThat(c.getLivenessProbe()).as(pod.getKey()).isNotNull();
        assertThat(c.getLivenessProbe().getTimeoutSeconds()).as(pod.getKey()).isEqualTo(5);
        // A slow start is not a failure: liveness counts once the start-up probe has passed.
        assertThat(c.getStartupProbe()).as(pod.getKey()).isNotNull();
        assertThat(
                c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold())
            .as(pod.getKey())
            .isGreaterThanOrEqualTo(120);
        assertThat(c.getReadinessProbe()).as(pod.getKey()).isNotNull();
        if (!"adapter".equals(c.getArgs().get(0))) {
          assertThat(c.getReadinessProbe().getPeriodSeconds()).as(pod.getKey()).isEqualTo(2);
        }
      }
    }
  }

  @Test
  void theEdgeDeviceRunsAloneOnItsNodeUnderTheIdcoAndTheAgentsStayOff() {
    List<HasMetadata> objects = render(EDGE_DEVICE);
    Map<String, PodSpec> pods = new LinkedHashMap<>();
    pods(objects).forEach(e -> pods.put(e.getKey(), e.getValue()));
    String label = io.l2sm.api.v1.Annotations.EDGE_DEVICE_NODE_LABEL;
    PodSpec ned = pods.get("l2sm-edge-device");
    assertThat(ned).as(pods.keySet().toString()).isNotNull();
    assertThat(ned.getNodeSelector()).containsExactly(Map.entry(label, "true"));
    assertThat(ned.getTolerations()).anyMatch(t -> label.equals(t.getKey()));
    Container c = ned.getContainers().get(0);
    assertThat(c.getArgs())
        .contains(
            "--edge-device=default/ned-c1",
            "--controller=10.0.0.5:30660",
            "--openflow-target=ssl:10.0.0.5:30663",
            "--kubeconfig=in-cluster");
    // Its credentials are the agents' (agent:NODE, its node's), and its Open vSwitch the bundled
    // one.
    assertThat(ned.getVolumes())
        .anyMatch(
            v ->
                v.getName().equals("credentials")
                    && v.getSecret().getSecretName().equals("agents-tls"));
    assertThat(ned.getContainers()).extracting(Container::getName).contains("ovsdb", "vswitchd");
    // The node agents' DaemonSet never lands on a device's node.
    var terms =
        pods.get("l2sm-agent")
            .getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    assertThat(terms)
        .allMatch(
            term ->
                term.getMatchExpressions().stream()
                    .anyMatch(
                        e -> e.getKey().equals(label) && e.getOperator().equals("DoesNotExist")));
    // The IDCO's ports are the fixed node ports the devices of other clusters dial.
    io.fabric8.kubernetes.api.model.Service idco =
        objects.stream()
            .filter(o -> o instanceof io.fabric8.kubernetes.api.model.Service)
            .map(o -> (io.fabric8.kubernetes.api.model.Service) o)
            .filter(s -> s.getMetadata().getName().equals("l2sm-idco"))
            .findFirst()
            .orElseThrow();
    assertThat(idco.getSpec().getType()).isEqualTo("NodePort");
    assertThat(idco.getSpec().getPorts())
        .extracting(p -> p.getName() + "=" + p.getNodePort())
        .containsExactly("openflow=30663", "grpc=30660", "rest=null");
  }

  @ParameterizedTest
  @MethodSource("combinations")
  void onlyTheAgentsArePrivilegedAndSecretsAreNeverLiterals(Map<String, Object> values) {
    List<HasMetadata> objects = render(values);
    for (var pod : pods(objects)) {
      // The node agents and the edge device (an agent in its edge role) drive Open vSwitch.
      boolean agent = pod.getKey().endsWith("-agent") || pod.getKey().endsWith("-edge-device");
      for (Container c : pod.getValue().getContainers()) {
        boolean privileged =
            c.getSecurityContext() != null
                && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged());
        assertThat(privileged).as(pod.getKey() + "/" + c.getName()).isEqualTo(agent);
        if (!agent) {
          assertThat(pod.getValue().getSecurityContext().getRunAsNonRoot()).isTrue();
          assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
          assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        }
        for (EnvVar e : c.getEnv()) {
          // Only references (downward API, Secrets), no literal values.
          assertThat(e.getValue()).as(e.getName()).isNull();
        }
        for (String a : c.getArgs()) {
          assertThat(a.toLowerCase()).doesNotContain("password=").doesNotContain("token=");
        }
      }
      assertThat(pod.getValue().getHostNetwork() == Boolean.TRUE).isEqualTo(agent);
    }
    for (HasMetadata o : objects) {
      if (o instanceof ConfigMap c) {
        c.getData()
            .values()
            .forEach(v -> assertThat(v).doesNotContain("password").doesNotContain("token"));
      }
      assertThat(o.getKind()).isNotEqualTo("Secret"); // credentials come from the user's Secrets
    }
  }

  static String rules(ClusterRole r) {
    List<String> out = new ArrayList<>();
    for (PolicyRule p : r.getRules()) {
      out.add(p.getApiGroups() + " " + p.getResources() + " " + p.getVerbs());
    }
    return String.join("\n", out);
  }

  @Test
  void rbacIsExactlyAsDocumented() {
    Map<String, ClusterRole> roles = new LinkedHashMap<>();
    Map<String, Object> everyPart = new LinkedHashMap<>(EDGE_DEVICE);
    everyPart.put("adapter.enabled", true);
    everyPart.put("adapter.credentialsSecret", "a");
    for (HasMetadata o : render(everyPart)) {
      if (o instanceof ClusterRole r) {
        roles.put(r.getMetadata().getName(), r);
      }
    }
    assertThat(roles).containsOnlyKeys("l2sm-operator", "l2sm-agent", "l2sm-edge-device");
    // The table in docs/install.md, rule by rule, is what the chart grants.
    Map<String, List<String>> documented = new LinkedHashMap<>();
    java.util.regex.Pattern row =
        java.util.regex.Pattern.compile(
            "^\\| (operator|agent|edge-device) \\| (.+?): ([a-z, ]+) \\|");
    String group = null;
    for (String line : readDocs().lines().toList()) {
      java.util.regex.Matcher m = row.matcher(line);
      if (!m.find()) {
        continue;
      }
      List<String> words = new ArrayList<>();
      java.util.regex.Matcher q = java.util.regex.Pattern.compile("`([^`]+)`").matcher(m.group(2));
      while (q.find()) {
        words.add(q.group(1));
      }
      String head = m.group(2).startsWith("core ") ? "" : null;
      List<String> resources = new ArrayList<>(words);
      if (head != null) {
        group = "";
      } else if (words.get(0).contains(".")) {
        group = words.get(0);
        resources.remove(0);
      }
      documented
          .computeIfAbsent(m.group(1), k -> new ArrayList<>())
          .add("[" + group + "] " + resources + " [" + m.group(3).strip() + "]");
    }
    assertThat(rules(roles.get("l2sm-operator")))
        .isEqualTo(String.join("\n", documented.get("operator")));
    assertThat(rules(roles.get("l2sm-agent")))
        .isEqualTo(String.join("\n", documented.get("agent")));
    assertThat(rules(roles.get("l2sm-edge-device")))
        .isEqualTo(String.join("\n", documented.get("edge-device")));
  }

  static String readDocs() {
    try {
      return java.nio.file.Files.readString(CHART.resolve("../../docs/install.md").normalize());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void thePodWebhookSendsLabelledPodsAtCreationToTheOperatorOverTheCaItTrusts() {
    List<HasMetadata> objects = render(Map.of());
    var hooks =
        objects.stream()
            .filter(
                o ->
                    o
                        instanceof
                        io.fabric8.kubernetes.api.model.admissionregistration.v1
                            .MutatingWebhookConfiguration)
            .map(
                o ->
                    (io.fabric8.kubernetes.api.model.admissionregistration.v1
                            .MutatingWebhookConfiguration)
                        o)
            .toList();
    assertThat(hooks).hasSize(1);
    var hook = hooks.get(0).getWebhooks().get(0);
    assertThat(hook.getObjectSelector().getMatchLabels())
        .containsExactly(Map.entry("l2sm", "true"));
    assertThat(hook.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getOperations()).containsExactly("CREATE");
              assertThat(r.getResources()).containsExactly("pods");
            });
    assertThat(hook.getFailurePolicy()).isEqualTo("Fail");
    assertThat(hook.getSideEffects()).isEqualTo("None");
    assertThat(hook.getClientConfig().getCaBundle()).isEqualTo("Q0E=");
    var ref = hook.getClientConfig().getService();
    // It names the operator's Service, whose port leads to the container port the operator serves
    // the webhook on, with the path the operator serves.
    assertThat(ref.getPath()).isEqualTo(io.l2sm.operator.PodWebhook.PATH);
    io.fabric8.kubernetes.api.model.Service svc =
        objects.stream()
            .filter(o -> o instanceof io.fabric8.kubernetes.api.model.Service)
            .map(o -> (io.fabric8.kubernetes.api.model.Service) o)
            .filter(x -> x.getMetadata().getName().equals(ref.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(svc.getMetadata().getNamespace()).isEqualTo(ref.getNamespace());
    var port =
        svc.getSpec().getPorts().stream()
            .filter(x -> x.getPort().equals(ref.getPort()))
            .findFirst()
            .orElseThrow();
    PodSpec operator =
        pods(objects).stream()
            .filter(e -> e.getKey().equals("l2sm-operator"))
            .findFirst()
            .orElseThrow()
            .getValue();
    Container c = operator.getContainers().get(0);
    var served =
        c.getPorts().stream()
            .filter(x -> x.getName().equals(port.getTargetPort().getStrVal()))
            .findFirst()
            .orElseThrow();
    assertThat(c.getArgs()).contains("--webhook=:" + served.getContainerPort());
    assertThat(svc.getSpec().getSelector())
        .isEqualTo(
            objects.stream()
                .filter(
                    o ->
                        o instanceof Deployment d
                            && o.getMetadata().getName().equals("l2sm-operator"))
                .map(o -> ((Deployment) o).getSpec().getTemplate().getMetadata().getLabels())
                .findFirst()
                .orElseThrow());
    // Off: no webhook, no Service, no flag.
    List<HasMetadata> off = render(Map.of("operator.webhook.enabled", false));
    assertThat(off).noneMatch(o -> o.getKind().equals("MutatingWebhookConfiguration"));
    assertThat(off)
        .noneMatch(
            o ->
                o.getMetadata().getName().equals("l2sm-operator") && o.getKind().equals("Service"));
  }

  @Test
  void wrongValuesAreRefusedByTheSchemaWithTheirPath() {
    assertThatThrownBy(() -> render(Map.of("controler.grpcPort", 1)))
        .hasMessageContaining("controler");
    assertThatThrownBy(() -> render(Map.of("agent.datapath", "kernel")))
        .hasMessageContaining("agent.datapath");
    assertThatThrownBy(() -> render(Map.of("agent.mtu", 100))).hasMessageContaining("agent.mtu");
    assertThatThrownBy(() -> render(Map.of("logging.format", "xml")))
        .hasMessageContaining("logging.format");
    assertThatThrownBy(() -> render(Map.of("controller.vniRange", "lots")))
        .hasMessageContaining("controller.vniRange");
    assertThatThrownBy(() -> render(Map.of("adapter.enabled", true)))
        .hasMessageContaining("adapter.credentialsSecret");
    assertThatThrownBy(() -> render(Map.of("tls.mode", "off"))).hasMessageContaining("tls.mode");
    assertThatThrownBy(() -> render(Map.of("tls.mode", "secrets")))
        .hasMessageContaining("is required with tls.mode=secrets");
    assertThatThrownBy(() -> render(Map.of("networkPolicy.nodeCidrs[0]", "nodes")))
        .hasMessageContaining("networkPolicy.nodeCidrs");
    assertThatThrownBy(() -> render(Map.of("operator.webhook.failurePolicy", "Sometimes")))
        .hasMessageContaining("operator.webhook.failurePolicy");
    assertThatThrownBy(() -> render(Map.of("operator.webhook.caBundle", "")))
        .hasMessageContaining("operator.webhook.caBundle is required");
    assertThatThrownBy(() -> render(Map.of("edgeDevice.enabled", true)))
        .hasMessageContaining("edgeDevice");
    assertThatThrownBy(
            () ->
                render(
                    Map.of(
                        "edgeDevice.enabled", true,
                        "edgeDevice.object", "ned-c1",
                        "edgeDevice.idco.grpc", "idco:1",
                        "edgeDevice.idco.openflow", "10.0.0.1:2")))
        .hasMessageContaining("edgeDevice.object");
    assertThatThrownBy(() -> render(Map.of("idco.service.nodePorts.grpc", 70000)))
        .hasMessageContaining("idco.service.nodePorts.grpc");
  }
}
