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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What OSM RO's stock {@code onos_vpls} connector does, step by step, in Java, for the tests and
 * the benchmark: the same GETs and whole-document POSTs, the same read-modify-write of the document
 * it got (including its reads of keys that may be absent, and how it removes list items while
 * walking the list), the same rollback, the same status rule (ACTIVE as soon as the service's name
 * is in the document) and the same errors: every non-2xx answer becomes an error of the connector's
 * own with no body (503 for the credentials check, 500 otherwise). Where the connector would fail
 * with a Python exception (a {@code KeyError}), this one throws a {@link ConnectorError} with code
 * 0 and the exception's text. It records every request it makes in {@link #log}.
 *
 * <p>The behaviour replayed is the connector's source (RO-SDN-onos_vpls, sdn_assist_onos_vpls.py),
 * read for this purpose; none of it is copied. docs/osm.md says what follows for the adapter.
 */
public final class OnosVplsClient {
  public static final ObjectMapper JSON = new ObjectMapper();

  private static final String VPLS_APP = "org.onosproject.vpls";

  /**
   * A connection point as RO passes it: {@code service_endpoint_id}, the encapsulation info's
   * {@code switch_dpid}, {@code switch_port} and {@code vlan} (the key is always there; its value
   * null when the endpoint has no VLAN, the usual SDN-assist and WIM case), and whether {@code
   * service_endpoint_encapsulation_type} is {@code dot1q}.
   */
  public record Cp(String endpointId, String dpid, String port, String vlan, boolean dot1q) {
    /** A connection point named {@code name} on the port {@code of:<dpid>/<port>}, no VLAN. */
    public static Cp at(String name, String endpoint) {
      io.l2sm.osm.fabric.Endpoint e = io.l2sm.osm.fabric.Endpoint.parse(endpoint);
      return new Cp(name, e.dpidHex(), Integer.toString(e.port()), null, false);
    }

    String portName() {
      return "of:" + dpid + "/" + port;
    }
  }

  /** An error as the connector raises it: SdnConnectorError with its http_code, or 0. */
  public static final class ConnectorError extends RuntimeException {
    public final int code;

    public ConnectorError(int code, String m) {
      super(m);
      this.code = code;
    }
  }

  /** Every request made: {@code METHOD /path STATUS}. */
  public final List<String> log = new ArrayList<>();

  private final HttpClient http;
  private final String url;
  private final String auth;

  public OnosVplsClient(HttpClient http, String wimUrl, String user, String password) {
    this.http = http;
    String u = wimUrl.startsWith("http") ? wimUrl : "http://" + wimUrl;
    u = u.endsWith("/") ? u : u + "/";
    this.url = u + "onos/v1/network/configuration";
    this.auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
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

  /** check_credentials: a GET; any failure is 503 (a failed response object is falsy). */
  public void checkCredentials() throws Exception {
    HttpResponse<String> r = send("GET", url, null);
    if (r.statusCode() / 100 != 2) {
      throw new ConnectorError(503, "Error checking credentials: " + r.statusCode());
    }
  }

  /** _get_onos_netconfig: the document, or an error that keeps the status code and not the body. */
  public ObjectNode getConfig() throws Exception {
    HttpResponse<String> r = send("GET", url, null);
    if (r.statusCode() != 200) {
      // Raised inside its own try, caught and raised again by its catch-all: code 500.
      throw new ConnectorError(
          500,
          "Exception getting onos network config: Error obtaining network config status code: "
              + r.statusCode());
    }
    return (ObjectNode) JSON.readTree(r.body());
  }

  /** _post_onos_netconfig: the whole document; anything but 200 is an error without the body. */
  public void postConfig(JsonNode config) throws Exception {
    HttpResponse<String> r = send("POST", url, JSON.writeValueAsString(config));
    if (r.statusCode() != 200) {
      throw new ConnectorError(
          500,
          "Exception posting onos network config: Error obtaining network config status code: "
              + r.statusCode());
    }
  }

  /** get_connectivity_service_status: ACTIVE as soon as the name is in the VPLS list. */
  public ObjectNode status(String uuid) {
    ObjectNode out = JSON.createObjectNode();
    try {
      ObjectNode config = getConfig();
      JsonNode app = config.path("apps").get(VPLS_APP);
      if (app != null && !app.isNull()) {
        JsonNode list = app.path("vpls").get("vplsList");
        if (list == null || !list.isArray()) {
          throw new ConnectorError(0, "TypeError: 'NoneType' object is not iterable");
        }
        for (JsonNode v : list) {
          if (v.path("name").asText().equals(uuid)) {
            out.put("sdn_status", "ACTIVE");
            out.set("sdn_info", v);
            return out;
          }
        }
      }
      out.put("sdn_status", "ERROR");
      out.put("sdn_info", "not found");
    } catch (Exception e) {
      out.put("sdn_status", "ERROR");
      out.put("error_msg", String.valueOf(e.getMessage()));
    }
    return out;
  }

  /** create_connectivity_service: returns (uuid, conn_info {"interfaces": [the ones it made]}). */
  public Map.Entry<String, ObjectNode> create(String type, List<Cp> cps) throws Exception {
    if (type.equalsIgnoreCase("etree")) {
      throw new ConnectorError(500, "Only ELINE/ELAN network type is supported by ONOS VPLS.");
    }
    String uuid = UUID.randomUUID().toString();
    ObjectNode original = getConfig();
    ObjectNode config = original.deepCopy();
    try {
      List<String> created = new ArrayList<>();
      for (Cp cp : cps) {
        if (appendPort(cp, config)) {
          created.add(cp.endpointId());
        }
      }
      postConfig(config);
      ObjectNode entry = JSON.createObjectNode().put("name", uuid);
      ArrayNode ifs = entry.putArray("interfaces");
      cps.forEach(cp -> ifs.add(cp.endpointId()));
      entry.put("encapsulation", encapsulation(cps));
      ObjectNode apps = object(config, "apps");
      if (apps.has(VPLS_APP)) {
        ObjectNode app = object(apps, VPLS_APP);
        if (!app.has("vpls")) {
          app.putObject("vpls").putArray("vplsList");
        }
        ArrayNode list = array(object(app, "vpls"), "vplsList");
        for (JsonNode v : list) {
          if (v.path("name").asText().equals(uuid)) {
            throw new ConnectorError(500, "Network " + uuid + " already exists.");
          }
        }
        list.add(entry);
        popLastUpdateTime(config);
      } else {
        // Every other app's configuration is dropped from the document it posts.
        ObjectNode fresh = JSON.createObjectNode();
        fresh.putObject(VPLS_APP).putObject("vpls").putArray("vplsList").add(entry);
        config.set("apps", fresh);
      }
      postConfig(config);
      ObjectNode connInfo = JSON.createObjectNode();
      ArrayNode ci = connInfo.putArray("interfaces");
      created.forEach(ci::add);
      return Map.entry(uuid, connInfo);
    } catch (Exception e) {
      rollback(original);
      throw asConnectorError(e, "Exception create_connectivity_service: ");
    }
  }

  /**
   * edit_connectivity_service: the new complete list of CPs. For each CP the service keeps, it
   * reads the stored interface's {@code vlan} key, which must be there (KeyError otherwise).
   */
  public ObjectNode edit(String uuid, ObjectNode connInfo, List<Cp> cps) throws Exception {
    List<String> createdIfs = new ArrayList<>();
    connInfo.path("interfaces").forEach(n -> createdIfs.add(n.asText()));
    ObjectNode original = getConfig();
    ObjectNode config = original.deepCopy();
    JsonNode current = null;
    for (JsonNode v : config.path("apps").path(VPLS_APP).path("vpls").path("vplsList")) {
      if (v.path("name").asText().equals(uuid)) {
        current = v;
        break;
      }
    }
    if (current == null) {
      throw new ConnectorError(500, "service uuid: " + uuid + " does not exist");
    }
    Set<String> currIfs = new LinkedHashSet<>();
    current.path("interfaces").forEach(n -> currIfs.add(n.asText()));
    List<String> newIfs = cps.stream().map(Cp::endpointId).toList();
    Set<String> delete = new LinkedHashSet<>(currIfs);
    newIfs.forEach(delete::remove);
    Set<String> add = new LinkedHashSet<>(newIfs);
    add.removeAll(currIfs);
    // A kept interface whose port or VLAN changed is deleted and added again. This runs before
    // the connector's try: a KeyError here reaches RO as it is, with no rollback needed.
    for (Cp cp : cps) {
      if (currIfs.contains(cp.endpointId())) {
        String[] now = currentPortData(config, cp.endpointId());
        String currVlan = now[1];
        if (!now[0].equals(cp.portName()) || !java.util.Objects.equals(currVlan, cp.vlan())) {
          delete.add(cp.endpointId());
          add.add(cp.endpointId());
        }
      }
    }
    String newEncapsulation = encapsulation(cps);
    try {
      if (!delete.isEmpty()) {
        for (JsonNode port : portsOf(config)) {
          removeWhileWalking(
              array((ObjectNode) port, "interfaces"),
              f -> {
                String name = f.path("name").asText();
                if (delete.contains(name) && createdIfs.contains(name)) {
                  createdIfs.remove(name);
                  return true;
                }
                return false;
              });
        }
      }
      for (Cp cp : cps) {
        if (add.contains(cp.endpointId()) && appendPort(cp, config)) {
          createdIfs.add(cp.endpointId());
        }
      }
      popLastUpdateTime(config);
      postConfig(config);
      for (JsonNode v : config.path("apps").path(VPLS_APP).path("vpls").path("vplsList")) {
        if (v.path("name").asText().equals(uuid)) {
          ArrayNode ifs = ((ObjectNode) v).putArray("interfaces");
          newIfs.forEach(ifs::add);
          ((ObjectNode) v).put("encapsulation", newEncapsulation);
        }
      }
      popLastUpdateTime(config);
      postConfig(config);
      ObjectNode out = JSON.createObjectNode();
      ArrayNode ci = out.putArray("interfaces");
      createdIfs.forEach(ci::add);
      return out;
    } catch (Exception e) {
      rollback(original);
      throw asConnectorError(e, "Exception create_connectivity_service: ");
    }
  }

  /** delete_connectivity_service: removes the interfaces it made and the VPLS entry. */
  public void delete(String uuid, ObjectNode connInfo) throws Exception {
    List<String> createdIfs = new ArrayList<>();
    connInfo.path("interfaces").forEach(n -> createdIfs.add(n.asText()));
    ObjectNode config = getConfig();
    try {
      ArrayNode list = null;
      JsonNode found = null;
      JsonNode l = config.path("apps").path(VPLS_APP).path("vpls").path("vplsList");
      for (JsonNode v : l) {
        if (v.path("name").asText().equals(uuid)) {
          list = (ArrayNode) l;
          found = v;
          for (JsonNode iface : v.path("interfaces")) {
            for (JsonNode port : portsOf(config)) {
              removeWhileWalking(
                  array((ObjectNode) port, "interfaces"),
                  f ->
                      f.path("name").asText().equals(iface.asText())
                          && createdIfs.contains(f.path("name").asText()));
            }
          }
          break;
        }
      }
      if (found == null) {
        throw new ConnectorError(500, "service uuid: " + uuid + " does not exist");
      }
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).equals(found)) {
          list.remove(i);
          break;
        }
      }
      popLastUpdateTime(config);
      postConfig(config);
    } catch (Exception e) {
      throw asConnectorError(e, "Exception delete connectivity service: ");
    }
  }

  /** _append_port_to_onos_config: true when it added the interface (conn_info lists it). */
  private static boolean appendPort(Cp cp, ObjectNode config) {
    ObjectNode ports = object(config, "ports");
    ObjectNode iface = JSON.createObjectNode().put("name", cp.endpointId());
    if (cp.vlan() != null && !cp.vlan().isEmpty()) {
      iface.put("vlan", cp.vlan());
    }
    JsonNode port = ports.get(cp.portName());
    if (port != null && port.has("interfaces")) {
      for (JsonNode f : port.get("interfaces")) {
        if (f.path("name").asText().equals(cp.endpointId())) {
          return false; // an interface of that name on that port: used as it is
        }
      }
      ((ArrayNode) port.get("interfaces")).add(iface);
      return true;
    }
    ports.putObject(cp.portName()).putArray("interfaces").add(iface);
    return true;
  }

  /** _get_current_port_data: the port and the {@code vlan} of the interface named. */
  private static String[] currentPortData(ObjectNode config, String name) {
    var it = object(config, "ports").fields();
    while (it.hasNext()) {
      var p = it.next();
      for (JsonNode f : p.getValue().path("interfaces")) {
        if (f.path("name").asText().equals(name)) {
          if (!f.has("vlan")) {
            throw new ConnectorError(0, "KeyError: 'vlan'");
          }
          JsonNode vlan = f.get("vlan");
          return new String[] {p.getKey(), vlan.isNull() ? null : vlan.asText()};
        }
      }
    }
    throw new ConnectorError(0, "TypeError: cannot unpack non-iterable NoneType object");
  }

  /**
   * Python's {@code for x in l: if cond(x): l.remove(x)}: the element after a removed one is not
   * looked at.
   */
  private static void removeWhileWalking(
      ArrayNode list, java.util.function.Predicate<JsonNode> remove) {
    int i = 0;
    while (i < list.size()) {
      JsonNode x = list.get(i);
      if (remove.test(x)) {
        for (int j = 0; j < list.size(); j++) {
          if (list.get(j).equals(x)) {
            list.remove(j);
            break;
          }
        }
      }
      i++;
    }
  }

  private static List<JsonNode> portsOf(ObjectNode config) {
    List<JsonNode> out = new ArrayList<>();
    object(config, "ports").elements().forEachRemaining(out::add);
    return out;
  }

  private static String encapsulation(List<Cp> cps) {
    return cps.stream().anyMatch(Cp::dot1q) ? "VLAN" : "NONE";
  }

  /** _pop_last_update_time: needs apps.org.onosproject.vpls.vpls to be there. */
  private static void popLastUpdateTime(ObjectNode config) {
    object(object(object(config, "apps"), VPLS_APP), "vpls").remove("lastUpdateTime");
  }

  private void rollback(ObjectNode original) {
    try {
      postConfig(original);
    } catch (Exception e) {
      // the connector logs a failed rollback and raises the first error
    }
  }

  /**
   * What leaves the connector's try block: its own errors as they are; any other exception (a
   * KeyError) wrapped with its default code, 500.
   */
  private static ConnectorError asConnectorError(Exception e, String prefix) {
    if (e instanceof ConnectorError c && c.code != 0) {
      return c;
    }
    return new ConnectorError(500, prefix + e.getMessage());
  }

  /** {@code d[key]} of a dict: a KeyError when absent. */
  private static ObjectNode object(ObjectNode node, String key) {
    JsonNode v = node.get(key);
    if (!(v instanceof ObjectNode o)) {
      throw new ConnectorError(0, "KeyError: '" + key + "'");
    }
    return o;
  }

  private static ArrayNode array(ObjectNode node, String key) {
    JsonNode v = node.get(key);
    if (!(v instanceof ArrayNode a)) {
      throw new ConnectorError(0, "KeyError: '" + key + "'");
    }
    return a;
  }
}
