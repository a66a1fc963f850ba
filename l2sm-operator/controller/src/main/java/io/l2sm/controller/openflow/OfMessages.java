package io.l2sm.controller.openflow;

import io.l2sm.controller.flow.FlowAction;
import io.l2sm.controller.flow.FlowMatch;
import io.l2sm.controller.flow.FlowRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
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
    return b.build();
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
