package io.l2sm.controller.flow;

/**
 * One change that brings a switch closer to its {@link SwitchProgram}; a batch of them is sent and
 * confirmed as a whole (the OpenFlow layer turns each into its message).
 */
public sealed interface SwitchChange {
  /** Adds a flow (or replaces the one with the same match and priority). */
  record AddFlow(FlowRule rule) implements SwitchChange {}

  /** Removes every flow with this cookie. */
  record DeleteFlows(long cookie) implements SwitchChange {}

  /** Adds a meter that drops above {@code kbps}. */
  record AddMeter(long id, long kbps) implements SwitchChange {}

  /** Changes an existing meter's rate. */
  record ModifyMeter(long id, long kbps) implements SwitchChange {}

  /** Removes a meter. */
  record DeleteMeter(long id) implements SwitchChange {}
}
