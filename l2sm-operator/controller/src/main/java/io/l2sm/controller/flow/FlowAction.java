package io.l2sm.controller.flow;

/** The actions the L2S-M pipeline uses. */
public sealed interface FlowAction {

  /** Send the frame out of a port (OpenFlow never sends it back out of its in_port). */
  record Output(int port) implements FlowAction {
    @Override
    public String toString() {
      return "output:" + port;
    }
  }

  /** Set the VXLAN network identifier for the tunnel ports that follow. */
  record SetTunnelId(long vni) implements FlowAction {
    @Override
    public String toString() {
      return "set_field:0x" + Long.toHexString(vni) + "->tun_id";
    }
  }

  /**
   * Turn an ARP request into the reply of the host that owns {@code ip} with {@code mac}, and send
   * it back out of the port it came in by: the requester's addresses become the destination, the
   * owner's the source, the opcode 2.
   */
  record ArpReply(String mac, String ip) implements FlowAction {
    @Override
    public String toString() {
      return "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:"
          + mac
          + "->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:"
          + mac
          + "->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:"
          + ip
          + "->arp_spa,IN_PORT";
    }
  }
}
