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
 * The README's main job through the packaged CLI: {@code l2sm demo} brings a lab up, deploys the
 * ping-pong NS, checks reachability and isolation, and takes the lab down leaving nothing.
 */
class DemoE2E {
  @Test
  void theDemoPassesEveryCheckAndLeavesNothingBehind() throws Exception {
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
    Process p =
        new ProcessBuilder(
                "java",
                "-jar",
                Path.of("target/l2sm-cli.jar").toAbsolutePath().toString(),
                "demo",
                "--ns",
                Path.of("../nsd-examples/ping-pong").toAbsolutePath().toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("networks Ready              pass")
        .contains("reach on ping-pong-datanet  pass")
        .contains("reach on ping-pong-p2p      pass")
        .contains("isolation                   pass")
        .contains("6 of 6 checks passed");
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
  }
}
