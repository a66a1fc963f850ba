package io.l2sm.api.grpc;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who a client of the controller is: the common name of its certificate, {@code ROLE} or {@code
 * ROLE:NAME}. Agents are {@code agent:NODE}; the other roles need no name.
 *
 * @param role what it may do
 * @param name the node of an agent; empty for the other roles
 */
public record Identity(Role role, String name) {
  private static final Pattern NODE =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

  /** The roles of the controller's clients (docs/install.md, "Who may do what"). */
  public enum Role {
    /** A node agent: its own node's switch and ports only. */
    AGENT,
    /** The operator: networks and their edges. */
    OPERATOR,
    /** The OSM adapter: networks, edges and the ports OSM names. */
    ADAPTER,
    /** Reads state; changes nothing. */
    READER,
    /** Everything, the admin operations (mirror, shutdown, rate limit, paths) included. */
    ADMIN;

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Identity {
    if (role == Role.AGENT && !NODE.matcher(name).matches()) {
      throw new IllegalArgumentException("an agent's identity names its node: agent:NODE");
    }
    if (role != Role.AGENT && !name.isEmpty()) {
      throw new IllegalArgumentException("only agents carry a name: " + role.word());
    }
  }

  /** An agent's identity. */
  public static Identity agent(String node) {
    return new Identity(Role.AGENT, node);
  }

  /** The identity of a role that needs no name. */
  public static Identity of(Role role) {
    return new Identity(role, "");
  }

  /**
   * Reads a certificate's common name.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static Identity parse(String commonName) {
    int colon = commonName.indexOf(':');
    String word = colon < 0 ? commonName : commonName.substring(0, colon);
    Role role;
    try {
      role = Role.valueOf(word.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'"
              + commonName
              + "' is no L2S-M identity (agent:NODE, operator, adapter, reader, admin)");
    }
    if (!word.equals(role.word())) {
      throw new IllegalArgumentException("'" + commonName + "': roles are written in lower case");
    }
    return new Identity(role, colon < 0 ? "" : commonName.substring(colon + 1));
  }

  /** The common name that carries this identity. */
  public String commonName() {
    return name.isEmpty() ? role.word() : role.word() + ":" + name;
  }

  @Override
  public String toString() {
    return commonName();
  }
}
