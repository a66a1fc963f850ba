package io.l2sm.operator;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keys to reconcile, one at a time, each at most once in the queue; a failed key comes back later,
 * waiting longer after each failure (0.2 s doubling to 10 s). Keys added before {@link #open()}
 * wait for it, so nothing runs while the informers are still being set up.
 *
 * <p>Metered in Micrometer's global registry, which the operator's {@code /metrics} serves: each
 * reconcile's time by queue and outcome ({@code l2sm.reconciles}), and the keys waiting ({@code
 * l2sm.queue.depth}).
 */
final class WorkQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
  private final ScheduledExecutorService worker;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Set<String> lowPending = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Consumer<String> handler;
  private final Timer succeeded;
  private final Timer failed;
  private volatile boolean open;

  /** The MDC key that names what a reconcile works on in its log lines (its key). */
  private final String subject;

  /**
   * @param subject what the keys are, e.g. {@code network}: each log line of a reconcile carries
   *     its key under that name in the MDC (a field of the JSON log lines)
   */
  WorkQueue(String name, String subject, Consumer<String> handler) {
    this.subject = subject;
    this.handler = handler;
    this.succeeded = reconciles(name, "ok");
    this.failed = reconciles(name, "error");
    Gauge.builder("l2sm.queue.depth", this, q -> q.pending.size() + q.lowPending.size())
        .description("Keys waiting to be reconciled, resyncs included.")
        .tag("queue", name)
        .register(Metrics.globalRegistry);
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }

  private static Timer reconciles(String queue, String outcome) {
    return Timer.builder("l2sm.reconciles")
        .description("Reconciles run, by queue and outcome (an error is retried with back-off).")
        .tag("queue", queue)
        .tag("outcome", outcome)
        .register(Metrics.globalRegistry);
  }

  void add(String key) {
    if (pending.add(key) && open) {
      worker.execute(() -> runPending(key));
    }
  }

  /** Starts running keys, those already added first. */
  void open() {
    open = true;
    for (String key : pending) {
      worker.execute(() -> runPending(key));
    }
  }

  /** A resync: runs when no change is pending. */
  void addLow(String key) {
    if (open && !pending.contains(key) && lowPending.add(key)) {
      worker.execute(() -> runLow(key));
    }
  }

  private void runLow(String key) {
    if (!pending.isEmpty()) {
      worker.schedule(() -> runLow(key), 20, TimeUnit.MILLISECONDS);
      return;
    }
    if (lowPending.remove(key) && !pending.contains(key)) {
      run(key);
    }
  }

  void addAfter(String key, long millis) {
    worker.schedule(() -> add(key), millis, TimeUnit.MILLISECONDS);
  }

  private void runPending(String key) {
    if (pending.remove(key)) { // else already run: open() and add() both submitted it
      run(key);
    }
  }

  private void run(String key) {
    lowPending.remove(key);
    long start = System.nanoTime();
    try (MDC.MDCCloseable named = MDC.putCloseable(subject, key)) {
      handler.accept(key);
      succeeded.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      failures.remove(key);
    } catch (RuntimeException e) {
      failed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      int n = failures.merge(key, 1, Integer::sum);
      long delay = Math.min(10_000L, 200L << Math.min(n - 1, 6));
      LOG.warn("reconcile of {} failed ({}), retrying in {} ms", key, e.toString(), delay);
      addAfter(key, delay);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
