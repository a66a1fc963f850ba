package io.l2sm.translator;

import com.fasterxml.jackson.databind.JsonNode;
import io.l2sm.api.v1.ProviderSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each VNF profile runs: its cluster (as L2S-M names it, e.g. {@code c1}) and optionally the
 * OSM VIM account of that cluster. Read from a YAML file:
 *
 * <pre>
 * provider: {name: lab-idco}        # optional: the IDCO joining the clusters
 * placement:
 *   origin: c1                      # short form: the cluster only
 *   cache: {cluster: c2, vim: campus2-edge}
 * </pre>
 *
 * @param document the file, for error positions
 * @param provider the IDCO for inter-cluster networks ({@value #DEFAULT_PROVIDER} when not given)
 * @param placement vnf-profile id → placement, in file order
 */
public record ClusterMap(
    LocatedDocument document, ProviderSpec provider, Map<String, Placement> placement) {

  /** The provider name used when the map names none: the lab's IDCO. */
  public static final String DEFAULT_PROVIDER = "lab-idco";

  private static final Set<String> TOP_KEYS = Set.of("provider", "placement");

  /**
   * Where one VNF profile runs.
   *
   * @param cluster the L2S-M cluster name (DNS-1123 label)
   * @param vim the OSM VIM account of that cluster; null when not given
   */
  public record Placement(String cluster, String vim) {}

  /** JSON path of a profile's entry, for messages. */
  public static String placementPath(String profile) {
    return JsonPaths.field("$.placement", profile);
  }

  /**
   * Reads and checks a cluster-map file.
   *
   * @throws InvalidInputException with every problem in the file
   */
  public static ClusterMap load(Path file) throws InvalidInputException {
    byte[] bytes;
    try {
      if (Files.isDirectory(file) || !Files.exists(file)) {
        throw new InvalidInputException(Problem.ofFile(file.toString(), "no such file"));
      }
      if (Files.size(file) > LocatedYamlReader.MAX_BYTES) {
        throw new InvalidInputException(
            LocatedYamlReader.tooLarge(file.toString(), Files.size(file)));
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidInputException(
          Problem.ofFile(file.toString(), "cannot read: " + e.getMessage()));
    }
    return parse(LocatedYamlReader.read(file.toString(), bytes));
  }

  static ClusterMap parse(LocatedDocument doc) throws InvalidInputException {
    List<Problem> problems = new ArrayList<>();
    JsonNode root = doc.root();
    if (!root.isObject()) {
      throw new InvalidInputException(
          doc.problemAt("$", "a cluster map is a mapping with 'placement' (and 'provider')"));
    }
    for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!TOP_KEYS.contains(key)) {
        problems.add(
            doc.problemAt(
                JsonPaths.field("$", key),
                "unknown key '" + key + "' (expected 'placement' and optionally 'provider')"));
      }
    }
    ProviderSpec provider = parseProvider(doc, problems);
    Map<String, Placement> placement = new LinkedHashMap<>();
    JsonNode placed = root.path("placement");
    if (!placed.isObject() || placed.isEmpty()) {
      problems.add(
          doc.problemAt("$.placement", "'placement' must map each vnf-profile id to its cluster"));
    } else {
      placed
          .fields()
          .forEachRemaining(
              e -> {
                Placement p = parsePlacement(doc, e.getKey(), e.getValue(), problems);
                if (p != null) {
                  placement.put(e.getKey(), p);
                }
              });
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return new ClusterMap(doc, provider, placement);
  }

  private static ProviderSpec parseProvider(LocatedDocument doc, List<Problem> problems) {
    JsonNode node = doc.root().path("provider");
    if (node.isMissingNode()) {
      return ProviderSpec.named(DEFAULT_PROVIDER);
    }
    String name = node.path("name").asText("");
    if (!node.isObject() || !Names.isDnsLabel(name)) {
      problems.add(
          doc.problemAt(
              "$.provider", "'provider' needs a 'name' that is a DNS-1123 label, e.g. lab-idco"));
      return null;
    }
    List<String> domain = new ArrayList<>();
    JsonNode domains = node.path("domain");
    if (domains.isTextual()) {
      domain.add(domains.asText());
    } else if (domains.isArray()) {
      domains.forEach(d -> domain.add(d.asText()));
    } else if (!domains.isMissingNode()) {
      problems.add(
          doc.problemAt("$.provider.domain", "'domain' must be an address or a list of them"));
    }
    return new ProviderSpec(name, domain);
  }

  private static Placement parsePlacement(
      LocatedDocument doc, String profile, JsonNode value, List<Problem> problems) {
    String path = placementPath(profile);
    String cluster;
    String vim = null;
    if (value.isTextual()) {
      cluster = value.asText();
    } else if (value.isObject()) {
      cluster = value.path("cluster").asText("");
      if (value.has("vim")) {
        vim = value.path("vim").asText("");
        if (vim.isEmpty()) {
          problems.add(doc.problemAt(path + ".vim", "'vim' must name an OSM VIM account"));
        }
      }
    } else {
      problems.add(
          doc.problemAt(path, "expected a cluster name or {cluster: NAME, vim: VIM-ACCOUNT}"));
      return null;
    }
    if (!Names.isDnsLabel(cluster)) {
      problems.add(
          doc.problemAt(
              value.isObject() ? path + ".cluster" : path,
              "cluster '" + cluster + "' is not a DNS-1123 label (e.g. c1)"));
      return null;
    }
    return new Placement(cluster, vim);
  }
}
