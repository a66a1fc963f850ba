package io.l2sm.cli.lab;

import static org.awaitility.Awaitility.await;

import io.l2sm.lab.Testbed;
import io.l2sm.osm.vpls.OnosVplsClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code l2sm adapter --lab} as a process of its own, for the end-to-end tests. */
final class AdapterProcess implements AutoCloseable {
  final String user;
  final String password;
  final int port;
  final int grpcPort;
  final Path log;
  private Process process;

  AdapterProcess(String user, String password, Path log) throws IOException {
    this.user = user;
    this.password = password;
    this.log = log;
    this.port = io.l2sm.lab.Ports.free();
    this.grpcPort = io.l2sm.lab.Ports.free();
  }

  /** Starts it (again, after {@link #kill}) and waits until it answers. */
  AdapterProcess start() throws Exception {
    List<String> cmd = new ArrayList<>(Testbed.program());
    cmd.addAll(
        List.of(
            "adapter",
            "--lab",
            "--host",
            "127.0.0.1",
            "--port",
            "" + port,
            "--grpc-port",
            "" + grpcPort));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("L2SM_ADAPTER_USER", user);
    pb.environment().put("L2SM_ADAPTER_PASSWORD", password);
    process = pb.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              client().checkCredentials();
              return true;
            });
    return this;
  }

  /** OSM's onos_vpls connector pointed at it. */
  OnosVplsClient client() {
    return new OnosVplsClient(HttpClient.newHttpClient(), "127.0.0.1:" + port, user, password);
  }

  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
