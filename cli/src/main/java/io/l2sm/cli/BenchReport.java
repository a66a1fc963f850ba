package io.l2sm.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark results in the project's machine-readable form: {@code {"figures": [...], "references":
 * [...]}}, each entry {@code {name, value, unit, runs, min, max}}; names are stable.
 */
final class BenchReport {
  /**
   * One measured figure.
   *
   * @param value the median of the runs ({@link #mean}: their mean)
   */
  @JsonPropertyOrder({"name", "value", "unit", "runs", "min", "max"})
  record Figure(String name, double value, String unit, int runs, double min, double max) {
    static Figure ofSamples(String name, String unit, double[] samples) {
      double[] sorted = samples.clone();
      Arrays.sort(sorted);
      double median =
          sorted.length % 2 == 1
              ? sorted[sorted.length / 2]
              : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      return new Figure(
          name,
          round(median),
          unit,
          sorted.length,
          round(sorted[0]),
          round(sorted[sorted.length - 1]));
    }

    /** The p-th percentile (nearest rank) of the samples, in milliseconds, with min and max. */
    static Figure percentile(String name, double[] samples, int p) {
      double[] s = samples.clone();
      Arrays.sort(s);
      int idx = Math.max(0, Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1));
      return new Figure(name, round(s[idx]), "ms", s.length, round(s[0]), round(s[s.length - 1]));
    }

    /** The mean of the samples, with min and max. */
    static Figure mean(String name, String unit, double[] samples) {
      double[] s = samples.clone();
      Arrays.sort(s);
      return new Figure(
          name,
          round(Arrays.stream(s).average().orElse(0)),
          unit,
          s.length,
          round(s[0]),
          round(s[s.length - 1]));
    }

    /**
     * Half the width of the 95% confidence interval of the samples' mean (Student's t, n - 1
     * degrees of freedom); 0 for one sample.
     */
    static double ci95(double[] samples) {
      int n = samples.length;
      if (n < 2) {
        return 0;
      }
      double sd =
          new org.apache.commons.math3.stat.descriptive.DescriptiveStatistics(samples)
              .getStandardDeviation();
      double t =
          new org.apache.commons.math3.distribution.TDistribution(n - 1)
              .inverseCumulativeProbability(0.975);
      return t * sd / Math.sqrt(n);
    }

    private static double round(double v) {
      return Math.round(v * 100.0) / 100.0;
    }
  }

  /**
   * A goal for a figure: its value at most (or, {@code atLeast}, at least) {@code bound}; {@code
   * met} is null when the run did not measure the figure.
   */
  @JsonPropertyOrder({"name", "atLeast", "bound", "met"})
  record Target(String name, boolean atLeast, double bound, Boolean met) {
    String text() {
      return (atLeast ? ">= " : "<= ")
          + fmt(bound)
          + (met == null ? " (not measured)" : met ? " (met)" : " (missed)");
    }
  }

  @JsonPropertyOrder({"figures", "references", "targets"})
  record Document(List<Figure> figures, List<Figure> references, List<Target> targets) {}

  private final List<Figure> figures = new ArrayList<>();
  private final List<Figure> references = new ArrayList<>();
  private final java.util.Map<String, Target> targets = new java.util.LinkedHashMap<>();

  /** The figure {@code name} should be at most {@code bound}. */
  void targetAtMost(String name, double bound) {
    targets.put(name, new Target(name, false, bound, null));
  }

  /** The figure {@code name} should be at least {@code bound}. */
  void targetAtLeast(String name, double bound) {
    targets.put(name, new Target(name, true, bound, null));
  }

  /** The targets, each with whether this run's figure meets it. */
  List<Target> targets() {
    List<Target> out = new ArrayList<>();
    for (Target t : targets.values()) {
      Figure f = figures.stream().filter(x -> x.name().equals(t.name())).findFirst().orElse(null);
      Boolean met =
          f == null ? null : t.atLeast() ? f.value() >= t.bound() : f.value() <= t.bound();
      out.add(new Target(t.name(), t.atLeast(), t.bound(), met));
    }
    return out;
  }

  void figure(Figure f) {
    figures.add(f);
  }

  void reference(Figure f) {
    references.add(f);
  }

  /** Prints the figures, then the references, as an aligned table. */
  void print(PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    java.util.Map<String, Target> judged = new java.util.HashMap<>();
    targets().forEach(t -> judged.put(t.name(), t));
    boolean withTargets = !judged.isEmpty();
    rows.add(
        withTargets
            ? new String[] {"FIGURE", "VALUE", "UNIT", "RUNS", "MIN", "MAX", "TARGET"}
            : new String[] {"FIGURE", "VALUE", "UNIT", "RUNS", "MIN", "MAX"});
    figures.forEach(
        f -> {
          Target t = judged.get(f.name());
          rows.add(withTarget(row(f), withTargets, t == null ? "" : t.text()));
        });
    references.forEach(
        f -> {
          String[] r =
              row(
                  new Figure(
                      "(reference) " + f.name(), f.value(), f.unit(), f.runs(), f.min(), f.max()));
          rows.add(withTarget(r, withTargets, ""));
        });
    Table.print(out, rows);
    out.flush();
  }

  /** The row with a TARGET cell when the table has that column. */
  private static String[] withTarget(String[] row, boolean column, String target) {
    if (!column) {
      return row;
    }
    String[] r = java.util.Arrays.copyOf(row, row.length + 1);
    r[row.length] = target;
    return r;
  }

  private static String[] row(Figure f) {
    return new String[] {
      f.name(), fmt(f.value()), f.unit(), Integer.toString(f.runs()), fmt(f.min()), fmt(f.max())
    };
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** Prints the table and the targets, then writes the JSON file if one was asked for. */
  void finish(PrintWriter out, Path json, String targets) throws IOException {
    out.println();
    print(out);
    out.printf("%n%s%n", targets);
    List<Target> judged = targets();
    if (!judged.isEmpty()) {
      long met = judged.stream().filter(t -> Boolean.TRUE.equals(t.met())).count();
      out.printf("%d of %d targets met.%n", met, judged.size());
    }
    if (json != null) {
      writeJson(json);
      out.printf("Wrote %s%n", json);
    }
    out.flush();
  }

  /**
   * Whether a testbed can run here; if not, says what is missing on the command's stderr.
   *
   * @param command the command's name, for the error line
   */
  static boolean testbedReady(picocli.CommandLine cli, String command) {
    java.util.List<String> missing = io.l2sm.lab.Testbed.missingPrerequisites();
    if (missing.isEmpty()) {
      return true;
    }
    cli.getErr()
        .println(
            command + ": error: needs " + missing + "; run as root: scripts/install-prereqs.sh");
    return false;
  }

  /** Writes the figures, then the references, as a Markdown table under a heading. */
  void writeMarkdown(Path file, String title) throws IOException {
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    md.append("| Figure | Value | Unit | Runs | Min | Max |\n|---|---:|---|---:|---:|---:|\n");
    for (Figure f : figures) {
      md.append(mdRow(f.name(), f));
    }
    for (Figure f : references) {
      md.append(mdRow("(reference) " + f.name(), f));
    }
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(file, md.toString());
  }

  private static String mdRow(String name, Figure f) {
    return "| `"
        + name
        + "` | "
        + fmt(f.value())
        + " | "
        + f.unit()
        + " | "
        + f.runs()
        + " | "
        + fmt(f.min())
        + " | "
        + fmt(f.max())
        + " |\n";
  }

  void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), new Document(figures, references, targets()));
  }
}
