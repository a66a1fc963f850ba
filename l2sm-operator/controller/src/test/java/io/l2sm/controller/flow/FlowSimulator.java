package io.l2sm.controller.flow;

import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.model.SwitchState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Runs frames through compiled flow tables the way an OpenFlow 1.3 switch would, across the
 * overlay's tunnels, and records where each copy is delivered. A hop limit catches loops.
 */
final class FlowSimulator {
  /** A copy of a frame that left a switch through an attachment port. */
  record Delivery(String node, int port) {}

  private final DesiredState state;
  private final Map<String, SwitchProgram> tables;
  private int hops;

  FlowSimulator(DesiredState state) {
    this.state = state;
    this.tables = new FlowCompiler().compile(state);
  }

  /** Frames that left towards an edge (a switch of another domain) in the last send. */
  final List<String> toEdges = new ArrayList<>();

  /** ARP replies a switch made in the last send: where it sent them and the MAC they answer. */
  record ArpAnswer(String node, int port, String mac) {}

  final List<ArpAnswer> answers = new ArrayList<>();

  /** The ARP request of the last send, or null: the address it asks for. */
  private String arpFor;

  List<Delivery> send(String node, int inPort, String src, String dst) {
    return send(node, inPort, src, dst, null);
  }

  /** An ARP request from {@code src} for {@code ip}, broadcast. */
  List<Delivery> arp(String node, int inPort, String src, String ip) {
    return send(node, inPort, src, "ff:ff:ff:ff:ff:ff", ip);
  }

  private List<Delivery> send(String node, int inPort, String src, String dst, String arp) {
    hops = 0;
    toEdges.clear();
    answers.clear();
    arpFor = arp;
    List<Delivery> out = new ArrayList<>();
    process(node, inPort, null, src, dst, out);
    return out;
  }

  /** A frame arriving at {@code node} from an edge's tunnel with this VNI. */
  List<Delivery> fromEdge(String node, String edge, long vni, String src, String dst) {
    hops = 0;
    toEdges.clear();
    answers.clear();
    arpFor = null;
    List<Delivery> out = new ArrayList<>();
    process(node, state.switches().get(node).tunnels().get(edge), vni, src, dst, out);
    return out;
  }

  private void process(
      String node, int inPort, Long tunId, String src, String dst, List<Delivery> out) {
    if (++hops > 1000) {
      throw new AssertionError("forwarding loop");
    }
    Long tun = tunId;
    Long metadata = null;
    FlowRule r = lookup(node, FlowCompiler.TABLE_CLASSIFY, inPort, tunId, null, src, dst);
    while (r != null) {
      tun = execute(node, inPort, tun, r.actions(), src, dst, out);
      if (r.writeMetadata() != null) {
        metadata = r.writeMetadata();
      }
      if (r.gotoTable() == null) {
        return;
      }
      if (r.gotoTable() <= r.table()) {
        throw new AssertionError("goto_table must go forward: " + r);
      }
      r = lookup(node, r.gotoTable(), inPort, tunId, metadata, src, dst);
    }
  }

  /** Applies actions in order; returns the tunnel id they leave set. */
  private Long execute(
      String node,
      int inPort,
      Long tun,
      List<FlowAction> actions,
      String src,
      String dst,
      List<Delivery> out) {
    SwitchState sw = state.switches().get(node);
    for (FlowAction a : actions) {
      if (a instanceof FlowAction.ArpReply r) {
        answers.add(new ArpAnswer(node, inPort, r.mac()));
      } else if (a instanceof FlowAction.SetTunnelId t) {
        tun = t.vni();
      } else if (a instanceof FlowAction.Output o) {
        if (o.port() == inPort) {
          continue;
        }
        String peer =
            sw.tunnels().entrySet().stream()
                .filter(e -> e.getValue() == o.port())
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
        if (peer == null) {
          out.add(new Delivery(node, o.port()));
        } else if (!state.switches().containsKey(peer)) {
          toEdges.add(peer + " vni " + tun);
        } else {
          SwitchState p = state.switches().get(peer);
          process(peer, p.tunnels().get(node), tun, src, dst, out);
        }
      }
    }
    return tun;
  }

  private FlowRule lookup(
      String node, int table, int inPort, Long tunId, Long metadata, String src, String dst) {
    return tables.get(node).flows().stream()
        .filter(r -> r.table() == table)
        .filter(r -> matches(r.match(), inPort, tunId, metadata, src, dst, arpFor))
        .max(Comparator.comparingInt(FlowRule::priority))
        .orElse(null);
  }

  private static boolean matches(
      FlowMatch m, int inPort, Long tunId, Long metadata, String src, String dst, String arp) {
    return (m.arpRequestFor() == null || m.arpRequestFor().equals(arp))
        && (m.inPort() == null || m.inPort() == inPort)
        && (m.tunnelId() == null || m.tunnelId().equals(tunId))
        && (m.metadata() == null || m.metadata().equals(metadata))
        && (m.ethSrc() == null || m.ethSrc().equals(src))
        && (m.ethDst() == null || m.ethDst().equals(dst));
  }
}
