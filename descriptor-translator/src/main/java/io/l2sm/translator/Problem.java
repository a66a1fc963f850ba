package io.l2sm.translator;

import java.util.Comparator;

/**
 * One thing wrong with the input, pinned to a place in a file.
 *
 * @param source the file as the user named it (a tarball entry is {@code pkg.tar.gz!/path})
 * @param line 1-based line; 0 when the problem is about the file as a whole
 * @param column 1-based column; 0 when the problem is about the file as a whole
 * @param jsonPath where in the document, e.g. {@code $.nsd.nsd[0].df[0]}; {@code $} for the root
 * @param message what is wrong, in one line
 */
public record Problem(String source, int line, int column, String jsonPath, String message) {

  /** Orders problems by file, then position, then path, so reports are stable. */
  public static final Comparator<Problem> ORDER =
      Comparator.comparing(Problem::source)
          .thenComparingInt(Problem::line)
          .thenComparingInt(Problem::column)
          .thenComparing(Problem::jsonPath)
          .thenComparing(Problem::message);

  /** A problem with a file as a whole (unreadable, too large, not a package...). */
  public static Problem ofFile(String source, String message) {
    return new Problem(source, 0, 0, "$", message);
  }

  /** {@code FILE:LINE:COL: JSON-PATH: message}, the one format every error is reported in. */
  public String format() {
    return source + ":" + line + ":" + column + ": " + jsonPath + ": " + message;
  }

  /** {@code FILE:LINE:COL: JSON-PATH: warning: message}, the format of every warning. */
  public String formatWarning() {
    return source + ":" + line + ":" + column + ": " + jsonPath + ": warning: " + message;
  }

  @Override
  public String toString() {
    return format();
  }
}
