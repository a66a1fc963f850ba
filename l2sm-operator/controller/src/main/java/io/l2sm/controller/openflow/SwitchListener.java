package io.l2sm.controller.openflow;

/** What the OpenFlow server reports to the controller's core. */
public interface SwitchListener {
  /** A switch finished the handshake; its flows have not been read yet. */
  void connected(SwitchConnection sw);

  /** The connection is gone (closed, failed, or no echo reply in time). */
  void disconnected(SwitchConnection sw);

  /** A frame reached the controller; in steady state this never happens. */
  default void packetIn(SwitchConnection sw) {}
}
