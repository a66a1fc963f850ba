package io.l2sm.controller.northbound;

import io.l2sm.api.grpc.Identity;
import io.l2sm.api.grpc.Identity.Role;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.DetachRequest;
import io.l2sm.api.grpc.v1.RegisterSwitchRequest;
import io.l2sm.api.grpc.v1.UnregisterSwitchRequest;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Who may call what on the controller's gRPC API (docs/install.md, "Who may do what"). Pure: the
 * caller's identity, the method and its request in, a refusal out.
 *
 * <ul>
 *   <li>{@code reader}: the reads (GetNetwork, ListNetworks, GetStatus, Watch);
 *   <li>{@code operator}: reads, networks and their edges (CreateNetwork, DeleteNetwork, SetEdges);
 *   <li>{@code adapter}: as the operator, and the ports OSM names (Attach, Detach);
 *   <li>{@code agent:NODE}: reads, its own node's switch (RegisterSwitch, UnregisterSwitch) and
 *       ports on its own node (Attach, Detach);
 *   <li>{@code admin}: everything, the admin operations (SetAdminState, SetMirror, SetRateLimit,
 *       SetPath) included. A method this class does not know is the admin's only.
 * </ul>
 */
public final class AccessPolicy {
  static final Set<String> READS = Set.of("GetNetwork", "ListNetworks", "GetStatus", "Watch");
  static final Set<String> NETWORKS = Set.of("CreateNetwork", "DeleteNetwork", "SetEdges");
  static final Set<String> PORTS = Set.of("Attach", "Detach");
  static final Set<String> SWITCHES = Set.of("RegisterSwitch", "UnregisterSwitch");

  private static final Map<Role, Set<String>> ALLOWED = new EnumMap<>(Role.class);

  static {
    ALLOWED.put(Role.READER, READS);
    ALLOWED.put(Role.OPERATOR, union(READS, NETWORKS));
    ALLOWED.put(Role.ADAPTER, union(READS, NETWORKS, PORTS));
    ALLOWED.put(Role.AGENT, union(READS, SWITCHES, PORTS));
  }

  private final Function<String, String> nodeOfAttachment;

  /**
   * @param nodeOfAttachment the node of an attachment id, null when there is none
   */
  public AccessPolicy(Function<String, String> nodeOfAttachment) {
    this.nodeOfAttachment = nodeOfAttachment;
  }

  /** Why {@code who} may not call {@code method} at all; null when it may (for some requests). */
  public String refuseMethod(Identity who, String method) {
    if (who.role() == Role.ADMIN || ALLOWED.get(who.role()).contains(method)) {
      return null;
    }
    return who + " may not call " + method + " (" + roles(method) + ")";
  }

  /** Why {@code who} may not make this request; null when it may. */
  public String refuseRequest(Identity who, String method, Object request) {
    String denied = refuseMethod(who, method);
    if (denied != null || who.role() != Role.AGENT) {
      return denied;
    }
    String node;
    if (request instanceof RegisterSwitchRequest r) {
      node = r.getNode();
    } else if (request instanceof UnregisterSwitchRequest r) {
      node = r.getNode();
    } else if (request instanceof AttachRequest r) {
      node = r.getNode();
    } else if (request instanceof DetachRequest r) {
      node = nodeOfAttachment.apply(r.getId());
    } else {
      node = who.name();
    }
    if (node == null || node.equals(who.name())) {
      return null; // its own node's, or an id nobody holds (the controller answers NOT_FOUND)
    }
    return who
        + " may not "
        + verb(method)
        + " node "
        + node
        + " (an agent acts on its own node only)";
  }

  private static String verb(String method) {
    return switch (method) {
      case "RegisterSwitch" -> "register the switch of";
      case "UnregisterSwitch" -> "unregister the switch of";
      case "Attach" -> "attach a port on";
      default -> "detach a port on";
    };
  }

  /** The roles that may call a method, for the refusal's text. */
  static String roles(String method) {
    StringBuilder b = new StringBuilder();
    for (var e : ALLOWED.entrySet()) {
      if (e.getValue().contains(method)) {
        b.append(e.getKey() == Role.AGENT ? "agent:NODE" : e.getKey().name().toLowerCase())
            .append(", ");
      }
    }
    return b.append("admin").toString();
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    java.util.Set<String> all = new java.util.HashSet<>();
    for (Set<String> s : sets) {
      all.addAll(s);
    }
    return Set.copyOf(all);
  }
}
