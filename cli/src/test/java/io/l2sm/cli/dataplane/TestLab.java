package io.l2sm.cli.dataplane;

import io.l2sm.lab.Testbed;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Test-side rules for the testbed: fail under CI=true, skip elsewhere, when it cannot run. */
final class TestLab {
  private TestLab() {}

  static void requireLab() {
    List<String> missing = Testbed.missingPrerequisites();
    if (missing.isEmpty()) {
      return;
    }
    String msg =
        "the data-plane tests need " + missing + " (run scripts/install-prereqs.sh as root)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(msg);
    }
    Assumptions.abort(msg);
  }
}
