package io.l2sm.osm.vpls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.l2sm.osm.fabric.Endpoint;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONOS network-configuration document, the part the VPLS app reads: {@code ports} (interfaces by
 * switch port) and {@code apps["org.onosproject.vpls"].vpls.vplsList}. Everything else in the
 * document is kept as it came. Parsing validates and says exactly what is wrong and where.
 *
 * <p>The document is ONOS's tree of subject classes ({@code ports}, {@code apps}, {@code devices},
 * ...), subjects ({@code of:<dpid>/<port>}, an app's name) and config keys ({@code interfaces},
 * {@code vpls}). A POST applies each config it carries and leaves every other one as it is, as
 * ONOS's upload does ({@link #merge}); a DELETE removes the part it names ({@link #removed}).
 *
 * <p>An interface may belong to several VPLSs: an edge device's port carries any number of
 * inter-cluster networks, told apart by VNI (WIM services of one NS share their endpoints). Whether
 * a port can be shared is the data plane's to say: a pod or device port joins one network.
 */
public final class Netcfg {
  public static final String VPLS_APP = "org.onosproject.vpls";
  static final ObjectMapper JSON = new ObjectMapper();

  /** A named interface of a switch port; {@code vlan} as given (or null). */
  public record Interface(String name, Endpoint endpoint, String vlan) {}

  /**
   * A VPLS entry.
   *
   * @param name its name (OSM: the service uuid)
   * @param interfaces the names of its interfaces
   * @param encapsulation NONE or VLAN (as given; VLAN tags are not applied, see docs/osm.md)
   * @param vlink true for a point-to-point L2S-M network (the SDN-assist service's ELINE)
   */
  public record Vpls(String name, List<String> interfaces, String encapsulation, boolean vlink) {}

  private final ObjectNode document;
  private final Map<String, Interface> interfaces;
  private final Map<String, Vpls> vpls;

  private Netcfg(ObjectNode document, Map<String, Interface> interfaces, Map<String, Vpls> vpls) {
    this.document = document;
    this.interfaces = interfaces;
    this.vpls = vpls;
  }

  /** An empty configuration: no ports, no apps. */
  public static Netcfg empty() {
    try {
      return parse(JSON.createObjectNode());
    } catch (InvalidConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Validates a posted document. */
  public static Netcfg parse(JsonNode root) throws InvalidConfigException {
    if (root == null || !root.isObject()) {
      throw new InvalidConfigException("the network configuration must be a JSON object");
    }
    ObjectNode doc = ((ObjectNode) root).deepCopy();
    JsonNode ports = doc.path("ports");
    if (!ports.isMissingNode() && !ports.isObject()) {
      throw new InvalidConfigException("ports must be an object keyed by of:<dpid>/<port>");
    }
    JsonNode apps = doc.path("apps");
    if (!apps.isMissingNode() && !apps.isObject()) {
      throw new InvalidConfigException("apps must be an object keyed by application name");
    }
    Map<String, Interface> interfaces = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = ports.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      Endpoint e;
      try {
        e = Endpoint.parse(p.getKey());
      } catch (IllegalArgumentException ex) {
        throw new InvalidConfigException("ports: " + ex.getMessage());
      }
      JsonNode list = p.getValue().path("interfaces");
      if (!p.getValue().isObject() || (!list.isMissingNode() && !list.isArray())) {
        throw new InvalidConfigException(
            "ports[\"" + p.getKey() + "\"] must be an object with an interfaces array");
      }
      int i = 0;
      for (JsonNode f : list) {
        String at = "ports[\"" + p.getKey() + "\"].interfaces[" + i++ + "]";
        JsonNode name = f.path("name");
        if (!f.isObject() || !name.isTextual() || name.asText().isBlank()) {
          throw new InvalidConfigException(at + " needs a name (a non-empty string)");
        }
        JsonNode vlan = f.path("vlan");
        if (!vlan.isMissingNode() && !vlan.isNull() && !vlan.isTextual() && !vlan.isInt()) {
          throw new InvalidConfigException(at + ".vlan must be a number or a string");
        }
        Interface old = interfaces.get(name.asText());
        if (old != null) {
          throw new InvalidConfigException(
              at
                  + ": interface name '"
                  + name.asText()
                  + "' is already used by port "
                  + old.endpoint());
        }
        interfaces.put(
            name.asText(),
            new Interface(
                name.asText(), e, vlan.isMissingNode() || vlan.isNull() ? null : vlan.asText()));
      }
    }
    Map<String, Vpls> vpls = new LinkedHashMap<>();
    JsonNode app = apps.path(VPLS_APP);
    if (!app.isMissingNode()) {
      JsonNode list = app.path("vpls").path("vplsList");
      if (!app.isObject()
          || !app.path("vpls").isObject()
          || (!list.isMissingNode() && !list.isArray())) {
        throw new InvalidConfigException(
            "apps[\"" + VPLS_APP + "\"] must be {\"vpls\": {\"vplsList\": [...]}}");
      }
      int i = 0;
      for (JsonNode v : list) {
        String at = "vplsList[" + i++ + "]";
        JsonNode name = v.path("name");
        if (!v.isObject() || !name.isTextual() || name.asText().isBlank()) {
          throw new InvalidConfigException(at + " needs a name (a non-empty string)");
        }
        if (name.asText().length() > 200) {
          throw new InvalidConfigException(at + ": the name is longer than 200 characters");
        }
        if (vpls.containsKey(name.asText())) {
          throw new InvalidConfigException(at + ": VPLS '" + name.asText() + "' appears twice");
        }
        JsonNode ifs = v.path("interfaces");
        if (!ifs.isMissingNode() && !ifs.isArray()) {
          throw new InvalidConfigException(at + ".interfaces must be an array of names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : ifs) {
          if (!n.isTextual()) {
            throw new InvalidConfigException(at + ".interfaces must hold interface names");
          }
          if (!names.contains(n.asText())) {
            names.add(n.asText());
          }
        }
        String enc = v.path("encapsulation").asText("NONE");
        if (!enc.equalsIgnoreCase("NONE") && !enc.equalsIgnoreCase("VLAN")) {
          throw new InvalidConfigException(
              at + ".encapsulation '" + enc + "' is not NONE or VLAN (MPLS is not supported)");
        }
        boolean vlink = v.path("l2smKind").asText("").equalsIgnoreCase("vlink");
        vpls.put(name.asText(), new Vpls(name.asText(), List.copyOf(names), enc, vlink));
      }
    }
    return new Netcfg(doc, interfaces, vpls);
  }

  /**
   * The document as GET returns it: {@code ports} and {@code apps} always present, every port
   * interface with a {@code vlan} key ({@code null} when it has none: OSM's stock connector reads
   * {@code interface["vlan"]} of each one on an edit), the VPLS app's {@code lastUpdateTime} when
   * the app is configured.
   */
  public ObjectNode view(long lastUpdate) {
    ObjectNode out = document.deepCopy();
    if (!out.has("ports")) {
      out.putObject("ports");
    }
    if (!out.has("apps")) {
      out.putObject("apps");
    }
    for (JsonNode port : out.path("ports")) {
      for (JsonNode f : port.path("interfaces")) {
        if (f.isObject() && !f.has("vlan")) {
          ((ObjectNode) f).putNull("vlan");
        }
      }
    }
    JsonNode vplsNode = out.path("apps").path(VPLS_APP).path("vpls");
    if (vplsNode.isObject()) {
      if (!vplsNode.has("vplsList")) {
        ((ObjectNode) vplsNode).putArray("vplsList");
      }
      ((ObjectNode) vplsNode).put("lastUpdateTime", Long.toString(lastUpdate));
    }
    return out;
  }

  /** The document as stored: without {@code lastUpdateTime}, which GET adds. */
  public ObjectNode document() {
    ObjectNode out = document.deepCopy();
    JsonNode vplsNode = out.path("apps").path(VPLS_APP).path("vpls");
    if (vplsNode.isObject()) {
      ((ObjectNode) vplsNode).remove("lastUpdateTime");
    }
    return out;
  }

  public Map<String, Interface> interfaces() {
    return interfaces;
  }

  public Map<String, Vpls> vpls() {
    return vpls;
  }

  /**
   * A copy with one VPLS (and its interfaces, on their ports) added or replaced: how the SDN-assist
   * service records its services in the same document.
   */
  public Netcfg withService(Vpls v, List<Interface> ifs) throws InvalidConfigException {
    ObjectNode doc = without(v.name()).document();
    ObjectNode ports = doc.with("ports");
    for (Interface f : ifs) {
      ObjectNode port = ports.with(f.endpoint().toString());
      ArrayNode list = port.withArray("interfaces");
      for (int i = list.size() - 1; i >= 0; i--) {
        if (list.get(i).path("name").asText().equals(f.name())) {
          list.remove(i);
        }
      }
      ObjectNode item = list.addObject().put("name", f.name());
      if (f.vlan() != null) {
        item.put("vlan", f.vlan());
      }
    }
    ObjectNode entry =
        doc.with("apps")
            .with(VPLS_APP)
            .with("vpls")
            .withArray("vplsList")
            .addObject()
            .put("name", v.name());
    v.interfaces().forEach(entry.withArray("interfaces")::add);
    entry.put("encapsulation", v.encapsulation());
    if (v.vlink()) {
      entry.put("l2smKind", "vlink");
    }
    return parse(doc);
  }

  /**
   * The part of the GET view at {@code at} (subject class, subject, config key; empty for all), or
   * null when there is none.
   */
  public JsonNode view(long lastUpdate, List<String> at) {
    JsonNode node = view(lastUpdate);
    for (String key : at) {
      node = node.get(key);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /**
   * A copy with {@code posted} applied at {@code at} as ONOS's upload applies it: at the root (or a
   * subject class, or a subject), every config key the body names replaces that config and every
   * other config stays; at a config key, the body is that config.
   *
   * @param at subject class, subject, config key: 0 to 3 of them
   */
  public Netcfg merge(List<String> at, JsonNode posted) throws InvalidConfigException {
    if (at.size() > 3) {
      throw new InvalidConfigException(404, "no such configuration path " + String.join("/", at));
    }
    ObjectNode doc = document();
    if (at.size() == 3) {
      child(child(doc, at.get(0)), at.get(1)).set(at.get(2), posted);
      return parse(doc);
    }
    String where = at.isEmpty() ? "the network configuration" : String.join("/", at);
    if (posted == null || !posted.isObject()) {
      throw new InvalidConfigException(where + " must be a JSON object");
    }
    // The levels the body still spans above the config keys: class, subject.
    int levels = 2 - at.size();
    for (Iterator<Map.Entry<String, JsonNode>> it = posted.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      List<String> path = new ArrayList<>(at);
      path.add(f.getKey());
      apply(doc, path, f.getValue(), levels);
    }
    return parse(doc);
  }

  private static void apply(ObjectNode doc, List<String> path, JsonNode value, int levels)
      throws InvalidConfigException {
    if (levels == 0) {
      ObjectNode subject = child(child(doc, path.get(0)), path.get(1));
      subject.set(path.get(2), value);
      return;
    }
    if (!value.isObject()) {
      throw new InvalidConfigException(
          String.join("/", path)
              + " must be an object of "
              + (path.size() == 1 ? "subjects" : "config keys")
              + ", not "
              + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (value.isEmpty()) {
      // An empty class or subject names no config: ONOS applies nothing for it.
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      List<String> deeper = new ArrayList<>(path);
      deeper.add(f.getKey());
      apply(doc, deeper, f.getValue(), levels - 1);
    }
  }

  /**
   * The object under {@code key}, made when absent; a value there that is not an object (a subject
   * class or subject stored as something else) is replaced, as ONOS keeps configs only under
   * subjects. Found by fuzzing: {@code ObjectNode.with} throws there, which was a 500.
   */
  private static ObjectNode child(ObjectNode parent, String key) {
    JsonNode v = parent.get(key);
    if (v instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(key);
  }

  /**
   * A copy without the part at {@code at}: everything (empty), a subject class, a subject or one
   * config. Nothing to remove is not an error, as in ONOS.
   */
  public Netcfg removed(List<String> at) throws InvalidConfigException {
    if (at.isEmpty()) {
      return empty();
    }
    if (at.size() > 3) {
      throw new InvalidConfigException(404, "no such configuration path " + String.join("/", at));
    }
    ObjectNode doc = document();
    JsonNode parent = doc;
    for (String key : at.subList(0, at.size() - 1)) {
      parent = parent.path(key);
    }
    if (parent instanceof ObjectNode o) {
      o.remove(at.get(at.size() - 1));
    }
    return parse(doc);
  }

  /** A copy without the VPLS {@code name} and the interfaces it used that no other VPLS uses. */
  public Netcfg without(String name) throws InvalidConfigException {
    ObjectNode doc = document();
    Vpls v = vpls.get(name);
    if (v == null) {
      return parse(doc);
    }
    java.util.Set<String> stillUsed = new java.util.HashSet<>();
    vpls.values().stream()
        .filter(o -> !o.name().equals(name))
        .forEach(o -> stillUsed.addAll(o.interfaces()));
    JsonNode list = doc.path("apps").path(VPLS_APP).path("vpls").path("vplsList");
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i).path("name").asText().equals(name)) {
        ((ArrayNode) list).remove(i);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.with("ports").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      JsonNode ifs = p.getValue().path("interfaces");
      for (int i = ifs.size() - 1; i >= 0; i--) {
        String n = ifs.get(i).path("name").asText();
        if (v.interfaces().contains(n) && !stillUsed.contains(n)) {
          ((ArrayNode) ifs).remove(i);
        }
      }
      if (ifs.isArray() && ifs.isEmpty() && p.getValue().size() == 1) {
        it.remove();
      }
    }
    return parse(doc);
  }
}
