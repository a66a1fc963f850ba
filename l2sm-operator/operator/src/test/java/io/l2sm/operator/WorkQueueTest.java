package io.l2sm.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link WorkQueue}: keys wait for open(), a failed key comes back, and both are metered. */
class WorkQueueTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void detach() {
    Metrics.removeRegistry(registry);
  }

  private RequiredSearch reconciles(String outcome) {
    return registry.get("l2sm.reconciles").tag("queue", "test-queue").tag("outcome", outcome);
  }

  @Test
  void keysWaitForOpenAFailedKeyComesBackAndBothAreMetered() throws Exception {
    Metrics.addRegistry(registry);
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch hold = new CountDownLatch(1);
    boolean[] failedOnce = {false};
    try (WorkQueue q =
        new WorkQueue(
            "test-queue",
            "network",
            key -> {
              if (key.equals("hold")) {
                try {
                  hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              if (key.equals("flaky") && !failedOnce[0]) {
                failedOnce[0] = true;
                throw new IllegalStateException("not yet");
              }
              ran.add(key);
            })) {
      q.add("hold");
      q.add("a");
      q.add("flaky");
      // Not open yet: nothing ran, three keys wait.
      Thread.sleep(100);
      assertThat(ran).isEmpty();
      assertThat(registry.get("l2sm.queue.depth").tag("queue", "test-queue").gauge().value())
          .isEqualTo(3);
      q.open();
      // "hold" runs first and blocks the worker: the other two still wait.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  registry.get("l2sm.queue.depth").tag("queue", "test-queue").gauge().value() <= 2);
      hold.countDown();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> ran.containsAll(List.of("hold", "a", "flaky")));
    }
    assertThat(reconciles("ok").timer().count()).isEqualTo(3);
    assertThat(reconciles("error").timer().count()).isEqualTo(1);
  }
}
