package io.l2sm.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lab restart} of a real cluster's Kubernetes parts, on stand-in processes. */
class RealPartsTest {
  @TempDir Path dir;

  LabInfo lab() {
    return new LabInfo(
        "c9",
        dir.toString(),
        "",
        "",
        "",
        "",
        List.of(new LabInfo.Node("n1", "l2lc9n1", "10.0.0.1", "", "", "")),
        Map.of());
  }

  @Test
  void aPartIsKilledAndStartedAgainFromItsRecordedCommandLine() throws Exception {
    Files.createDirectories(dir.resolve("k8s"));
    Files.createDirectories(dir.resolve("node-n1"));
    // A control-plane part and a node part (started through nsenter, which executes the part in
    // place: it is found by its own command line).
    Process cp = RealParts.launch(dir.resolve("k8s"), "stand-in", List.of("sleep", "987651"));
    Process node = RealParts.launch(dir.resolve("node-n1"), "kubelike", List.of("sleep", "987652"));
    Files.write(
        dir.resolve("node-n1/kubelike.cmd"),
        List.of("nsenter", "--net=/run/netns/none", "--mount=/none", "sleep", "987652"));
    try {
      assertThat(RealParts.parts(lab())).containsOnlyKeys("stand-in", "kubelike-n1");
      assertThat(RealParts.pidsOf(List.of("sleep", "987651"))).containsExactly(cp.pid());
      assertThat(
              RealParts.pidsOf(
                  List.of("nsenter", "--net=/run/netns/none", "--mount=/none", "sleep", "987652")))
          .containsExactly(node.pid());

      assertThat(RealParts.restart(lab(), "stand-in")).isEqualTo("running");
      assertThat(cp.isAlive()).as("the old process was killed").isFalse();
      List<Long> now = RealParts.pidsOf(List.of("sleep", "987651"));
      assertThat(now).hasSize(1).doesNotContain(cp.pid());
      ProcessHandle.of(now.get(0)).ifPresent(ProcessHandle::destroyForcibly);
    } finally {
      cp.destroyForcibly();
      node.destroyForcibly();
    }
  }

  @Test
  void anUnknownOrStoppedPartIsRefusedByName() throws Exception {
    Files.createDirectories(dir.resolve("k8s"));
    Files.write(dir.resolve("k8s/etcd.cmd"), List.of("sleep", "987653"));
    assertThatThrownBy(() -> RealParts.restart(lab(), "etcdd"))
        .hasMessage("no Kubernetes part 'etcdd' in cluster c9");
    assertThatThrownBy(() -> RealParts.restart(lab(), "etcd"))
        .hasMessageContaining(
            "etcd is not running (no process runs " + dir.resolve("k8s/etcd.cmd"));
  }
}
