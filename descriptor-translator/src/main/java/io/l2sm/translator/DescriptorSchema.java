package io.l2sm.translator;

import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one JSON Schema of OSM descriptors kept in the repo ({@value #RESOURCE}); the Java model in
 * {@code io.l2sm.translator.model} is generated from the same file at build time.
 */
public final class DescriptorSchema {
  /** Class-path location of the schema. */
  public static final String RESOURCE = "/schema/osm-descriptors.schema.json";

  private static final JsonSchema SCHEMA = load();

  private DescriptorSchema() {}

  private static JsonSchema load() {
    // jsonschema2pojo's own keywords are annotations to the validator, not unknown keywords.
    JsonMetaSchema metaSchema =
        JsonMetaSchema.builder(JsonMetaSchema.getV7())
            .keyword(new AnnotationKeyword("javaType"))
            .build();
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V7, builder -> builder.metaSchema(metaSchema));
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().pathType(PathType.JSON_PATH).build();
    try (InputStream in = DescriptorSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("schema " + RESOURCE + " missing from the class path");
      }
      return factory.getSchema(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The names of the properties the schema types as {@code boolean} (e.g. {@code mgmt-network}),
   * wherever they stand in it.
   */
  public static Set<String> booleanProperties() {
    try (InputStream in = DescriptorSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("schema " + RESOURCE + " missing from the class path");
      }
      Set<String> out = new java.util.TreeSet<>();
      collectBooleans(new com.fasterxml.jackson.databind.ObjectMapper().readTree(in), out);
      return Set.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void collectBooleans(
      com.fasterxml.jackson.databind.JsonNode node, Set<String> out) {
    com.fasterxml.jackson.databind.JsonNode props = node.path("properties");
    props
        .fields()
        .forEachRemaining(
            f -> {
              if ("boolean".equals(f.getValue().path("type").asText())) {
                out.add(f.getKey());
              }
            });
    node.elements().forEachRemaining(child -> collectBooleans(child, out));
  }

  /** Every schema violation in {@code document}; empty when it conforms. */
  public static List<Problem> validate(LocatedDocument document) {
    Set<ValidationMessage> messages = SCHEMA.validate(document.root());
    List<Problem> problems = new ArrayList<>(messages.size());
    for (ValidationMessage message : messages) {
      String path = toReportPath(message.getInstanceLocation());
      problems.add(document.problemAt(path, describe(message)));
    }
    return problems;
  }

  /** Re-spells the validator's path in the report's own notation, so positions are found. */
  private static String toReportPath(JsonNodePath location) {
    String path = "$";
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      path =
          element instanceof Integer index
              ? JsonPaths.index(path, index)
              : JsonPaths.field(path, String.valueOf(element));
    }
    return path;
  }

  private static String describe(ValidationMessage message) {
    String text = message.getError();
    if ("enum".equals(message.getType()) && message.getInstanceNode() != null) {
      return "'" + message.getInstanceNode().asText() + "' " + text;
    }
    if ("required".equals(message.getType()) && message.getProperty() != null) {
      return "required field '" + message.getProperty() + "' is missing";
    }
    return text;
  }
}
