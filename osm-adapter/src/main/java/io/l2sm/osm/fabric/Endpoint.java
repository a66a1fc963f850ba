package io.l2sm.osm.fabric;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A switch port named the ONOS way, {@code of:<16 hex digits of the datapath id>/<port number>}:
 * how OSM's port mappings and the ONOS network configuration name the places a service connects.
 *
 * @param dpid the switch's datapath id
 * @param port the OpenFlow port number
 */
public record Endpoint(long dpid, int port) implements Comparable<Endpoint> {
  private static final Pattern SYNTAX = Pattern.compile("of:([0-9a-fA-F]{1,16})/([0-9]{1,10})");

  /** The largest physical port number in OpenFlow 1.3 (OFPP_MAX). */
  public static final long MAX_PORT = 0xffffff00L;

  /**
   * Parses an endpoint id.
   *
   * @throws IllegalArgumentException with the reason, when the text is not an endpoint id
   */
  public static Endpoint parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an endpoint id of:<16 hex digits>/<port>");
    }
    long port = Long.parseLong(m.group(2));
    if (port < 1 || port > MAX_PORT) {
      throw new IllegalArgumentException(
          "'" + text + "': port " + port + " is outside 1-" + MAX_PORT);
    }
    return new Endpoint(Long.parseUnsignedLong(m.group(1), 16), (int) port);
  }

  /** Builds an endpoint from a datapath id as OSM port mappings give it (hex, colons allowed). */
  public static Endpoint of(String dpid, String port) {
    String hex = dpid == null ? "" : dpid.replace(":", "").toLowerCase(Locale.ROOT);
    if (hex.startsWith("of")) {
      hex = hex.substring(2);
    }
    return parse("of:" + hex + "/" + (port == null ? "" : port.trim()));
  }

  public String dpidHex() {
    return String.format("%016x", dpid);
  }

  @Override
  public String toString() {
    return "of:" + dpidHex() + "/" + Integer.toUnsignedString(port);
  }

  @Override
  public int compareTo(Endpoint o) {
    return toString().compareTo(o.toString());
  }
}
