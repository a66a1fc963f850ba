package io.l2sm.controller.model;

/** An overlay link between two node switches, with {@code a < b} so each link has one form. */
public record Link(String a, String b) implements Comparable<Link> {
  public Link {
    if (a.compareTo(b) > 0) {
      String t = a;
      a = b;
      b = t;
    }
  }

  /** Parses {@code nodeA~nodeB}. */
  public static Link parse(String text) {
    int i = text.indexOf('~');
    if (i <= 0 || i == text.length() - 1 || text.indexOf('~', i + 1) >= 0) {
      throw new IllegalArgumentException("link '" + text + "' is not of the form <nodeA>~<nodeB>");
    }
    return new Link(text.substring(0, i), text.substring(i + 1));
  }

  @Override
  public String toString() {
    return a + "~" + b;
  }

  @Override
  public int compareTo(Link o) {
    return toString().compareTo(o.toString());
  }
}
