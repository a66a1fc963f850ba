package io.l2sm.controller.service;

import io.l2sm.controller.flow.FlowRule;
import io.l2sm.controller.openflow.OfMessages;
import io.l2sm.controller.openflow.SwitchConnection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one connected switch's flow table to the desired rules by difference: it learns what the
 * switch holds once (flow-stats readback, by cookie), then sends only the rules to add and the
 * cookies to delete, adds first so a changed rule never leaves a gap, then a barrier. Requests are
 * applied one after the other; the table is never flushed.
 */
final class SwitchSync {
  private static final Logger LOG = LoggerFactory.getLogger(SwitchSync.class);

  private final SwitchConnection conn;
  private final String node;
  private final AtomicLong flowMods;
  private Set<Long> installed;
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  SwitchSync(SwitchConnection conn, String node, AtomicLong flowMods) {
    this.conn = conn;
    this.node = node;
    this.flowMods = flowMods;
  }

  SwitchConnection connection() {
    return conn;
  }

  synchronized int installedCount() {
    return installed == null ? 0 : installed.size();
  }

  synchronized CompletableFuture<Void> submit(List<FlowRule> rules) {
    tail = tail.exceptionally(e -> null).thenCompose(v -> apply(rules));
    return tail;
  }

  private CompletableFuture<Void> apply(List<FlowRule> rules) {
    Set<Long> known;
    synchronized (this) {
      known = installed;
    }
    if (known != null) {
      return diff(rules, known);
    }
    long start = System.nanoTime();
    return conn.flowStats()
        .thenCompose(
            entries -> {
              Set<Long> cookies = new HashSet<>();
              for (OFFlowStatsEntry e : entries) {
                cookies.add(e.getCookie().getValue());
              }
              return diff(rules, cookies)
                  .thenRun(
                      () ->
                          LOG.info(
                              "switch {} ({}) reconciled in {} ms: it held {} flows, now {}",
                              conn.dpidHex(),
                              node,
                              (System.nanoTime() - start) / 1_000_000,
                              entries.size(),
                              rules.size()));
            });
  }

  private CompletableFuture<Void> diff(List<FlowRule> rules, Set<Long> have) {
    Map<Long, FlowRule> want = new LinkedHashMap<>();
    rules.forEach(r -> want.put(r.cookie(), r));
    List<OFMessage> msgs = new ArrayList<>();
    want.forEach(
        (cookie, r) -> {
          if (!have.contains(cookie)) {
            msgs.add(OfMessages.flowAdd(r));
          }
        });
    for (long cookie : have) {
      if (!want.containsKey(cookie)) {
        msgs.add(OfMessages.flowDeleteByCookie(cookie));
      }
    }
    if (msgs.isEmpty()) {
      synchronized (this) {
        installed = new HashSet<>(want.keySet());
      }
      return CompletableFuture.completedFuture(null);
    }
    flowMods.addAndGet(msgs.size());
    return conn.send(msgs)
        .whenComplete(
            (v, e) -> {
              synchronized (this) {
                installed = e == null ? new HashSet<>(want.keySet()) : null;
              }
            });
  }
}
