package io.l2sm.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.api.v1.NetworkKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's client of an inter-domain provider (the IDCO's REST API): joins this cluster to an
 * inter-cluster network, which gives the network's VNI, and leaves it again.
 */
public class ProviderClient {
  /** The provider could not be reached, or refused; {@code status} 0 when unreachable. */
  public static final class ProviderException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ProviderException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** What the provider says of a network. */
  public record Membership(int vni, List<String> clusters, List<String> connectedClusters) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final String token;

  /**
   * @param token the bearer token the operator presents to every provider
   */
  public ProviderClient(String token) {
    this(token, null);
  }

  /** As above; HTTPS providers are checked against {@code tls} (null: the JVM's CAs). */
  public ProviderClient(String token, javax.net.ssl.SSLContext tls) {
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
    if (tls != null) {
      b.sslContext(tls);
    }
    this.http = b.build();
  }

  /** Joins {@code cluster} to network {@code name} at the provider at {@code baseUrl}. */
  public Membership join(String baseUrl, String name, String cluster, NetworkKind kind) {
    String body = "{\"kind\":\"" + (kind == NetworkKind.VLINK ? "vlink" : "vnet") + "\"}";
    JsonNode n = call(baseUrl, "PUT", path(name, cluster), body);
    List<String> clusters = new ArrayList<>();
    n.path("clusters").forEach(c -> clusters.add(c.asText()));
    List<String> connected = new ArrayList<>();
    n.path("connectedClusters").forEach(c -> connected.add(c.asText()));
    return new Membership(n.path("vni").asInt(), clusters, connected);
  }

  /** Takes {@code cluster} out of the network; done when it was not in it. */
  public void leave(String baseUrl, String name, String cluster) {
    try {
      call(baseUrl, "DELETE", path(name, cluster), null);
    } catch (ProviderException e) {
      if (e.status() != 404) {
        throw e;
      }
    }
  }

  private static String path(String name, String cluster) {
    return "/api/v1/networks/" + name + "/clusters/" + cluster;
  }

  private JsonNode call(String baseUrl, String method, String path, String body) {
    String url = baseUrl.replaceAll("/+$", "") + path;
    HttpRequest.Builder b;
    try {
      b =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", "Bearer " + token)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
    } catch (IllegalArgumentException e) {
      throw new ProviderException(0, "provider address " + baseUrl + " is not a URL");
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ProviderException(0, "provider at " + baseUrl + " unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(0, "interrupted");
    }
    JsonNode json;
    try {
      json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new ProviderException(
          r.statusCode(), "provider answered " + r.statusCode() + " with no JSON");
    }
    if (r.statusCode() >= 300) {
      throw new ProviderException(
          r.statusCode(),
          "provider refused (" + r.statusCode() + "): " + json.path("message").asText(r.body()));
    }
    return json;
  }
}
