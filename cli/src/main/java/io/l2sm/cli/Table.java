package io.l2sm.cli;

import java.io.PrintWriter;
import java.util.List;

/** Plain-text tables with aligned columns, the way every command prints results. */
final class Table {
  private Table() {}

  /** Prints {@code rows} (the first is the header) with columns padded to their widest cell. */
  static void print(PrintWriter out, List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(
            i == columns - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
