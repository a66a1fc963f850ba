package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agents that share a CNI folder (a host's edge devices, the lab's nodes) install at once. */
class ShimInstallTest {
  @TempDir Path bin;

  @Test
  void agentsInstallingIntoOneFolderAtOnceAllSucceedAndLeaveOnlyThePlugin() throws Exception {
    Path target = bin.resolve("l2sm");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> installs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        installs.add(
            pool.submit(
                () -> {
                  AgentCommand.installShim(target);
                  return null;
                }));
      }
      for (Future<?> f : installs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    byte[] shipped;
    try (var in = io.l2sm.agent.NodeAgent.class.getResourceAsStream("l2sm-cni")) {
      shipped = in.readAllBytes();
    }
    assertThat(shipped).isNotEmpty();
    assertThat(Files.readAllBytes(target)).isEqualTo(shipped);
    assertThat(Files.isExecutable(target)).isTrue();
    try (var left = Files.list(bin)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("l2sm");
    }
  }
}
