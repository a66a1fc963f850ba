package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.cli.BenchReport.Figure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A benchmark says for each target whether this run's figure meets it, in its table and JSON. */
class BenchReportTargetsTest {
  @Test
  void eachTargetIsJudgedAgainstTheFigureOfThisRun(@TempDir Path dir) throws Exception {
    BenchReport r = new BenchReport();
    r.figure(new Figure("fast_ms", 40, "ms", 3, 30, 50));
    r.figure(new Figure("slow_s", 254.5, "s", 1, 254.5, 254.5));
    r.figure(new Figure("throughput_gbps", 2.5, "Gbit/s", 1, 2.5, 2.5));
    r.reference(new Figure("plain_ms", 70, "ms", 3, 60, 80));
    r.targetAtMost("fast_ms", 50);
    r.targetAtMost("slow_s", 60);
    r.targetAtLeast("throughput_gbps", 5);
    r.targetAtMost("never_measured_ms", 10);

    StringWriter text = new StringWriter();
    Path json = dir.resolve("bench.json");
    r.finish(new PrintWriter(text), json, "Targets: as listed.");

    assertThat(text.toString())
        .containsPattern("fast_ms +40\\.00 .*<= 50\\.00 \\(met\\)")
        .containsPattern("slow_s +254\\.50 .*<= 60\\.00 \\(missed\\)")
        .containsPattern("throughput_gbps +2\\.50 .*>= 5\\.00 \\(missed\\)")
        .contains("(reference) plain_ms")
        .contains("1 of 4 targets met.");
    JsonNode doc = new ObjectMapper().readTree(json.toFile());
    assertThat(doc.at("/targets/0/name").asText()).isEqualTo("fast_ms");
    assertThat(doc.at("/targets/0/met").asBoolean()).isTrue();
    assertThat(doc.at("/targets/1/met").asBoolean()).isFalse();
    assertThat(doc.at("/targets/3/met").isNull()).as("a target with no figure").isTrue();
    assertThat(doc.at("/figures/1/name").asText()).isEqualTo("slow_s");
  }

  @Test
  void aReportWithoutTargetsKeepsItsSixColumns() {
    BenchReport r = new BenchReport();
    r.figure(new Figure("x_ms", 1, "ms", 1, 1, 1));
    StringWriter text = new StringWriter();
    r.print(new PrintWriter(text));
    assertThat(text.toString().lines().findFirst().orElseThrow())
        .isEqualTo("FIGURE  VALUE  UNIT  RUNS  MIN   MAX");
  }
}
