package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `l2sm conformance --kubeconfig`: the suite as it runs against a real cluster, through the
 * Kubernetes API alone (pods' commands through exec, probe.py written in through exec), here
 * against a lab cluster's API server, which serves exec in the WebSocket channel protocol. The
 * fault cases a cluster's API cannot cause are left out and listed.
 */
class ConformanceKubeconfigE2E {
  @TempDir Path reports;

  @AfterEach
  void down() {
    Lab.down();
  }

  @Test
  void theSuiteRunsThroughTheKubernetesApiAlone() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    LabInfo c1 = Lab.up(2, new PrintWriter(new StringWriter()));
    Path json = reports.resolve("kube.json");
    var run =
        LabCluster.cli(
            "conformance",
            "--kubeconfig",
            c1.kubeconfig(),
            "--quick",
            "--group",
            "connectivity",
            "--group",
            "isolation",
            "--group",
            "faults",
            "--report",
            json.toString());
    assertThat(run.getKey()).as(run.getValue()).isZero();
    assertThat(LabCluster.notPassed(json)).isEmpty();
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    // probe.py went in through exec: the flooding and isolation cases used it.
    assertThat(report.path("cases").findValuesAsText("name"))
        .hasSize(13)
        .contains(
            "broadcast-and-multicast-once",
            "spoofed-source-macs-dropped",
            "unnamed-nad-inter-node");
    assertThat(report.path("summary").path("target").asText()).startsWith("cluster ");
    List<String> leftOut = new ArrayList<>();
    report.path("summary").path("leftOut").forEach(n -> leftOut.add(n.asText()));
    assertThat(leftOut)
        .hasSize(5)
        .anyMatch(l -> l.startsWith("faults/node-lost-others-unaffected (needs NODE_LINK)"))
        .anyMatch(
            l -> l.startsWith("faults/controller-killed-traffic-flows (needs RESTART_PARTS)"));
    assertThat(run.getValue())
        .contains("conformance: left out faults/switch-killed-traffic-recovers");
  }
}
