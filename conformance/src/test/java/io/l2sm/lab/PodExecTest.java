package io.l2sm.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.dsl.internal.ExecWebSocketListener;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab API server's exec: request parsing, refusals, and the Status a client reads. */
class PodExecTest {
  @TempDir Path dir;

  @Test
  void findsThePodAndTheCommandInTheRequest() {
    assertThat(PodExec.target("/api/v1/namespaces/ns1/pods/a1/exec")).containsExactly("ns1", "a1");
    assertThat(PodExec.target("/api/v1/namespaces/ns1/pods/a1")).isNull();
    assertThat(PodExec.target("/api/v1/namespaces/ns1/pods/a1/log")).isNull();
    assertThat(
            PodExec.command(
                "command=sh&command=-c&command=ping%20-c%203%20%2710.0.0.1%27%0Aecho%20%22x%24%3F%22"
                    + "&container=c&stdout=true&stderr=true"))
        .containsExactly("sh", "-c", "ping -c 3 '10.0.0.1'\necho \"x$?\"");
  }

  @Test
  void theStatusCarriesTheExitCodeAsTheClientReadsIt() {
    for (int exit : new int[] {0, 1, 127}) {
      Status s = Serialization.unmarshal(PodExec.status(exit).toString(), Status.class);
      assertThat(ExecWebSocketListener.parseExitCode(s)).isEqualTo(exit);
    }
  }

  @Test
  void refusesWhatItCannotDo() {
    PodExec exec = new PodExec(dir);
    assertThat(exec.respond("ns1", "a1", "stdout=true").code()).isEqualTo(400);
    assertThat(exec.respond("ns1", "a1", "command=sh&stdin=true").code()).isEqualTo(400);
    assertThat(exec.respond("ns1", "a1", "command=true").code())
        .as("no such pod in the kubelet's state")
        .isEqualTo(404);
    exec.close();
  }
}
