package io.l2sm.translator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.l2sm.api.v1.Annotations;
import io.l2sm.api.v1.L2smNetConfig;
import io.l2sm.api.v1.NetworkAttachmentDefinitionSpec;
import io.l2sm.api.v1.NetworkSelectionElement;
import io.l2sm.api.v1.ProviderSpec;
import io.l2sm.translator.plan.Plan;
import io.l2sm.translator.plan.PlannedAttachment;
import io.l2sm.translator.plan.PlannedNetwork;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Renders a plan as the files {@code l2sm translate} writes. Deterministic: the same plan gives
 * byte-identical files (fixed key order, no timestamps).
 */
public final class Renderer {
  public static final String NETWORKS = "networks.yaml";
  public static final String PLAN = "plan.json";
  public static final String NS_CONFIG = "ns-config.yaml";
  public static final String NED_LINKS = "ned-links.yaml";
  public static final String KDU_VALUES_DIR = "kdu-values";

  /** Helm value carrying pod annotations, the common chart convention. */
  public static final String POD_ANNOTATIONS_VALUE = "podAnnotations";

  private static final Pattern UNSAFE_FILE_CHARS = Pattern.compile("[^A-Za-z0-9._-]");

  static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .build());

  static final ObjectWriter JSON =
      new ObjectMapper()
          .writer(
              new DefaultPrettyPrinter(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                  .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                  .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private static final ObjectMapper COMPACT_JSON = new ObjectMapper();

  private Renderer() {}

  /**
   * The files of a translation, by relative path, sorted.
   *
   * @param clusterMap the cluster map used, or null; with one, {@value #NED_LINKS} is written
   */
  public static SortedMap<String, String> render(Plan plan, ClusterMap clusterMap) {
    SortedMap<String, String> files = new TreeMap<>();
    ProviderSpec provider = clusterMap == null ? null : clusterMap.provider();
    files.put(NETWORKS, networksFile(plan, clusterMap));
    files.put(PLAN, json(plan) + "\n");
    Map<String, Map<String, String>> annotations = podAnnotations(plan);
    for (Map.Entry<String, Map<String, String>> pod : annotations.entrySet()) {
      files.put(
          KDU_VALUES_DIR + "/" + pod.getKey() + ".yaml",
          "# Helm values for "
              + pod.getKey()
              + ": its pods join their L2S-M networks.\n"
              + yaml(Map.of(POD_ANNOTATIONS_VALUE, pod.getValue())));
    }
    files.put(NS_CONFIG, nsConfig(plan, clusterMap));
    if (clusterMap != null) {
      files.put(NED_LINKS, nedLinks(plan, provider));
    }
    return files;
  }

  /** The NPWG annotation value for the pods of one KDU: a JSON list, interface names included. */
  public static String networksAnnotation(List<PlannedAttachment> attachments) {
    List<NetworkSelectionElement> elements = new ArrayList<>();
    for (PlannedAttachment a : attachments) {
      elements.add(NetworkSelectionElement.of(a.network(), null, a.interfaceName()));
    }
    try {
      return COMPACT_JSON.writeValueAsString(elements);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The file-name stem of a KDU's values file: {@code <vnf-profile>-<kdu>}, file-safe. */
  public static String valuesStem(String vnfProfile, String kdu) {
    return UNSAFE_FILE_CHARS.matcher(vnfProfile + "-" + kdu).replaceAll("_");
  }

  private static Map<String, Map<String, String>> podAnnotations(Plan plan) {
    Map<String, Map<String, String>> byPod = new LinkedHashMap<>();
    for (String[] pod : pods(plan)) {
      byPod.put(
          valuesStem(pod[0], pod[1]),
          Map.of(Annotations.NETWORKS, networksAnnotation(plan.attachmentsOf(pod[0], pod[1]))));
    }
    return byPod;
  }

  /** Distinct (vnf-profile, kdu) pairs in plan order. */
  private static List<String[]> pods(Plan plan) {
    LinkedHashSet<List<String>> seen = new LinkedHashSet<>();
    plan.attachments().forEach(a -> seen.add(List.of(a.vnfProfile(), a.kdu())));
    return seen.stream().map(l -> new String[] {l.get(0), l.get(1)}).toList();
  }

  /**
   * The L2S-M NetworkAttachmentDefinitions of a plan, one per network, as plain Kubernetes objects
   * ({@value #NETWORKS} is their YAML): what an installer applies without reading that file back.
   *
   * @param clusterMap the cluster map used, or null; inter-cluster networks get its provider
   */
  public static List<GenericKubernetesResource> networkResources(Plan plan, ClusterMap clusterMap) {
    ProviderSpec provider = clusterMap == null ? null : clusterMap.provider();
    List<GenericKubernetesResource> out = new ArrayList<>();
    for (PlannedNetwork network : plan.networks()) {
      L2smNetConfig config = L2smNetConfig.of(network.name(), network.kind());
      Map<String, String> annotations = new TreeMap<>();
      annotations.put(Annotations.VLD_ANNOTATION, network.vld());
      if (network.interCluster()) {
        config = config.withProvider(provider);
        annotations.put(Annotations.CLUSTERS_ANNOTATION, String.join(",", network.clusters()));
      }
      // A NAD as plain data: the custom resource's class needs the Kubernetes client.
      GenericKubernetesResource nad = new GenericKubernetesResource();
      nad.setApiVersion(NetworkAttachmentDefinitionSpec.API_VERSION);
      nad.setKind(NetworkAttachmentDefinitionSpec.KIND);
      nad.setMetadata(
          new ObjectMetaBuilder()
              .withName(network.name())
              .withNamespace(plan.namespace())
              .withLabels(
                  new TreeMap<>(
                      Map.of(
                          Annotations.MANAGED_BY_LABEL,
                          "l2sm",
                          Annotations.NS_NAME_LABEL,
                          plan.nsName())))
              .withAnnotations(annotations)
              .build());
      nad.setAdditionalProperty("spec", new NetworkAttachmentDefinitionSpec(config.toJson()));
      out.add(nad);
    }
    return out;
  }

  /** The content of {@value #NETWORKS}: {@link #networkResources} as YAML documents. */
  public static String networksFile(Plan plan, ClusterMap clusterMap) {
    StringBuilder out =
        new StringBuilder(
            "# L2S-M networks of NS "
                + plan.nsName()
                + ", made by `l2sm translate`. Apply in each cluster that hosts its members.\n");
    for (GenericKubernetesResource nad : networkResources(plan, clusterMap)) {
      out.append("---\n").append(yaml(nad));
    }
    return out.toString();
  }

  private static String nsConfig(Plan plan, ClusterMap clusterMap) {
    Map<String, Object> doc = new LinkedHashMap<>();
    if (plan.namespace() != null) {
      doc.put("k8s-namespace", plan.namespace());
    }
    if (clusterMap != null) {
      List<Map<String, Object>> vnfs = new ArrayList<>();
      clusterMap
          .placement()
          .forEach(
              (profile, placement) -> {
                if (placement.vim() != null) {
                  vnfs.add(ordered("member-vnf-index", profile, "vim_account", placement.vim()));
                }
              });
      if (!vnfs.isEmpty()) {
        doc.put("vnf", vnfs);
      }
    }
    Map<String, List<Map<String, Object>>> kdusByProfile = new LinkedHashMap<>();
    for (String[] pod : pods(plan)) {
      Map<String, Object> kdu =
          ordered(
              "kdu_name",
              pod[1],
              "additionalParams",
              Map.of(
                  POD_ANNOTATIONS_VALUE,
                  Map.of(
                      Annotations.NETWORKS,
                      networksAnnotation(plan.attachmentsOf(pod[0], pod[1])))));
      if (plan.namespace() != null) {
        kdu.put("k8s-namespace", plan.namespace());
      }
      kdusByProfile.computeIfAbsent(pod[0], k -> new ArrayList<>()).add(kdu);
    }
    List<Map<String, Object>> vnfParams = new ArrayList<>();
    kdusByProfile.forEach(
        (profile, kdus) ->
            vnfParams.add(ordered("member-vnf-index", profile, "additionalParamsForKdu", kdus)));
    doc.put("additionalParamsForVnf", vnfParams);
    return "# osm ns-create --config-file ns-config.yaml: every KDU's pods join their virtual"
        + " links.\n"
        + yaml(doc);
  }

  private static String nedLinks(Plan plan, ProviderSpec provider) {
    List<Map<String, Object>> links = new ArrayList<>();
    for (PlannedNetwork network : plan.networks()) {
      if (network.interCluster()) {
        Map<String, Object> link =
            ordered("network", network.name(), "vld", network.vld(), "kind", network.kind());
        link.put("clusters", network.clusters());
        links.add(link);
      }
    }
    Map<String, Object> doc =
        ordered("nsName", plan.nsName(), "provider", provider, "networks", links);
    return "# Inter-cluster networks of NS "
        + plan.nsName()
        + ": each needs a port on the edge device (NED) of every cluster listed.\n"
        + yaml(doc);
  }

  private static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  static String yaml(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render YAML", e);
    }
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }
}
