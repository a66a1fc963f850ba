package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller (or IDCO) without credentials does not start, and the one way around that, a
 * development flag, says so at every start.
 */
class ControllerCredentialsTest {
  @TempDir Path dir;

  @Test
  void noCredentialsNoController() {
    CliRun r = CliRun.of("controller", "--state-dir", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines().get(0))
        .isEqualTo(
            "controller: error: no credentials: --tls-dir DIR (tls.crt, tls.key, ca.crt) is"
                + " required; --allow-unauthenticated runs an open controller for development");
    CliRun idco = CliRun.of("idco", "--state-dir", dir.toString(), "--tokens", "/dev/null");
    assertThat(idco.exitCode()).isEqualTo(2);
    assertThat(idco.errLines().get(0)).startsWith("idco: error: no credentials:");
    CliRun both =
        CliRun.of(
            "controller",
            "--state-dir",
            dir.toString(),
            "--tls-dir",
            dir.toString(),
            "--allow-unauthenticated");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.errLines().get(0))
        .endsWith("--tls-dir and --allow-unauthenticated exclude each other");
  }

  @Test
  void aBadCredentialsFolderIsNamedBeforeAnythingBinds() throws Exception {
    Files.writeString(dir.resolve("tls.crt"), "not a certificate\n");
    Files.writeString(dir.resolve("tls.key"), "not a key\n");
    Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
    CliRun r =
        CliRun.of(
            "controller", "--state-dir", dir.resolve("s").toString(), "--tls-dir", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines().get(0))
        .isEqualTo("controller: error: --tls-dir " + dir + ": tls.crt holds no PEM certificate");
    assertThat(dir.resolve("s")).doesNotExist();
  }

  @Test
  void theDevelopmentFlagIsLoggedAtStart() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.l2sm.cli.Main"));
    cmd.addAll(
        List.of(
            "controller",
            "--allow-unauthenticated",
            "--state-dir",
            dir.toString(),
            "--openflow",
            "127.0.0.1:0",
            "--grpc",
            "127.0.0.1:0",
            "--http",
            "127.0.0.1:0"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      StringBuilder seen = new StringBuilder();
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String line;
      while (System.nanoTime() < deadline && (line = in.readLine()) != null) {
        seen.append(line).append('\n');
        if (line.contains("controller up")) {
          break;
        }
      }
      assertThat(seen.toString())
          .contains("WARN")
          .contains("UNAUTHENTICATED: --allow-unauthenticated is set")
          .contains("controller up");
    } finally {
      p.destroyForcibly().waitFor();
    }
  }
}
