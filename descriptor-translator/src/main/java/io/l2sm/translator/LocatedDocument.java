package io.l2sm.translator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML document that remembers where each value stood in its file.
 *
 * @param source the file as the user named it
 * @param root the document's content
 * @param positions JSON path → {line, column} of the value's first character (1-based)
 * @param warnings what was read leniently, as OSM reads it (a duplicated key), in file order
 */
public record LocatedDocument(
    String source, JsonNode root, Map<String, int[]> positions, List<Problem> warnings) {

  public LocatedDocument {
    warnings = List.copyOf(warnings);
  }

  /**
   * A problem at {@code jsonPath}, placed at that value or, when it does not exist (a missing
   * field), at the nearest enclosing value that does.
   */
  public Problem problemAt(String jsonPath, String message) {
    String path = jsonPath;
    while (true) {
      int[] pos = positions.get(path);
      if (pos != null) {
        return new Problem(source, pos[0], pos[1], jsonPath, message);
      }
      if (path.equals("$")) {
        return new Problem(source, 1, 1, jsonPath, message);
      }
      path = JsonPaths.parent(path);
    }
  }
}
