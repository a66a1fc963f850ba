package io.l2sm.agent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a node agent is set up.
 *
 * @param node this node's name
 * @param bridge the OVS bridge the agent owns
 * @param datapathType {@code netdev} (userspace, no kernel module) or {@code system} (kernel)
 * @param ovsDb the OVSDB target of the node's Open vSwitch
 * @param openflowTarget where the switch dials the controller, e.g. {@code tcp:10.0.0.1:6653}
 * @param controllerGrpc the controller's gRPC address, {@code host:port}
 * @param socket the unix socket the CNI shim talks to
 * @param peers overlay neighbours: node name to underlay IP (one VXLAN tunnel each)
 * @param defaultMtu MTU of pod interfaces when the network config sets none
 */
public record AgentConfig(
    String node,
    String bridge,
    String datapathType,
    String ovsDb,
    String openflowTarget,
    String controllerGrpc,
    Path socket,
    Map<String, String> peers,
    int defaultMtu,
    int bfdMs,
    Path controllerCredentials,
    Path switchTls) {

  /** Without TLS. */
  public AgentConfig(
      String node,
      String bridge,
      String datapathType,
      String ovsDb,
      String openflowTarget,
      String controllerGrpc,
      Path socket,
      Map<String, String> peers,
      int defaultMtu,
      int bfdMs) {
    this(
        node,
        bridge,
        datapathType,
        ovsDb,
        openflowTarget,
        controllerGrpc,
        socket,
        peers,
        defaultMtu,
        bfdMs,
        null,
        null);
  }

  public AgentConfig {
    if (openflowTarget.startsWith("ssl:") && switchTls == null) {
      switchTls = controllerCredentials; // the switch speaks for the node as its agent does
    }
    if (openflowTarget.startsWith("ssl:") && switchTls == null) {
      throw new IllegalArgumentException(
          "an ssl: OpenFlow target needs the switch's key, certificate and CA"
              + " (--controller-credentials or --switch-tls-dir)");
    }
    peers = java.util.Collections.unmodifiableMap(new TreeMap<>(peers));
    if (!datapathType.equals("netdev") && !datapathType.equals("system")) {
      throw new IllegalArgumentException(
          "datapath type must be netdev or system, not " + datapathType);
    }
  }

  /** The switch's datapath id: the first 8 bytes of SHA-256 of the node name, never 0. */
  public static long dpidOf(String node) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(node.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v == 0 ? 1 : v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public long dpid() {
    return dpidOf(node);
  }

  public boolean userspace() {
    return datapathType.equals("netdev");
  }
}
