package io.l2sm.controller.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An IPv4 address with a prefix length, e.g. {@code 10.0.0.5/24}. */
public record Ipv4Cidr(int address, int prefix) {
  private static final Pattern FORM =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

  /** Parses {@code a.b.c.d/len}; throws IllegalArgumentException with the reason. */
  public static Ipv4Cidr parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 address/prefix");
    }
    int a = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255) {
        throw new IllegalArgumentException("'" + text + "' has an octet above 255");
      }
      a = (a << 8) | octet;
    }
    int prefix = Integer.parseInt(m.group(5));
    if (prefix > 32) {
      throw new IllegalArgumentException("'" + text + "' has a prefix above 32");
    }
    return new Ipv4Cidr(a, prefix);
  }

  public int mask() {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  /** The first address of the subnet. */
  public int network() {
    return address & mask();
  }

  /** The last address of the subnet. */
  public int last() {
    return network() | ~mask();
  }

  public boolean contains(int a) {
    return (a & mask()) == network();
  }

  /** Whether the other subnet lies inside this one. */
  public boolean covers(Ipv4Cidr other) {
    return other.prefix >= prefix && contains(other.network());
  }

  public static String format(int a) {
    return ((a >>> 24) & 0xff)
        + "."
        + ((a >>> 16) & 0xff)
        + "."
        + ((a >>> 8) & 0xff)
        + "."
        + (a & 0xff);
  }

  @Override
  public String toString() {
    return format(address) + "/" + prefix;
  }
}
