package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged CLI the way {@code ./l2sm} does ({@code java -jar} with its {@code lib/}), so a
 * dependency missing at run time fails here, not in a user's hands.
 */
class PackagedCliIT {
  static final Path JAR = Path.of("target", "l2sm-cli.jar");
  static final Path EXAMPLES = Path.of("..", "nsd-examples");

  @TempDir Path tmp;

  record Result(int exit, String output) {}

  static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  @Test
  @DisplayName(
      "the packaged jar translates a package tarball set and reports bad input with exit 2")
  void packagedJarRuns() throws Exception {
    assertThat(JAR).exists();
    Path tars = tmp.resolve("tars");
    Files.createDirectories(tars);
    for (String pkg : List.of("ping-pong_ns", "ping_knf", "pong_knf")) {
      TranslateCommandTest.tarGz(
          EXAMPLES.resolve("ping-pong").resolve(pkg), tars.resolve(pkg + ".tar.gz"));
    }
    Path out = tmp.resolve("out");
    Result ok =
        run("translate", tars.resolve("ping-pong_ns.tar.gz").toString(), "-o", out.toString());
    assertThat(ok.exit()).as(ok.output()).isZero();
    assertThat(Files.readString(out.resolve("networks.yaml")))
        .isEqualTo(Files.readString(EXAMPLES.resolve("ping-pong/expected/networks.yaml")));

    Result bad =
        run("translate", tmp.resolve("missing").toString(), "-o", tmp.resolve("o2").toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.output()).contains("missing:0:0: $: no such file or folder");
  }

  @Test
  @DisplayName("the packaged benchmark runs end to end on a small NS and writes its JSON figures")
  void packagedBenchRuns() throws Exception {
    Path json = tmp.resolve("bench.json");
    Result r =
        run(
            "bench",
            "translate",
            "--vlds",
            "20",
            "--knfs",
            "5",
            "--runs",
            "2",
            "--command-runs",
            "1",
            "--json",
            json.toString());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(Files.readString(json))
        .contains("\"translate_20_vld_ms\"", "\"translate_command_20_vld_ms\"", "\"jvm_start_ms\"");
  }
}
