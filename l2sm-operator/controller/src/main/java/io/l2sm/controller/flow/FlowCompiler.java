package io.l2sm.controller.flow;

import io.l2sm.controller.model.AttachmentState;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.model.Kind;
import io.l2sm.controller.model.Link;
import io.l2sm.controller.model.MirrorState;
import io.l2sm.controller.model.NetworkState;
import io.l2sm.controller.model.SwitchState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles the desired state into one program (flows and meters) per switch. Pure: no I/O,
 * deterministic.
 *
 * <p>The pipeline has three tables.
 *
 * <ul>
 *   <li><b>Table 0, classification.</b> A frame from an attachment port is accepted only with that
 *       attachment's source MAC (anti-spoofing), and a frame from a tunnel only with the VNI of a
 *       network whose tree uses that tunnel. Either way the network's VNI is written to the
 *       metadata. A rate-limited attachment's frames pass its meter first. Everything else is
 *       dropped. A <i>port-only</i> attachment (no MAC: a device behind a switch port the
 *       controller was given by endpoint, as ONOS VPLS interfaces are) is accepted with any source
 *       MAC; it is still confined to its one network.
 *   <li><b>Table 1, ARP responder, per network.</b> An ARP request for the IPv4 address of a member
 *       with a MAC is answered here, with that MAC, out of the port it came in by, and goes no
 *       further. Everything else goes on to table 2, including the owner's own requests for its
 *       address, addresses two members claim, and all requests of a network that floods ARP or has
 *       a mirror.
 *   <li><b>Table 2, forwarding, per network.</b> A frame addressed to a member's MAC goes to that
 *       member's port, or into the tunnel towards it along the network's tree. Any other frame
 *       (broadcast, multicast, unknown unicast — which includes frames for a port-only attachment)
 *       is flooded to the network's local members and to its tree tunnels; OpenFlow never outputs a
 *       frame back to its ingress port, which is what keeps flooding along a tree loop-free.
 * </ul>
 *
 * <p><b>Mirrors</b> copy frames to a monitor attachment. Copies are taken where a frame enters the
 * network (table 0 of the sender's switch), so a network mirror copies each frame of the network
 * once. An attachment mirror also copies what is delivered to the attachment (table 2 of its
 * switch), except frames it sent itself, which were copied on the way in. A copy travels in the
 * monitor's network: its tree is extended to the sources' switches, and on the monitor's switch the
 * copy is flooded to that network's members, so the monitor network should hold only the monitor.
 *
 * <p><b>Edges</b> join a network to another domain (ARCHITECTURE: NEDs and the IDCO). An edge is a
 * switch this controller does not program, reached by one of its tunnels; the network's tree takes
 * it as a member that is never crossed. Frames from the edge's tunnel with the network's VNI are
 * classified like any tunnel's; floods (unknown unicast included, since the edge's MACs are not
 * known here) go to it like to any tree neighbour.
 */
public final class FlowCompiler {
  public static final int TABLE_CLASSIFY = 0;
  public static final int TABLE_ARP = 1;
  public static final int TABLE_FORWARD = 2;
  public static final int PRIORITY_OWN_ADDRESS = 110;
  public static final int PRIORITY_MEMBER = 100;
  public static final int PRIORITY_FLOOD_MIRRORED = 20;
  public static final int PRIORITY_FLOOD = 10;
  public static final int PRIORITY_DROP = 0;

  /** A resolved mirror: who is copied, to which monitor. */
  private record Mirror(
      boolean ofNetwork, List<AttachmentState> sources, AttachmentState monitor, NetworkState to) {}

  /** Programs per node; every registered switch gets one, with at least its drop rules. */
  public SortedMap<String, SwitchProgram> compile(DesiredState state) {
    Map<String, List<FlowRule>> flows = new TreeMap<>();
    Map<String, SortedMap<Integer, Long>> meters = new TreeMap<>();
    for (String node : state.switches().keySet()) {
      List<FlowRule> base = new ArrayList<>();
      base.add(FlowRule.drop(TABLE_CLASSIFY, PRIORITY_DROP, FlowMatch.any()));
      base.add(FlowRule.next(TABLE_ARP, PRIORITY_DROP, FlowMatch.any(), TABLE_FORWARD));
      base.add(FlowRule.drop(TABLE_FORWARD, PRIORITY_DROP, FlowMatch.any()));
      flows.put(node, base);
      meters.put(node, new TreeMap<>());
    }
    Map<String, List<AttachmentState>> byNetwork = new HashMap<>();
    for (AttachmentState a : state.attachments().values()) {
      NetworkState n = state.networks().get(a.network());
      if (a.enabled() && n != null && n.enabled() && state.switches().containsKey(a.node())) {
        byNetwork.computeIfAbsent(a.network(), k -> new ArrayList<>()).add(a);
      }
    }
    byNetwork
        .values()
        .forEach(
            l ->
                l.sort(
                    Comparator.comparing(AttachmentState::node)
                        .thenComparing(AttachmentState::port)));
    List<Mirror> mirrors = mirrors(state, byNetwork);
    Map<String, Set<String>> extraNodes = new HashMap<>();
    for (Mirror m : mirrors) {
      Set<String> extra = extraNodes.computeIfAbsent(m.to().name(), k -> new TreeSet<>());
      m.sources().forEach(s -> extra.add(s.node()));
    }
    Set<Link> links = state.usableLinks();
    Map<String, NetworkTree> trees = new HashMap<>();
    for (NetworkState n : state.networks().values()) {
      List<AttachmentState> members = byNetwork.getOrDefault(n.name(), List.of());
      Set<String> edges = n.enabled() ? edges(state, n) : Set.of();
      if (!members.isEmpty() || !edges.isEmpty()) {
        Set<Link> all = links;
        if (!edges.isEmpty()) {
          all = new TreeSet<>(links);
          all.addAll(edgeLinks(state, edges));
        }
        trees.put(
            n.name(), tree(n, members, extraNodes.getOrDefault(n.name(), Set.of()), edges, all));
      }
    }
    for (NetworkState n : state.networks().values()) {
      NetworkTree tree = trees.get(n.name());
      if (tree == null) {
        continue;
      }
      List<AttachmentState> members = byNetwork.getOrDefault(n.name(), List.of());
      for (String node : tree.nodes()) {
        if (!state.switches().containsKey(node)) {
          continue; // an edge: another domain's switch
        }
        flows
            .get(node)
            .addAll(
                compileNetwork(
                    n, members, tree, state.switches().get(node), mirrors, trees, state));
        for (AttachmentState a : members) {
          if (a.node().equals(node) && a.rateKbps() > 0) {
            meters.get(node).put(a.port(), a.rateKbps());
          }
        }
      }
    }
    SortedMap<String, SwitchProgram> out = new TreeMap<>();
    flows.forEach((node, f) -> out.put(node, new SwitchProgram(f, meters.get(node))));
    return out;
  }

  private static List<Mirror> mirrors(
      DesiredState state, Map<String, List<AttachmentState>> byNetwork) {
    List<Mirror> out = new ArrayList<>();
    for (MirrorState m : state.mirrors().values()) {
      AttachmentState monitor = state.attachments().get(m.monitor());
      if (monitor == null
          || !byNetwork.getOrDefault(monitor.network(), List.of()).contains(monitor)) {
        continue;
      }
      List<AttachmentState> sources = new ArrayList<>();
      if (m.ofNetwork()) {
        sources.addAll(byNetwork.getOrDefault(m.sourceName(), List.of()));
      } else {
        AttachmentState a = state.attachments().get(m.sourceName());
        if (a != null && byNetwork.getOrDefault(a.network(), List.of()).contains(a)) {
          sources.add(a);
        }
      }
      sources.remove(monitor);
      if (!sources.isEmpty()) {
        out.add(
            new Mirror(m.ofNetwork(), sources, monitor, state.networks().get(monitor.network())));
      }
    }
    return out;
  }

  /** The tree a network uses: its explicit path if it has one, else a shortest-path tree. */
  public static NetworkTree tree(
      NetworkState n, List<AttachmentState> members, Collection<String> extra, Set<Link> links) {
    return tree(n, members, extra, Set.of(), links);
  }

  /** As above, with edges (other domains' switches) as members that are never crossed. */
  static NetworkTree tree(
      NetworkState n,
      List<AttachmentState> members,
      Collection<String> extra,
      Set<String> edges,
      Set<Link> links) {
    if (n.kind() == Kind.VLINK && !n.path().isEmpty()) {
      return NetworkTree.path(n.path(), links);
    }
    Set<String> nodes = new TreeSet<>(extra);
    nodes.addAll(edges);
    members.forEach(a -> nodes.add(a.node()));
    return NetworkTree.spanning(nodes, links, edges);
  }

  /**
   * A network's edges that it can use: named in the network, not switches of ours, and reached by a
   * tunnel of one of our switches.
   */
  public static Set<String> edges(DesiredState state, NetworkState n) {
    Set<String> out = new TreeSet<>();
    for (String e : n.edges()) {
      if (state.switches().containsKey(e)) {
        continue;
      }
      for (SwitchState s : state.switches().values()) {
        if (s.tunnels().containsKey(e) && !state.disabledLinks().contains(new Link(s.node(), e))) {
          out.add(e);
        }
      }
    }
    return out;
  }

  /** The tunnels from our switches to these edges, as links (only our end registered them). */
  static Set<Link> edgeLinks(DesiredState state, Set<String> edges) {
    Set<Link> out = new TreeSet<>();
    for (SwitchState s : state.switches().values()) {
      for (String e : edges) {
        if (s.tunnels().containsKey(e) && !state.disabledLinks().contains(new Link(s.node(), e))) {
          out.add(new Link(s.node(), e));
        }
      }
    }
    return out;
  }

  private static List<FlowRule> compileNetwork(
      NetworkState n,
      List<AttachmentState> members,
      NetworkTree tree,
      SwitchState sw,
      List<Mirror> mirrors,
      Map<String, NetworkTree> trees,
      DesiredState state) {
    long vni = n.vni();
    String node = sw.node();
    List<FlowRule> rules = new ArrayList<>();
    List<FlowAction> flood = new ArrayList<>();
    List<Integer> ingressPorts = new ArrayList<>();
    List<AttachmentState> local = members.stream().filter(a -> a.node().equals(node)).toList();
    for (AttachmentState a : local) {
      List<FlowAction> copies = new ArrayList<>();
      for (Mirror m : mirrors) {
        if (m.sources().contains(a)) {
          copies.addAll(copyActions(node, m, trees, state));
        }
      }
      rules.add(
          new FlowRule(
              TABLE_CLASSIFY,
              PRIORITY_MEMBER,
              a.mac().isEmpty()
                  ? FlowMatch.port(a.port())
                  : FlowMatch.port(a.port()).withEthSrc(a.mac()),
              a.rateKbps() > 0 ? a.port() : null,
              copies,
              vni,
              TABLE_ARP));
      flood.add(new FlowAction.Output(a.port()));
      ingressPorts.add(a.port());
    }
    boolean tunnelled = false;
    for (String peer : tree.neighbours(node)) {
      int port = sw.tunnels().get(peer);
      rules.add(
          FlowRule.classify(
              TABLE_CLASSIFY,
              PRIORITY_MEMBER,
              FlowMatch.port(port).withTunnelId(vni),
              null,
              vni,
              TABLE_ARP));
      if (!tunnelled) {
        flood.add(new FlowAction.SetTunnelId(vni));
        tunnelled = true;
      }
      flood.add(new FlowAction.Output(port));
      ingressPorts.add(port);
    }
    rules.addAll(arpResponder(n, members, mirrors));
    Map<AttachmentState, List<FlowAction>> egressCopies = new HashMap<>();
    for (Mirror m : mirrors) {
      if (!m.ofNetwork() && m.sources().get(0).node().equals(node)) {
        AttachmentState a = m.sources().get(0);
        if (a.network().equals(n.name())) {
          egressCopies
              .computeIfAbsent(a, k -> new ArrayList<>())
              .addAll(copyActions(node, m, trees, state));
        }
      }
    }
    for (AttachmentState a : members) {
      if (a.mac().isEmpty()) {
        continue; // a port-only attachment is reached by the flood
      }
      FlowMatch match = FlowMatch.network(vni).withEthDst(a.mac());
      if (a.node().equals(node)) {
        List<FlowAction> out = new ArrayList<>(List.of(new FlowAction.Output(a.port())));
        out.addAll(egressCopies.getOrDefault(a, List.of()));
        rules.add(FlowRule.apply(TABLE_FORWARD, PRIORITY_MEMBER, match, out));
        continue;
      }
      String hop = tree.nextHop(node, a.node());
      if (hop != null) {
        rules.add(
            FlowRule.apply(
                TABLE_FORWARD,
                PRIORITY_MEMBER,
                match,
                List.of(
                    new FlowAction.SetTunnelId(vni),
                    new FlowAction.Output(sw.tunnels().get(hop)))));
      }
    }
    if (flood.isEmpty()) {
      return rules;
    }
    rules.add(FlowRule.apply(TABLE_FORWARD, PRIORITY_FLOOD, FlowMatch.network(vni), flood));
    if (!egressCopies.isEmpty()) {
      // Floods reaching a mirrored attachment are copied too, unless it sent them itself.
      for (int in : ingressPorts) {
        List<FlowAction> actions = new ArrayList<>(flood);
        Set<FlowAction> copies = new LinkedHashSet<>();
        egressCopies.forEach(
            (a, c) -> {
              if (a.port() != in) {
                copies.addAll(c);
              }
            });
        if (copies.isEmpty()) {
          continue;
        }
        actions.addAll(copies);
        rules.add(
            FlowRule.apply(
                TABLE_FORWARD,
                PRIORITY_FLOOD_MIRRORED,
                new FlowMatch(in, null, null, vni, null),
                actions));
      }
    }
    return rules;
  }

  /**
   * The network's ARP responder: a request for the IPv4 address of a member with a MAC is answered
   * by the switch the request enters, with that member's MAC, and goes no further. Not answered, so
   * flooded as before: the owner's own requests for its address (duplicate-address probes),
   * addresses two members claim, unknown addresses, every request of a network that floods ARP, and
   * the requests of a network with a mirror (its monitor sees every frame).
   */
  private static List<FlowRule> arpResponder(
      NetworkState n, List<AttachmentState> members, List<Mirror> mirrors) {
    if (n.floodArp()
        || mirrors.stream()
            .anyMatch(m -> m.sources().stream().anyMatch(a -> a.network().equals(n.name())))) {
      return List.of();
    }
    Map<String, List<AttachmentState>> owners = new TreeMap<>();
    for (AttachmentState a : members) {
      if (a.mac().isEmpty()) {
        continue;
      }
      for (String cidr : a.ips()) {
        String ip = cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
        if (!ip.contains(":")) {
          owners.computeIfAbsent(ip, k -> new ArrayList<>()).add(a);
        }
      }
    }
    List<FlowRule> rules = new ArrayList<>();
    owners.forEach(
        (ip, holders) -> {
          if (holders.size() != 1) {
            return;
          }
          AttachmentState a = holders.get(0);
          FlowMatch request = FlowMatch.network(n.vni()).withArpRequestFor(ip);
          rules.add(
              FlowRule.apply(
                  TABLE_ARP,
                  PRIORITY_MEMBER,
                  request,
                  List.of(new FlowAction.ArpReply(a.mac(), ip))));
          rules.add(
              FlowRule.next(
                  TABLE_ARP, PRIORITY_OWN_ADDRESS, request.withEthSrc(a.mac()), TABLE_FORWARD));
        });
    return rules;
  }

  /** Actions that send a copy from {@code node} towards a mirror's monitor. */
  private static List<FlowAction> copyActions(
      String node, Mirror m, Map<String, NetworkTree> trees, DesiredState state) {
    if (m.monitor().node().equals(node)) {
      return List.of(new FlowAction.Output(m.monitor().port()));
    }
    String hop = trees.get(m.to().name()).nextHop(node, m.monitor().node());
    if (hop == null) {
      return List.of();
    }
    return List.of(
        new FlowAction.SetTunnelId(m.to().vni()),
        new FlowAction.Output(state.switches().get(node).tunnels().get(hop)));
  }
}
