package io.l2sm.operator;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys to reconcile, one at a time, each at most once in the queue; a failed key comes back later,
 * waiting longer after each failure (0.2 s doubling to 10 s). Keys added before {@link #open()}
 * wait for it, so nothing runs while the informers are still being set up.
 */
final class WorkQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
  private final ScheduledExecutorService worker;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Set<String> lowPending = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Consumer<String> handler;
  private volatile boolean open;

  WorkQueue(String name, Consumer<String> handler) {
    this.handler = handler;
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
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
    try {
      handler.accept(key);
      failures.remove(key);
    } catch (RuntimeException e) {
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
