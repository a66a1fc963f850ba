package io.l2sm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Ovs#change}: ports asked for at the same time share OVSDB transactions, and a bad one in a
 * shared transaction fails alone. ovs-vsctl is replaced by a recorder that takes 50 ms per call, as
 * a transaction does on a switch with a few hundred ports.
 */
class OvsGroupCommitTest {
  private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());

  private String slowVsctl(List<String> cmd) {
    calls.add(cmd);
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (cmd.contains("bad")) {
      throw new IllegalStateException("ovs-vsctl: no bridge named bad");
    }
    return "";
  }

  @Test
  void concurrentChangesShareTransactionsAndEachSeesItsOwnOutcome() throws Exception {
    Ovs ovs = new Ovs("unix:/nowhere", this::slowVsctl);
    int n = 20;
    ExecutorService callers = Executors.newFixedThreadPool(n);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String bridge = i == 7 ? "bad" : "br0";
      String port = "p" + i;
      done.add(
          callers.submit(
              () -> {
                start.await();
                ovs.change(List.of("add-port", bridge, port));
                return null;
              }));
    }
    start.countDown();
    for (int i = 0; i < n; i++) {
      Future<?> f = done.get(i);
      if (i == 7) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
            .hasRootCauseMessage("ovs-vsctl: no bridge named bad");
      } else {
        f.get(10, TimeUnit.SECONDS);
      }
    }
    callers.shutdown();

    // Every port went into a transaction that succeeded: alone, or shared with others.
    List<List<String>> applied = new ArrayList<>();
    for (List<String> c : List.copyOf(calls)) {
      if (!c.contains("bad")) {
        applied.add(c);
      }
    }
    for (int i = 0; i < n; i++) {
      String port = "p" + i;
      long in = applied.stream().filter(c -> c.contains(port)).count();
      assertThat(in).as("successful transactions holding %s", port).isEqualTo(i == 7 ? 0 : 1);
    }
    // Sharing happened: fewer successful transactions than ports (the first caller's goes alone,
    // the others queue behind it), and one of them held several.
    assertThat(applied.size()).isLessThan(n - 1);
    assertThat(applied).anyMatch(c -> c.contains("--"));
    // The shared transaction that held the bad command was retried one command at a time.
    assertThat(calls).anyMatch(c -> c.contains("bad") && !c.contains("--"));
  }

  @Test
  void aLoneChangeRunsAsIsWithTheDatabaseNamed() {
    Ovs ovs = new Ovs("unix:/run/db.sock", this::slowVsctl);
    ovs.change(List.of("del-port", "br0", "p1"));
    assertThat(calls)
        .containsExactly(
            List.of(
                "ovs-vsctl", "--db=unix:/run/db.sock", "--timeout=20", "del-port", "br0", "p1"));
  }
}
