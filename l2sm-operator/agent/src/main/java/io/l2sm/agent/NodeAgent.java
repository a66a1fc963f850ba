package io.l2sm.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.DetachRequest;
import io.l2sm.api.grpc.v1.GetNetworkRequest;
import io.l2sm.api.grpc.v1.Network;
import io.l2sm.api.grpc.v1.RegisterSwitchRequest;
import io.l2sm.api.grpc.v1.TunnelPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: owns the node's bridge and its tunnel ports, and plumbs one veth pair per
 * attachment when the CNI shim asks. Every port it makes carries its identity in OVS external_ids,
 * so a restarted agent rebuilds its view from OVS alone and leaks nothing.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String ID = "l2sm-id";
  static final String NETWORK = "l2sm-network";
  static final String PEER = "l2sm-peer";
  static final String NETNS = "l2sm-netns";
  static final String IFNAME = "l2sm-ifname";
  static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0");
  private static final Pattern IFNAME_OK = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern MAC_OK = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");
  private static final Pattern CIDR_OK =
      Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}|[0-9a-fA-F:]+/\\d{1,3}");

  private final AgentConfig config;
  private final Ovs ovs;
  private final ManagedChannel channel;
  private final ControllerGrpc.ControllerBlockingStub controller;
  private final Object plumbing = new Object();

  public NodeAgent(AgentConfig config) {
    this.config = config;
    this.ovs = new Ovs(config.ovsDb());
    this.channel = NettyChannelBuilder.forTarget(config.controllerGrpc()).usePlaintext().build();
    this.controller = ControllerGrpc.newBlockingStub(channel);
  }

  public AgentConfig config() {
    return config;
  }

  /** Bridge, tunnels, registration, then a sweep of ports whose pods are gone. */
  public void start() {
    ensureBridge();
    List<TunnelPort> tunnels = ensureTunnels();
    register(tunnels);
    sweep();
  }

  private void ensureBridge() {
    String br = config.bridge();
    ovs.vsctl(
        "--may-exist",
        "add-br",
        br,
        "--",
        "set",
        "Bridge",
        br,
        "datapath_type=" + config.datapathType(),
        "protocols=OpenFlow13",
        "fail_mode=secure",
        "other-config:datapath-id=" + String.format("%016x", config.dpid()),
        "other-config:disable-in-band=true");
    // Setting the controller of a bridge that has none flushes its flows, so only when needed.
    String current = ovs.vsctl("get-controller", br).strip();
    if (!current.equals(config.openflowTarget())) {
      ovs.vsctl(
          "set-controller",
          br,
          config.openflowTarget(),
          "--",
          "set",
          "Controller",
          br,
          "connection-mode=out-of-band",
          "max_backoff=1000",
          "inactivity_probe=5000");
    }
    LOG.info(
        "bridge {} ready: dpid {}, datapath {}, controller {}",
        br,
        String.format("%016x", config.dpid()),
        config.datapathType(),
        config.openflowTarget());
  }

  /** One VXLAN port per peer ({@code key=flow}: the flows set the VNI); stale ones removed. */
  private List<TunnelPort> ensureTunnels() {
    List<TunnelPort> out = new ArrayList<>();
    for (Ovs.Port p : ovs.ports()) {
      String peer = p.externalIds().get(PEER);
      if (peer != null && !config.peers().containsKey(peer)) {
        ovs.vsctl("--if-exists", "del-port", config.bridge(), p.name());
        LOG.info("removed tunnel {} to former peer {}", p.name(), peer);
      }
    }
    for (Map.Entry<String, String> e : config.peers().entrySet()) {
      String name = "l2v" + hash(e.getKey(), 11);
      ovs.vsctl(
          "--may-exist",
          "add-port",
          config.bridge(),
          name,
          "--",
          "set",
          "Interface",
          name,
          "type=vxlan",
          "options:remote_ip=" + e.getValue(),
          "options:key=flow",
          "external_ids:" + PEER + "=" + e.getKey());
      int port = ovs.ofport(name);
      out.add(TunnelPort.newBuilder().setPeerNode(e.getKey()).setPort(port).build());
    }
    return out;
  }

  private void register(List<TunnelPort> tunnels) {
    RegisterSwitchRequest req =
        RegisterSwitchRequest.newBuilder()
            .setNode(config.node())
            .setDpid(config.dpid())
            .addAllTunnels(tunnels)
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        controller.withWaitForReady().withDeadlineAfter(5, TimeUnit.SECONDS).registerSwitch(req);
        LOG.info("registered switch of node {} with {} tunnel(s)", config.node(), tunnels.size());
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE
                && e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED
            || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "cannot register with the controller at "
                  + config.controllerGrpc()
                  + ": "
                  + e.getStatus(),
              e);
        }
        channel.resetConnectBackoff();
      }
    }
  }

  /** Removes attachment ports whose veth vanished with their pod while the agent was away. */
  private void sweep() {
    synchronized (plumbing) {
      for (Ovs.Port p : ovs.ports()) {
        String id = p.externalIds().get(ID);
        if (id == null) {
          continue;
        }
        boolean gone = p.ofport() < 0 || !linkExists(p.name());
        if (gone) {
          LOG.info("attachment {} lost its pod while the agent was away: removing", id);
          detachQuietly(id);
          ovs.vsctl("--if-exists", "del-port", config.bridge(), p.name());
        }
      }
    }
  }

  // ---- CNI ----

  /** Handles one CNI invocation; returns the plugin's stdout, or throws a CNI error. */
  public String handle(Map<String, String> env, String stdin) {
    String command = env.getOrDefault("CNI_COMMAND", "");
    if (command.equals("VERSION")) {
      return versionResult();
    }
    JsonNode conf = parseConfig(stdin);
    String version = conf.path("cniVersion").asText("");
    if (!SUPPORTED.contains(version)) {
      throw new CniException(
          CniException.INCOMPATIBLE_VERSION,
          "CNI version '" + version + "' is not supported",
          "supported: " + SUPPORTED);
    }
    String containerId = need(env, "CNI_CONTAINERID");
    String ifName = need(env, "CNI_IFNAME");
    if (!IFNAME_OK.matcher(ifName).matches() || ifName.equals(".") || ifName.equals("..")) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT,
          "CNI_IFNAME '" + ifName + "' is not a valid interface name",
          "1-15 characters of letters, digits, '_', '.', '-'");
    }
    String id = containerId + "/" + ifName;
    return switch (command) {
      case "ADD" -> add(id, env, conf, ifName);
      case "DEL" -> del(id);
      case "CHECK" -> check(id, env, conf, ifName);
      default ->
          throw new CniException(
              CniException.INVALID_ENVIRONMENT,
              "CNI_COMMAND '" + command + "' is not one of ADD, DEL, CHECK, VERSION");
    };
  }

  static String versionResult() {
    ObjectNode o = JSON.createObjectNode().put("cniVersion", "1.0.0");
    ArrayNode a = o.putArray("supportedVersions");
    SUPPORTED.forEach(a::add);
    return o.toString();
  }

  private static JsonNode parseConfig(String stdin) {
    JsonNode conf;
    try {
      conf = JSON.readTree(stdin == null ? "" : stdin);
    } catch (java.io.IOException e) {
      throw new CniException(
          CniException.DECODE_FAILURE, "the network configuration is not JSON", e.getMessage());
    }
    if (conf == null || !conf.isObject()) {
      throw new CniException(
          CniException.DECODE_FAILURE, "the network configuration must be a JSON object");
    }
    for (String field : List.of("cniVersion", "name", "type")) {
      if (!conf.path(field).isTextual() || conf.path(field).asText().isEmpty()) {
        throw new CniException(
            CniException.INVALID_CONFIG, "the network configuration has no '" + field + "'");
      }
    }
    if (!conf.get("type").asText().equals("l2sm")) {
      throw new CniException(
          CniException.INVALID_CONFIG,
          "the network configuration's type is '" + conf.get("type").asText() + "', not 'l2sm'");
    }
    return conf;
  }

  private static String need(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isEmpty()) {
      throw new CniException(CniException.INVALID_ENVIRONMENT, name + " is not set");
    }
    return v;
  }

  private String add(String id, Map<String, String> env, JsonNode conf, String ifName) {
    String netns = need(env, "CNI_NETNS");
    if (!Files.exists(Path.of(netns))) {
      throw new CniException(
          CniException.UNKNOWN_CONTAINER, "network namespace " + netns + " does not exist");
    }
    String network = conf.get("name").asText();
    int mtu = conf.path("mtu").asInt(config.defaultMtu());
    if (mtu < 576 || mtu > 9000) {
      throw new CniException(CniException.INVALID_CONFIG, "mtu " + mtu + " is not in 576-9000");
    }
    String mac = requestedMac(conf, env);
    if (mac == null) {
      mac = generatedMac(id);
    }
    List<String> ips = requestedIps(conf, env);
    String host = "l2s" + hash(id, 12);
    synchronized (plumbing) {
      Ovs.Port existing = portOf(id);
      if (existing != null) {
        throw new CniException(
            CniException.INVALID_ENVIRONMENT,
            "container " + env.get("CNI_CONTAINERID") + " already has interface " + ifName,
            "port " + existing.name() + "; DEL it first");
      }
      int port;
      try {
        Exec.run(
            "ip",
            "link",
            "add",
            host,
            "mtu",
            String.valueOf(mtu),
            "type",
            "veth",
            "peer",
            "name",
            ifName,
            "mtu",
            String.valueOf(mtu),
            "netns",
            netns);
        StringBuilder sh = new StringBuilder("set -e\n");
        sh.append("ip link set dev ").append(ifName).append(" address ").append(mac).append('\n');
        for (String ip : ips) {
          sh.append("ip addr add ").append(ip).append(" dev ").append(ifName).append('\n');
        }
        sh.append("ip link set dev ").append(ifName).append(" up\n");
        if (config.userspace()) {
          // The userspace datapath hands frames over AF_PACKET without fixing partial checksums.
          sh.append("ethtool -K ").append(ifName).append(" tx off >/dev/null\n");
        }
        Exec.run(List.of("nsenter", "--net=" + netns, "sh", "-s"), sh.toString());
        quiet(host);
        Exec.run("ip", "link", "set", "dev", host, "up");
        ovs.vsctl(
            "add-port",
            config.bridge(),
            host,
            "--",
            "set",
            "Interface",
            host,
            "external_ids:" + ID + "=\"" + id + "\"",
            "external_ids:" + NETWORK + "=\"" + network + "\"",
            "external_ids:" + NETNS + "=\"" + netns + "\"",
            "external_ids:" + IFNAME + "=" + ifName,
            "external_ids:attached-mac=\"" + mac + "\"");
        port = ovs.ofport(host);
        if (port < 1) {
          throw new CniException(
              CniException.IO_FAILURE, "Open vSwitch gave port " + host + " no OpenFlow number");
        }
      } catch (Exec.Failure e) {
        undo(host);
        throw new CniException(CniException.IO_FAILURE, "cannot plumb " + ifName, e.getMessage());
      } catch (RuntimeException e) {
        undo(host);
        throw e;
      }
      try {
        controller
            .withWaitForReady()
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .attach(
                AttachRequest.newBuilder()
                    .setId(id)
                    .setNetwork(network)
                    .setNode(config.node())
                    .setPort(port)
                    .setMac(mac)
                    .build());
      } catch (StatusRuntimeException e) {
        undo(host);
        Status.Code c = e.getStatus().getCode();
        throw new CniException(
            c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED
                ? CniException.TRY_AGAIN_LATER
                : CniException.CONTROLLER_REFUSED,
            "the controller refused attachment " + id + ": " + e.getStatus().getDescription(),
            c.name());
      }
      LOG.info("attached {} to {} on port {} ({})", id, network, port, mac);
    }
    return result(conf, ifName, mac, netns, ips);
  }

  private static String result(
      JsonNode conf, String ifName, String mac, String netns, List<String> ips) {
    ObjectNode r = JSON.createObjectNode().put("cniVersion", conf.get("cniVersion").asText());
    r.putArray("interfaces").addObject().put("name", ifName).put("mac", mac).put("sandbox", netns);
    ArrayNode a = r.putArray("ips");
    for (String ip : ips) {
      a.addObject().put("address", ip).put("interface", 0);
    }
    return r.toString();
  }

  private String del(String id) {
    synchronized (plumbing) {
      Ovs.Port p = portOf(id);
      detachQuietly(id);
      if (p != null) {
        ovs.vsctl("--if-exists", "del-port", config.bridge(), p.name());
        undo(p.name());
        LOG.info("detached {}", id);
      }
    }
    return "";
  }

  private String check(String id, Map<String, String> env, JsonNode conf, String ifName) {
    String netns = need(env, "CNI_NETNS");
    Ovs.Port p = portOf(id);
    if (p == null || p.ofport() < 1) {
      throw new CniException(CniException.CHECK_FAILED, "no switch port for " + id);
    }
    try {
      Exec.run("nsenter", "--net=" + netns, "ip", "link", "show", "dev", ifName);
    } catch (Exec.Failure e) {
      throw new CniException(
          CniException.CHECK_FAILED, "interface " + ifName + " is missing in " + netns);
    }
    Network n;
    try {
      n =
          controller
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getNetwork(
                  GetNetworkRequest.newBuilder().setName(conf.get("name").asText()).build());
    } catch (StatusRuntimeException e) {
      throw new CniException(
          CniException.CHECK_FAILED, "controller: " + e.getStatus().getDescription());
    }
    boolean known = n.getAttachmentsList().stream().anyMatch(a -> a.getId().equals(id));
    if (!known) {
      throw new CniException(CniException.CHECK_FAILED, "the controller has no attachment " + id);
    }
    return "";
  }

  // ---- helpers ----

  private Ovs.Port portOf(String id) {
    for (Ovs.Port p : ovs.ports()) {
      if (id.equals(p.externalIds().get(ID))) {
        return p;
      }
    }
    return null;
  }

  private void detachQuietly(String id) {
    try {
      controller
          .withWaitForReady()
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .detach(DetachRequest.newBuilder().setId(id).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw new CniException(
            CniException.TRY_AGAIN_LATER,
            "the controller could not detach " + id + ": " + e.getStatus().getDescription());
      }
    }
  }

  private void undo(String host) {
    try {
      ovs.vsctl("--if-exists", "del-port", config.bridge(), host);
    } catch (Exec.Failure e) {
      LOG.warn("cleanup: {}", e.getMessage());
    }
    if (linkExists(host)) {
      try {
        Exec.run("ip", "link", "del", "dev", host);
      } catch (Exec.Failure e) {
        LOG.warn("cleanup: {}", e.getMessage());
      }
    }
  }

  /**
   * The node's end of a pod link must stay silent: without this its kernel sends IPv6 duplicate
   * address probes and MLD reports straight into the pod, which pods would see as noise.
   */
  private static void quiet(String host) {
    Path knob = Path.of("/proc/sys/net/ipv6/conf", host, "disable_ipv6");
    if (Files.exists(knob)) {
      try {
        Files.writeString(knob, "1");
      } catch (java.io.IOException e) {
        throw new Exec.Failure(List.of("write", knob.toString()), 1, e.toString());
      }
    }
  }

  private static boolean linkExists(String name) {
    return Files.exists(Path.of("/sys/class/net", name));
  }

  private static String requestedMac(JsonNode conf, Map<String, String> env) {
    String mac = conf.path("runtimeConfig").path("mac").asText(null);
    if (mac == null) {
      mac = conf.path("args").path("cni").path("mac").asText(null);
    }
    if (mac == null) {
      mac = cniArg(env, "MAC");
    }
    if (mac == null) {
      return null;
    }
    if (!MAC_OK.matcher(mac).matches() || (Integer.parseInt(mac.substring(0, 2), 16) & 1) == 1) {
      throw new CniException(
          CniException.INVALID_CONFIG, "MAC '" + mac + "' is not a unicast aa:bb:cc:dd:ee:ff");
    }
    return mac.toLowerCase(Locale.ROOT);
  }

  private static List<String> requestedIps(JsonNode conf, Map<String, String> env) {
    List<String> ips = new ArrayList<>();
    JsonNode list = conf.path("runtimeConfig").path("ips");
    if (!list.isArray()) {
      list = conf.path("args").path("cni").path("ips");
    }
    if (list.isArray()) {
      list.forEach(n -> ips.add(n.asText()));
    }
    JsonNode addresses = conf.path("ipam").path("addresses");
    if (ips.isEmpty() && "static".equals(conf.path("ipam").path("type").asText())) {
      addresses.forEach(n -> ips.add(n.path("address").asText()));
    }
    String arg = cniArg(env, "IP");
    if (ips.isEmpty() && arg != null) {
      ips.addAll(List.of(arg.split(",")));
    }
    for (String ip : ips) {
      if (!CIDR_OK.matcher(ip).matches()) {
        throw new CniException(
            CniException.INVALID_CONFIG, "IP '" + ip + "' is not an address with a prefix length");
      }
    }
    return ips;
  }

  private static String cniArg(Map<String, String> env, String key) {
    String args = env.getOrDefault("CNI_ARGS", "");
    for (String kv : args.split(";")) {
      int i = kv.indexOf('=');
      if (i > 0 && kv.substring(0, i).equals(key)) {
        return kv.substring(i + 1);
      }
    }
    return null;
  }

  /** A locally administered unicast MAC derived from the attachment id. */
  static String generatedMac(String id) {
    String h = hash(id, 10);
    return "02:"
        + h.substring(0, 2)
        + ":"
        + h.substring(2, 4)
        + ":"
        + h.substring(4, 6)
        + ":"
        + h.substring(6, 8)
        + ":"
        + h.substring(8, 10);
  }

  static String hash(String text, int hexChars) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
