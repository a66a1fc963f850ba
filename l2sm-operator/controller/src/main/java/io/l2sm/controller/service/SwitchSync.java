package io.l2sm.controller.service;

import io.l2sm.controller.flow.FlowRule;
import io.l2sm.controller.flow.SwitchProgram;
import io.l2sm.controller.openflow.OfMessages;
import io.l2sm.controller.openflow.SwitchConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one connected switch to its desired program by difference. It learns what the switch holds
 * once (flow and meter readback; flows are recognised by cookie), then sends only what changes, in
 * an order that never leaves a gap: new and changed meters, new flows, removed flows, removed
 * meters, then a barrier. Requests are applied one after the other; the table is never flushed.
 */
final class SwitchSync {
  private static final Logger LOG = LoggerFactory.getLogger(SwitchSync.class);

  private final SwitchConnection conn;
  private final String node;
  private final AtomicLong flowMods;
  private Set<Long> installed;
  private Map<Long, Long> meters;
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

  synchronized CompletableFuture<Void> submit(SwitchProgram program) {
    tail = tail.exceptionally(e -> null).thenCompose(v -> apply(program));
    return tail;
  }

  private CompletableFuture<Void> apply(SwitchProgram program) {
    Set<Long> knownFlows;
    Map<Long, Long> knownMeters;
    synchronized (this) {
      knownFlows = installed;
      knownMeters = meters;
    }
    if (knownFlows != null && knownMeters != null) {
      return diff(program, knownFlows, knownMeters);
    }
    long start = System.nanoTime();
    return conn.flowStats()
        .thenCombine(conn.meters(), (flows, m) -> new Object[] {flows, m})
        .thenCompose(
            read -> {
              @SuppressWarnings("unchecked")
              List<OFFlowStatsEntry> entries = (List<OFFlowStatsEntry>) read[0];
              @SuppressWarnings("unchecked")
              Map<Long, Long> m = (Map<Long, Long>) read[1];
              Set<Long> cookies = new HashSet<>();
              entries.forEach(e -> cookies.add(e.getCookie().getValue()));
              return diff(program, cookies, m)
                  .thenRun(
                      () ->
                          LOG.info(
                              "switch {} ({}) reconciled in {} ms: it held {} flows and {}"
                                  + " meters, now {} and {}",
                              conn.dpidHex(),
                              node,
                              (System.nanoTime() - start) / 1_000_000,
                              entries.size(),
                              m.size(),
                              program.flows().size(),
                              program.meters().size()));
            });
  }

  private CompletableFuture<Void> diff(
      SwitchProgram program, Set<Long> haveFlows, Map<Long, Long> haveMeters) {
    Map<Long, FlowRule> want = new LinkedHashMap<>();
    program.flows().forEach(r -> want.put(r.cookie(), r));
    Map<Long, Long> wantMeters = new HashMap<>();
    program.meters().forEach((id, kbps) -> wantMeters.put((long) id, kbps));
    List<OFMessage> msgs = new ArrayList<>();
    wantMeters.forEach(
        (id, kbps) -> {
          Long have = haveMeters.get(id);
          if (have == null) {
            msgs.add(OfMessages.meterMod(OFMeterModCommand.ADD, id, kbps));
          } else if (!have.equals(kbps)) {
            msgs.add(OfMessages.meterMod(OFMeterModCommand.MODIFY, id, kbps));
          }
        });
    want.forEach(
        (cookie, r) -> {
          if (!haveFlows.contains(cookie)) {
            msgs.add(OfMessages.flowAdd(r));
          }
        });
    for (long cookie : haveFlows) {
      if (!want.containsKey(cookie)) {
        msgs.add(OfMessages.flowDeleteByCookie(cookie));
      }
    }
    for (long id : haveMeters.keySet()) {
      if (!wantMeters.containsKey(id)) {
        msgs.add(OfMessages.meterDelete(id));
      }
    }
    if (msgs.isEmpty()) {
      record(want.keySet(), wantMeters);
      return CompletableFuture.completedFuture(null);
    }
    flowMods.addAndGet(msgs.size());
    return conn.send(msgs)
        .whenComplete(
            (v, e) -> {
              if (e == null) {
                record(want.keySet(), wantMeters);
              } else {
                record(null, null);
              }
            });
  }

  private synchronized void record(Set<Long> flows, Map<Long, Long> m) {
    installed = flows == null ? null : new HashSet<>(flows);
    meters = m == null ? null : new HashMap<>(m);
  }
}
