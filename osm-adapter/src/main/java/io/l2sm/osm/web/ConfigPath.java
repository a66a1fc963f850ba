package io.l2sm.osm.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The part of the network configuration a request names: {@code [subjectClass[, subject[,
 * configKey]]]} after the configuration's path. Segments are URL-decoded one by one, so a port
 * subject may come encoded ({@code ports/of%3A0000000000000011%2F1/interfaces}) or as written
 * ({@code ports/of:0000000000000011/1/interfaces}): a port's subject key holds a slash.
 */
final class ConfigPath {
  private static final Pattern DEVICE = Pattern.compile("of:[0-9a-fA-F]{16}");
  private static final Pattern PORT = Pattern.compile("[0-9]+");

  private ConfigPath() {}

  static List<String> of(HttpServletRequest request, String prefix) {
    String uri = request.getRequestURI();
    String context = request.getContextPath() == null ? "" : request.getContextPath();
    String rest = uri.substring(Math.min(uri.length(), context.length() + prefix.length()));
    List<String> parts = new ArrayList<>();
    for (String raw : rest.split("/")) {
      if (!raw.isEmpty()) {
        parts.add(URLDecoder.decode(raw, StandardCharsets.UTF_8));
      }
    }
    // ports/of:<dpid>/<port>/...: the connect point's two halves are one subject.
    if (parts.size() >= 3
        && parts.get(0).equals("ports")
        && DEVICE.matcher(parts.get(1)).matches()
        && PORT.matcher(parts.get(2)).matches()) {
      parts.set(1, parts.get(1) + "/" + parts.get(2));
      parts.remove(2);
    }
    return parts;
  }
}
