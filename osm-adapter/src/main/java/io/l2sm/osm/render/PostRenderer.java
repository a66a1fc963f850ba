package io.l2sm.osm.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.l2sm.api.v1.Annotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Helm post-renderer's transformation: adds L2S-M network requests (the NPWG annotation {@value
 * Annotations#NETWORKS}) to every pod template of a release's manifests. Documents it does not
 * change are passed through byte for byte; the ones it changes are re-serialised (same content,
 * plus the annotation). Networks the chart already requests are kept; a network requested twice
 * appears once.
 */
public final class PostRenderer {
  /** Kinds whose pods come from {@code spec.template}. */
  static final Set<String> TEMPLATED =
      Set.of(
          "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController");

  private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$");

  /**
   * A document whose top-level kind is none of these (say a ConfigMap or a Service) is passed on
   * without being parsed: most of a release's text is not pods.
   */
  private static final Pattern MAYBE_PODS =
      Pattern.compile(
          "(?m)^[\"']?kind[\"']?\\s*:\\s*[\"']?(Deployment|StatefulSet|DaemonSet|ReplicaSet|Job"
              + "|ReplicationController|CronJob|Pod|List)[\"']?\\s*(#.*)?$");

  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a render did. */
  public record Result(String manifests, int documents, int podTemplates) {}

  /** A manifest stream that cannot be read: names the document and the parser's complaint. */
  public static final class RenderException extends Exception {
    public RenderException(String message) {
      super(message);
    }
  }

  private final List<ObjectNode> networks;

  /**
   * @param networksAnnotation the value to add: a JSON list of network selection elements
   * @throws IllegalArgumentException when it is not such a list
   */
  public PostRenderer(String networksAnnotation) {
    this.networks = elements(networksAnnotation, "the requested networks");
  }

  /** Transforms a whole manifest stream. */
  public Result render(String manifests) throws RenderException {
    StringBuilder out = new StringBuilder(manifests.length() + 1024);
    String[] docs = SEPARATOR.split(manifests, -1);
    int documents = 0;
    int templates = 0;
    for (int i = 0; i < docs.length; i++) {
      String text = docs[i];
      if (i > 0) {
        out.append("---");
        if (!text.startsWith("\n")) {
          out.append('\n');
        }
      }
      if (!text.isBlank() && !MAYBE_PODS.matcher(text).find()) {
        documents++;
        out.append(text);
        continue;
      }
      JsonNode doc;
      try {
        doc = text.isBlank() ? null : YAML.readTree(text);
      } catch (JsonProcessingException e) {
        throw new RenderException(
            "document " + (i + 1) + " of the manifests is not YAML: " + e.getOriginalMessage());
      }
      if (doc == null || doc.isMissingNode() || doc.isNull()) {
        out.append(text);
        continue;
      }
      documents++;
      if (!doc.isObject()) {
        out.append(text);
        continue;
      }
      int n = annotate((ObjectNode) doc, i + 1);
      if (n == 0) {
        out.append(text);
        continue;
      }
      templates += n;
      String leading = text.startsWith("\n") ? "\n" : "";
      out.append(leading).append(comments(text));
      try {
        out.append(YAML.writeValueAsString(doc));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return new Result(out.toString(), documents, templates);
  }

  /** The comment lines heading a document (Helm's "# Source: ..."), kept. */
  private static String comments(String text) {
    StringBuilder c = new StringBuilder();
    for (String line : text.strip().split("\n")) {
      if (!line.startsWith("#")) {
        break;
      }
      c.append(line).append('\n');
    }
    return c.toString();
  }

  private int annotate(ObjectNode doc, int index) throws RenderException {
    String kind = doc.path("kind").asText("");
    if (kind.equals("List")) {
      int n = 0;
      for (JsonNode item : doc.path("items")) {
        if (item.isObject()) {
          n += annotate((ObjectNode) item, index);
        }
      }
      return n;
    }
    JsonNode template;
    if (kind.equals("Pod")) {
      template = doc;
    } else if (TEMPLATED.contains(kind)) {
      template = doc.path("spec").path("template");
    } else if (kind.equals("CronJob")) {
      template = doc.path("spec").path("jobTemplate").path("spec").path("template");
    } else {
      return 0;
    }
    if (!template.isObject()) {
      throw new RenderException(
          "document "
              + index
              + " ("
              + kind
              + " "
              + doc.path("metadata").path("name").asText()
              + ") has no pod template");
    }
    ObjectNode annotations = ((ObjectNode) template).with("metadata").with("annotations");
    String current = annotations.path(Annotations.NETWORKS).asText("");
    annotations.put(Annotations.NETWORKS, merge(current, doc, index));
    return 1;
  }

  private String merge(String current, JsonNode doc, int index) throws RenderException {
    Map<String, ObjectNode> byKey = new LinkedHashMap<>();
    if (!current.isBlank()) {
      List<ObjectNode> existing;
      if (current.strip().startsWith("[")) {
        try {
          existing = elements(current, "the chart's " + Annotations.NETWORKS);
        } catch (IllegalArgumentException e) {
          throw new RenderException(
              "document "
                  + index
                  + " ("
                  + doc.path("kind").asText()
                  + " "
                  + doc.path("metadata").path("name").asText()
                  + "): "
                  + e.getMessage());
        }
      } else {
        existing = new ArrayList<>(); // the short form: "net1,ns/net2@if"
        for (String s : current.split(",")) {
          if (!s.isBlank()) {
            existing.add(JSON.createObjectNode().put("name", s.strip()));
          }
        }
      }
      existing.forEach(e -> byKey.put(key(e), e));
    }
    networks.forEach(e -> byKey.putIfAbsent(key(e), e));
    ArrayNode out = JSON.createArrayNode();
    byKey.values().forEach(out::add);
    return out.toString();
  }

  private static String key(ObjectNode e) {
    return e.path("namespace").asText("") + "/" + e.path("name").asText();
  }

  private static List<ObjectNode> elements(String json, String what) {
    JsonNode list;
    try {
      list = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not JSON: " + e.getOriginalMessage());
    }
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException(what + " must be a JSON list of {\"name\": ...}");
    }
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode e : list) {
      if (!e.isObject() || !e.path("name").isTextual() || e.path("name").asText().isBlank()) {
        throw new IllegalArgumentException(what + ": every element needs a name");
      }
      out.add((ObjectNode) e);
    }
    return out;
  }
}
