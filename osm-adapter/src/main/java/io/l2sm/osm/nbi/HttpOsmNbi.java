package io.l2sm.osm.nbi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * OSM's NBI over HTTP(S): a token from {@code POST /osm/admin/v1/tokens} (username, password,
 * project), then {@code Authorization: Bearer <id>} on every read. Errors name the request and the
 * NBI's own message; the password is never part of one.
 */
public final class HttpOsmNbi implements OsmNbi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final HttpClient http;
  private final String base;
  private final String user;
  private final String password;
  private final String project;
  private final Duration timeout;
  private String token;

  /**
   * @param url the NBI's base URL, e.g. {@code https://osm:9999}
   */
  public HttpOsmNbi(
      HttpClient http, String url, String user, String password, String project, Duration timeout) {
    this.http = http;
    this.base = url.replaceAll("/+$", "");
    this.user = user;
    this.password = password;
    this.project = project;
    this.timeout = timeout;
  }

  private synchronized String token() throws NbiException {
    if (token != null) {
      return token;
    }
    String body =
        JSON.createObjectNode()
            .put("username", user)
            .put("password", password)
            .put("project_id", project)
            .toString();
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(base + "/osm/admin/v1/tokens"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(timeout)
                .build(),
            "POST /osm/admin/v1/tokens");
    if (r.statusCode() != 200 && r.statusCode() != 201) {
      throw new NbiException(
          "OSM NBI refused the token for user "
              + user
              + " (HTTP "
              + r.statusCode()
              + "): "
              + detail(r.body()));
    }
    try {
      token = JSON.readTree(r.body()).path("id").asText("");
    } catch (IOException e) {
      throw new NbiException("OSM NBI token answer is not JSON: " + e.getMessage(), e);
    }
    if (token.isEmpty()) {
      throw new NbiException("OSM NBI token answer has no id");
    }
    return token;
  }

  private HttpResponse<String> send(HttpRequest request, String what) throws NbiException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new NbiException("OSM NBI at " + base + " unreachable (" + what + "): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NbiException("interrupted: " + what, e);
    }
  }

  private JsonNode get(String path, boolean yaml) throws NbiException {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token())
                .header("Accept", yaml ? "text/plain" : "application/json")
                .timeout(timeout)
                .GET()
                .build(),
            "GET " + path);
    if (r.statusCode() != 200) {
      throw new NbiException(
          "OSM NBI GET " + path + " answered HTTP " + r.statusCode() + ": " + detail(r.body()));
    }
    try {
      return (yaml ? YAML : JSON).readTree(r.body());
    } catch (IOException e) {
      throw new NbiException("OSM NBI GET " + path + ": unreadable answer: " + e.getMessage(), e);
    }
  }

  /** The NBI's error detail (JSON {@code detail}), or the body's start. */
  private static String detail(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n.hasNonNull("detail")) {
        return n.get("detail").asText();
      }
    } catch (IOException e) {
      // not JSON
    }
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }

  private static String id(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public JsonNode nsInstance(String nsId) throws NbiException {
    return get("/osm/nslcm/v1/ns_instances/" + id(nsId), false);
  }

  @Override
  public JsonNode vnfInstance(String vnfId) throws NbiException {
    return get("/osm/nslcm/v1/vnf_instances/" + id(vnfId), false);
  }

  @Override
  public JsonNode vnfd(String vnfPackageId) throws NbiException {
    return get("/osm/vnfpkgm/v1/vnf_packages/" + id(vnfPackageId) + "/vnfd", true);
  }
}
