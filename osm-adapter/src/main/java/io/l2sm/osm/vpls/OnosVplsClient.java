package io.l2sm.osm.vpls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The request sequence of OSM RO's {@code onos_vpls} connector, step by step, in Java: the same
 * GETs and whole-document POSTs, the same document edits, the same status rule (see docs/osm.md).
 * For the tests and the benchmark, which replay what OSM sends; it records every request it makes.
 */
public final class OnosVplsClient {
  public static final ObjectMapper JSON = new ObjectMapper();

  /** A connection point as RO passes it (only the fields the connector reads). */
  public record Cp(String endpointId, String dpid, String port, String vlan, boolean dot1q) {
    /** A connection point named {@code name} on the port {@code of:<dpid>/<port>}. */
    public static Cp at(String name, String endpoint) {
      io.l2sm.osm.fabric.Endpoint e = io.l2sm.osm.fabric.Endpoint.parse(endpoint);
      return new Cp(name, e.dpidHex(), Integer.toString(e.port()), null, false);
    }
  }

  public final List<String> log = new ArrayList<>();
  private final HttpClient http;
  private final String url;
  private final String hostsUrl;
  private final String auth;

  public OnosVplsClient(HttpClient http, String wimUrl, String user, String password) {
    this.http = http;
    String u = wimUrl.startsWith("http") ? wimUrl : "http://" + wimUrl;
    u = u.endsWith("/") ? u : u + "/";
    this.url = u + "onos/v1/network/configuration";
    this.hostsUrl = u + "onos/v1/hosts";
    this.auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public static final class ConnectorError extends RuntimeException {
    public final int code;

    ConnectorError(int code, String m) {
      super(m);
      this.code = code;
    }
  }

  public HttpResponse<String> send(String method, String target, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(target)).header("Authorization", auth);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    log.add(method + " " + URI.create(target).getPath() + " " + r.statusCode());
    return r;
  }

  public ObjectNode getConfig() throws Exception {
    HttpResponse<String> r = send("GET", url, null);
    if (r.statusCode() != 200) {
      throw new ConnectorError(r.statusCode(), "GET netcfg: " + r.body());
    }
    return (ObjectNode) JSON.readTree(r.body());
  }

  public void postConfig(JsonNode config) throws Exception {
    HttpResponse<String> r = send("POST", url, JSON.writeValueAsString(config));
    if (r.statusCode() != 200) {
      throw new ConnectorError(r.statusCode(), "POST netcfg: " + r.body());
    }
  }

  public void checkCredentials() throws Exception {
    getConfig();
  }

  /** create_connectivity_service: returns (uuid, conn_info). */
  public Map.Entry<String, ObjectNode> create(String type, List<Cp> cps) throws Exception {
    if (type.equalsIgnoreCase("etree")) {
      throw new ConnectorError(400, "Only ELINE/ELAN network type is supported");
    }
    String uuid = UUID.randomUUID().toString();
    ObjectNode original = getConfig();
    ObjectNode config = original.deepCopy();
    try {
      List<String> created = new ArrayList<>();
      for (Cp cp : cps) {
        addInterface(config, cp);
        created.add(cp.endpointId());
      }
      postConfig(config);
      ObjectNode vpls = vplsApp(config);
      ObjectNode entry = ((ArrayNode) vpls.withArray("vplsList")).addObject();
      entry.put("name", uuid);
      ArrayNode ifs = entry.putArray("interfaces");
      created.forEach(ifs::add);
      entry.put("encapsulation", cps.stream().anyMatch(Cp::dot1q) ? "VLAN" : "NONE");
      vpls.remove("lastUpdateTime");
      postConfig(config);
      ObjectNode connInfo = JSON.createObjectNode();
      ArrayNode ci = connInfo.putArray("interfaces");
      created.forEach(ci::add);
      return Map.entry(uuid, connInfo);
    } catch (Exception e) {
      postConfig(original); // the connector's rollback
      throw e;
    }
  }

  /** get_connectivity_service_status. */
  public ObjectNode status(String uuid) throws Exception {
    ObjectNode config = getConfig();
    JsonNode list = config.path("apps").path("org.onosproject.vpls").path("vpls").path("vplsList");
    ObjectNode out = JSON.createObjectNode();
    for (JsonNode v : list) {
      if (v.path("name").asText().equals(uuid)) {
        out.put("sdn_status", "ACTIVE");
        out.set("sdn_info", v);
        return out;
      }
    }
    out.put("sdn_status", "ERROR");
    out.put("sdn_info", "not found");
    return out;
  }

  /** edit_connectivity_service: the new complete list of CPs. */
  public ObjectNode edit(String uuid, ObjectNode connInfo, List<Cp> cps) throws Exception {
    ObjectNode config = getConfig();
    ObjectNode vpls = vplsApp(config);
    ObjectNode entry = null;
    for (JsonNode v : vpls.withArray("vplsList")) {
      if (v.path("name").asText().equals(uuid)) {
        entry = (ObjectNode) v;
      }
    }
    if (entry == null) {
      throw new ConnectorError(404, "service " + uuid + " not found");
    }
    List<String> owned = new ArrayList<>();
    connInfo.path("interfaces").forEach(n -> owned.add(n.asText()));
    List<String> wanted = cps.stream().map(Cp::endpointId).toList();
    // Remove the interfaces it created that are no longer wanted, or whose port changed.
    for (String name : owned) {
      Cp now = cps.stream().filter(c -> c.endpointId().equals(name)).findFirst().orElse(null);
      String port = portOf(config, name);
      if (now == null || !("of:" + now.dpid() + "/" + now.port()).equals(port)) {
        removeInterface(config, name);
      }
    }
    List<String> created = new ArrayList<>();
    for (Cp cp : cps) {
      if (portOf(config, cp.endpointId()) == null) {
        addInterface(config, cp);
      }
      created.add(cp.endpointId());
    }
    ArrayNode ifs = entry.putArray("interfaces");
    wanted.forEach(ifs::add);
    postConfig(config);
    vpls.remove("lastUpdateTime");
    postConfig(config);
    ObjectNode out = JSON.createObjectNode();
    ArrayNode ci = out.putArray("interfaces");
    created.forEach(ci::add);
    return out;
  }

  /** delete_connectivity_service. */
  public void delete(String uuid, ObjectNode connInfo) throws Exception {
    ObjectNode config = getConfig();
    connInfo.path("interfaces").forEach(n -> removeInterface(config, n.asText()));
    ObjectNode vpls = vplsApp(config);
    ArrayNode list = vpls.withArray("vplsList");
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i).path("name").asText().equals(uuid)) {
        list.remove(i);
      }
    }
    vpls.remove("lastUpdateTime");
    postConfig(config);
    for (String host : List.<String>of()) { // the connector stores no host ids
      send("DELETE", hostsUrl + "/" + host, null);
    }
  }

  private static ObjectNode vplsApp(ObjectNode config) {
    ObjectNode apps = (ObjectNode) config.get("apps");
    if (!apps.has("org.onosproject.vpls")) {
      // The connector replaces all of apps with the VPLS app when it is absent.
      ObjectNode fresh = JSON.createObjectNode();
      fresh.putObject("org.onosproject.vpls").putObject("vpls").putArray("vplsList");
      config.set("apps", fresh);
      apps = fresh;
    }
    return (ObjectNode) apps.get("org.onosproject.vpls").get("vpls");
  }

  private static void addInterface(ObjectNode config, Cp cp) {
    String port = "of:" + cp.dpid() + "/" + cp.port();
    ObjectNode ports = (ObjectNode) config.get("ports");
    ObjectNode p = ports.has(port) ? (ObjectNode) ports.get(port) : ports.putObject(port);
    ArrayNode ifs =
        p.has("interfaces") ? (ArrayNode) p.get("interfaces") : p.putArray("interfaces");
    for (JsonNode f : ifs) {
      if (f.path("name").asText().equals(cp.endpointId())) {
        return; // reused
      }
    }
    ObjectNode f = ifs.addObject().put("name", cp.endpointId());
    if (cp.vlan() != null && !cp.vlan().isEmpty()) {
      f.put("vlan", cp.vlan());
    }
  }

  private static String portOf(ObjectNode config, String name) {
    var it = config.get("ports").fields();
    while (it.hasNext()) {
      var p = it.next();
      for (JsonNode f : p.getValue().path("interfaces")) {
        if (f.path("name").asText().equals(name)) {
          return p.getKey();
        }
      }
    }
    return null;
  }

  private static void removeInterface(ObjectNode config, String name) {
    config
        .get("ports")
        .fields()
        .forEachRemaining(
            p -> {
              JsonNode ifs = p.getValue().path("interfaces");
              for (int i = ifs.size() - 1; i >= 0; i--) {
                if (ifs.get(i).path("name").asText().equals(name)) {
                  ((ArrayNode) ifs).remove(i);
                }
              }
            });
  }
}
