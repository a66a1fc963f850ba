package io.l2sm.cli.kubernetes;

import io.l2sm.lab.Testbed;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Test-side rules for the real Kubernetes parts: fail under CI=true, skip elsewhere, when the
 * testbed's tools, the container runtime, the image tools or the Go toolchain that builds the parts
 * is missing.
 */
final class RealKubernetes {
  private RealKubernetes() {}

  static void require() {
    List<String> missing = new ArrayList<>(Testbed.missingPrerequisites());
    if (System.getenv("L2SM_K8S_BIN") == null) {
      for (String tool : List.of("go", "gcc", "curl")) {
        if (Testbed.run("command -v " + tool).exit() != 0) {
          missing.add(tool);
        }
      }
    }
    for (String tool : List.of("containerd", "ctr", "runc", "umoci", "debootstrap", "nsenter")) {
      if (Testbed.run("command -v " + tool).exit() != 0) {
        missing.add(tool);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String msg =
        "the real-Kubernetes tests need "
            + missing
            + " (run scripts/install-prereqs.sh as root; Go 1.24+ on PATH)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(msg);
    }
    Assumptions.abort(msg);
  }
}
