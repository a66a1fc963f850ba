package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The shape of an L2S-M virtual network, as named in NAD configs and {@code L2Network} specs. */
public enum NetworkKind {
  /** Multipoint segment: any number of members, one broadcast domain. */
  VNET("vnet"),
  /** Point-to-point link: exactly two endpoints, optionally along an explicit path. */
  VLINK("vlink"),
  /** A multipoint segment that spans clusters through the edge devices (upstream's name). */
  EXT_VNET("ext-vnet");

  private final String wireName;

  NetworkKind(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in YAML and JSON ({@code vnet}, {@code vlink}, {@code ext-vnet}). */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Looks a kind up by its wire name, case-insensitively; empty for an unknown name. */
  public static Optional<NetworkKind> fromWireName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String wanted = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(k -> k.wireName.equals(wanted)).findFirst();
  }

  @JsonCreator
  static NetworkKind fromJson(String name) {
    return fromWireName(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown network kind '" + name + "' (expected vnet, vlink or ext-vnet)"));
  }
}
