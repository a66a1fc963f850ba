package io.l2sm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Ovs#change}: ports asked for while a transaction runs share the next one, and a bad one in
 * a shared transaction fails alone. ovs-vsctl is replaced by a recorder; the first transaction of
 * each test is held until the test has seen every other caller queued behind it, so the sharing
 * does not depend on how fast the threads happen to start.
 */
class OvsGroupCommitTest {
  private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService callers = Executors.newCachedThreadPool();

  private String vsctl(List<String> cmd) {
    calls.add(cmd);
    if (cmd.contains("lead")) {
      try {
        if (!release.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the first transaction");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (cmd.contains("bad")) {
      throw new IllegalStateException("ovs-vsctl: no bridge named bad");
    }
    return "";
  }

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  /** Starts the leading change, queues {@code ports} behind it, then lets the leader finish. */
  private List<Future<?>> lineUp(Ovs ovs, List<String> ports) {
    Future<?> lead = callers.submit(() -> ovs.change(List.of("add-port", "br0", "lead")));
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 1);
    List<Future<?>> done = new ArrayList<>();
    for (String port : ports) {
      String bridge = port.startsWith("bad") ? "bad" : "br0";
      done.add(callers.submit(() -> ovs.change(List.of("add-port", bridge, port))));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> ovs.waiting() == ports.size());
    release.countDown();
    done.add(0, lead);
    return done;
  }

  private static List<String> ports(int n, int badAt) {
    List<String> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ports.add(i == badAt ? "bad" + i : "p" + i);
    }
    return ports;
  }

  @Test
  void changesQueuedBehindATransactionGoTogetherInTheNext() throws Exception {
    Ovs ovs = new Ovs("unix:/nowhere", this::vsctl);
    List<String> ports = ports(19, -1);
    for (Future<?> f : lineUp(ovs, ports)) {
      f.get(10, TimeUnit.SECONDS);
    }
    // The leader alone, then the 19 that queued meanwhile in one transaction.
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0)).endsWith("add-port", "br0", "lead").doesNotContain("--");
    List<String> shared = calls.get(1);
    assertThat(shared.stream().filter("--"::equals).count()).isEqualTo(18);
    for (String port : ports) {
      assertThat(shared).as("the shared transaction holds %s", port).contains(port);
    }
  }

  @Test
  void aBadChangeInASharedTransactionFailsAloneAndTheOthersAreApplied() throws Exception {
    Ovs ovs = new Ovs("unix:/nowhere", this::vsctl);
    List<String> ports = ports(10, 4);
    List<Future<?>> done = lineUp(ovs, ports);
    done.get(0).get(10, TimeUnit.SECONDS);
    for (int i = 0; i < ports.size(); i++) {
      Future<?> f = done.get(i + 1);
      if (i == 4) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
            .hasRootCauseMessage("ovs-vsctl: no bridge named bad");
      } else {
        f.get(10, TimeUnit.SECONDS);
      }
    }
    // The leader, the shared transaction that failed as a whole, then each command on its own.
    assertThat(calls).hasSize(2 + ports.size());
    assertThat(calls.get(1)).contains("--", "bad4", "p0", "p9");
    for (String port : ports) {
      List<List<String>> alone =
          calls.subList(2, calls.size()).stream().filter(c -> c.contains(port)).toList();
      assertThat(alone).as("transactions of %s after the shared one failed", port).hasSize(1);
      assertThat(alone.get(0)).doesNotContain("--");
    }
  }

  @Test
  void aLoneChangeRunsAsIsWithTheDatabaseNamed() {
    Ovs ovs = new Ovs("unix:/run/db.sock", this::vsctl);
    ovs.change(List.of("del-port", "br0", "p1"));
    assertThat(calls)
        .containsExactly(
            List.of(
                "ovs-vsctl", "--db=unix:/run/db.sock", "--timeout=20", "del-port", "br0", "p1"));
  }
}
