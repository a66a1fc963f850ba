package io.l2sm.controller.service;

import io.l2sm.controller.flow.FlowRule;
import io.l2sm.controller.flow.InstalledFlow;
import io.l2sm.controller.flow.SwitchChange;
import io.l2sm.controller.flow.SwitchProgram;
import io.l2sm.controller.openflow.SwitchConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one connected switch to its desired program by difference. It learns what the switch holds
 * once (flow and meter readback; flows are recognised by cookie), then sends only what changes, in
 * an order that never leaves a gap: new and changed meters, new flows, removed flows, removed
 * meters, then a barrier. Requests are applied one after the other; the table is never flushed.
 *
 * <p>While {@code holding} says so (the controller started knowing no switch: it lost its state,
 * which the agents and the operator are declaring again), the flows and meters it finds on the
 * switch and does not want are inherited: kept, so that the traffic they carry goes on until the
 * state is back, and removed by the first request once the hold is over. When a port the held flows
 * classify for an attachment is given to another one (another MAC or network), every held flow
 * naming that port (in_port or output) goes at once: a port given to another pod never receives or
 * classifies the old pod's traffic. Flows the controller installed, or wanted, itself are never
 * held.
 */
final class SwitchSync {
  private static final Logger LOG = LoggerFactory.getLogger(SwitchSync.class);

  private final SwitchConnection conn;
  private final String node;
  private final AtomicLong flowMods;
  private final java.util.function.LongConsumer roundTook;
  private final java.util.function.BooleanSupplier holding;
  private final java.util.function.Supplier<SwitchProgram> program;
  private Set<Long> installed;

  /** Inherited flows by cookie. */
  private final Map<Long, InstalledFlow> inheritedFlows = new HashMap<>();

  private final Set<Long> inheritedMeters = new HashSet<>();
  private Map<Long, Long> meters;
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  /**
   * @param roundTook told how long each round took, in nanoseconds: from its start to the switch's
   *     confirmation (or failure)
   * @param holding whether inherited flows are held now
   * @param program the program the switch should hold now (null: none, it is no known node's), read
   *     under the controller's lock when a round starts
   */
  SwitchSync(
      SwitchConnection conn,
      String node,
      AtomicLong flowMods,
      java.util.function.LongConsumer roundTook,
      java.util.function.BooleanSupplier holding,
      java.util.function.Supplier<SwitchProgram> program) {
    this.conn = conn;
    this.node = node;
    this.flowMods = flowMods;
    this.roundTook = roundTook;
    this.holding = holding;
    this.program = program;
  }

  /** The VNIs L2S-M's flows among {@code flows} name. */
  static Set<Integer> vnis(List<InstalledFlow> flows) {
    Set<Integer> out = new HashSet<>();
    for (InstalledFlow f : flows) {
      if (FlowRule.isOurs(f.cookie())) {
        out.addAll(f.vnis());
      }
    }
    return out;
  }

  /** The attachment ports a program holds: in_port of its classification flows not from tunnels. */
  static Set<Integer> attachmentPorts(SwitchProgram program) {
    Set<Integer> out = new HashSet<>();
    for (FlowRule r : program.flows()) {
      if (r.table() == io.l2sm.controller.flow.FlowCompiler.TABLE_CLASSIFY
          && r.match().inPort() != null
          && r.match().tunnelId() == null) {
        out.add(r.match().inPort());
      }
    }
    return out;
  }

  /**
   * Runs {@code line} with the switch and its node named in the MDC ({@code switch}, {@code node}).
   */
  void named(Runnable line) {
    try (var sw = conn.named();
        var n = org.slf4j.MDC.putCloseable("node", node)) {
      line.run();
    }
  }

  SwitchConnection connection() {
    return conn;
  }

  synchronized int installedCount() {
    return installed == null ? 0 : installed.size();
  }

  /**
   * Brings the switch to the program {@link #program} gives at the time it is applied, after the
   * rounds submitted before. While one round is being applied, further submits share the one
   * waiting: a burst of changes (many pods attached at once) costs the switch one difference per
   * round, not one per change. Since a round reads the program when it starts, never when it was
   * submitted, no round can put back an older program than one a caller already waits for; every
   * caller's future completes once a program at least as new as its change is on the switch.
   * Callers hold the controller's lock, as the program supplier does (one lock order).
   */
  synchronized CompletableFuture<Void> submit() {
    if (waiting != null) {
      return waiting;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    waiting = done;
    tail =
        tail.exceptionally(e -> null)
            .thenCompose(
                v -> {
                  synchronized (this) {
                    waiting = null;
                  }
                  SwitchProgram next = program.get();
                  if (next == null) {
                    return CompletableFuture.completedFuture(null);
                  }
                  long start = System.nanoTime();
                  return apply(next)
                      .whenComplete((r, e) -> roundTook.accept(System.nanoTime() - start));
                });
    tail.whenComplete(
        (v, e) -> {
          if (e == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(e instanceof CompletionException c ? c.getCause() : e);
          }
        });
    return done;
  }

  /** Completes when the round waiting to start is applied; null when none waits. */
  private CompletableFuture<Void> waiting;

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
    return conn.installedFlows()
        .thenCombine(conn.meters(), (flows, m) -> new Object[] {flows, m})
        .thenCompose(
            read -> {
              @SuppressWarnings("unchecked")
              List<InstalledFlow> entries = (List<InstalledFlow>) read[0];
              @SuppressWarnings("unchecked")
              Map<Long, Long> m = (Map<Long, Long>) read[1];
              Set<Long> cookies = new HashSet<>();
              entries.forEach(e -> cookies.add(e.cookie()));
              if (holding.getAsBoolean()) {
                synchronized (this) {
                  for (InstalledFlow e : entries) {
                    if (FlowRule.isOurs(e.cookie())) {
                      inheritedFlows.put(e.cookie(), e);
                    }
                  }
                  inheritedMeters.addAll(m.keySet());
                }
              }
              return diff(program, cookies, m)
                  .thenRun(
                      () ->
                          named(
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
                                      program.meters().size())));
            });
  }

  private CompletableFuture<Void> diff(
      SwitchProgram program, Set<Long> haveFlows, Map<Long, Long> haveMeters) {
    Map<Long, FlowRule> want = new LinkedHashMap<>();
    program.flows().forEach(r -> want.put(r.cookie(), r));
    Map<Long, Long> wantMeters = new HashMap<>();
    program.meters().forEach((id, kbps) -> wantMeters.put((long) id, kbps));
    // What is held this time: inherited, not wanted (once wanted, a flow is the controller's own),
    // and on no port given to another attachment than the one the held flows classify for there.
    Set<Long> keepFlows = new HashSet<>();
    Set<Long> keepMeters = new HashSet<>();
    synchronized (this) {
      inheritedFlows.keySet().removeAll(want.keySet());
      inheritedMeters.removeAll(wantMeters.keySet());
      if (holding.getAsBoolean()) {
        Set<Integer> taken = attachmentPorts(program);
        Set<Integer> reassigned = new HashSet<>();
        inheritedFlows
            .values()
            .forEach(
                h -> {
                  if (h.classifies() != null && taken.contains(h.classifies())) {
                    reassigned.add(h.classifies());
                  }
                });
        inheritedFlows.values().removeIf(h -> h.ports().stream().anyMatch(reassigned::contains));
        keepFlows.addAll(inheritedFlows.keySet());
        keepMeters.addAll(inheritedMeters);
      } else if (!inheritedFlows.isEmpty() || !inheritedMeters.isEmpty()) {
        named(
            () ->
                LOG.info(
                    "switch {} ({}): the hold is over; the inherited flows nothing declared again"
                        + " go",
                    conn.dpidHex(),
                    node));
        inheritedFlows.clear();
        inheritedMeters.clear();
      }
    }
    keepFlows.retainAll(haveFlows);
    keepMeters.retainAll(haveMeters.keySet());
    List<SwitchChange> msgs = new ArrayList<>();
    wantMeters.forEach(
        (id, kbps) -> {
          Long have = haveMeters.get(id);
          if (have == null) {
            msgs.add(new SwitchChange.AddMeter(id, kbps));
          } else if (!have.equals(kbps)) {
            msgs.add(new SwitchChange.ModifyMeter(id, kbps));
          }
        });
    want.forEach(
        (cookie, r) -> {
          if (!haveFlows.contains(cookie)) {
            msgs.add(new SwitchChange.AddFlow(r));
          }
        });
    for (long cookie : haveFlows) {
      if (!want.containsKey(cookie) && !keepFlows.contains(cookie)) {
        msgs.add(new SwitchChange.DeleteFlows(cookie));
      }
    }
    for (long id : haveMeters.keySet()) {
      if (!wantMeters.containsKey(id) && !keepMeters.contains(id)) {
        msgs.add(new SwitchChange.DeleteMeter(id));
      }
    }
    Set<Long> nowFlows = new HashSet<>(want.keySet());
    nowFlows.addAll(keepFlows);
    Map<Long, Long> nowMeters = new HashMap<>();
    keepMeters.forEach(id -> nowMeters.put(id, haveMeters.get(id)));
    nowMeters.putAll(wantMeters);
    if (msgs.isEmpty()) {
      record(nowFlows, nowMeters);
      return CompletableFuture.completedFuture(null);
    }
    flowMods.addAndGet(msgs.size());
    return conn.apply(msgs)
        .whenComplete(
            (v, e) -> {
              if (e == null) {
                record(nowFlows, nowMeters);
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
