package io.l2sm.controller.model;

import java.util.List;

/**
 * A switch port joined to a network.
 *
 * @param id unique id, e.g. {@code <containerId>/<ifName>}
 * @param network the network's name
 * @param node the node whose switch has the port
 * @param port OpenFlow port number
 * @param mac the only source MAC accepted from the port, lower case
 * @param enabled false when an operator shut the port
 * @param rateKbps ingress rate limit, 0 for none
 * @param ips the pod's addresses on the network ({@code address/prefix}), requested or assigned
 */
public record AttachmentState(
    String id,
    String network,
    String node,
    int port,
    String mac,
    boolean enabled,
    long rateKbps,
    List<String> ips) {
  public AttachmentState {
    ips = ips == null ? List.of() : List.copyOf(ips);
  }

  public AttachmentState(
      String id,
      String network,
      String node,
      int port,
      String mac,
      boolean enabled,
      long rateKbps) {
    this(id, network, node, port, mac, enabled, rateKbps, List.of());
  }

  public AttachmentState withEnabled(boolean value) {
    return new AttachmentState(id, network, node, port, mac, value, rateKbps, ips);
  }

  public AttachmentState withRateKbps(long value) {
    return new AttachmentState(id, network, node, port, mac, enabled, value, ips);
  }

  public AttachmentState withIps(List<String> value) {
    return new AttachmentState(id, network, node, port, mac, enabled, rateKbps, value);
  }
}
