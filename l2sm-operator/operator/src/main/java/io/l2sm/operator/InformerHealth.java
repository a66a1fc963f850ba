package io.l2sm.operator;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.TreeMap;

/** The reconcilers' probes read from their informers. */
final class InformerHealth {
  private InformerHealth() {}

  /** The informers not started or no longer watching, as text; null when every one runs. */
  static String stopped(Map<String, ? extends SharedIndexInformer<?>> informers) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(informers)
        .forEach(
            (what, i) -> {
              if (i == null || !i.isRunning() || !i.isWatching()) {
                b.append(b.isEmpty() ? "" : ", ").append(what);
              }
            });
    return b.isEmpty() ? null : "not watching " + b;
  }

  /** The informers that have not listed their objects yet, as text; null when all have. */
  static String unsynced(Map<String, ? extends SharedIndexInformer<?>> informers) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(informers)
        .forEach(
            (what, i) -> {
              if (i == null || !i.hasSynced()) {
                b.append(b.isEmpty() ? "" : ", ").append(what);
              }
            });
    return b.isEmpty() ? null : "not synced yet: " + b;
  }
}
