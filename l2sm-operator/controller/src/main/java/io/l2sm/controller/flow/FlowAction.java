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
}
