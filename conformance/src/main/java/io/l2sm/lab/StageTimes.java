package io.l2sm.lab;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Wall time spent in each named stage of a process's work (count, total, longest), cumulative since
 * the process started, so a reader takes the difference of two snapshots to see where an interval
 * went. The lab's kubelet keeps one per pod set-up stage and writes it to {@code
 * kubelet-stages.json} beside its state.
 */
public final class StageTimes {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One stage's figures; times in milliseconds. */
  public record Stage(long count, double totalMs, double maxMs) {
    /** What happened between {@code earlier} and this snapshot (max: this snapshot's). */
    public Stage minus(Stage earlier) {
      return earlier == null
          ? this
          : new Stage(count - earlier.count, totalMs - earlier.totalMs, maxMs);
    }

    public double meanMs() {
      return count == 0 ? 0 : totalMs / count;
    }
  }

  /** Per stage: count, total nanoseconds, longest nanoseconds. */
  private final Map<String, AtomicLongArray> stages = new ConcurrentHashMap<>();

  /** Occurrences added so far, to tell whether anything changed since a write. */
  private final java.util.concurrent.atomic.AtomicLong added =
      new java.util.concurrent.atomic.AtomicLong();

  /** {@link #added} when the last write began. */
  private volatile long written = -1;

  /** Adds one occurrence of {@code stage} that started at {@code startNanos} (System.nanoTime). */
  public void since(String stage, long startNanos) {
    add(stage, System.nanoTime() - startNanos);
  }

  public void add(String stage, long nanos) {
    AtomicLongArray a = stages.computeIfAbsent(stage, k -> new AtomicLongArray(3));
    a.incrementAndGet(0);
    a.addAndGet(1, nanos);
    a.accumulateAndGet(2, nanos, Math::max);
    added.incrementAndGet();
  }

  public Map<String, Stage> snapshot() {
    Map<String, Stage> out = new TreeMap<>();
    stages.forEach((k, a) -> out.put(k, new Stage(a.get(0), a.get(1) / 1e6, a.get(2) / 1e6)));
    return out;
  }

  /** Writes the snapshot to {@code file} atomically, unless nothing was added since the last. */
  public void write(Path file) throws IOException {
    long now = added.get();
    if (now == written) {
      return;
    }
    AtomicFiles.replace(file, JSON.writeValueAsBytes(snapshot()));
    written = now;
  }

  /** A snapshot written by {@link #write}; empty when there is none. */
  public static Map<String, Stage> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Map.of();
    }
    return JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, Stage>>() {});
  }

  /**
   * Per stage, what {@code later} adds to {@code earlier}; stages that did not occur are left out.
   */
  public static Map<String, Stage> between(Map<String, Stage> earlier, Map<String, Stage> later) {
    Map<String, Stage> out = new TreeMap<>();
    later.forEach(
        (k, s) -> {
          Stage d = s.minus(earlier.get(k));
          if (d.count() > 0) {
            out.put(k, d);
          }
        });
    return out;
  }
}
