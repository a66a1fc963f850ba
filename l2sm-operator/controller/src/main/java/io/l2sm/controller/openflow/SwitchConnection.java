package io.l2sm.controller.openflow;

import io.l2sm.controller.flow.InstalledFlow;
import io.l2sm.controller.flow.SwitchChange;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterConfig;
import org.projectfloodlight.openflow.protocol.OFMeterConfigStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBand;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBandDrop;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * One switch's OpenFlow connection after the handshake: send batches confirmed by a barrier, read
 * the flow table back. Thread-safe; replies complete futures on the Netty event loop.
 */
public final class SwitchConnection {
  private final Channel channel;
  private final long dpid;
  private final AtomicLong xids = new AtomicLong(0x1000);
  private final Map<Long, CompletableFuture<Void>> barriers = new ConcurrentHashMap<>();
  private final Map<Long, Long> batchOfXid = new ConcurrentHashMap<>();
  private final Map<Long, String> batchErrors = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<List<OFFlowStatsEntry>>> stats =
      new ConcurrentHashMap<>();
  private final Map<Long, List<OFFlowStatsEntry>> partialStats = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Map<Long, Long>>> meterReplies =
      new ConcurrentHashMap<>();
  private final Map<Long, Map<Long, Long>> partialMeters = new ConcurrentHashMap<>();

  private final String identity;

  SwitchConnection(Channel channel, long dpid) {
    this(channel, dpid, null);
  }

  /**
   * @param identity the common name of the certificate the switch presented over TLS; null over
   *     plaintext
   */
  SwitchConnection(Channel channel, long dpid, String identity) {
    this.channel = channel;
    this.dpid = dpid;
    this.identity = identity;
  }

  /** Who the switch said it is (its TLS certificate's common name); null over plaintext. */
  public String identity() {
    return identity;
  }

  public long dpid() {
    return dpid;
  }

  public String remote() {
    return String.valueOf(channel.remoteAddress());
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  long nextXid() {
    return xids.incrementAndGet();
  }

  /**
   * Sends the messages, then a barrier. The future completes when the switch has processed them
   * all, or fails with the first error the switch reported for one of them.
   */
  CompletableFuture<Void> send(List<? extends OFMessage> messages) {
    long barrierXid = nextXid();
    CompletableFuture<Void> done = new CompletableFuture<>();
    barriers.put(barrierXid, done);
    List<OFMessage> out = new ArrayList<>(messages.size() + 1);
    for (OFMessage m : messages) {
      long xid = nextXid();
      batchOfXid.put(xid, barrierXid);
      out.add(m.createBuilder().setXid(xid).build());
    }
    out.add(OfMessages.OF13.buildBarrierRequest().setXid(barrierXid).build());
    for (OFMessage m : out) {
      channel.write(m);
    }
    channel.flush();
    done.whenComplete((v, e) -> out.forEach(m -> batchOfXid.remove(m.getXid())));
    return done;
  }

  /**
   * Makes the changes, then a barrier. The future completes when the switch has made them all, or
   * fails with the first error the switch reported for one of them.
   */
  public CompletableFuture<Void> apply(List<SwitchChange> changes) {
    return send(changes.stream().map(OfMessages::message).toList());
  }

  /** Every flow of every table, as the switch reports them. */
  public CompletableFuture<List<InstalledFlow>> installedFlows() {
    return flowStats().thenApply(entries -> entries.stream().map(OfMessages::installed).toList());
  }

  /** Reads every flow entry of every table. */
  CompletableFuture<List<OFFlowStatsEntry>> flowStats() {
    long xid = nextXid();
    CompletableFuture<List<OFFlowStatsEntry>> f = new CompletableFuture<>();
    stats.put(xid, f);
    partialStats.put(xid, new ArrayList<>());
    channel.writeAndFlush(
        OfMessages.OF13
            .buildFlowStatsRequest()
            .setXid(xid)
            .setTableId(TableId.ALL)
            .setOutPort(OFPort.ANY)
            .setOutGroup(OFGroup.ANY)
            .setCookie(U64.ZERO)
            .setCookieMask(U64.ZERO)
            .setMatch(OfMessages.OF13.buildMatch().build())
            .build());
    return f;
  }

  /** Reads every meter's configuration: meter id to the rate of its first drop band. */
  public CompletableFuture<Map<Long, Long>> meters() {
    long xid = nextXid();
    CompletableFuture<Map<Long, Long>> f = new CompletableFuture<>();
    meterReplies.put(xid, f);
    partialMeters.put(xid, new java.util.HashMap<>());
    channel.writeAndFlush(
        OfMessages.OF13.buildMeterConfigStatsRequest().setXid(xid).setMeterId(0xffffffffL).build());
    return f;
  }

  void received(OFMessage m) {
    if (m instanceof OFBarrierReply) {
      CompletableFuture<Void> f = barriers.remove(m.getXid());
      if (f != null) {
        String err = batchErrors.remove(m.getXid());
        if (err == null) {
          f.complete(null);
        } else {
          f.completeExceptionally(new OpenFlowException(err));
        }
      }
    } else if (m instanceof OFErrorMsg e) {
      Long batch = batchOfXid.get(m.getXid());
      String text = "switch " + dpidHex() + " refused a message: " + e.getErrType();
      if (batch != null) {
        batchErrors.putIfAbsent(batch, text);
      }
      CompletableFuture<List<OFFlowStatsEntry>> s = stats.remove(m.getXid());
      if (s != null) {
        partialStats.remove(m.getXid());
        s.completeExceptionally(new OpenFlowException(text));
      }
      CompletableFuture<Map<Long, Long>> mr = meterReplies.remove(m.getXid());
      if (mr != null) {
        partialMeters.remove(m.getXid());
        mr.completeExceptionally(new OpenFlowException(text));
      }
    } else if (m instanceof OFMeterConfigStatsReply r) {
      Map<Long, Long> acc = partialMeters.get(m.getXid());
      if (acc == null) {
        return;
      }
      for (OFMeterConfig c : r.getEntries()) {
        long rate = 0;
        for (OFMeterBand b : c.getEntries()) {
          if (b instanceof OFMeterBandDrop d) {
            rate = d.getRate();
          }
        }
        acc.put(c.getMeterId(), rate);
      }
      if (!r.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
        partialMeters.remove(m.getXid());
        CompletableFuture<Map<Long, Long>> f = meterReplies.remove(m.getXid());
        if (f != null) {
          f.complete(acc);
        }
      }
    } else if (m instanceof OFFlowStatsReply r) {
      List<OFFlowStatsEntry> acc = partialStats.get(m.getXid());
      if (acc == null) {
        return;
      }
      acc.addAll(r.getEntries());
      if (!r.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
        partialStats.remove(m.getXid());
        CompletableFuture<List<OFFlowStatsEntry>> f = stats.remove(m.getXid());
        if (f != null) {
          f.complete(acc);
        }
      }
    }
  }

  void closed() {
    OpenFlowException gone = new OpenFlowException("switch " + dpidHex() + " disconnected");
    barriers.values().forEach(f -> f.completeExceptionally(gone));
    stats.values().forEach(f -> f.completeExceptionally(gone));
    meterReplies.values().forEach(f -> f.completeExceptionally(gone));
    barriers.clear();
    stats.clear();
    meterReplies.clear();
  }

  public void close() {
    channel.close();
  }

  /**
   * Names this switch ({@code switch}: its datapath id) in the log lines written until the result
   * is closed: a field of the JSON log lines.
   */
  public org.slf4j.MDC.MDCCloseable named() {
    return org.slf4j.MDC.putCloseable("switch", dpidHex());
  }

  public String dpidHex() {
    return String.format("%016x", dpid);
  }

  @Override
  public String toString() {
    return "of:" + dpidHex() + "@" + remote();
  }
}
