package io.l2sm.controller.openflow;

/** A switch refused a message, or the connection failed before it confirmed it. */
public class OpenFlowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OpenFlowException(String message) {
    super(message);
  }
}
