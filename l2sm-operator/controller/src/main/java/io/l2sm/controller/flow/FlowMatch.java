package io.l2sm.controller.flow;

import java.util.StringJoiner;

/**
 * The fields the pipeline matches on; null means wildcarded.
 *
 * @param inPort ingress OpenFlow port
 * @param ethSrc exact source MAC (anti-spoofing)
 * @param tunnelId VXLAN VNI of a frame that came through a tunnel
 * @param metadata the network's VNI written by the classification table
 * @param ethDst exact destination MAC
 * @param arpRequestFor an ARP request (EtherType 0x0806, opcode 1) for this IPv4 address
 */
public record FlowMatch(
    Integer inPort,
    String ethSrc,
    Long tunnelId,
    Long metadata,
    String ethDst,
    String arpRequestFor) {

  public FlowMatch(Integer inPort, String ethSrc, Long tunnelId, Long metadata, String ethDst) {
    this(inPort, ethSrc, tunnelId, metadata, ethDst, null);
  }

  public static FlowMatch any() {
    return new FlowMatch(null, null, null, null, null);
  }

  public static FlowMatch port(int inPort) {
    return new FlowMatch(inPort, null, null, null, null);
  }

  public FlowMatch withEthSrc(String mac) {
    return new FlowMatch(inPort, mac, tunnelId, metadata, ethDst, arpRequestFor);
  }

  public FlowMatch withTunnelId(long vni) {
    return new FlowMatch(inPort, ethSrc, vni, metadata, ethDst, arpRequestFor);
  }

  public static FlowMatch network(long vni) {
    return new FlowMatch(null, null, null, vni, null);
  }

  public FlowMatch withEthDst(String mac) {
    return new FlowMatch(inPort, ethSrc, tunnelId, metadata, mac, arpRequestFor);
  }

  public FlowMatch withArpRequestFor(String ipv4) {
    return new FlowMatch(inPort, ethSrc, tunnelId, metadata, ethDst, ipv4);
  }

  /** ovs-ofctl syntax, fields in a fixed order; empty for match-all. */
  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(",");
    if (arpRequestFor != null) {
      j.add("arp");
    }
    if (inPort != null) {
      j.add("in_port=" + inPort);
    }
    if (tunnelId != null) {
      j.add("tun_id=0x" + Long.toHexString(tunnelId));
    }
    if (metadata != null) {
      j.add("metadata=0x" + Long.toHexString(metadata));
    }
    if (ethSrc != null) {
      j.add("dl_src=" + ethSrc);
    }
    if (ethDst != null) {
      j.add("dl_dst=" + ethDst);
    }
    if (arpRequestFor != null) {
      j.add("arp_op=1");
      j.add("arp_tpa=" + arpRequestFor);
    }
    return j.toString();
  }
}
