package io.l2sm.osm.nbi;

/**
 * OSM's NBI could not be asked, refused, or answered something unusable; the message says which.
 */
public final class NbiException extends Exception {
  public NbiException(String message) {
    super(message);
  }

  public NbiException(String message, Throwable cause) {
    super(message, cause);
  }
}
