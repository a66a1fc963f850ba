package io.l2sm.controller.flow;

import io.l2sm.controller.model.AttachmentState;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.model.Kind;
import io.l2sm.controller.model.NetworkState;
import io.l2sm.controller.model.SwitchState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Compiles the desired state into one flow table set per switch. Pure: no I/O, deterministic.
 *
 * <p>The pipeline has two tables.
 *
 * <ul>
 *   <li><b>Table 0, classification.</b> A frame from an attachment port is accepted only with that
 *       attachment's source MAC (anti-spoofing), and a frame from a tunnel only with the VNI of a
 *       network whose tree uses that tunnel. Either way the network's VNI is written to the
 *       metadata. Everything else is dropped.
 *   <li><b>Table 1, forwarding, per network.</b> A frame addressed to a member's MAC goes to that
 *       member's port, or into the tunnel towards it along the network's tree. Any other frame
 *       (broadcast, multicast, unknown unicast) is flooded to the network's local members and to
 *       its tree tunnels; OpenFlow never outputs a frame back to its ingress port, which is what
 *       keeps flooding along a tree loop-free.
 * </ul>
 */
public final class FlowCompiler {
  public static final int TABLE_CLASSIFY = 0;
  public static final int TABLE_FORWARD = 1;
  public static final int PRIORITY_MEMBER = 100;
  public static final int PRIORITY_FLOOD = 10;
  public static final int PRIORITY_DROP = 0;

  /** Flows per node; every registered switch gets an entry, at least its two drop rules. */
  public SortedMap<String, List<FlowRule>> compile(DesiredState state) {
    SortedMap<String, List<FlowRule>> out = new TreeMap<>();
    for (String node : state.switches().keySet()) {
      List<FlowRule> base = new ArrayList<>();
      base.add(FlowRule.drop(TABLE_CLASSIFY, PRIORITY_DROP, FlowMatch.any()));
      base.add(FlowRule.drop(TABLE_FORWARD, PRIORITY_DROP, FlowMatch.any()));
      out.put(node, base);
    }
    Map<String, List<AttachmentState>> byNetwork = new HashMap<>();
    for (AttachmentState a : state.attachments().values()) {
      if (a.enabled() && state.switches().containsKey(a.node())) {
        byNetwork.computeIfAbsent(a.network(), k -> new ArrayList<>()).add(a);
      }
    }
    Set<io.l2sm.controller.model.Link> links = state.usableLinks();
    for (NetworkState n : state.networks().values()) {
      List<AttachmentState> members = byNetwork.getOrDefault(n.name(), List.of());
      if (!n.enabled() || members.isEmpty()) {
        continue;
      }
      members.sort(
          Comparator.comparing(AttachmentState::node).thenComparing(AttachmentState::port));
      NetworkTree tree = tree(n, members, links);
      for (String node : tree.nodes()) {
        out.get(node).addAll(compileNetwork(n, members, tree, state.switches().get(node)));
      }
    }
    return out;
  }

  /** The tree a network uses: its explicit path if it has one, else a shortest-path tree. */
  public static NetworkTree tree(
      NetworkState n, List<AttachmentState> members, Set<io.l2sm.controller.model.Link> links) {
    if (n.kind() == Kind.VLINK && !n.path().isEmpty()) {
      return NetworkTree.path(n.path(), links);
    }
    return NetworkTree.spanning(members.stream().map(AttachmentState::node).toList(), links);
  }

  private static List<FlowRule> compileNetwork(
      NetworkState n, List<AttachmentState> members, NetworkTree tree, SwitchState sw) {
    long vni = n.vni();
    String node = sw.node();
    List<FlowRule> rules = new ArrayList<>();
    List<FlowAction> flood = new ArrayList<>();
    for (AttachmentState a : members) {
      if (!a.node().equals(node)) {
        continue;
      }
      rules.add(
          FlowRule.classify(
              TABLE_CLASSIFY,
              PRIORITY_MEMBER,
              FlowMatch.port(a.port()).withEthSrc(a.mac()),
              null,
              vni,
              TABLE_FORWARD));
      flood.add(new FlowAction.Output(a.port()));
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
              TABLE_FORWARD));
      if (!tunnelled) {
        flood.add(new FlowAction.SetTunnelId(vni));
        tunnelled = true;
      }
      flood.add(new FlowAction.Output(port));
    }
    for (AttachmentState a : members) {
      FlowMatch match = FlowMatch.network(vni).withEthDst(a.mac());
      if (a.node().equals(node)) {
        rules.add(
            FlowRule.apply(
                TABLE_FORWARD, PRIORITY_MEMBER, match, List.of(new FlowAction.Output(a.port()))));
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
    if (!flood.isEmpty()) {
      rules.add(FlowRule.apply(TABLE_FORWARD, PRIORITY_FLOOD, FlowMatch.network(vni), flood));
    }
    return rules;
  }
}
