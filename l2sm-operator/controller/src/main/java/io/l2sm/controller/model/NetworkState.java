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
 */
public record NetworkState(String name, Kind kind, int vni, boolean enabled, List<String> path) {
  public NetworkState {
    path = List.copyOf(path);
  }

  public NetworkState withEnabled(boolean value) {
    return new NetworkState(name, kind, vni, value, path);
  }

  public NetworkState withPath(List<String> value) {
    return new NetworkState(name, kind, vni, enabled, value);
  }
}
