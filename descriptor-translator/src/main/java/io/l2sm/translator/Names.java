package io.l2sm.translator;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Kubernetes and Linux naming rules, applied the same way everywhere in the translation. */
public final class Names {
  /** Longest DNS-1123 label. */
  public static final int DNS_LABEL_MAX = 63;

  /** Longest Linux interface name (IFNAMSIZ - 1). */
  public static final int IFNAME_MAX = 15;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern NOT_DNS = Pattern.compile("[^a-z0-9-]+");
  private static final Pattern DASHES = Pattern.compile("-{2,}");

  private Names() {}

  /** True for a valid DNS-1123 label (what Kubernetes requires of namespaces and most names). */
  public static boolean isDnsLabel(String name) {
    return name != null && name.length() <= DNS_LABEL_MAX && DNS_LABEL.matcher(name).matches();
  }

  /**
   * The DNS-1123 label form of {@code raw}: lower case, every run of other characters ({@code _},
   * {@code .}, spaces...) turned into one {@code -}, no leading or trailing {@code -}. Empty when
   * nothing is left or the result is longer than {@value #DNS_LABEL_MAX} characters: names are
   * never cut silently, since users look networks up by them.
   */
  public static Optional<String> toDnsLabel(String raw) {
    String cleaned = clean(raw);
    return isDnsLabel(cleaned) ? Optional.of(cleaned) : Optional.empty();
  }

  /**
   * A pod interface name for connection point {@code cpd}: {@code net-<cpd>} in DNS form, cut to
   * {@value #IFNAME_MAX} characters, made unique against {@code taken} with a numeric suffix.
   */
  public static String interfaceName(String cpd, Set<String> taken) {
    String lower = cpd.toLowerCase(Locale.ROOT);
    String cleaned =
        trimDashes(DASHES.matcher(NOT_DNS.matcher(lower).replaceAll("-")).replaceAll("-"));
    String base = cleaned.isEmpty() ? "net" : cut("net-" + cleaned, IFNAME_MAX);
    if (!taken.contains(base)) {
      return base;
    }
    for (int n = 2; ; n++) {
      String suffix = "-" + n;
      String candidate = cut(base, IFNAME_MAX - suffix.length()) + suffix;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }

  /** Lower case, runs of non-DNS characters as one dash, no dash at either end. */
  private static String clean(String raw) {
    String lower = raw.toLowerCase(Locale.ROOT);
    return trimDashes(DASHES.matcher(NOT_DNS.matcher(lower).replaceAll("-")).replaceAll("-"));
  }

  private static String cut(String name, int max) {
    return trimDashes(name.length() <= max ? name : name.substring(0, max));
  }

  private static String trimDashes(String name) {
    int start = 0;
    int end = name.length();
    while (start < end && name.charAt(start) == '-') {
      start++;
    }
    while (end > start && name.charAt(end - 1) == '-') {
      end--;
    }
    return name.substring(start, end);
  }
}
