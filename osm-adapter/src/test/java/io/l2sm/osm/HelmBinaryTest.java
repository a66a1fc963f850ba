package io.l2sm.osm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.l2sm.osm.helm.HelmBinary;
import io.l2sm.osm.helm.HelmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrapper's process handling (arguments, captured errors, timeouts), with a script in place of
 * the helm program: no helm binary can be installed here, and what is tested is the wrapper's side
 * of the exchange. Helm itself is exercised through the Helm library in PostRendererTest.
 */
class HelmBinaryTest {
  @TempDir Path dir;

  Path script(String body) throws Exception {
    Path p = dir.resolve("helm");
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void installPassesTheNamespaceTheTimeoutAndThePostRendererAsHelmExpectsThem() throws Exception {
    Path args = dir.resolve("args");
    Path helm = script("for a in \"$@\"; do echo \"$a\"; done > " + args + "; echo installed");
    HelmBinary.Output out =
        new HelmBinary(helm, Duration.ofSeconds(90))
            .install(
                Path.of("/charts/ping"),
                "ping-1",
                "osm-ns",
                Path.of("/k/config"),
                List.of(Path.of("/v.yaml")),
                List.of("/opt/l2sm", "post-render", "--plan=/p.json", "--kdu=ping/ping"));
    assertThat(out.stdout()).isEqualTo("installed\n");
    assertThat(Files.readAllLines(args))
        .containsExactly(
            "install",
            "ping-1",
            "/charts/ping",
            "--namespace",
            "osm-ns",
            "--create-namespace",
            "--kubeconfig",
            "/k/config",
            "--timeout",
            "90s",
            "--values",
            "/v.yaml",
            "--post-renderer",
            "/opt/l2sm",
            "--post-renderer-args",
            "post-render",
            "--post-renderer-args",
            "--plan=/p.json",
            "--post-renderer-args",
            "--kdu=ping/ping");
  }

  @Test
  void helmsErrorTextBecomesTheMessage() throws Exception {
    Path helm =
        script(
            "echo 'Error: INSTALLATION FAILED: cannot re-use a name that is still in use' >&2; exit 1");
    assertThatThrownBy(
            () ->
                new HelmBinary(helm, Duration.ofSeconds(5))
                    .install(Path.of("c"), "r", "n", Path.of("k"), List.of(), List.of()))
        .isInstanceOf(HelmException.class)
        .hasMessage(
            "helm install r failed (exit 1): Error: INSTALLATION FAILED: cannot re-use a name that"
                + " is still in use");
  }

  @Test
  void aHelmThatHangsIsStopped() throws Exception {
    Path helm = script("sleep 60");
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> new HelmBinary(helm, Duration.ofMillis(1)).uninstall("r", "n", Path.of("k")))
        .hasMessage("helm uninstall r: no answer after 0 s; stopped");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void aMissingProgramIsNamed() {
    assertThatThrownBy(
            () ->
                new HelmBinary(dir.resolve("nope"), Duration.ofSeconds(1))
                    .template(Path.of("c"), "r", "n", List.of()))
        .hasMessageStartingWith("helm template r: cannot run " + dir.resolve("nope"));
  }
}
