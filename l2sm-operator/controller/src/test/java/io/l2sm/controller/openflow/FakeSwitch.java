package io.l2sm.controller.openflow;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterConfig;
import org.projectfloodlight.openflow.protocol.OFMeterConfigStatsRequest;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBandDrop;

/**
 * A switch for unit tests: an in-memory flow table keyed by cookie and a meter table, behind a
 * Netty EmbeddedChannel, answering barriers and readbacks as Open vSwitch does. It keeps its tables
 * when the controller "restarts" (a new connection on the same fake).
 */
@ChannelHandler.Sharable
public final class FakeSwitch extends ChannelOutboundHandlerAdapter {
  private final long dpid;
  private final Map<Long, OFFlowAdd> flows = new TreeMap<>();
  private final Map<Long, Long> meters = new TreeMap<>();
  private final List<OFMessage> received = new ArrayList<>();
  private SwitchConnection conn;

  public FakeSwitch(long dpid) {
    this.dpid = dpid;
  }

  /** A fresh connection to this switch, as after a (re)connect. */
  public SwitchConnection connect() {
    EmbeddedChannel ch = new EmbeddedChannel(this);
    conn = new SwitchConnection(ch, dpid);
    return conn;
  }

  public synchronized Map<Long, OFFlowAdd> flows() {
    return new TreeMap<>(flows);
  }

  public synchronized Map<Long, Long> meters() {
    return new TreeMap<>(meters);
  }

  /** Messages that changed something (flow and meter mods), since the last call. */
  public synchronized List<OFMessage> takeMods() {
    List<OFMessage> out = new ArrayList<>(received);
    received.clear();
    return out;
  }

  private boolean holdBarriers;
  private final List<OFMessage> heldReplies = new ArrayList<>();
  private int barriers;

  /** From now on, barrier replies wait for {@link #releaseBarriers} (a slow switch). */
  public synchronized void holdBarriers() {
    holdBarriers = true;
  }

  /** Sends the barrier replies held back, and answers barriers at once again. */
  public void releaseBarriers() {
    List<OFMessage> replies;
    synchronized (this) {
      holdBarriers = false;
      replies = List.copyOf(heldReplies);
      heldReplies.clear();
    }
    replies.forEach(conn::received);
  }

  /** Barrier requests received so far: one per round of changes the controller sent. */
  public synchronized int barriers() {
    return barriers;
  }

  /** Puts a flow there as if someone else had (e.g. a leftover with a foreign cookie). */
  public synchronized void inject(OFFlowAdd f) {
    flows.put(f.getCookie().getValue(), f);
  }

  @Override
  public synchronized void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    OFMessage m = (OFMessage) msg;
    promise.setSuccess();
    if (m instanceof OFFlowAdd f) {
      received.add(m);
      flows.put(f.getCookie().getValue(), f);
    } else if (m instanceof OFFlowDelete d) {
      received.add(m);
      flows.remove(d.getCookie().getValue());
    } else if (m instanceof OFMeterMod mm) {
      received.add(m);
      if (mm.getCommand() == OFMeterModCommand.DELETE) {
        meters.remove(mm.getMeterId());
      } else {
        meters.put(mm.getMeterId(), ((OFMeterBandDrop) mm.getMeters().get(0)).getRate());
      }
    } else if (m instanceof OFBarrierRequest) {
      barriers++;
      OFMessage reply = OfMessages.OF13.buildBarrierReply().setXid(m.getXid()).build();
      if (holdBarriers) {
        heldReplies.add(reply);
      } else {
        conn.received(reply);
      }
    } else if (m instanceof OFFlowStatsRequest) {
      List<OFFlowStatsEntry> entries = new ArrayList<>();
      for (OFFlowAdd f : flows.values()) {
        entries.add(
            OfMessages.OF13
                .buildFlowStatsEntry()
                .setCookie(f.getCookie())
                .setTableId(f.getTableId())
                .setPriority(f.getPriority())
                .setMatch(f.getMatch())
                .setInstructions(f.getInstructions())
                .build());
      }
      conn.received(
          OfMessages.OF13.buildFlowStatsReply().setXid(m.getXid()).setEntries(entries).build());
    } else if (m instanceof OFMeterConfigStatsRequest) {
      List<OFMeterConfig> entries = new ArrayList<>();
      meters.forEach(
          (id, rate) ->
              entries.add(
                  OfMessages.OF13
                      .buildMeterConfig()
                      .setMeterId(id)
                      .setEntries(List.of(OfMessages.OF13.meterBands().drop(rate, 0)))
                      .build()));
      conn.received(
          OfMessages.OF13
              .buildMeterConfigStatsReply()
              .setXid(m.getXid())
              .setEntries(entries)
              .build());
    }
  }
}
