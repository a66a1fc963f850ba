package io.l2sm.operator;

import io.l2sm.api.v1.NetworkKind;

/** What the operator needs from the SDN controller; one implementation speaks its gRPC API. */
public interface ControllerClient extends AutoCloseable {
  /** A refusal or failure of the controller, with the gRPC status code's name. */
  final class CallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public CallException(String code, String message) {
      super(message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /**
   * Creates the network if it does not exist; returns its VNI.
   *
   * @param vni the VNI it must have (recorded earlier), or 0 to let the controller choose
   * @param cidr the subnet the controller assigns pod addresses from, or null for none
   * @param range the part of cidr to assign from, or null for all of it
   */
  int ensureNetwork(String name, NetworkKind kind, int vni, String cidr, String range);

  /** Sets where the network continues in other domains (its edges); empty for none. */
  void setEdges(String name, java.util.List<String> edges);

  /** Deletes the network; does nothing if it does not exist. */
  void deleteNetwork(String name);

  /** Attachments of the network; 0 if it does not exist. */
  int attachmentCount(String name);

  @Override
  void close();
}
