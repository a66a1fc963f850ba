package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.lab.Lab;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `l2sm conformance --clusters 2`: the intercluster group on a lab it brings up and removes. */
class ConformanceInterClusterE2E {
  @TempDir Path reports;

  @Test
  void theInterClusterCasesPassOnALabOfTwoClusters() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    Path json = reports.resolve("intercluster.json");
    var run =
        LabCluster.cli(
            "conformance",
            "--clusters",
            "2",
            "--quick",
            "--group",
            "intercluster",
            "--report",
            json.toString());
    assertThat(run.getKey()).as(run.getValue()).isZero();
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("cases")).hasSize(4);
    for (JsonNode c : report.path("cases")) {
      assertThat(c.path("group").asText()).isEqualTo("intercluster");
      assertThat(c.path("result").asText()).as(c.path("evidence").asText()).isEqualTo("pass");
    }
    assertThat(report.path("summary").path("target").asText()).contains("c1").contains("c2");
    assertThat(Lab.isUp()).isFalse(); // the run took its lab down
  }
}
