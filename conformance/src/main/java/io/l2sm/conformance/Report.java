package io.l2sm.conformance;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A run's report: {@code {"cases": [...], "summary": {...}}} as JSON (the contract), or Markdown.
 */
@JsonPropertyOrder({"cases", "summary"})
public record Report(List<CaseResult> cases, Summary summary) {
  /**
   * Counts and the target.
   *
   * @param leftOut the cases the target could not run (a fault hook it lacks), with why
   */
  @JsonPropertyOrder({"target", "pass", "fail", "error", "seconds", "leftOut"})
  public record Summary(
      String target, int pass, int fail, int error, double seconds, List<String> leftOut) {}

  public static Report of(String target, List<CaseResult> cases) {
    return of(target, cases, List.of());
  }

  public static Report of(String target, List<CaseResult> cases, List<String> leftOut) {
    int pass = (int) cases.stream().filter(c -> c.result().equals("pass")).count();
    int fail = (int) cases.stream().filter(c -> c.result().equals("fail")).count();
    int error = cases.size() - pass - fail;
    double s = Math.round(cases.stream().mapToDouble(CaseResult::seconds).sum() * 100) / 100.0;
    return new Report(cases, new Summary(target, pass, fail, error, s, List.copyOf(leftOut)));
  }

  public boolean green() {
    return summary.fail() == 0 && summary.error() == 0 && !cases.isEmpty();
  }

  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("# L2S-M conformance: ").append(summary.target()).append("\n\n");
    b.append(
        String.format(
            "%d passed, %d failed, %d errors in %.1f s%n%n",
            summary.pass(), summary.fail(), summary.error(), summary.seconds()));
    if (!summary.leftOut().isEmpty()) {
      b.append("Left out (the target cannot cause their fault): ")
          .append(String.join(", ", summary.leftOut()))
          .append("\n\n");
    }
    b.append("| Group | Case | Result | Evidence | s |\n|---|---|---|---|---|\n");
    for (CaseResult c : cases) {
      b.append("| ")
          .append(c.group())
          .append(" | ")
          .append(c.name())
          .append(" | ")
          .append(c.result())
          .append(" | ")
          .append(c.evidence().replace("|", "\\|").replace("\n", " "))
          .append(" | ")
          .append(c.seconds())
          .append(" |\n");
    }
    return b.toString();
  }

  /** Writes JSON for a .json file, Markdown otherwise. */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    if (file.toString().endsWith(".json")) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    } else {
      Files.writeString(file, markdown());
    }
  }
}
