package io.l2sm.osm;

import static org.assertj.core.api.Assertions.assertThat;

import io.l2sm.osm.web.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python RO plugin ({@code ro-plugin/}, run by Debian's python3 with python3-grpcio) against
 * the real SDN-assist gRPC service of the adapter; and the plugin's copy of the service's
 * descriptors is the one this build generates.
 */
class RoPluginIT {
  static final Path PLUGIN = Path.of("..", "ro-plugin").toAbsolutePath().normalize();
  static final String PYTHON = "/usr/bin/python3";

  @TempDir Path state;

  @Test
  void thePluginsDescriptorsAreTheServicesAsBuilt() throws Exception {
    Path built = Path.of("target/generated-resources/protobuf/descriptor-sets/l2sm-osm-sdn.desc");
    Path shipped = PLUGIN.resolve("osm_rosdn_l2sm/l2sm-osm-sdn.desc");
    if (Boolean.getBoolean("golden.update")) {
      Files.copy(built, shipped, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    assertThat(Files.readAllBytes(shipped))
        .as("ro-plugin's descriptor set is stale: rebuild with -Dgolden.update=true")
        .isEqualTo(Files.readAllBytes(built));
  }

  @Test
  void thePythonPluginDrivesTheServiceAndMapsErrors() throws Exception {
    requirePythonGrpc();
    FakeFabric fabric = new FakeFabric(0x11, 0x22, 0x33);
    try (Adapter adapter =
        Adapter.start(
            new Adapter.Options(
                "127.0.0.1", 0, 0, state, null, null, 1 << 20, Duration.ofSeconds(1)),
            new Credentials("ro", "plugin-Pass-1"),
            fabric)) {
      ProcessBuilder pb =
          new ProcessBuilder(PYTHON, "-m", "unittest", "-v", "tests.test_plugin")
              .directory(PLUGIN.toFile())
              .redirectErrorStream(true);
      pb.environment().put("L2SM_SDN_TARGET", "127.0.0.1:" + adapter.grpcPort());
      pb.environment().put("L2SM_SDN_USER", "ro");
      pb.environment().put("L2SM_SDN_PASSWORD", "plugin-Pass-1");
      pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      System.out.println(out);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("Ran 5 tests").contains("OK").doesNotContain("skipped");
      // Every service the plugin made was removed through it again.
      assertThat(adapter.book().services()).isEmpty();
      assertThat(fabric.networks).isEmpty();
    }
  }

  static void requirePythonGrpc() throws Exception {
    Process p = new ProcessBuilder(PYTHON, "-c", "import grpc, google.protobuf").start();
    if (p.waitFor() == 0) {
      return;
    }
    String msg =
        "the RO plugin tests need python3-grpcio and python3-protobuf (scripts/install-prereqs.sh)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(msg);
    }
    Assumptions.abort(msg);
  }
}
