package io.l2sm.osm.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.osm.helm.HelmException;
import io.l2sm.osm.render.Networks;
import io.l2sm.osm.render.PlanSelection;
import io.l2sm.translator.DescriptorResolver;
import io.l2sm.translator.DescriptorSet;
import io.l2sm.translator.InvalidInputException;
import io.l2sm.translator.Names;
import io.l2sm.translator.Renderer;
import io.l2sm.translator.TranslationOptions;
import io.l2sm.translator.Translator;
import io.l2sm.translator.plan.Plan;
import io.l2sm.translator.plan.PlannedKdu;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code l2sm osm deploy}: an NS package deployed without OSM. Translates it, applies its networks
 * to the cluster, installs each KDU's chart (from its VNF package's {@code helm-chart-v3s/}) with
 * the post-renderer, and records the deployment in ConfigMap {@code l2sm-osm-<ns name>} so that
 * {@code osm undeploy} removes exactly it.
 */
public final class NsDeployer {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  public static final String RECORD_PREFIX = "l2sm-osm-";

  /**
   * One KDU to install.
   *
   * @param profile its VNF profile
   * @param kdu its name
   * @param chart the chart folder
   * @param release the Helm release name
   * @param annotation the network requests of its pods ("" when it joins none)
   */
  public record Kdu(String profile, String kdu, Path chart, String release, String annotation) {
    public boolean joinsNetworks() {
      return !annotation.isEmpty();
    }
  }

  /**
   * A translated NS ready to deploy.
   *
   * @param networks the NS's NADs, applied as they are
   * @param networksYaml the same as the translator writes them, kept in the deployment's record
   */
  public record Prepared(
      Plan plan,
      List<NetworkAttachmentDefinition> networks,
      String networksYaml,
      String namespace,
      List<Kdu> kdus) {}

  private NsDeployer() {}

  /**
   * Translates the NS and finds each KDU's chart.
   *
   * @throws InvalidInputException for descriptors that do not translate
   * @throws IllegalArgumentException for a KDU whose chart is not in its package
   */
  public static Prepared prepare(Path nsd, List<Path> vnfds, TranslationOptions options)
      throws InvalidInputException {
    DescriptorSet input = DescriptorResolver.resolve(nsd, vnfds);
    Plan plan = Translator.translate(input, options);
    List<NetworkAttachmentDefinition> networks =
        Networks.of(Renderer.networkResources(plan, options.clusterMap()));
    String networksYaml = Renderer.networksFile(plan, options.clusterMap());
    List<Kdu> kdus = new ArrayList<>();
    for (PlannedKdu k : plan.kdus()) {
      String id = k.vnfProfile();
      String name = k.kdu();
      if (k.helmChart() == null) {
        throw new IllegalArgumentException(
            "KDU " + name + " of " + id + " has no helm-chart (juju bundles are not deployed)");
      }
      Path pkg =
          Path.of(input.vnfds().get(k.vnfd()).document().source()).toAbsolutePath().getParent();
      String chartRef = k.helmChart();
      String chartName = chartRef.substring(chartRef.lastIndexOf('/') + 1);
      Path chart =
          pkg == null ? Path.of(chartName) : pkg.resolve("helm-chart-v3s").resolve(chartName);
      if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
        throw new IllegalArgumentException(
            "KDU "
                + name
                + " of "
                + id
                + ": chart "
                + chartRef
                + " is not in its package ("
                + chart
                + "); give VNF packages as folders with helm-chart-v3s/ (repositories are not"
                + " fetched)");
      }
      String annotation = "";
      if (!plan.attachmentsOf(id, name).isEmpty()) {
        annotation = PlanSelection.annotation(plan, id + "/" + name);
      }
      kdus.add(new Kdu(id, name, chart, release(plan.nsName(), id, name), annotation));
    }
    String ns = plan.namespace() == null ? "default" : plan.namespace();
    return new Prepared(plan, networks, networksYaml, ns, kdus);
  }

  /** {@code <ns>-<profile>-<kdu>} as a DNS label of at most 53 characters (Helm's limit). */
  static String release(String ns, String profile, String kdu) {
    String raw = Names.toDnsLabel(ns + "-" + profile + "-" + kdu).orElse("kdu");
    if (raw.length() <= 53) {
      return raw;
    }
    String hash = Integer.toHexString(raw.hashCode() & 0x7fffffff);
    return raw.substring(0, 52 - hash.length()).replaceAll("-+$", "") + "-" + hash;
  }

  /**
   * Deploys: namespace, networks, then each KDU. When a KDU fails, the releases installed by this
   * run are removed again and the error is thrown.
   */
  public static void deploy(
      Prepared p,
      KubernetesClient client,
      Path kubeconfig,
      KduInstaller installer,
      PrintWriter progress)
      throws HelmException, IOException {
    String ns = p.namespace();
    if (client.namespaces().withName(ns).get() == null) {
      client
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    List<NetworkAttachmentDefinition> networks = p.networks();
    for (HasMetadata n : networks) {
      client.resource(n).inNamespace(ns).createOr(NonDeletingOperation::update);
    }
    progress.printf(
        "osm deploy: %d network(s) applied in namespace %s: %s%n",
        networks.size(),
        ns,
        String.join(", ", networks.stream().map(n -> n.getMetadata().getName()).toList()));
    progress.println("osm deploy: " + installer.describe());
    progress.flush();
    Path plan = Files.createTempFile("l2sm-plan-", ".json");
    List<Kdu> done = new ArrayList<>();
    try {
      JSON.writeValue(plan.toFile(), p.plan());
      for (Kdu k : p.kdus()) {
        progress.printf(
            "osm deploy: installing %s/%s as release %s (%s)%n",
            k.profile(),
            k.kdu(),
            k.release(),
            k.joinsNetworks() ? "networks " + k.annotation() : "no L2S-M networks");
        progress.flush();
        try {
          installer.install(k, ns, kubeconfig, plan);
        } catch (HelmException e) {
          for (Kdu d : done) {
            installer.uninstall(d.release(), ns, kubeconfig);
          }
          installer.uninstall(k.release(), ns, kubeconfig);
          throw new HelmException(
              e.getMessage()
                  + " (the "
                  + done.size()
                  + " release(s) installed before were removed)",
              e);
        }
        done.add(k);
      }
    } finally {
      Files.deleteIfExists(plan);
    }
    ConfigMap record =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(RECORD_PREFIX + p.plan().nsName())
            .withNamespace(ns)
            .endMetadata()
            .addToData("plan.json", JSON.writeValueAsString(p.plan()))
            .addToData("networks.yaml", p.networksYaml())
            .addToData("releases", String.join("\n", p.kdus().stream().map(Kdu::release).toList()))
            .build();
    client.resource(record).inNamespace(ns).createOr(NonDeletingOperation::update);
    progress.printf(
        "osm deploy: NS %s deployed: %d KDU release(s), record %s/%s%n",
        p.plan().nsName(), p.kdus().size(), ns, RECORD_PREFIX + p.plan().nsName());
    progress.flush();
  }

  /** Removes what {@link #deploy} recorded for NS {@code nsName} in {@code namespace}. */
  public static void undeploy(
      String nsName,
      String namespace,
      KubernetesClient client,
      Path kubeconfig,
      KduInstaller installer,
      PrintWriter progress)
      throws HelmException {
    ConfigMap record =
        client.configMaps().inNamespace(namespace).withName(RECORD_PREFIX + nsName).get();
    if (record == null) {
      throw new IllegalArgumentException(
          "no NS "
              + nsName
              + " deployed in namespace "
              + namespace
              + " (no ConfigMap "
              + RECORD_PREFIX
              + nsName
              + ")");
    }
    for (String release : record.getData().getOrDefault("releases", "").split("\n")) {
      if (!release.isBlank()) {
        installer.uninstall(release, namespace, kubeconfig);
        progress.println("osm undeploy: release " + release + " removed");
      }
    }
    List<HasMetadata> networks =
        new ArrayList<>(Networks.parse(record.getData().getOrDefault("networks.yaml", "")));
    for (HasMetadata n : networks) {
      client.resource(n).inNamespace(namespace).delete();
    }
    client.resource(record).delete();
    progress.printf("osm undeploy: NS %s removed (%d network(s))%n", nsName, networks.size());
    progress.flush();
  }
}
