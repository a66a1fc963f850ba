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

  static final String MAIN = io.l2sm.cli.Main.class.getName();

  /**
   * The controller's recorded command line with the program swapped for {@link BrokenController}
   * (on this test's class path); its arguments unchanged. The lab runs the CLI from its jar ({@code
   * -jar l2sm-cli.jar}) or its classes ({@code -cp ... io.l2sm.cli.Main}).
   */
  static List<String> brokenController(List<String> cmd) {
    List<String> out = new ArrayList<>(cmd);
    int jar = out.indexOf("-jar");
    if (jar >= 0) {
      out.set(jar, "-cp");
      out.set(jar + 1, System.getProperty("java.class.path"));
      out.add(jar + 2, BrokenController.class.getName());
      return out;
    }
    int main = out.indexOf(MAIN);
    assertThat(main).as("the lab's command line %s runs the CLI", cmd).isPositive();
    out.set(main - 1, System.getProperty("java.class.path"));
    out.set(main, BrokenController.class.getName());
    return out;
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
    assertThat(run.getKey()).as(() -> run.getValue() + LabCluster.logTails(lab, 150)).isZero();
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
    // The evidence is measured: what a1 sent, what the member and each non-member received.
    assertThat(cases.get("isolation/no-frame-reaches-a-non-member").path("evidence").asText())
        .containsPattern(
            "^a1 sent [1-9][0-9]* frames of 9 kinds on network a; a2 \\(member\\) received [1-9]")
        .contains("non-members received b1 0, b2 0, p1 0, p2 0");

    // Break the build: a controller (test code) that stops checking source MACs on attachment
    // ports, started with the real one's arguments.
    Lab.kill(lab, "controller");
    try {
      Lab.start(lab, "controller", ConformanceE2E::brokenController);
      assertThat(Files.readString(Path.of(lab.dir(), "controller.log")))
          .contains("a test build without source-MAC checks");
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
      Lab.restart(lab, "controller");
    }
  }

  /** The lab as a target whose pods' commands pass through {@code rewrite}. */
  static io.l2sm.conformance.Target rewriting(
      java.util.function.BiFunction<String, String, io.l2sm.conformance.Target.Exec> exec) {
    io.l2sm.conformance.LabTarget real = new io.l2sm.conformance.LabTarget(lab);
    return new io.l2sm.conformance.Target() {
      @Override
      public String describe() {
        return "broken " + real.describe();
      }

      @Override
      public io.fabric8.kubernetes.client.KubernetesClient client() {
        return real.client();
      }

      @Override
      public List<String> nodes() {
        return real.nodes();
      }

      @Override
      public Exec exec(String namespace, String pod, String command) {
        Exec broken = exec.apply(pod, command);
        return broken != null ? broken : real.exec(namespace, pod, command);
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }

  static Map<String, String> isolationResults(io.l2sm.conformance.Target t) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (t) {
      var suite = new io.l2sm.conformance.Suite(t, true, new PrintWriter(System.out, true));
      for (var r : suite.run(java.util.Set.of("isolation"))) {
        out.put(r.name(), r.result() + ": " + r.evidence());
      }
    }
    return out;
  }

  @Test
  void aCaptureThatCannotLookAndAProberThatCannotRunAreNeverPasses() throws Exception {
    // No tcpdump in the pods: every capture case is an error, not "0 frames".
    Map<String, String> noTcpdump =
        isolationResults(
            rewriting(
                (pod, cmd) ->
                    cmd.contains("tcpdump")
                        ? new io.l2sm.conformance.Target.Exec(
                            127, "sh: 1: tcpdump: not found\ntcpdump-exit=127")
                        : null));
    for (String c :
        List.of(
            "no-frame-reaches-a-non-member",
            "spoofed-source-macs-dropped",
            "other-networks-mac-not-delivered")) {
      assertThat(noTcpdump.get(c)).as(c).startsWith("error: ").contains("never listened on net1");
    }
    // The prober cannot exec: the "cannot reach" cases are errors, not "unreachable".
    Map<String, String> noExec =
        isolationResults(
            rewriting(
                (pod, cmd) ->
                    (pod.equals("a1") || pod.equals("x1"))
                        ? new io.l2sm.conformance.Target.Exec(126, "exec refused by the test")
                        : null));
    for (String c :
        List.of(
            "same-subnet-other-network-unreachable",
            "flat-network-cannot-reach-l2sm",
            "no-frame-reaches-a-non-member",
            "arp-poisoning-contained")) {
      assertThat(noExec.get(c)).as(c).startsWith("error: ");
    }
    assertThat(noExec.get("same-subnet-other-network-unreachable"))
        .contains("ping printed no summary, so it did not run");
  }
}
