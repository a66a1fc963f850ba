package io.l2sm.controller.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * A node's switch as its agent registered it.
 *
 * @param node node name
 * @param dpid OpenFlow datapath id
 * @param tunnels OpenFlow port of the VXLAN tunnel towards each peer node
 */
public record SwitchState(String node, long dpid, Map<String, Integer> tunnels) {
  public SwitchState {
    tunnels = java.util.Collections.unmodifiableMap(new TreeMap<>(tunnels));
  }

  /** ONOS-style endpoint id of a port of this switch: {@code of:<16 hex dpid>/<port>}. */
  public String endpoint(int port) {
    return "of:" + dpidHex(dpid) + "/" + port;
  }

  public static String dpidHex(long dpid) {
    return String.format("%016x", dpid);
  }
}
