package io.l2sm.controller.model;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the controller hands out, decided from the desired state alone: VNIs and pod addresses.
 * Pure: the same state and request give the same answer, and a request that cannot be met is a
 * {@link ControllerException} saying why.
 */
public final class Allocation {
  /** The largest VXLAN network identifier (24 bits). */
  public static final int VNI_MAX = (1 << 24) - 1;

  private Allocation() {}

  /**
   * Checks a network's addressing: a CIDR that is a subnet address with a prefix of 8-30, and a
   * range (which needs the CIDR) inside it.
   */
  public static void checkAddressing(String name, String cidr, String range) {
    if (cidr == null) {
      if (range != null) {
        throw new ControllerException(
            ControllerException.Reason.INVALID_ARGUMENT,
            "network " + name + ": an address range needs a CIDR");
      }
      return;
    }
    Ipv4Cidr c = cidrOf(name, "CIDR", cidr);
    if (c.prefix() < 8 || c.prefix() > 30 || c.network() != c.address()) {
      throw new ControllerException(
          ControllerException.Reason.INVALID_ARGUMENT,
          "network " + name + ": CIDR " + cidr + " must be a subnet address with a prefix of 8-30");
    }
    if (range != null && !c.covers(cidrOf(name, "range", range))) {
      throw new ControllerException(
          ControllerException.Reason.INVALID_ARGUMENT,
          "network " + name + ": range " + range + " is not inside its CIDR " + cidr);
    }
  }

  private static Ipv4Cidr cidrOf(String name, String what, String text) {
    try {
      return Ipv4Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ControllerException(
          ControllerException.Reason.INVALID_ARGUMENT,
          "network " + name + ": " + what + " " + e.getMessage());
    }
  }

  /**
   * The addresses an attachment gets: the requested ones, checked against the network's CIDR and
   * the addresses in use; else, on a network with a CIDR, the lowest free one of its range.
   */
  public static List<String> addresses(
      DesiredState s, NetworkState n, String id, List<String> requested) {
    Set<Integer> used = new HashSet<>();
    Map<Integer, String> owner = new HashMap<>();
    for (AttachmentState o : s.attachments().values()) {
      if (o.network().equals(n.name()) && !o.id().equals(id)) {
        for (String ip : o.ips()) {
          int a = Ipv4Cidr.parse(ip).address();
          used.add(a);
          owner.put(a, o.id());
        }
      }
    }
    Ipv4Cidr cidr = n.cidr() == null ? null : Ipv4Cidr.parse(n.cidr());
    if (!requested.isEmpty()) {
      List<String> out = new ArrayList<>();
      for (String ip : requested) {
        Ipv4Cidr a;
        try {
          a = Ipv4Cidr.parse(ip);
        } catch (IllegalArgumentException e) {
          throw new ControllerException(
              ControllerException.Reason.INVALID_ARGUMENT,
              "attachment " + id + ": IP " + e.getMessage());
        }
        if (cidr != null && (!cidr.contains(a.address()) || a.prefix() != cidr.prefix())) {
          throw new ControllerException(
              ControllerException.Reason.INVALID_ARGUMENT,
              "attachment "
                  + id
                  + ": IP "
                  + ip
                  + " is outside network "
                  + n.name()
                  + "'s "
                  + n.cidr());
        }
        if (used.contains(a.address())) {
          throw new ControllerException(
              ControllerException.Reason.ALREADY_EXISTS,
              "attachment "
                  + id
                  + ": IP "
                  + Ipv4Cidr.format(a.address())
                  + " is already used in"
                  + " network "
                  + n.name()
                  + " by attachment "
                  + owner.get(a.address()));
        }
        used.add(a.address());
        out.add(a.toString());
      }
      return out;
    }
    if (cidr == null) {
      return List.of();
    }
    Ipv4Cidr from = n.range() == null ? cidr : Ipv4Cidr.parse(n.range());
    for (long a = Integer.toUnsignedLong(from.network());
        a <= Integer.toUnsignedLong(from.last());
        a++) {
      int addr = (int) a;
      if (addr == cidr.network() || addr == cidr.last() || used.contains(addr)) {
        continue;
      }
      return List.of(Ipv4Cidr.format(addr) + "/" + cidr.prefix());
    }
    throw new ControllerException(
        ControllerException.Reason.RESOURCE_EXHAUSTED,
        "no free address in " + from + " of network " + n.name() + " (" + used.size() + " in use)");
  }

  /** A VNI asked for: in 1-{@value #VNI_MAX} and used by no other network. */
  public static int checkVni(DesiredState s, String name, int vni) {
    if (vni < 1 || vni > VNI_MAX) {
      throw new ControllerException(
          ControllerException.Reason.INVALID_ARGUMENT,
          "network " + name + ": VNI " + vni + " is outside 1-" + VNI_MAX);
    }
    for (NetworkState n : s.networks().values()) {
      if (n.vni() == vni) {
        throw new ControllerException(
            ControllerException.Reason.ALREADY_EXISTS,
            "VNI " + vni + " is already used by network " + n.name());
      }
    }
    return vni;
  }

  /**
   * The lowest VNI of {@code vniMin}-{@code vniMax} that no network uses, nor {@code alsoUsed} (the
   * VNIs of flows a restarted controller holds).
   */
  public static int freeVni(DesiredState s, Set<Integer> alsoUsed, int vniMin, int vniMax) {
    BitSet used = new BitSet();
    s.networks().values().forEach(n -> used.set(n.vni()));
    alsoUsed.forEach(used::set);
    int v = used.nextClearBit(vniMin);
    if (v > vniMax) {
      throw new ControllerException(
          ControllerException.Reason.RESOURCE_EXHAUSTED,
          "no free VNI: all "
              + (vniMax - vniMin + 1)
              + " VNIs of the range "
              + vniMin
              + "-"
              + vniMax
              + " are in use");
    }
    return v;
  }
}
