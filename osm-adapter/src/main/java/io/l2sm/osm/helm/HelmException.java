package io.l2sm.osm.helm;

/** A Helm operation failed; the message says which and carries Helm's own error text. */
public final class HelmException extends Exception {
  public HelmException(String message) {
    super(message);
  }

  public HelmException(String message, Throwable cause) {
    super(message, cause);
  }
}
