package io.l2sm.osm.fabric;

/** The data plane could not be asked (no controller reachable) or refused a whole network. */
public final class FabricException extends RuntimeException {
  public FabricException(String message) {
    super(message);
  }

  public FabricException(String message, Throwable cause) {
    super(message, cause);
  }
}
