package io.l2sm.osm.vpls;

/** A network configuration (or connectivity-service request) that is refused, and why. */
public final class InvalidConfigException extends Exception {
  private final int status;

  public InvalidConfigException(int status, String message) {
    super(message);
    this.status = status;
  }

  public InvalidConfigException(String message) {
    this(400, message);
  }

  /** The HTTP status it maps to (400, 404 or 409). */
  public int status() {
    return status;
  }
}
