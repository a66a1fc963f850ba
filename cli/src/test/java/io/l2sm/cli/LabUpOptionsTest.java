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
  void sitesWithoutKubernetesAreRefusedOnRealKubernetes() {
    CliRun r = CliRun.of("lab", "up", "--kubernetes", "real", "--clusters", "2", "--sites", "1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "--sites needs --kubernetes mock: a site without Kubernetes joins the mock lab only");
  }

  @Test
  void theSideBySideBenchRefusesAPodCountOutOfRangeBeforeBuildingAnything() {
    CliRun r = CliRun.of("bench", "kubernetes", "--pods", "1");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).contains("kubernetes: error: --pods must be 2-500");
  }
}
