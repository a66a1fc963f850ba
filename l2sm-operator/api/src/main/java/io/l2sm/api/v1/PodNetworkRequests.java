package io.l2sm.api.v1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The networks a pod asks for, read from its annotations: the NPWG {@code
 * k8s.v1.cni.cncf.io/networks} (a comma list of {@code [namespace/]name[@interface]}, or a JSON
 * list of selection elements) and upstream L2S-M's {@code l2sm/networks} (a comma list of names, or
 * a JSON list of {@code {name, ips}}). Interfaces not named are {@code net1}, {@code net2}, ... by
 * position over both lists.
 */
public final class PodNetworkRequests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");
  private static final Pattern CIDR =
      Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}|[0-9a-fA-F:]+/\\d{1,3}");

  /** An annotation that cannot be understood; the message names the annotation and the fault. */
  public static final class InvalidAnnotation extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidAnnotation(String message) {
      super(message);
    }
  }

  /**
   * One requested attachment.
   *
   * @param namespace the network's namespace (the pod's unless given)
   * @param name the network's name
   * @param interfaceName the interface in the pod
   * @param ips requested addresses ({@code address/prefix}); empty for none or assigned
   * @param mac requested MAC, or null
   * @param annotation the annotation the request came from
   */
  public record Request(
      String namespace,
      String name,
      String interfaceName,
      List<String> ips,
      String mac,
      String annotation) {
    public Request {
      ips = List.copyOf(ips);
    }

    /** {@code namespace/name}. */
    public String key() {
      return namespace + "/" + name;
    }
  }

  private PodNetworkRequests() {}

  /** Whether the pod asks for any network at all. */
  public static boolean present(Map<String, String> annotations) {
    return annotations != null
        && (notBlank(annotations.get(Annotations.NETWORKS))
            || notBlank(annotations.get(Annotations.L2SM_NETWORKS)));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  /** Parses both annotations; throws {@link InvalidAnnotation} naming the first problem. */
  public static List<Request> parse(Map<String, String> annotations, String podNamespace) {
    List<Request> out = new ArrayList<>();
    if (annotations == null) {
      return out;
    }
    for (String key : List.of(Annotations.NETWORKS, Annotations.L2SM_NETWORKS)) {
      String value = annotations.get(key);
      if (notBlank(value)) {
        parseOne(key, value.strip(), podNamespace, out);
      }
    }
    Set<String> names = new HashSet<>();
    for (Request r : out) {
      if (!names.add(r.interfaceName())) {
        throw new InvalidAnnotation("interface " + r.interfaceName() + " is requested twice");
      }
    }
    return out;
  }

  private static void parseOne(String key, String value, String podNs, List<Request> out) {
    if (value.startsWith("[") || value.startsWith("{")) {
      JsonNode list;
      try {
        list = JSON.readTree(value);
      } catch (JsonProcessingException e) {
        String why = e.getOriginalMessage();
        int cut = why.indexOf(" (");
        throw new InvalidAnnotation(
            "annotation " + key + " is not valid JSON: " + (cut > 0 ? why.substring(0, cut) : why));
      }
      if (!list.isArray()) {
        throw new InvalidAnnotation("annotation " + key + " must be a JSON list, not an object");
      }
      int i = 0;
      for (JsonNode e : list) {
        i++;
        String where = "annotation " + key + ", element " + i;
        if (!e.isObject()) {
          throw new InvalidAnnotation(where + " is not an object");
        }
        String name = text(e, "name", where);
        if (name == null) {
          throw new InvalidAnnotation(where + " has no name");
        }
        String ns = text(e, "namespace", where);
        String ifName = text(e, "interface", where);
        List<String> ips = new ArrayList<>();
        JsonNode ipNode = e.get("ips");
        if (ipNode != null && !ipNode.isNull()) {
          if (!ipNode.isArray()) {
            throw new InvalidAnnotation(where + ": ips must be a list of address/prefix");
          }
          ipNode.forEach(ip -> ips.add(ip.asText()));
        }
        add(out, key, where, ns == null ? podNs : ns, name, ifName, ips, text(e, "mac", where));
      }
      return;
    }
    int i = 0;
    for (String item : value.split(",")) {
      i++;
      String s = item.strip();
      String where = "annotation " + key + ", item " + i;
      if (s.isEmpty()) {
        throw new InvalidAnnotation(where + " is empty");
      }
      String ifName = null;
      int at = s.indexOf('@');
      if (at >= 0) {
        ifName = s.substring(at + 1);
        s = s.substring(0, at);
      }
      String ns = podNs;
      int slash = s.indexOf('/');
      if (slash >= 0) {
        ns = s.substring(0, slash);
        s = s.substring(slash + 1);
      }
      add(out, key, where, ns, s, ifName, List.of(), null);
    }
  }

  private static String text(JsonNode e, String field, String where) {
    JsonNode n = e.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new InvalidAnnotation(where + ": " + field + " must be a string");
    }
    return n.asText();
  }

  private static void add(
      List<Request> out,
      String key,
      String where,
      String ns,
      String name,
      String ifName,
      List<String> ips,
      String mac) {
    if (!NAME.matcher(name).matches()) {
      throw new InvalidAnnotation(where + ": '" + name + "' is not a valid network name");
    }
    if (ns == null || !DNS_LABEL.matcher(ns).matches()) {
      throw new InvalidAnnotation(where + ": '" + ns + "' is not a valid namespace");
    }
    String iface = ifName == null || ifName.isEmpty() ? "net" + (out.size() + 1) : ifName;
    if (!IFNAME.matcher(iface).matches() || iface.equals(".") || iface.equals("..")) {
      throw new InvalidAnnotation(where + ": '" + iface + "' is not a valid interface name");
    }
    for (String ip : ips) {
      if (!CIDR.matcher(ip).matches()) {
        throw new InvalidAnnotation(where + ": IP '" + ip + "' is not an address/prefix");
      }
    }
    if (mac != null && !MAC.matcher(mac).matches()) {
      throw new InvalidAnnotation(where + ": MAC '" + mac + "' is not aa:bb:cc:dd:ee:ff");
    }
    out.add(new Request(ns, name, iface, ips, mac, key));
  }
}
