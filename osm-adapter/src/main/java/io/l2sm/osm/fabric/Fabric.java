package io.l2sm.osm.fabric;

import io.l2sm.api.v1.NetworkKind;
import java.util.List;
import java.util.Map;

/**
 * The L2S-M data plane as the adapter drives it: networks whose members are switch ports given by
 * endpoint id. Implementations talk to the controllers; tests may use a fake.
 */
public interface Fabric extends AutoCloseable {
  /**
   * What applying a network did.
   *
   * @param domain where the network lives (a cluster's controller), or empty when nowhere
   * @param vni its VNI, 0 when it could not be made
   * @param problems per endpoint id (or cluster), why it is not a member; empty when every one is
   * @param pending true while the network is being made (asked again later), false when done or
   *     failed for good
   */
  record Outcome(String domain, int vni, Map<String, String> problems, boolean pending) {
    public Outcome(String domain, int vni, Map<String, String> problems) {
      this(domain, vni, problems, false);
    }

    public boolean complete() {
      return problems.isEmpty() && vni > 0 && !pending;
    }
  }

  /**
   * Makes network {@code name} exist with exactly these endpoints as members (port-only
   * attachments), creating it where its endpoints are and removing it from anywhere else.
   * Idempotent. Problems with single endpoints are reported, not thrown.
   *
   * @param kind {@link NetworkKind#VLINK} (exactly two endpoints) or {@link NetworkKind#VNET}
   * @throws FabricException when no controller can be asked at all
   */
  Outcome apply(String name, NetworkKind kind, List<Endpoint> members);

  /** Removes network {@code name} and its members everywhere; nothing when it does not exist. */
  void remove(String name);

  /** The handles ({@link #networks()}' form) the network of service {@code name} may have. */
  java.util.Set<String> handles(String name);

  /** Handles of every network this adapter made, in every domain. */
  List<String> networks();

  /** Removes a network by its handle (one {@link #networks()} listed). */
  void drop(String handle);

  /** The domains (controllers) and the switches each has, by endpoint dpid: for status pages. */
  Map<String, List<String>> switches();

  @Override
  void close();

  /**
   * What keeps the fabric from serving now (a controller that does not answer); null when every one
   * answers.
   */
  default String unreachable() {
    for (Map.Entry<String, List<String>> e : switches().entrySet()) {
      for (String s : e.getValue()) {
        if (s.startsWith("unreachable: ")) {
          return "the controller of " + e.getKey() + " is " + s;
        }
      }
    }
    return null;
  }
}
