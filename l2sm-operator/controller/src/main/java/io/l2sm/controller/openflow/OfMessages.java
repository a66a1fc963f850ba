package io.l2sm.controller.openflow;

import io.l2sm.controller.flow.FlowAction;
import io.l2sm.controller.flow.FlowCompiler;
import io.l2sm.controller.flow.FlowMatch;
import io.l2sm.controller.flow.FlowRule;
import io.l2sm.controller.flow.InstalledFlow;
import io.l2sm.controller.flow.SwitchChange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteMetadata;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxmTunnelId;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Turns the compiler's rules into OpenFlow 1.3 messages. */
public final class OfMessages {
  public static final OFFactory OF13 = OFFactories.getFactory(OFVersion.OF_13);

  private OfMessages() {}

  public static OFFlowAdd flowAdd(FlowRule r) {
    return OF13.buildFlowAdd()
        .setCookie(U64.of(r.cookie()))
        .setTableId(TableId.of(r.table()))
        .setPriority(r.priority())
        .setMatch(match(r.match()))
        .setInstructions(instructions(r))
        .build();
  }

  /** Deletes every flow, in any table, that carries exactly this cookie. */
  public static OFFlowDelete flowDeleteByCookie(long cookie) {
    return OF13.buildFlowDelete()
        .setTableId(TableId.ALL)
        .setOutPort(OFPort.ANY)
        .setOutGroup(OFGroup.ANY)
        .setCookie(U64.of(cookie))
        .setCookieMask(U64.NO_MASK)
        .setMatch(OF13.buildMatch().build())
        .build();
  }

  /**
   * Adds or changes a drop-band meter of {@code kbps}; the burst allows 100 ms at that rate, so
   * short bursts pass and the long-run rate is held.
   */
  public static OFMeterMod meterMod(OFMeterModCommand command, long id, long kbps) {
    return OF13.buildMeterMod()
        .setCommand(command)
        .setMeterId(id)
        .setFlags(Set.of(OFMeterFlags.KBPS, OFMeterFlags.BURST, OFMeterFlags.STATS))
        .setMeters(List.of(OF13.meterBands().drop(kbps, Math.max(kbps / 10, 64))))
        .build();
  }

  /** The message that makes a change on a switch. */
  public static OFMessage message(SwitchChange change) {
    if (change instanceof SwitchChange.AddFlow a) {
      return flowAdd(a.rule());
    } else if (change instanceof SwitchChange.DeleteFlows d) {
      return flowDeleteByCookie(d.cookie());
    } else if (change instanceof SwitchChange.AddMeter m) {
      return meterMod(OFMeterModCommand.ADD, m.id(), m.kbps());
    } else if (change instanceof SwitchChange.ModifyMeter m) {
      return meterMod(OFMeterModCommand.MODIFY, m.id(), m.kbps());
    } else if (change instanceof SwitchChange.DeleteMeter m) {
      return meterDelete(m.id());
    }
    throw new IllegalArgumentException("unknown change " + change);
  }

  /** A flow the switch reported, in L2S-M's terms. */
  public static InstalledFlow installed(OFFlowStatsEntry e) {
    Match m = e.getMatch();
    OFPort in = m.get(MatchField.IN_PORT);
    Set<Integer> ports = new HashSet<>();
    Set<Integer> vnis = new HashSet<>();
    if (in != null) {
      ports.add(in.getPortNumber());
    }
    U64 tun = m.get(MatchField.TUNNEL_ID);
    if (tun != null) {
      vnis.add((int) tun.getValue());
    }
    OFMetadata md = m.get(MatchField.METADATA);
    if (md != null) {
      vnis.add((int) md.getValue().getValue());
    }
    for (OFInstruction i : e.getInstructions()) {
      if (i instanceof OFInstructionApplyActions apply) {
        for (OFAction a : apply.getActions()) {
          if (a instanceof OFActionOutput o) {
            ports.add(o.getPort().getPortNumber());
          } else if (a instanceof OFActionSetField f && f.getField() instanceof OFOxmTunnelId t) {
            vnis.add((int) t.getValue().getValue());
          }
        }
      } else if (i instanceof OFInstructionWriteMetadata w) {
        vnis.add((int) w.getMetadata().getValue());
      }
    }
    boolean classifies =
        e.getTableId().getValue() == FlowCompiler.TABLE_CLASSIFY && in != null && tun == null;
    return new InstalledFlow(
        e.getCookie().getValue(), ports, classifies ? in.getPortNumber() : null, vnis);
  }

  public static OFMeterMod meterDelete(long id) {
    return OF13.buildMeterMod()
        .setCommand(OFMeterModCommand.DELETE)
        .setMeterId(id)
        .setFlags(Set.of())
        .setMeters(List.of())
        .build();
  }

  static Match match(FlowMatch m) {
    Match.Builder b = OF13.buildMatch();
    if (m.inPort() != null) {
      b.setExact(MatchField.IN_PORT, OFPort.of(m.inPort()));
    }
    if (m.tunnelId() != null) {
      b.setExact(MatchField.TUNNEL_ID, U64.of(m.tunnelId()));
    }
    if (m.metadata() != null) {
      b.setExact(MatchField.METADATA, OFMetadata.ofRaw(m.metadata()));
    }
    if (m.ethSrc() != null) {
      b.setExact(MatchField.ETH_SRC, MacAddress.of(m.ethSrc()));
    }
    if (m.ethDst() != null) {
      b.setExact(MatchField.ETH_DST, MacAddress.of(m.ethDst()));
    }
    if (m.arpRequestFor() != null) {
      b.setExact(MatchField.ETH_TYPE, EthType.ARP);
      b.setExact(MatchField.ARP_OP, ArpOpcode.REQUEST);
      b.setExact(MatchField.ARP_TPA, IPv4Address.of(m.arpRequestFor()));
    }
    return b.build();
  }

  // Nicira extensible-match headers (class << 16 | field << 9 | length) of the fields an ARP reply
  // copies from the request: OpenFlow 1.3 itself can only set fields, not copy them.
  private static final long NXM_OF_ETH_DST = 0x00000206L;
  private static final long NXM_OF_ETH_SRC = 0x00000406L;
  private static final long NXM_OF_ARP_SPA = 0x00002004L;
  private static final long NXM_OF_ARP_TPA = 0x00002204L;
  private static final long NXM_NX_ARP_SHA = 0x00012206L;
  private static final long NXM_NX_ARP_THA = 0x00012406L;

  /** The request becomes the owner's reply and goes back out of its ingress port. */
  static List<OFAction> arpReply(FlowAction.ArpReply r) {
    MacAddress mac = MacAddress.of(r.mac());
    return List.of(
        move(NXM_OF_ETH_SRC, NXM_OF_ETH_DST, 48),
        OF13.actions().setField(OF13.oxms().ethSrc(mac)),
        OF13.actions().setField(OF13.oxms().arpOp(ArpOpcode.REPLY)),
        move(NXM_NX_ARP_SHA, NXM_NX_ARP_THA, 48),
        OF13.actions().setField(OF13.oxms().arpSha(mac)),
        move(NXM_OF_ARP_SPA, NXM_OF_ARP_TPA, 32),
        OF13.actions().setField(OF13.oxms().arpSpa(IPv4Address.of(r.ip()))),
        OF13.actions().output(OFPort.IN_PORT, 0xffff));
  }

  private static OFAction move(long src, long dst, int bits) {
    return OF13.actions()
        .buildNiciraMove()
        .setSrc(src)
        .setDst(dst)
        .setSrcOfs(0)
        .setDstOfs(0)
        .setNBits(bits)
        .build();
  }

  static List<OFInstruction> instructions(FlowRule r) {
    List<OFInstruction> out = new ArrayList<>();
    if (r.meter() != null) {
      out.add(OF13.instructions().buildMeter().setMeterId(r.meter()).build());
    }
    if (!r.actions().isEmpty()) {
      List<OFAction> actions = new ArrayList<>();
      for (FlowAction a : r.actions()) {
        if (a instanceof FlowAction.Output o) {
          actions.add(OF13.actions().output(OFPort.of(o.port()), 0xffff));
        } else if (a instanceof FlowAction.SetTunnelId t) {
          actions.add(OF13.actions().setField(OF13.oxms().tunnelId(U64.of(t.vni()))));
        } else if (a instanceof FlowAction.ArpReply reply) {
          actions.addAll(arpReply(reply));
        }
      }
      out.add(OF13.instructions().applyActions(actions));
    }
    if (r.writeMetadata() != null) {
      out.add(OF13.instructions().writeMetadata(U64.of(r.writeMetadata()), U64.NO_MASK));
    }
    if (r.gotoTable() != null) {
      out.add(OF13.instructions().gotoTable(TableId.of(r.gotoTable())));
    }
    return out;
  }
}
