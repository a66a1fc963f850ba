package io.l2sm.translator;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads one YAML document into a JSON tree and records the line and column of every value, so that
 * every later error can say exactly where it is.
 *
 * <p>It reads what OSM's NBI onboards, which is more than strict YAML typing allows:
 *
 * <ul>
 *   <li>identifiers written as numbers ({@code id: 1}, {@code version: 1.0}) are kept as the text
 *       the user wrote: YANG types them as strings and OSM accepts them unquoted;
 *   <li>YANG booleans written as strings or numbers ({@code mgmt-network: 'true'}, {@code "False"},
 *       {@code 1}) are booleans, as OSM's YANG binding takes them;
 *   <li>a key given twice in one mapping keeps its last value, as OSM's YAML loader does, with a
 *       warning naming both lines.
 * </ul>
 */
public final class LocatedYamlReader {
  /** Largest descriptor accepted, in bytes; anything bigger is refused before parsing. */
  public static final int MAX_BYTES = 16 * 1024 * 1024;

  private static final Set<String> STRING_KEYS =
      Set.of(
          "id",
          "name",
          "version",
          "vnfd-id",
          "member-vnf-index",
          "constituent-base-element-id",
          "constituent-cpd-id",
          "virtual-link-profile-id",
          "k8s-cluster-net",
          "mgmt-cp",
          "external-connection-point-ref",
          "int-virtual-link-desc",
          "vdu-id",
          "cpd");

  /** Fields the schema types as booleans: their string and 0/1 spellings are read as OSM does. */
  private static final Set<String> BOOLEAN_KEYS = DescriptorSchema.booleanProperties();

  private static final Set<String> TRUE = Set.of("true", "True", "1");
  private static final Set<String> FALSE = Set.of("false", "False", "0");

  private static final YAMLFactory YAML = newFactory();

  private static YAMLFactory newFactory() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_BYTES);
    options.setMaxAliasesForCollections(100);
    return YAMLFactory.builder().loaderOptions(options).build();
  }

  private final String source;
  private final Map<String, int[]> positions = new HashMap<>();
  private final Map<String, Integer> keyLines = new HashMap<>();
  private final List<Problem> problems = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();

  private LocatedYamlReader(String source) {
    this.source = source;
  }

  /**
   * Parses {@code content} as one YAML document.
   *
   * @param source the file as the user named it, used in error reports
   * @throws InvalidInputException for malformed YAML, an empty file, several documents or an
   *     over-sized file, each with its position
   */
  public static LocatedDocument read(String source, byte[] content) throws InvalidInputException {
    if (content.length > MAX_BYTES) {
      throw new InvalidInputException(tooLarge(source, content.length));
    }
    return new LocatedYamlReader(source).parse(content);
  }

  /** The problem reported for a file over {@link #MAX_BYTES}. */
  static Problem tooLarge(String source, long size) {
    return Problem.ofFile(
        source,
        String.format(
            "file is %.1f MiB; descriptors larger than %d MiB are refused",
            size / 1048576.0, MAX_BYTES / 1048576));
  }

  private LocatedDocument parse(byte[] content) throws InvalidInputException {
    try (JsonParser parser = YAML.createParser(content)) {
      if (parser.nextToken() == null) {
        throw new InvalidInputException(Problem.ofFile(source, "empty document"));
      }
      JsonNode root = readValue(parser, "$", null);
      JsonToken after = parser.nextToken();
      if (after != null) {
        JsonLocation at = parser.currentTokenLocation();
        problems.add(
            new Problem(
                source,
                at.getLineNr(),
                at.getColumnNr(),
                "$",
                "more than one YAML document; a descriptor file holds exactly one"));
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(problems);
      }
      return new LocatedDocument(source, root, Map.copyOf(positions), warnings);
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
        throw new InvalidInputException(
            new Problem(
                source,
                yaml.getProblemMark().getLine() + 1,
                yaml.getProblemMark().getColumn() + 1,
                "$",
                "malformed YAML: " + describe(yaml)));
      }
      JsonLocation at = e.getLocation();
      int line = at == null ? 0 : Math.max(at.getLineNr(), 0);
      int column = at == null ? 0 : Math.max(at.getColumnNr(), 0);
      throw new InvalidInputException(
          new Problem(source, line, column, "$", "malformed YAML: " + firstLine(e)));
    } catch (IOException e) {
      throw new InvalidInputException(Problem.ofFile(source, "cannot read: " + e.getMessage()));
    }
  }

  private JsonNode readValue(JsonParser p, String path, String key) throws IOException {
    JsonLocation at = p.currentTokenLocation();
    positions.put(path, new int[] {at.getLineNr(), at.getColumnNr()});
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT:
        return readObject(p, path);
      case START_ARRAY:
        ArrayNode array = nodes.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(readValue(p, JsonPaths.index(path, array.size()), key));
        }
        return array;
      case VALUE_STRING:
        if (key != null && BOOLEAN_KEYS.contains(key)) {
          if (TRUE.contains(p.getText())) {
            return nodes.booleanNode(true);
          }
          if (FALSE.contains(p.getText())) {
            return nodes.booleanNode(false);
          }
        }
        return nodes.textNode(p.getText());
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        if (key != null && STRING_KEYS.contains(key)) {
          return nodes.textNode(p.getText());
        }
        if (key != null
            && BOOLEAN_KEYS.contains(key)
            && (TRUE.contains(p.getText()) || FALSE.contains(p.getText()))) {
          return nodes.booleanNode(TRUE.contains(p.getText()));
        }
        return token == JsonToken.VALUE_NUMBER_INT
            ? nodes.numberNode(p.getBigIntegerValue())
            : nodes.numberNode(p.getDecimalValue());
      case VALUE_TRUE:
        return nodes.booleanNode(true);
      case VALUE_FALSE:
        return nodes.booleanNode(false);
      case VALUE_NULL:
        return nodes.nullNode();
      default:
        problems.add(
            new Problem(
                source, at.getLineNr(), at.getColumnNr(), path, "unsupported YAML value " + token));
        return nodes.nullNode();
    }
  }

  private ObjectNode readObject(JsonParser p, String path) throws IOException {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    while (p.nextToken() != JsonToken.END_OBJECT) {
      String name = p.currentName();
      JsonLocation keyAt = p.currentTokenLocation();
      String childPath = JsonPaths.field(path, name);
      p.nextToken();
      Integer first = keyLines.put(childPath, keyAt.getLineNr());
      if (object.has(name)) {
        warnings.add(
            new Problem(
                source,
                keyAt.getLineNr(),
                keyAt.getColumnNr(),
                childPath,
                "duplicate key '"
                    + name
                    + "' at lines "
                    + first
                    + " and "
                    + keyAt.getLineNr()
                    + "; the last is used, as OSM's YAML loader does"));
      }
      object.set(name, readValue(p, childPath, name));
    }
    return object;
  }

  private static String describe(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "syntax error" : e.getProblem().strip();
    if (e.getContext() != null && e.getContextMark() != null) {
      return problem
          + " ("
          + e.getContext().strip()
          + " started at line "
          + (e.getContextMark().getLine() + 1)
          + ")";
    }
    return problem;
  }

  private static String firstLine(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    String first = message.strip().split("\\R", 2)[0].strip();
    return first.isEmpty() ? message.strip() : first;
  }
}
