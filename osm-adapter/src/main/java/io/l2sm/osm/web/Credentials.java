package io.l2sm.osm.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

/**
 * The one account OSM uses to call the adapter (the SDN controller's or WIM's user and password),
 * checked in constant time. Never logged.
 */
public final class Credentials {
  public static final String USER_ENV = "L2SM_ADAPTER_USER";
  public static final String PASSWORD_ENV = "L2SM_ADAPTER_PASSWORD";

  private final byte[] expected;

  public Credentials(String user, String password) {
    if (user == null || user.isEmpty() || user.contains(":")) {
      throw new IllegalArgumentException("the adapter's user must be non-empty, without ':'");
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("the adapter's password must not be empty");
    }
    this.expected = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * From a secret file (one line {@code user:password}, as a mounted Kubernetes secret) when given,
   * else from {@value #USER_ENV} and {@value #PASSWORD_ENV}.
   *
   * @throws IllegalArgumentException saying what is missing
   */
  public static Credentials load(Path file, Map<String, String> env) {
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the credentials file " + file + ": " + e);
      }
      int colon = text.indexOf(':');
      if (colon <= 0 || text.contains("\n")) {
        throw new IllegalArgumentException(
            "the credentials file " + file + " must hold one line user:password");
      }
      return new Credentials(text.substring(0, colon), text.substring(colon + 1));
    }
    String user = env.get(USER_ENV);
    String password = env.get(PASSWORD_ENV);
    if (user == null || password == null) {
      throw new IllegalArgumentException(
          "no credentials: set "
              + USER_ENV
              + " and "
              + PASSWORD_ENV
              + " (the user and password OSM registers), or give --credentials-file");
    }
    return new Credentials(user, password);
  }

  /** True when an {@code Authorization} header value carries this account (HTTP Basic). */
  public boolean acceptsBasic(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(header.substring(6).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(given, expected);
  }
}
