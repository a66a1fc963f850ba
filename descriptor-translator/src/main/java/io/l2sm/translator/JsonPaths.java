package io.l2sm.translator;

import java.util.regex.Pattern;

/** JSON paths in the form used in error reports: {@code $.nsd.nsd[0].virtual-link-desc[2].id}. */
public final class JsonPaths {
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private JsonPaths() {}

  /** The path of a member of the object at {@code parent}. */
  public static String field(String parent, String name) {
    if (PLAIN_KEY.matcher(name).matches()) {
      return parent + "." + name;
    }
    return parent + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }

  /** The path of an element of the array at {@code parent}. */
  public static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** The enclosing path; {@code $} is its own parent. */
  public static String parent(String path) {
    if (path.equals("$")) {
      return path;
    }
    if (path.endsWith("]")) {
      int open = path.endsWith("']") ? path.lastIndexOf("['") : path.lastIndexOf('[');
      return path.substring(0, open);
    }
    return path.substring(0, path.lastIndexOf('.'));
  }
}
