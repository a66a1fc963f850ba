package io.l2sm.agent;

/** A CNI error: a spec error code, a message and optional details. */
public class CniException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final int INCOMPATIBLE_VERSION = 1;
  public static final int UNSUPPORTED_FIELD = 2;
  public static final int UNKNOWN_CONTAINER = 3;
  public static final int INVALID_ENVIRONMENT = 4;
  public static final int IO_FAILURE = 5;
  public static final int DECODE_FAILURE = 6;
  public static final int INVALID_CONFIG = 7;
  public static final int TRY_AGAIN_LATER = 11;

  /** Plugin-specific: the controller refused the attachment. */
  public static final int CONTROLLER_REFUSED = 100;

  /** Plugin-specific: CHECK found the attachment broken. */
  public static final int CHECK_FAILED = 101;

  /** Plugin-specific: the pod's namespace may not use the network. */
  public static final int NOT_PERMITTED = 102;

  private final int code;
  private final String details;

  public CniException(int code, String message) {
    this(code, message, "");
  }

  public CniException(int code, String message, String details) {
    super(message);
    this.code = code;
    this.details = details == null ? "" : details;
  }

  public int code() {
    return code;
  }

  public String details() {
    return details;
  }
}
