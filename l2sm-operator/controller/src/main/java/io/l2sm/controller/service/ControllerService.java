package io.l2sm.controller.service;

import static io.l2sm.controller.model.ControllerException.Reason.ALREADY_EXISTS;
import static io.l2sm.controller.model.ControllerException.Reason.DEADLINE_EXCEEDED;
import static io.l2sm.controller.model.ControllerException.Reason.FAILED_PRECONDITION;
import static io.l2sm.controller.model.ControllerException.Reason.INVALID_ARGUMENT;
import static io.l2sm.controller.model.ControllerException.Reason.NOT_FOUND;
import static io.l2sm.controller.model.ControllerException.Reason.UNAVAILABLE;

import io.l2sm.api.grpc.Identity;
import io.l2sm.controller.flow.FlowCompiler;
import io.l2sm.controller.flow.SwitchProgram;
import io.l2sm.controller.model.Allocation;
import io.l2sm.controller.model.AttachmentState;
import io.l2sm.controller.model.ControllerException;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.model.Ipv4Cidr;
import io.l2sm.controller.model.Kind;
import io.l2sm.controller.model.Link;
import io.l2sm.controller.model.MirrorState;
import io.l2sm.controller.model.NetworkState;
import io.l2sm.controller.model.SwitchState;
import io.l2sm.controller.openflow.SwitchConnection;
import io.l2sm.controller.openflow.SwitchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's core: validates requests, keeps the desired state (persisted before it is
 * applied), compiles it and brings every connected switch to it. Mutations are serialised; the
 * returned futures complete when every connected switch concerned has confirmed its flows.
 */
public final class ControllerService implements SwitchListener {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerService.class);
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9._/]{0,251}[a-z0-9])?");
  private static final Pattern NODE = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");
  public static final int VNI_MAX = Allocation.VNI_MAX;
  private static final long MAX_PORT = 0xffffff00L;

  /** A change, for watchers. */
  public record Event(String kind, String name, String action) {}

  private final StateStore store;
  private final Function<DesiredState, SortedMap<String, SwitchProgram>> compiler;
  private final int vniMin;
  private final int vniMax;
  private final Duration pushTimeout;
  private final Map<Long, SwitchSync> syncs = new ConcurrentHashMap<>();
  private final Map<String, List<CompletableFuture<SwitchSync>>> waiters = new HashMap<>();
  private final List<Consumer<Event>> watchers = new CopyOnWriteArrayList<>();
  private final AtomicLong packetIns = new AtomicLong();
  private final AtomicLong flowMods = new AtomicLong();
  private DesiredState state;
  private SortedMap<String, SwitchProgram> desired;

  public ControllerService(StateStore store, int vniMin, int vniMax, Duration pushTimeout) {
    this(store, vniMin, vniMax, pushTimeout, Duration.ZERO, new FlowCompiler()::compile);
  }

  /**
   * As above, with the function that turns the desired state into switch programs: the {@link
   * FlowCompiler}'s; another only in tests (a deliberately broken one proves the conformance suite
   * catches a broken build).
   *
   * @param hold when the state holds no switch (the controller lost it, or starts for the first
   *     time), how long the flows found on switches are kept although nothing wants them yet (see
   *     {@link SwitchSync}): the agents and the operator declare their switches, networks and
   *     attachments again within seconds, and the traffic goes on meanwhile. VNIs those flows use
   *     are not given to new networks meanwhile. Zero: nothing is held.
   */
  public ControllerService(
      StateStore store,
      int vniMin,
      int vniMax,
      Duration pushTimeout,
      Duration hold,
      Function<DesiredState, SortedMap<String, SwitchProgram>> compiler) {
    this.compiler = compiler;
    if (vniMin < 1 || vniMax > VNI_MAX || vniMin > vniMax) {
      throw new IllegalArgumentException(
          "VNI range " + vniMin + "-" + vniMax + " is not within 1-" + VNI_MAX);
    }
    this.store = store;
    this.vniMin = vniMin;
    this.vniMax = vniMax;
    this.pushTimeout = pushTimeout;
    this.state = store.load();
    this.desired = compiler.apply(state);
    if (state.switches().isEmpty() && hold.toMillis() > 0) {
      holdUntil = System.nanoTime() + hold.toNanos();
      LOG.info(
          "no switch is known: flows found on the switches are held for {} s while the agents and"
              + " the operator declare them again",
          hold.toSeconds());
      CompletableFuture.delayedExecutor(hold.toMillis(), TimeUnit.MILLISECONDS)
          .execute(this::endHold);
    }
  }

  /** Until when (System.nanoTime) inherited flows are held, 0 for no hold; see the constructor. */
  private volatile long holdUntil;

  /** VNIs that held flows use: not given to a new network while the hold lasts. */
  private final Set<Integer> heldVnis = ConcurrentHashMap.newKeySet();

  boolean holding() {
    long until = holdUntil;
    return until != 0 && System.nanoTime() - until < 0;
  }

  /** The hold is over: every switch loses the inherited flows nothing declared again. */
  void endHold() {
    holdUntil = 0;
    heldVnis.clear();
    synchronized (this) {
      for (SwitchState s : state.switches().values()) {
        SwitchSync sync = syncs.get(s.dpid());
        if (sync != null) {
          sync.submit()
              .whenComplete(
                  (v, e) -> {
                    if (e != null) {
                      sync.named(
                          () ->
                              LOG.warn(
                                  "ending the hold on {} failed: {}",
                                  sync.connection(),
                                  e.toString()));
                    }
                  });
        }
      }
    }
  }

  /** The program the switch of {@code dpid} should hold now; null when it is no known node's. */
  private synchronized SwitchProgram programOf(long dpid) {
    String node = nodeOf(dpid);
    return node == null ? null : desired.get(node);
  }

  /** A round that brings {@code sync}'s switch to its current program. */
  private synchronized CompletableFuture<Void> resync(SwitchSync sync) {
    return sync.submit();
  }

  // ---- queries ----

  public synchronized DesiredState state() {
    return state;
  }

  public synchronized SortedMap<String, SwitchProgram> desiredPrograms() {
    return desired;
  }

  public boolean isConnected(String node) {
    SwitchState s = state().switches().get(node);
    return s != null && syncs.containsKey(s.dpid());
  }

  public int installedFlows(String node) {
    SwitchState s = state().switches().get(node);
    SwitchSync sync = s == null ? null : syncs.get(s.dpid());
    return sync == null ? 0 : sync.installedCount();
  }

  public synchronized int desiredFlowCount(String node) {
    SwitchProgram p = desired.get(node);
    return p == null ? 0 : p.flows().size();
  }

  public long packetIns() {
    return packetIns.get();
  }

  public long flowMods() {
    return flowMods.get();
  }

  public int connectedSwitches() {
    return syncs.size();
  }

  /** Times each switch round (see {@link ControllerMeters}); none until metrics are bound. */
  private volatile io.micrometer.core.instrument.Timer rounds;

  void timeRounds(io.micrometer.core.instrument.Timer timer) {
    rounds = timer;
  }

  private void roundTook(long nanos) {
    io.micrometer.core.instrument.Timer t = rounds;
    if (t != null) {
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  public void watch(Consumer<Event> w) {
    watchers.add(w);
  }

  public void unwatch(Consumer<Event> w) {
    watchers.remove(w);
  }

  // ---- networks ----

  public CompletableFuture<NetworkState> createNetwork(String name, Kind kind, int vni) {
    return createNetwork(name, kind, vni, null, null);
  }

  /**
   * Creates a network, or returns it if it exists with the same kind, VNI (when given) and
   * addressing.
   *
   * @param cidr IPv4 subnet whose addresses the controller assigns, or null/empty for none
   * @param range the part of cidr to assign from, or null/empty for all of it
   */
  public CompletableFuture<NetworkState> createNetwork(
      String name, Kind kind, int vni, String cidr, String range) {
    return createNetwork(name, kind, vni, cidr, range, false);
  }

  /**
   * As above; {@code floodArp} floods every ARP request of the network instead of answering those
   * for known addresses in the switches.
   */
  public CompletableFuture<NetworkState> createNetwork(
      String name, Kind kind, int vni, String cidr, String range, boolean floodArp) {
    String wantCidr = cidr == null || cidr.isBlank() ? null : cidr.strip();
    String wantRange = range == null || range.isBlank() ? null : range.strip();
    NetworkState[] made = new NetworkState[1];
    return change(
            s -> {
              checkName("network", name);
              if (kind == null) {
                throw new ControllerException(
                    INVALID_ARGUMENT, "network " + name + ": kind must be VNET or VLINK");
              }
              Allocation.checkAddressing(name, wantCidr, wantRange);
              NetworkState old = s.networks().get(name);
              if (old != null) {
                if (old.kind() == kind
                    && (vni == 0 || vni == old.vni())
                    && java.util.Objects.equals(old.cidr(), wantCidr)
                    && java.util.Objects.equals(old.range(), wantRange)
                    && old.floodArp() == floodArp) {
                  made[0] = old;
                  return s;
                }
                throw new ControllerException(
                    ALREADY_EXISTS,
                    "network "
                        + name
                        + " already exists as "
                        + old.kind()
                        + " with VNI "
                        + old.vni()
                        + (old.cidr() == null ? "" : " and CIDR " + old.cidr())
                        + (old.floodArp() == floodArp
                            ? ""
                            : old.floodArp() ? ", flooding ARP" : ", answering ARP"));
              }
              int v = vni == 0 ? freeVni(s) : Allocation.checkVni(s, name, vni);
              made[0] =
                  new NetworkState(name, kind, v, true, List.of(), wantCidr, wantRange)
                      .withFloodArp(floodArp);
              return with(s, networks -> networks.put(name, made[0]), null, null, null);
            },
            new Event("network", name, "added"))
        .thenApply(v -> made[0]);
  }

  private int freeVni(DesiredState s) {
    return Allocation.freeVni(s, holding() ? heldVnis : Set.of(), vniMin, vniMax);
  }

  public CompletableFuture<Void> deleteNetwork(String name, boolean force) {
    return change(
        s -> {
          network(s, name);
          List<String> left =
              s.attachments().values().stream()
                  .filter(a -> a.network().equals(name))
                  .map(AttachmentState::id)
                  .toList();
          if (!left.isEmpty() && !force) {
            throw new ControllerException(
                FAILED_PRECONDITION,
                "network "
                    + name
                    + " still has "
                    + left.size()
                    + " attachment(s): "
                    + String.join(", ", left));
          }
          return with(
              s,
              networks -> networks.remove(name),
              attachments -> left.forEach(attachments::remove),
              null,
              null);
        },
        new Event("network", name, "removed"));
  }

  // ---- attachments ----

  public CompletableFuture<AttachmentState> attach(
      String id, String network, String node, long port, String macText) {
    return attach(id, network, node, port, macText, List.of());
  }

  /** Attaches a port; {@code ips} are the pod's requested addresses (empty: assigned or none). */
  public CompletableFuture<AttachmentState> attach(
      String id, String network, String node, long port, String macText, List<String> ips) {
    AttachmentState[] made = new AttachmentState[1];
    CompletableFuture<Void> pushed =
        change(
            s -> {
              if (id == null || id.isBlank() || id.length() > 512) {
                throw new ControllerException(
                    INVALID_ARGUMENT, "attachment id must be 1-512 characters");
              }
              NetworkState n = network(s, network);
              if (!s.switches().containsKey(node)) {
                throw new ControllerException(
                    NOT_FOUND, "attachment " + id + ": no switch is registered for node " + node);
              }
              if (port < 1 || port > MAX_PORT) {
                throw new ControllerException(
                    INVALID_ARGUMENT, "attachment " + id + ": port " + port + " is not valid");
              }
              String mac = mac(id, macText);
              AttachmentState a = new AttachmentState(id, network, node, (int) port, mac, true, 0);
              AttachmentState old = s.attachments().get(id);
              if (old != null
                  && old.network().equals(network)
                  && old.node().equals(node)
                  && old.port() == port
                  && old.mac().equals(mac)
                  && (ips.isEmpty() || old.ips().equals(normalized(ips)))) {
                made[0] = old;
                return s;
              }
              List<AttachmentState> members = new ArrayList<>();
              for (AttachmentState o : s.attachments().values()) {
                if (o.id().equals(id)) {
                  continue;
                }
                if (o.node().equals(node) && o.port() == port) {
                  throw new ControllerException(
                      ALREADY_EXISTS,
                      "attachment "
                          + id
                          + ": port "
                          + port
                          + " of node "
                          + node
                          + " is already attachment "
                          + o.id());
                }
                if (o.network().equals(network)) {
                  members.add(o);
                  if (!mac.isEmpty() && o.mac().equals(mac)) {
                    throw new ControllerException(
                        ALREADY_EXISTS,
                        "attachment "
                            + id
                            + ": MAC "
                            + mac
                            + " is already used in network "
                            + network
                            + " by attachment "
                            + o.id());
                  }
                }
              }
              if (n.kind() == Kind.VLINK && members.size() >= 2) {
                throw new ControllerException(
                    FAILED_PRECONDITION,
                    "network "
                        + network
                        + " is a vlink and already has its two endpoints: "
                        + members.get(0).id()
                        + ", "
                        + members.get(1).id());
              }
              List<String> given =
                  ips.isEmpty() && old != null && old.network().equals(network)
                      ? old.ips()
                      : Allocation.addresses(s, n, id, ips);
              a = a.withIps(given);
              made[0] = old == null ? a : a.withRateKbps(old.rateKbps()).withEnabled(old.enabled());
              return with(s, null, attachments -> attachments.put(id, made[0]), null, null);
            },
            new Event("attachment", id, "added"));
    return pushed.thenCompose(v -> ownSwitch(node)).thenApply(v -> made[0]);
  }

  /** Completes when the node's switch is connected and holds the current rules. */
  private CompletableFuture<Void> ownSwitch(String node) {
    CompletableFuture<SwitchSync> sw;
    synchronized (this) {
      SwitchState s = state.switches().get(node);
      SwitchSync sync = s == null ? null : syncs.get(s.dpid());
      if (sync != null) {
        return CompletableFuture.completedFuture(null);
      }
      sw = new CompletableFuture<>();
      waiters.computeIfAbsent(node, k -> new ArrayList<>()).add(sw);
    }
    return sw.orTimeout(pushTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (sync, e) -> {
              if (e != null) {
                throw new ControllerException(
                    UNAVAILABLE,
                    "the switch of node " + node + " is not connected to the controller");
              }
              return sync;
            })
        .thenCompose(this::resync);
  }

  public CompletableFuture<Void> detach(String id) {
    return change(
        s -> {
          if (!s.attachments().containsKey(id)) {
            throw new ControllerException(NOT_FOUND, "no attachment " + id);
          }
          return with(s, null, attachments -> attachments.remove(id), null, null);
        },
        new Event("attachment", id, "removed"));
  }

  // ---- topology ----

  public CompletableFuture<SwitchState> registerSwitch(
      String node, long dpid, Map<String, Long> tunnels) {
    SwitchState[] made = new SwitchState[1];
    return change(
            s -> {
              checkNode(node);
              if (dpid == 0) {
                throw new ControllerException(INVALID_ARGUMENT, "node " + node + ": dpid is 0");
              }
              Map<String, Integer> t = new TreeMap<>();
              tunnels.forEach(
                  (peer, port) -> {
                    checkNode(peer);
                    if (peer.equals(node) || port < 1 || port > MAX_PORT) {
                      throw new ControllerException(
                          INVALID_ARGUMENT,
                          "node "
                              + node
                              + ": tunnel to "
                              + peer
                              + " on port "
                              + port
                              + " is not valid");
                    }
                    t.put(peer, port.intValue());
                  });
              for (SwitchState o : s.switches().values()) {
                if (o.dpid() == dpid && !o.node().equals(node)) {
                  throw new ControllerException(
                      ALREADY_EXISTS,
                      "dpid " + SwitchState.dpidHex(dpid) + " is already node " + o.node());
                }
              }
              made[0] = new SwitchState(node, dpid, t);
              if (made[0].equals(s.switches().get(node))) {
                return s;
              }
              return with(s, null, null, switches -> switches.put(node, made[0]), null);
            },
            new Event("switch", node, "changed"))
        .thenApply(
            v -> {
              // A switch that dialled in before the registration must be this node's.
              SwitchSync early = syncs.get(dpid);
              if (early != null && !speaksFor(early.connection().identity(), node)) {
                LOG.warn(
                    "switch {} presented '{}' but is node {}'s: dropped",
                    early.connection().dpidHex(),
                    early.connection().identity(),
                    node);
                early.connection().close();
              }
              wakeWaiters(node);
              return made[0];
            });
  }

  /**
   * Whether a switch whose TLS certificate names {@code identity} may be node {@code node}'s: an
   * agent's certificate speaks for its node only. Over plaintext (a development controller) there
   * is no identity to check.
   */
  static boolean speaksFor(String identity, String node) {
    if (identity == null) {
      return true;
    }
    try {
      Identity id = Identity.parse(identity);
      return id.role() == Identity.Role.AGENT && id.name().equals(node);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public CompletableFuture<Void> unregisterSwitch(String node) {
    return change(
        s -> {
          if (!s.switches().containsKey(node)) {
            throw new ControllerException(NOT_FOUND, "no switch is registered for node " + node);
          }
          List<String> left =
              s.attachments().values().stream()
                  .filter(a -> a.node().equals(node))
                  .map(AttachmentState::id)
                  .toList();
          if (!left.isEmpty()) {
            throw new ControllerException(
                FAILED_PRECONDITION,
                "node "
                    + node
                    + " still has "
                    + left.size()
                    + " attachment(s): "
                    + String.join(", ", left));
          }
          return with(s, null, null, switches -> switches.remove(node), null);
        },
        new Event("switch", node, "removed"));
  }

  // ---- admin ----

  public CompletableFuture<Void> setPortEnabled(String id, boolean enabled) {
    return change(
        s -> {
          AttachmentState a = s.attachments().get(id);
          if (a == null) {
            throw new ControllerException(NOT_FOUND, "no attachment " + id);
          }
          return with(s, null, m -> m.put(id, a.withEnabled(enabled)), null, null);
        },
        new Event("attachment", id, enabled ? "enabled" : "disabled"));
  }

  public CompletableFuture<Void> setNetworkEnabled(String name, boolean enabled) {
    return change(
        s -> {
          NetworkState n = network(s, name);
          return with(s, m -> m.put(name, n.withEnabled(enabled)), null, null, null);
        },
        new Event("network", name, enabled ? "enabled" : "disabled"));
  }

  public CompletableFuture<Void> setLinkEnabled(String text, boolean enabled) {
    Link link;
    try {
      link = Link.parse(text);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new ControllerException(INVALID_ARGUMENT, e.getMessage()));
    }
    return change(
        s -> {
          if (!s.links().contains(link)) {
            throw new ControllerException(
                NOT_FOUND, "no overlay link " + link + " (links: " + s.links() + ")");
          }
          return with(
              s,
              null,
              null,
              null,
              links -> {
                if (enabled) {
                  links.remove(link);
                } else {
                  links.add(link);
                }
              });
        },
        new Event("link", link.toString(), enabled ? "enabled" : "disabled"));
  }

  public CompletableFuture<Void> setPath(String name, List<String> nodes) {
    return change(
        s -> {
          NetworkState n = network(s, name);
          if (n.kind() != Kind.VLINK) {
            throw new ControllerException(
                FAILED_PRECONDITION, "network " + name + " is a vnet; only a vlink takes a path");
          }
          if (!nodes.isEmpty()) {
            if (nodes.size() < 2 || new TreeSet<>(nodes).size() != nodes.size()) {
              throw new ControllerException(
                  INVALID_ARGUMENT,
                  "path " + nodes + " must list at least two distinct nodes, none twice");
            }
            Set<Link> links = s.links();
            for (int i = 0; i + 1 < nodes.size(); i++) {
              Link l = new Link(nodes.get(i), nodes.get(i + 1));
              if (!links.contains(l)) {
                throw new ControllerException(
                    INVALID_ARGUMENT, "path " + nodes + ": there is no overlay link " + l);
              }
            }
          }
          return with(s, m -> m.put(name, n.withPath(nodes)), null, null, null);
        },
        new Event("network", name, "changed"));
  }

  /**
   * Sets where a network continues in other domains: switches we do not control, each reached by a
   * tunnel of ours (see {@link io.l2sm.controller.flow.FlowCompiler}). An edge that no switch has a
   * tunnel to yet is kept and used once one does.
   */
  public CompletableFuture<NetworkState> setEdges(String name, List<String> edges) {
    return updateEdges(
        name,
        e -> {
          e.clear();
          e.addAll(edges);
        });
  }

  /** Adds one edge to a network (atomically: concurrent adds are all kept). */
  public CompletableFuture<NetworkState> addEdge(String name, String edge) {
    return updateEdges(name, e -> e.add(edge));
  }

  /** Removes one edge from a network (atomically). */
  public CompletableFuture<NetworkState> removeEdge(String name, String edge) {
    return updateEdges(name, e -> e.remove(edge));
  }

  private CompletableFuture<NetworkState> updateEdges(String name, Consumer<Set<String>> update) {
    NetworkState[] made = new NetworkState[1];
    return change(
            s -> {
              NetworkState n = network(s, name);
              Set<String> edges = new TreeSet<>(n.edges());
              update.accept(edges);
              for (String e : edges) {
                checkName("edge", e);
                if (s.switches().containsKey(e)) {
                  throw new ControllerException(
                      INVALID_ARGUMENT,
                      "edge " + e + " is a switch of this controller, not of another domain");
                }
              }
              made[0] = n.withEdges(List.copyOf(edges));
              return with(s, m -> m.put(name, made[0]), null, null, null);
            },
            new Event("network", name, "changed"))
        .thenApply(v -> made[0]);
  }

  /**
   * Mirrors a network or an attachment (exactly one of the two) to a monitor attachment; an empty
   * monitor removes the source's mirror.
   */
  public CompletableFuture<Void> setMirror(String network, String attachment, String monitor) {
    return change(
        s -> {
          boolean byNetwork = network != null && !network.isEmpty();
          boolean byAttachment = attachment != null && !attachment.isEmpty();
          if (byNetwork == byAttachment) {
            throw new ControllerException(
                INVALID_ARGUMENT, "a mirror needs exactly one source: a network or an attachment");
          }
          String source =
              byNetwork ? MirrorState.NETWORK + network : MirrorState.ATTACHMENT + attachment;
          if (byNetwork) {
            network(s, network);
          } else if (!s.attachments().containsKey(attachment)) {
            throw new ControllerException(NOT_FOUND, "no attachment " + attachment);
          }
          if (monitor == null || monitor.isEmpty()) {
            if (!s.mirrors().containsKey(source)) {
              throw new ControllerException(NOT_FOUND, "no mirror of " + source);
            }
            return with(s, null, null, null, null, m -> m.remove(source));
          }
          AttachmentState mon = s.attachments().get(monitor);
          if (mon == null) {
            throw new ControllerException(NOT_FOUND, "no monitor attachment " + monitor);
          }
          if (byNetwork ? mon.network().equals(network) : monitor.equals(attachment)) {
            throw new ControllerException(
                INVALID_ARGUMENT, "monitor " + monitor + " cannot watch its own network or itself");
          }
          MirrorState ms = new MirrorState(source, monitor);
          return with(s, null, null, null, null, m -> m.put(source, ms));
        },
        new Event("mirror", byName(network, attachment), "changed"));
  }

  private static List<String> normalized(List<String> ips) {
    List<String> out = new ArrayList<>();
    for (String ip : ips) {
      try {
        out.add(Ipv4Cidr.parse(ip).toString());
      } catch (IllegalArgumentException e) {
        out.add(ip);
      }
    }
    return out;
  }

  private static String byName(String network, String attachment) {
    return network != null && !network.isEmpty()
        ? "network:" + network
        : "attachment:" + attachment;
  }

  /** Limits what an attachment may send, in kbit/s (an OpenFlow meter); 0 removes the limit. */
  public CompletableFuture<Void> setRateLimit(String id, long kbps) {
    return change(
        s -> {
          AttachmentState a = s.attachments().get(id);
          if (a == null) {
            throw new ControllerException(NOT_FOUND, "no attachment " + id);
          }
          if (kbps < 0 || kbps > 100_000_000L) {
            throw new ControllerException(
                INVALID_ARGUMENT, "rate " + kbps + " kbit/s is not within 0-100000000");
          }
          return with(s, null, m -> m.put(id, a.withRateKbps(kbps)), null, null);
        },
        new Event("attachment", id, "changed"));
  }

  // ---- switch events ----

  @Override
  public void connected(SwitchConnection conn) {
    String node;
    SwitchSync sync;
    CompletableFuture<Void> reconciled;
    synchronized (this) {
      node = nodeOf(conn.dpid());
      if (node != null && !speaksFor(conn.identity(), node)) {
        LOG.warn(
            "switch {} from {} presented '{}' but datapath {} is node {}'s: refused",
            conn.dpidHex(),
            conn.remote(),
            conn.identity(),
            conn.dpidHex(),
            node);
        conn.close();
        return;
      }
      sync =
          new SwitchSync(
              conn, node, flowMods, this::roundTook, this::holding, () -> programOf(conn.dpid()));
      SwitchSync old = syncs.put(conn.dpid(), sync);
      if (old != null) {
        old.connection().close();
      }
      reconciled = node == null ? null : sync.submit();
    }
    emit(new Event("switch", node == null ? conn.dpidHex() : node, "connected"));
    if (node == null && holding()) {
      // A switch of the state that was lost: the VNIs its flows use stay out of new networks.
      conn.installedFlows().thenAccept(flows -> heldVnis.addAll(SwitchSync.vnis(flows)));
    }
    if (reconciled != null) {
      reconciled.whenComplete(
          (v, e) -> {
            if (e != null) {
              try (var named = conn.named()) {
                LOG.warn("switch {} could not be reconciled: {}", conn, e.toString());
              }
            }
            wakeWaiters(node);
          });
    }
  }

  @Override
  public void disconnected(SwitchConnection conn) {
    syncs.remove(conn.dpid(), syncsGet(conn));
    String node = nodeOf(conn.dpid());
    emit(new Event("switch", node == null ? conn.dpidHex() : node, "disconnected"));
  }

  private SwitchSync syncsGet(SwitchConnection conn) {
    SwitchSync s = syncs.get(conn.dpid());
    return s != null && s.connection() == conn ? s : null;
  }

  @Override
  public void packetIn(SwitchConnection sw) {
    packetIns.incrementAndGet();
  }

  // ---- internals ----

  private synchronized String nodeOf(long dpid) {
    for (SwitchState s : state.switches().values()) {
      if (s.dpid() == dpid) {
        return s.node();
      }
    }
    return null;
  }

  private void wakeWaiters(String node) {
    List<CompletableFuture<SwitchSync>> ready;
    SwitchSync sync;
    synchronized (this) {
      SwitchState s = state.switches().get(node);
      sync = s == null ? null : syncs.get(s.dpid());
      if (sync == null) {
        return;
      }
      ready = waiters.remove(node);
    }
    if (ready != null) {
      ready.forEach(f -> f.complete(sync));
    }
  }

  /**
   * Applies a change: validate and build the new state, persist it, compile, push to every
   * connected switch whose rules changed. Futures complete when the switches confirm.
   */
  private CompletableFuture<Void> change(UnaryOperator<DesiredState> op, Event event) {
    List<CompletableFuture<Void>> pushes = new ArrayList<>();
    synchronized (this) {
      DesiredState next;
      try {
        next = op.apply(state);
      } catch (ControllerException e) {
        return CompletableFuture.failedFuture(e);
      }
      if (next == state) {
        return CompletableFuture.completedFuture(null);
      }
      store.save(next);
      SortedMap<String, SwitchProgram> compiled = compiler.apply(next);
      SortedMap<String, SwitchProgram> before = desired;
      state = next;
      desired = compiled;
      for (SwitchState s : next.switches().values()) {
        SwitchSync sync = syncs.get(s.dpid());
        if (sync != null && !Objects.equals(compiled.get(s.node()), before.get(s.node()))) {
          pushes.add(sync.submit());
        }
      }
    }
    emit(event);
    return CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new))
        .orTimeout(pushTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (v, e) -> {
              if (e == null) {
                return null;
              }
              Throwable c = e.getCause() != null ? e.getCause() : e;
              if (c instanceof TimeoutException) {
                throw new ControllerException(
                    DEADLINE_EXCEEDED,
                    "switches did not confirm the new flows within "
                        + pushTimeout.toMillis()
                        + " ms");
              }
              throw new ControllerException(UNAVAILABLE, c.getMessage());
            });
  }

  private static DesiredState with(
      DesiredState s,
      Consumer<Map<String, NetworkState>> networks,
      Consumer<Map<String, AttachmentState>> attachments,
      Consumer<Map<String, SwitchState>> switches,
      Consumer<Set<Link>> disabledLinks) {
    return with(s, networks, attachments, switches, disabledLinks, null);
  }

  private static DesiredState with(
      DesiredState s,
      Consumer<Map<String, NetworkState>> networks,
      Consumer<Map<String, AttachmentState>> attachments,
      Consumer<Map<String, SwitchState>> switches,
      Consumer<Set<Link>> disabledLinks,
      Consumer<Map<String, MirrorState>> mirrors) {
    Map<String, NetworkState> n = new TreeMap<>(s.networks());
    Map<String, AttachmentState> a = new TreeMap<>(s.attachments());
    Map<String, SwitchState> w = new TreeMap<>(s.switches());
    Set<Link> l = new TreeSet<>(s.disabledLinks());
    Map<String, MirrorState> m = new TreeMap<>(s.mirrors());
    if (mirrors != null) {
      mirrors.accept(m);
    }
    if (networks != null) {
      networks.accept(n);
    }
    if (attachments != null) {
      attachments.accept(a);
    }
    if (switches != null) {
      switches.accept(w);
    }
    if (disabledLinks != null) {
      disabledLinks.accept(l);
    }
    // A mirror lives only as long as its source and its monitor.
    m.values()
        .removeIf(
            x ->
                !a.containsKey(x.monitor())
                    || (x.ofNetwork()
                        ? !n.containsKey(x.sourceName())
                        : !a.containsKey(x.sourceName())));
    return DesiredState.of(n, a, w, l, m);
  }

  private void emit(Event e) {
    watchers.forEach(w -> w.accept(e));
  }

  private static NetworkState network(DesiredState s, String name) {
    NetworkState n = s.networks().get(name);
    if (n == null) {
      throw new ControllerException(NOT_FOUND, "no network " + name);
    }
    return n;
  }

  private static void checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ControllerException(
          INVALID_ARGUMENT,
          what
              + " name '"
              + name
              + "' is not valid: lower-case letters, digits, '-', '.', '/',"
              + " at most 253 characters, starting and ending with a letter or digit");
    }
  }

  private static void checkNode(String node) {
    if (node == null || !NODE.matcher(node).matches()) {
      throw new ControllerException(
          INVALID_ARGUMENT, "node name '" + node + "' is not a valid DNS-1123 subdomain");
    }
  }

  private static String mac(String id, String text) {
    String mac = text == null ? "" : text.toLowerCase(java.util.Locale.ROOT);
    if (mac.isEmpty()) {
      return mac; // a port-only attachment: any source MAC, reached by flooding
    }
    if (!MAC.matcher(mac).matches()) {
      throw new ControllerException(
          INVALID_ARGUMENT, "attachment " + id + ": MAC '" + text + "' is not aa:bb:cc:dd:ee:ff");
    }
    int first = Integer.parseInt(mac.substring(0, 2), 16);
    if ((first & 1) == 1 || mac.equals("00:00:00:00:00:00")) {
      throw new ControllerException(
          INVALID_ARGUMENT,
          "attachment " + id + ": MAC " + mac + " is a multicast or zero address");
    }
    return mac;
  }
}
