package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code lab up}'s choice of Kubernetes: bad values are refused before anything is built. */
class LabUpOptionsTest {
  @Test
  void anUnknownKubernetesIsRefusedByName() {
    CliRun r = CliRun.of("lab", "up", "--kubernetes", "k3s");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--kubernetes must be mock or real, not 'k3s'");
  }

  @Test
  void realKubernetesHasOneClusterForNow() {
    CliRun r = CliRun.of("lab", "up", "--kubernetes", "real", "--clusters", "2");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--kubernetes real has one cluster and no sites for now");
  }
}
