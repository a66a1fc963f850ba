package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `l2sm conformance --quick` against a lab is green with evidence for every case; and against a
 * deliberately broken build (the controller's source-MAC check switched off) the suite names the
 * case that catches it.
 */
class ConformanceE2E {
  static LabInfo lab;

  @TempDir Path reports;

  @BeforeAll
  static void up() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    lab = Lab.up(1, 2, 0, 0, new PrintWriter(System.out, true)).get(0);
  }

  @AfterAll
  static void down() {
    Lab.down();
  }

  static Map<String, JsonNode> cases(Path json) throws Exception {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode c : new ObjectMapper().readTree(json.toFile()).path("cases")) {
      out.put(c.path("group").asText() + "/" + c.path("name").asText(), c);
    }
    return out;
  }

  @Test
  void theSuiteIsGreenOnTheLabAndCatchesABrokenIsolationRule() throws Exception {
    Path json = reports.resolve("report.json");
    Path md = reports.resolve("report.md");
    var run =
        LabCluster.cli(
            "conformance", "--quick", "--report", json.toString(), "--report", md.toString());
    assertThat(run.getKey()).as(run.getValue()).isZero();
    Map<String, JsonNode> cases = cases(json);
    assertThat(cases).hasSize(24);
    assertThat(cases).containsKey("connectivity/unnamed-nad-inter-node");
    List<String> notPassed = new ArrayList<>();
    cases.forEach(
        (k, v) -> {
          if (!v.path("result").asText().equals("pass")) {
            notPassed.add(k + ": " + v.path("evidence").asText());
          }
          assertThat(v.path("evidence").asText()).as(k).isNotBlank();
        });
    assertThat(notPassed).isEmpty();
    assertThat(Files.readString(md))
        .contains("| isolation | no-frame-reaches-a-non-member | pass |");
    assertThat(cases.get("isolation/no-frame-reaches-a-non-member").path("evidence").asText())
        .contains("0 frames");

    // Break the build: the controller stops checking source MACs on attachment ports.
    Path settings = Path.of(lab.dir()).getParent().resolve("settings/controller.args");
    String original = Files.readString(settings);
    Files.writeString(settings, original + "--test-fault=no-source-check\n");
    try {
      Lab.restart(lab, "controller");
      Path broken = reports.resolve("broken.json");
      var bad =
          LabCluster.cli(
              "conformance", "--quick", "--group", "isolation", "--report", broken.toString());
      assertThat(bad.getKey()).isEqualTo(1);
      Map<String, JsonNode> got = cases(broken);
      assertThat(got.get("isolation/spoofed-source-macs-dropped").path("result").asText())
          .isEqualTo("fail");
      assertThat(got.get("isolation/spoofed-source-macs-dropped").path("evidence").asText())
          .contains("frames with a forged source MAC");
      assertThat(bad.getValue()).contains("spoofed-source-macs-dropped").contains("FAIL");
    } finally {
      Files.writeString(settings, original);
      Lab.restart(lab, "controller");
    }
  }
}
