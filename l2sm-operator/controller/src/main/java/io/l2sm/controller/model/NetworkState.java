package io.l2sm.controller.model;

import java.util.List;

/**
 * A virtual network as the controller keeps it.
 *
 * @param name unique name
 * @param kind vnet or vlink
 * @param vni 24-bit VXLAN network identifier, also the OpenFlow metadata of its frames
 * @param enabled false when an operator shut the whole network
 * @param path vlink only: explicit node path between the two endpoints' switches; empty for auto
 * @param cidr IPv4 subnet of the network, or null when the controller assigns no addresses
 * @param range the part of {@code cidr} addresses are assigned from; null for all of it
 * @param edges neighbour switches this controller does not control where the network continues
 *     (another domain: a cluster's edge device seen from inside, or a cluster's gateway seen from
 *     the inter-domain controller). Each is a member of the network as a whole, reached through the
 *     tunnel a switch of ours has towards it, and never a transit hop.
 * @param floodArp true to flood every ARP request, as a plain switch does; false (the default) lets
 *     each switch answer requests for the addresses of the network's attachments itself
 */
public record NetworkState(
    String name,
    Kind kind,
    int vni,
    boolean enabled,
    List<String> path,
    String cidr,
    String range,
    List<String> edges,
    boolean floodArp) {
  public NetworkState {
    path = path == null ? List.of() : List.copyOf(path);
    edges = edges == null ? List.of() : List.copyOf(new java.util.TreeSet<>(edges));
  }

  public NetworkState(
      String name,
      Kind kind,
      int vni,
      boolean enabled,
      List<String> path,
      String cidr,
      String range,
      List<String> edges) {
    this(name, kind, vni, enabled, path, cidr, range, edges, false);
  }

  public NetworkState(
      String name,
      Kind kind,
      int vni,
      boolean enabled,
      List<String> path,
      String cidr,
      String range) {
    this(name, kind, vni, enabled, path, cidr, range, List.of());
  }

  public NetworkState(String name, Kind kind, int vni, boolean enabled, List<String> path) {
    this(name, kind, vni, enabled, path, null, null);
  }

  public NetworkState withEnabled(boolean value) {
    return new NetworkState(name, kind, vni, value, path, cidr, range, edges, floodArp);
  }

  public NetworkState withPath(List<String> value) {
    return new NetworkState(name, kind, vni, enabled, value, cidr, range, edges, floodArp);
  }

  public NetworkState withEdges(List<String> value) {
    return new NetworkState(name, kind, vni, enabled, path, cidr, range, value, floodArp);
  }

  public NetworkState withFloodArp(boolean value) {
    return new NetworkState(name, kind, vni, enabled, path, cidr, range, edges, value);
  }
}
