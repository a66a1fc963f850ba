package io.l2sm.controller.model;

/**
 * A request the controller refuses, with the gRPC status code it maps to: thrown by the model's
 * allocations and by the service alike.
 */
public class ControllerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Mirrors the gRPC codes used by the API, so the core does not depend on gRPC. */
  public enum Reason {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    FAILED_PRECONDITION,
    RESOURCE_EXHAUSTED,
    UNAVAILABLE,
    DEADLINE_EXCEEDED,
    UNIMPLEMENTED
  }

  private final Reason reason;

  public ControllerException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
