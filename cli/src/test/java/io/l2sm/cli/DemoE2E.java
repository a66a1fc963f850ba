package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.l2sm.lab.Lab;
import io.l2sm.lab.Testbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README's main job through the packaged CLI: {@code l2sm demo} runs the Smart Campus in quick
 * mode (four clusters, real programs in the pods, the CDN test and a cluster addition); {@code l2sm
 * demo --ns} deploys another NS in one cluster. Each takes its lab down leaving nothing.
 */
class DemoE2E {
  @Test
  void theSmartCampusDemoPassesEveryCheckAndLeavesNothingBehind() throws Exception {
    String out = demo(List.of(), 420);
    assertThat(out)
        .containsPattern("networks Ready +pass +c1: net3 VNI \\d+")
        .containsPattern("pods run their programs +pass +9 pods in 4 clusters")
        .containsPattern(
            "DNS through the router +pass +.*dnsmasq in c1 logged [1-9]\\d* query\\(ies\\) from"
                + " ap-c2, router-c2's firewall counted [1-9]\\d* DNS packet")
        .containsPattern("inter-cluster download +pass +.* 2097152 bytes")
        .containsPattern(
            "router firewall +pass +ping ap-c2 -> router-c2: 2/2 \\(control\\); ap-c2 -> content"
                + " server through router-c2: 0/2")
        .containsPattern("CDN: cache off vs on, link congested +pass")
        .containsPattern("CDN: edge cache hits +pass +6 of 6")
        .containsPattern(
            "isolation +pass +0 frames .* \\(the capture saw [1-9]\\d* control frames from"
                + " router-c1\\)")
        .containsPattern("cluster addition +pass .* lost 0 of 400 pings")
        .contains("9 of 9 checks passed");
    // The CDN table with a mean and a confidence interval per condition.
    assertThat(out).containsPattern("nocache congested +\\d+\\.\\d+ +± \\d+\\.\\d+");
  }

  @Test
  void theDemoOfAnotherNsPassesEveryCheckAndLeavesNothingBehind() throws Exception {
    String out =
        demo(
            List.of("--ns", Path.of("../nsd-examples/ping-pong").toAbsolutePath().toString()), 180);
    assertThat(out)
        .contains("networks Ready              pass")
        .contains("reach on ping-pong-datanet  pass")
        .contains("reach on ping-pong-p2p      pass")
        .contains("isolation                   pass")
        .contains("6 of 6 checks passed");
  }

  /** Runs the demo in the project's folder, checks it passed and left nothing; its output. */
  private static String demo(List<String> args, int timeoutSeconds) throws Exception {
    List<String> missing = Testbed.missingPrerequisites();
    if (!missing.isEmpty()) {
      String msg = "the demo needs " + missing;
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(msg);
      }
      Assumptions.abort(msg);
    }
    // A lab left up would be reused and kept: start from none.
    Lab.down();
    String before = Testbed.run("ip netns list; ip -o link | awk -F': ' '{print $2}'").out();
    List<String> command =
        new java.util.ArrayList<>(
            List.of("java", "-jar", Path.of("target/l2sm-cli.jar").toAbsolutePath().toString()));
    command.add("demo");
    command.addAll(args);
    Process p =
        new ProcessBuilder(command)
            .directory(Path.of("..").toAbsolutePath().normalize().toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(Lab.isUp()).isFalse();
    assertThat(Testbed.run("ip netns list; ip -o link | awk -F': ' '{print $2}'").out())
        .isEqualTo(before);
    assertThat(Testbed.run("pgrep -f '[/]tmp/l2sm-testbed-l2l'").exit())
        .as("no process left")
        .isNotZero();
    assertThat(
            Testbed.run("pgrep -af 'l2sm-cli.jar (apiserver|controller|operator|kubelet|agent) '")
                .out())
        .as("no lab process left, whatever its command line")
        .isEmpty();
    // Zombies (state Z) hold nothing but their number until init reaps them: not counted.
    assertThat(
            Testbed.run(
                    "ps -eo stat=,args= | awk '$1 !~ /^Z/' | grep -E '[n]ginx|[d]nsmasq|[i]perf3'")
                .out())
        .as("no program of the pods left")
        .isEmpty();
    assertThat(Testbed.run("ls /etc/netns 2>/dev/null | grep -c '^l2l'").out().strip())
        .as("no resolver file of a pod left")
        .isEqualTo("0");
    return out;
  }
}
