package io.l2sm.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.l2sm.api.grpc.ControllerClient;
import io.l2sm.api.grpc.ControllerClient.CallException;
import io.l2sm.api.grpc.GrpcControllerClient;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.Network;
import io.l2sm.api.grpc.v1.RegisterSwitchRequest;
import io.l2sm.api.grpc.v1.TunnelPort;
import io.l2sm.api.v1.L2smNetConfig;
import io.l2sm.api.v1.NetworkEdgeDeviceStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
  private final io.l2sm.api.grpc.Credentials credentials;
  private final ControllerClient controller;
  private final Object plumbing = new Object();
  private volatile List<TunnelPort> tunnels = List.of();
  private volatile Map<String, String> peers;

  /** Peers whose tunnel's BFD session failed: left out of the registration until it is up. */
  private volatile Set<String> failedPeers = Set.of();

  /** How often the set of failed peers changed (a link lost or back). */
  private final java.util.concurrent.atomic.AtomicLong livenessChanges =
      new java.util.concurrent.atomic.AtomicLong();

  private final java.util.concurrent.ScheduledExecutorService liveness =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(daemon("tunnel-liveness"));
  private final java.util.concurrent.ExecutorService workers =
      java.util.concurrent.Executors.newCachedThreadPool(daemon("plumbing"));

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** First OpenFlow port number given to attachments; tunnels take lower ones. */
  static final int FIRST_ATTACHMENT_PORT = 1000;

  /** Attachment id to its switch port, as OVS holds them. Guarded by {@code plumbing}. */
  private final Map<String, Ovs.Port> ports = new HashMap<>();

  /** OpenFlow port numbers in use on the bridge. Guarded by {@code plumbing}. */
  private final Set<Integer> usedOfports = new HashSet<>();

  /** Attachments whose ADD is running, with their reserved port. Guarded by {@code plumbing}. */
  private final Map<String, Integer> adding = new HashMap<>();

  /**
   * Attachments whose ADD failed after the controller may have taken them (its answer never came:
   * it was killed or cut off after storing the attachment, or the agent could not take it back):
   * detached by the next recovery round unless an ADD made them real since. Without this, the
   * controller would keep an attachment on a port the agent then gives to another pod, and refuse
   * that pod (ALREADY_EXISTS) for as long as the stale one lived. Guarded by {@code plumbing}.
   */
  private final Set<String> doubtful = new HashSet<>();

  public NodeAgent(AgentConfig config) {
    this.config = config;
    this.ovs = new Ovs(config.ovsDb());
    this.credentials =
        config.controllerCredentials() == null
            ? null
            : io.l2sm.api.grpc.Credentials.forNode(config.controllerCredentials(), config.node());
    this.controller = GrpcControllerClient.open(config.controllerGrpc(), credentials);
  }

  /**
   * What keeps this node from attaching pods now: its switch not connected to the controller, or
   * the controller not answering; null when it can.
   */
  public String notReady() {
    try {
      boolean connected =
          controller.within(QUICK).status().getSwitchesList().stream()
              .anyMatch(s -> s.getNode().equals(config.node()) && s.getConnected());
      return connected
          ? null
          : "the switch of " + config.node() + " is not connected to the controller";
    } catch (CallException e) {
      return "the controller does not answer: " + e.code() + " " + e.description();
    }
  }

  public AgentConfig config() {
    return config;
  }

  /**
   * For an agent that learns its neighbours later (from Overlays or its edge device): start with
   * the tunnels the bridge already has, rather than the (empty) --peer set, so a restarted agent
   * does not cut its tunnels — and the traffic on them — before it has read its neighbours.
   */
  public synchronized void keepTunnelsUntilPeersKnown() {
    if (peers != null) {
      return;
    }
    Map<String, String> existing = new java.util.TreeMap<>(config.peers());
    for (Ovs.Port p : ovs.ports()) {
      String peer = p.externalIds().get(PEER);
      if (peer != null && !existing.containsKey(peer)) {
        String ip = ovs.vsctl("get", "Interface", p.name(), "options:remote_ip").strip();
        existing.put(peer, ip.replace("\"", ""));
      }
    }
    peers = Map.copyOf(existing);
    if (!existing.isEmpty()) {
      LOG.info("keeping the tunnels the bridge has until the neighbours are read: {}", existing);
    }
  }

  /** Bridge, tunnels, registration, then a sweep of ports whose pods are gone. */
  public void start() {
    ensureBridge();
    tunnels = ensureTunnels();
    register(tunnels);
    sweep();
    reattach();
    liveness.scheduleWithFixedDelay(
        () -> {
          try {
            reapOrphans();
            settleDoubtful();
            recoverLostState();
          } catch (RuntimeException e) {
            LOG.warn("checking the controller's state failed: {}", e.toString());
          }
        },
        RECOVERY_MS,
        RECOVERY_MS,
        TimeUnit.MILLISECONDS);
    if (config.bfdMs() > 0) {
      liveness.scheduleWithFixedDelay(
          this::checkLiveness, config.bfdMs(), config.bfdMs(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * The agent's meters besides its CNI requests ({@link AgentSocketServer}): its tunnels, those
   * whose BFD session failed, and how often that set changed.
   */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("l2sm.tunnels", this, a -> a.tunnels.size())
        .description("Tunnels of the node's switch to its peers.")
        .register(registry);
    Gauge.builder("l2sm.tunnels.failed", this, a -> a.failedPeers.size())
        .description("Tunnels whose BFD session is down: left out of the node's registration.")
        .register(registry);
    FunctionCounter.builder(
            "l2sm.tunnel.liveness.changes",
            livenessChanges,
            java.util.concurrent.atomic.AtomicLong::get)
        .description("Changes of the set of failed tunnels (a link lost, or back).")
        .register(registry);
  }

  /**
   * Reads the tunnels' BFD sessions; when the set of failed peers changes, registers the switch
   * again without them, so the controller routes every network around a dead link (and back when it
   * is up again). A session never established counts as usable: nothing is known against it.
   */
  private void checkLiveness() {
    try {
      Set<String> failed = new java.util.TreeSet<>();
      ovs.tunnelBfd(PEER)
          .forEach(
              (peer, b) -> {
                if (!b.usable()) {
                  failed.add(peer);
                }
              });
      if (!failed.equals(failedPeers)) {
        synchronized (this) {
          Set<String> was = failedPeers;
          failedPeers = Set.copyOf(failed);
          livenessChanges.incrementAndGet();
          LOG.info("tunnel liveness: failed peers {} (were {})", failed, was);
          register(tunnels);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("tunnel liveness check failed: {}", e.toString());
    }
  }

  /**
   * Tells the controller again about every port the bridge holds. Attach is idempotent, so a
   * controller that kept its state sees no change, and one that lost it gets it back.
   */
  private void reattach() {
    reattach(id -> true, true);
  }

  /** Whether the pod of an attachment port is gone: its veth went with the pod's namespace. */
  private static boolean podGone(Ovs.Port p) {
    return p.ofport() < 0 || !linkExists(p.name());
  }

  /** Detaches an attachment from the controller and removes its port (under {@code plumbing}). */
  private void remove(String id, Ovs.Port p) {
    detachQuietly(id);
    removePort(p);
  }

  /** Removes an attachment's port from the bridge and frees its number (under {@code plumbing}). */
  private void removePort(Ovs.Port p) {
    ovs.vsctl("--if-exists", "del-port", config.bridge(), p.name());
    usedOfports.remove(p.ofport());
  }

  /**
   * Removes the attachments whose pod is gone without a DEL reaching this agent: a runtime retries
   * a failed DEL, but Multus drops the pod's delegate cache after the first try (unless its
   * retryDeleteOnError is set) and answers the retry, once the pod is gone from the API, without
   * calling its delegates; so a DEL sent while the agent was down (restarting) never comes again.
   */
  void reapOrphans() {
    if (!linkExists(config.bridge())) {
      // This /sys is not the node's network namespace's (the bridge's own device would be in it):
      // every port would look gone, so nothing is judged by it.
      return;
    }
    synchronized (plumbing) {
      for (var it = ports.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (podGone(e.getValue())) {
          LOG.warn("attachment {} lost its pod without a DEL: removing", e.getKey());
          if (!detachNow(e.getKey())) {
            return; // the controller is not answering: the next round tries again
          }
          removePort(e.getValue());
          it.remove();
        }
      }
    }
  }

  /**
   * Whether a failed attach call may still have been applied: its answer was lost (deadline,
   * connection cut, the controller killed while working on it), unlike a refusal.
   */
  private static boolean maybeTaken(Throwable t) {
    return t instanceof CallException e && e.maybeApplied();
  }

  /** Detaches the {@link #doubtful} attachments that no ADD made real since. */
  void settleDoubtful() {
    synchronized (plumbing) {
      for (var it = doubtful.iterator(); it.hasNext(); ) {
        String id = it.next();
        if (ports.containsKey(id)) {
          it.remove();
          continue;
        }
        if (adding.containsKey(id)) {
          continue; // an ADD of it again is running: it decides
        }
        if (!detachNow(id)) {
          return; // the controller is not answering: the next round tries again
        }
        LOG.info("attachment {} of a failed ADD detached", id);
        it.remove();
      }
    }
  }

  /** How long a call may wait for a controller that is not reachable (start-up, CNI requests). */
  static final Duration PATIENT = Duration.ofSeconds(10);

  /** The deadline of calls made while holding {@code plumbing} or on a timer: no waiting. */
  static final Duration QUICK = Duration.ofSeconds(2);

  /** How often the agent checks that the controller still knows its switch and attachments. */
  static final long RECOVERY_MS = 5_000;

  /**
   * A controller that lost its state (a new pod without a persistent volume, the chart's default)
   * no longer lists this node's switch or its attachments: register the switch again and restore
   * the attachments it is missing (those whose network it knows again: the operator declares the
   * networks again on its next resync, and the next round restores the rest).
   */
  void recoverLostState() {
    // Only ports the controller had confirmed before it was asked: one attached since then is
    // missing from its answer without having been lost.
    Set<String> confirmed;
    synchronized (plumbing) {
      confirmed = Set.copyOf(ports.keySet());
    }
    io.l2sm.api.grpc.v1.Status st;
    try {
      st = controller.within(QUICK).status();
    } catch (CallException e) {
      return; // not answering: nothing to compare with yet
    }
    if (st.getSwitchesList().stream().noneMatch(x -> x.getNode().equals(config.node()))) {
      LOG.warn(
          "the controller does not know the switch of node {}: registering again", config.node());
      register(tunnels);
    }
    Set<String> known = new java.util.HashSet<>();
    Set<String> networks = new java.util.HashSet<>();
    for (io.l2sm.api.grpc.v1.Network n : st.getNetworksList()) {
      networks.add(n.getName());
      n.getAttachmentsList().forEach(a -> known.add(a.getId()));
    }
    reattach(
        p ->
            confirmed.contains(p.externalIds().get(ID))
                && !known.contains(p.externalIds().get(ID))
                && networks.contains(p.externalIds().getOrDefault(NETWORK, "")),
        false);
  }

  /**
   * Tells the controller about the ports {@code which} selects. The calls are made outside {@code
   * plumbing}, so CNI requests are not held behind a controller that is slow or gone; a port
   * removed meanwhile (a DEL) is detached again, so the controller never keeps an attachment whose
   * pod is gone. {@code patient}: each call waits up to 10 s for the controller (at start-up);
   * otherwise a round stops at the first controller that does not answer within 2 s.
   */
  private void reattach(java.util.function.Predicate<Ovs.Port> which, boolean patient) {
    List<Ovs.Port> chosen;
    synchronized (plumbing) {
      chosen = ports.values().stream().filter(which).toList();
    }
    for (Ovs.Port p : chosen) {
      Map<String, String> ids = p.externalIds();
      String id = ids.get(ID);
      LOG.info("restoring attachment {} in {}", id, ids.getOrDefault(NETWORK, ""));
      ControllerClient c = patient ? controller.patient(PATIENT) : controller.within(QUICK);
      try {
        c.attach(
            AttachRequest.newBuilder()
                .setId(id)
                .setNetwork(ids.getOrDefault(NETWORK, ""))
                .setNode(config.node())
                .setPort(p.ofport())
                .setMac(ids.getOrDefault("attached-mac", ""))
                .build());
      } catch (CallException e) {
        LOG.warn("attachment {} could not be restored: {}", id, e.getMessage());
        if (!patient && e.unanswered()) {
          return; // the next round tries again
        }
        continue;
      }
      synchronized (plumbing) {
        if (!ports.containsKey(id)) {
          // Its pod went while it was being restored: take back what was just declared.
          try {
            detachQuietly(id);
          } catch (CniException e) {
            LOG.warn("attachment {} of a pod that went could not be detached: {}", id, e);
          }
        }
      }
    }
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
    if (config.switchTls() != null) {
      // OpenFlow over TLS: the switch's own key and certificate, and the CA that signed the
      // controller's. ovs-vswitchd may run outside this container (the host's Open vSwitch): the
      // files are copied next to its database socket, a folder both see at the same path.
      Path d = switchTlsFiles(config.switchTls());
      ovs.vsctl(
          "set-ssl",
          d.resolve("tls.key").toString(),
          d.resolve("tls.crt").toString(),
          d.resolve("ca.crt").toString());
    }
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

  /** Copies the switch's TLS files next to the OVSDB socket (0600); returns that folder. */
  private Path switchTlsFiles(Path from) {
    if (!config.ovsDb().startsWith("unix:")) {
      return from;
    }
    Path to = Path.of(config.ovsDb().substring(5)).getParent().resolve("l2sm-tls");
    try {
      java.nio.file.Files.createDirectories(to);
      // A folder of every node's credentials (NODE.crt, NODE.key) or of this node's alone.
      boolean perNode =
          !java.nio.file.Files.exists(from.resolve("tls.crt"))
              && java.nio.file.Files.exists(from.resolve(config.node() + ".crt"));
      Map<String, String> names =
          perNode
              ? Map.of(
                  "tls.key",
                  config.node() + ".key",
                  "tls.crt",
                  config.node() + ".crt",
                  "ca.crt",
                  "ca.crt")
              : Map.of("tls.key", "tls.key", "tls.crt", "tls.crt", "ca.crt", "ca.crt");
      for (var f : names.entrySet()) {
        Path t = to.resolve(f.getKey());
        java.nio.file.Files.copy(
            from.resolve(f.getValue()), t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.nio.file.Files.setPosixFilePermissions(
            t, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot copy the switch's TLS files to " + to, e);
    }
    return to;
  }

  /** One VXLAN port per peer ({@code key=flow}: the flows set the VNI); stale ones removed. */
  /**
   * Applies new overlay neighbours (node name to underlay IP): tunnels to new peers are added,
   * tunnels to former ones removed, and the switch registered again so the controller routes every
   * network over the new overlay.
   */
  public synchronized void setPeers(Map<String, String> newPeers) {
    peers = Map.copyOf(newPeers);
    tunnels = ensureTunnels();
    register(tunnels);
  }

  private synchronized List<TunnelPort> ensureTunnels() {
    Map<String, String> peers = this.peers == null ? config.peers() : this.peers;
    List<TunnelPort> out = new ArrayList<>();
    for (Ovs.Port p : ovs.ports()) {
      String peer = p.externalIds().get(PEER);
      if (peer != null && !peers.containsKey(peer)) {
        ovs.vsctl("--if-exists", "del-port", config.bridge(), p.name());
        LOG.info("removed tunnel {} to former peer {}", p.name(), peer);
      }
    }
    for (Map.Entry<String, String> e : peers.entrySet()) {
      String name = "l2v" + hash(e.getKey(), 11);
      List<String> args =
          new ArrayList<>(
              List.of(
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
                  "external_ids:" + PEER + "=" + e.getKey()));
      if (config.bfdMs() > 0) {
        // Detection after 3 missed packets.
        args.addAll(
            List.of(
                "bfd:enable=true", "bfd:min_tx=" + config.bfdMs(), "bfd:min_rx=" + config.bfdMs()));
      }
      ovs.vsctl(args);
      int port = ovs.ofport(name);
      out.add(TunnelPort.newBuilder().setPeerNode(e.getKey()).setPort(port).build());
    }
    return out;
  }

  private void register(List<TunnelPort> all) {
    Set<String> failed = failedPeers;
    List<TunnelPort> tunnels = all.stream().filter(t -> !failed.contains(t.getPeerNode())).toList();
    RegisterSwitchRequest req =
        RegisterSwitchRequest.newBuilder()
            .setNode(config.node())
            .setDpid(config.dpid())
            .addAllTunnels(tunnels)
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        controller.patient(Duration.ofSeconds(5)).registerSwitch(req);
        LOG.info("registered switch of node {} with {} tunnel(s)", config.node(), tunnels.size());
        return;
      } catch (CallException e) {
        if (!e.unanswered() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "cannot register with the controller at "
                  + config.controllerGrpc()
                  + ": "
                  + e.getMessage(),
              e);
        }
      }
    }
  }

  /**
   * Rebuilds the port index from OVS and removes attachment ports whose veth vanished with their
   * pod while the agent was away.
   */
  private void sweep() {
    synchronized (plumbing) {
      ports.clear();
      usedOfports.clear();
      for (Ovs.Port p : ovs.ports()) {
        usedOfports.add(p.ofport());
        String id = p.externalIds().get(ID);
        if (id == null) {
          continue;
        }
        if (podGone(p)) {
          LOG.info("attachment {} lost its pod while the agent was away: removing", id);
          remove(id, p);
        } else {
          ports.put(id, p);
        }
      }
      LOG.info("{} attachment port(s) on the bridge", ports.size());
    }
  }

  // ---- CNI ----

  /**
   * One CNI invocation as read from its environment and network configuration, before anything is
   * touched: what ADD asks for in {@code add}, null for the other commands.
   */
  record CniRequest(String command, String id, String ifName, JsonNode conf, AddRequest add) {}

  /** What an ADD asks for. */
  record AddRequest(String netns, String network, int mtu, String mac, List<String> ips) {}

  /**
   * Reads a CNI invocation: pure (no switch, no controller, no files), so that whatever a caller
   * sends is either a request or a {@link CniException} with a CNI error code.
   */
  static CniRequest read(Map<String, String> env, String stdin, int defaultMtu) {
    String command = env.getOrDefault("CNI_COMMAND", "");
    if (command.equals("VERSION")) {
      return new CniRequest(command, "", "", null, null);
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
      case "ADD" -> new CniRequest(command, id, ifName, conf, readAdd(id, env, conf, defaultMtu));
      case "DEL", "CHECK" -> new CniRequest(command, id, ifName, conf, null);
      default ->
          throw new CniException(
              CniException.INVALID_ENVIRONMENT,
              "CNI_COMMAND '" + command + "' is not one of ADD, DEL, CHECK, VERSION");
    };
  }

  private static AddRequest readAdd(
      String id, Map<String, String> env, JsonNode conf, int defaultMtu) {
    String netns = need(env, "CNI_NETNS");
    if (netns.chars().anyMatch(Character::isWhitespace)) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT, "CNI_NETNS '" + netns + "' contains white space");
    }
    if (!netns.startsWith("/") || netns.indexOf('\0') >= 0) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT, "CNI_NETNS '" + netns + "' is not an absolute path");
    }
    // The operator records the controller's name of the network (<namespace>/<name>) in the
    // NAD's config; without it (a network made directly in the controller) the CNI name is used.
    String network = networkOf(conf);
    checkShared(network, conf, env);
    int mtu = conf.path("mtu").asInt(defaultMtu);
    if (mtu < 576 || mtu > 9000) {
      throw new CniException(CniException.INVALID_CONFIG, "mtu " + mtu + " is not in 576-9000");
    }
    String mac = requestedMac(conf, env);
    if (mac == null) {
      mac = generatedMac(id);
    }
    return new AddRequest(netns, network, mtu, mac, requestedIps(conf, env));
  }

  /** Handles one CNI invocation; returns the plugin's stdout, or throws a CNI error. */
  public String handle(Map<String, String> env, String stdin) {
    CniRequest r = read(env, stdin, config.defaultMtu());
    return switch (r.command()) {
      case "VERSION" -> versionResult();
      case "ADD" -> add(r.id(), env, r.conf(), r.ifName(), r.add());
      case "DEL" -> del(r.id());
      default -> check(r.id(), env, r.conf(), r.ifName());
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
    for (String field : List.of("cniVersion", "type")) {
      if (!present(conf, field)) {
        throw new CniException(
            CniException.INVALID_CONFIG, "the network configuration has no '" + field + "'");
      }
    }
    // Multus puts the NAD's name into a config that has none; a config the operator has seen
    // names its network in "l2smNetwork" too, so either identifies the network.
    if (!present(conf, "name") && !present(conf, L2smNetConfig.NETWORK_FIELD)) {
      throw new CniException(
          CniException.INVALID_CONFIG,
          "the network configuration has neither 'name' nor '" + L2smNetConfig.NETWORK_FIELD + "'");
    }
    if (!conf.get("type").asText().equals("l2sm")) {
      throw new CniException(
          CniException.INVALID_CONFIG,
          "the network configuration's type is '" + conf.get("type").asText() + "', not 'l2sm'");
    }
    return conf;
  }

  private static boolean present(JsonNode conf, String field) {
    return conf.path(field).isTextual() && !conf.path(field).asText().isEmpty();
  }

  /** The controller's name of the network: {@code l2smNetwork} when the operator set it. */
  private static String networkOf(JsonNode conf) {
    return present(conf, L2smNetConfig.NETWORK_FIELD)
        ? conf.get(L2smNetConfig.NETWORK_FIELD).asText()
        : conf.get("name").asText();
  }

  private static String need(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isEmpty()) {
      throw new CniException(CniException.INVALID_ENVIRONMENT, name + " is not set");
    }
    return v;
  }

  private String add(
      String id, Map<String, String> env, JsonNode conf, String ifName, AddRequest r) {
    String netns = r.netns();
    if (!Files.exists(Path.of(netns))) {
      throw new CniException(
          CniException.UNKNOWN_CONTAINER, "network namespace " + netns + " does not exist");
    }
    String host = "l2s" + hash(id, 12);
    long t0 = System.nanoTime();
    int port;
    // Only the bookkeeping is under the lock: ADDs of different pods plumb at the same time, and
    // their OVS ports go into shared transactions (Ovs.change).
    synchronized (plumbing) {
      Ovs.Port existing = ports.get(id);
      if (existing != null || adding.containsKey(id)) {
        throw new CniException(
            CniException.INVALID_ENVIRONMENT,
            "container " + env.get("CNI_CONTAINERID") + " already has interface " + ifName,
            existing != null ? "port " + existing.name() + "; DEL it first" : "its ADD is running");
      }
      port = FIRST_ATTACHMENT_PORT;
      while (usedOfports.contains(port)) {
        port++;
      }
      usedOfports.add(port);
      adding.put(id, port);
    }
    boolean done = false;
    try {
      String out = plumb(id, conf, ifName, r, host, port, t0);
      done = true;
      return out;
    } finally {
      synchronized (plumbing) {
        adding.remove(id);
        if (!done) {
          usedOfports.remove(port);
        }
        plumbing.notifyAll();
      }
    }
  }

  /** The ADD's work once its port number is reserved; the port is in {@link #ports} on success. */
  private String plumb(
      String id, JsonNode conf, String ifName, AddRequest r, String host, int port, long t0) {
    String netns = r.netns();
    String network = r.network();
    int mtu = r.mtu();
    String mac = r.mac();
    List<String> ips = r.ips();
    List<String> given;
    long tLinks;
    long tOvs;
    try {
      // Node side in one ip batch. The node's end gets no IPv6 address (addrgenmode none),
      // so its kernel never sends duplicate-address probes or MLD reports into the pod.
      Exec.run(
          List.of("ip", "-batch", "-"),
          String.join(
              "\n",
              "link add "
                  + host
                  + " mtu "
                  + mtu
                  + " type veth peer name "
                  + ifName
                  + " address "
                  + mac
                  + " mtu "
                  + mtu
                  + " netns "
                  + netns,
              "link set dev " + host + " addrgenmode none",
              "link set dev " + host + " up",
              ""));
      tLinks = System.nanoTime();
    } catch (Exec.Failure e) {
      undo(host);
      throw new CniException(CniException.IO_FAILURE, "cannot plumb " + ifName, e.getMessage());
    }
    // With the veth in place and the port number chosen, three things are independent: the
    // pod's side of the link, the OVS port, and the controller's flows (OVS accepts flows for
    // a port that appears a moment later). They run together; ADD returns when all are done.
    final int ofport = port;
    final String finalMac = mac;
    CompletableFuture<Void> ovsSide =
        CompletableFuture.runAsync(
            () ->
                ovs.change(
                    List.of(
                        "add-port",
                        config.bridge(),
                        host,
                        "--",
                        "set",
                        "Interface",
                        host,
                        "ofport_request=" + ofport,
                        "external_ids:" + ID + "=\"" + id + "\"",
                        "external_ids:" + NETWORK + "=\"" + network + "\"",
                        "external_ids:" + NETNS + "=\"" + netns + "\"",
                        "external_ids:" + IFNAME + "=" + ifName,
                        "external_ids:attached-mac=\"" + finalMac + "\"")),
            workers);
    AttachRequest attach =
        AttachRequest.newBuilder()
            .setId(id)
            .setNetwork(network)
            .setNode(config.node())
            .setPort(ofport)
            .setMac(finalMac)
            .addAllIps(ips)
            .build();
    CompletableFuture<io.l2sm.api.grpc.v1.Attachment> flows =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return controller.patient(PATIENT).attach(attach);
              } catch (CallException e) {
                // A controller that lost its state no longer knows this switch: register again.
                if (!e.notFound() || !e.description().contains("no switch is registered")) {
                  throw e;
                }
                register(tunnels);
                return controller.patient(PATIENT).attach(attach);
              }
            },
            workers);
    // Requested addresses are known now; otherwise the controller assigns them (networks with
    // a CIDR), so the pod's side waits for its answer.
    CompletableFuture<List<String>> addresses =
        ips.isEmpty()
            ? flows.thenApply(a -> List.copyOf(a.getIpsList()))
            : CompletableFuture.completedFuture(ips);
    CompletableFuture<Void> podSide =
        addresses.thenAcceptAsync(
            list -> {
              StringBuilder pod = new StringBuilder();
              for (String ip : list) {
                pod.append("addr add ").append(ip).append(" dev ").append(ifName).append('\n');
              }
              pod.append("link set dev ").append(ifName).append(" up\n");
              Exec.run(List.of("nsenter", "--net=" + netns, "ip", "-batch", "-"), pod.toString());
              if (config.userspace()) {
                // The userspace datapath passes frames over AF_PACKET without fixing partial
                // checksums: the pod must compute them itself.
                Exec.run("nsenter", "--net=" + netns, "ethtool", "-K", ifName, "tx", "off");
              }
            },
            workers);
    Throwable podError = failure(podSide);
    Throwable ovsError = failure(ovsSide);
    Throwable flowError = failure(flows);
    tOvs = System.nanoTime();
    if (podError != null || ovsError != null || flowError != null) {
      if ((flowError == null || maybeTaken(flowError)) && !detachNow(id)) {
        synchronized (plumbing) {
          doubtful.add(id);
        }
        LOG.warn("attachment {} may be held by the controller: detaching it later", id);
      }
      undo(host);
      if (flowError instanceof CallException e) {
        throw new CniException(
            e.unanswered() ? CniException.TRY_AGAIN_LATER : CniException.CONTROLLER_REFUSED,
            "the controller refused attachment " + id + ": " + e.description(),
            e.code());
      }
      Throwable first = podError != null ? podError : ovsError != null ? ovsError : flowError;
      throw new CniException(CniException.IO_FAILURE, "cannot plumb " + ifName, first.getMessage());
    }
    given = addresses.join();
    synchronized (plumbing) {
      doubtful.remove(id);
      ports.put(
          id,
          new Ovs.Port(host, port, Map.of(ID, id, NETWORK, network, "attached-mac", mac), null));
    }
    LOG.info(
        "attached {} to {} on port {} ({}) in {} ms: veth {} ms, then pod side, OVS port and"
            + " flows together {} ms",
        id,
        network,
        port,
        mac,
        (tOvs - t0) / 1_000_000,
        (tLinks - t0) / 1_000_000,
        (tOvs - tLinks) / 1_000_000);
    return result(conf, ifName, mac, netns, given);
  }

  /**
   * A pod may join a network of its own namespace, or of another namespace that shares it (the
   * network's {@code l2sm.l2sm.k8s.local/shared-with} annotation, carried by the operator into the
   * config as {@code l2smSharedWith}). Networks without a namespace (made directly in the
   * controller) are open.
   */
  private static void checkShared(String network, JsonNode conf, Map<String, String> env) {
    String podNs = cniArg(env, "K8S_POD_NAMESPACE");
    int slash = network.indexOf('/');
    if (podNs == null || slash < 0 || network.substring(0, slash).equals(podNs)) {
      return;
    }
    for (JsonNode ns : conf.path(L2smNetConfig.SHARED_WITH_FIELD)) {
      if (ns.asText().equals("*") || ns.asText().equals(podNs)) {
        return;
      }
    }
    throw new CniException(
        CniException.NOT_PERMITTED,
        "pods of namespace " + podNs + " may not use network " + network,
        "the network's owner can share it with the annotation l2sm.l2sm.k8s.local/shared-with");
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
      // A DEL of an attachment whose ADD is still running (the runtime gave up waiting) removes
      // what that ADD makes, so it waits for it.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (adding.containsKey(id) && System.nanoTime() < until) {
        try {
          plumbing.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CniException(CniException.TRY_AGAIN_LATER, "interrupted");
        }
      }
      if (adding.containsKey(id)) {
        throw new CniException(
            CniException.TRY_AGAIN_LATER, "the ADD of " + id + " is still running");
      }
      Ovs.Port p = ports.get(id);
      detachQuietly(id);
      doubtful.remove(id);
      if (p != null) {
        ovs.vsctl("--if-exists", "del-port", config.bridge(), p.name());
        undo(p.name());
        ports.remove(id);
        usedOfports.remove(p.ofport());
        LOG.info("detached {}", id);
      }
    }
    return "";
  }

  private String check(String id, Map<String, String> env, JsonNode conf, String ifName) {
    String netns = need(env, "CNI_NETNS");
    Ovs.Port p;
    synchronized (plumbing) {
      p = ports.get(id);
    }
    if (p == null || p.ofport() < 1 || !linkExists(p.name())) {
      throw new CniException(CniException.CHECK_FAILED, "no switch port for " + id);
    }
    try {
      Exec.run("nsenter", "--net=" + netns, "ip", "link", "show", "dev", ifName);
    } catch (Exec.Failure e) {
      throw new CniException(
          CniException.CHECK_FAILED, "interface " + ifName + " is missing in " + netns);
    }
    String network = networkOf(conf);
    Network n;
    try {
      n =
          controller
              .within(Duration.ofSeconds(5))
              .network(network)
              .orElseThrow(
                  () ->
                      new CniException(
                          CniException.CHECK_FAILED, "controller: no network " + network));
    } catch (CallException e) {
      throw new CniException(CniException.CHECK_FAILED, "controller: " + e.description());
    }
    boolean known = n.getAttachmentsList().stream().anyMatch(a -> a.getId().equals(id));
    if (!known) {
      throw new CniException(CniException.CHECK_FAILED, "the controller has no attachment " + id);
    }
    return "";
  }

  // ---- helpers ----

  /**
   * Detaches without waiting for a controller that is not connected (2 s at most, for callers that
   * hold {@code plumbing}); false if it could not be done now.
   */
  private boolean detachNow(String id) {
    try {
      controller.within(QUICK).detach(id);
      return true;
    } catch (CallException e) {
      return e.notFound();
    }
  }

  private void detachQuietly(String id) {
    try {
      controller.patient(PATIENT).detach(id);
    } catch (CallException e) {
      if (!e.notFound()) {
        throw new CniException(
            CniException.TRY_AGAIN_LATER,
            "the controller could not detach " + id + ": " + e.description());
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

  /**
   * What an edge device reports of itself in its NetworkEdgeDevice's status: its datapath, the
   * neighbours whose tunnel is up (BFD), and whether its switch is connected to the IDCO ({@link
   * #notReady}), as availability and a Ready condition. {@code before}, the status last written,
   * keeps the condition's transition time while its state holds.
   */
  public NetworkEdgeDeviceStatus edgeStatus(NetworkEdgeDeviceStatus before, long generation) {
    Set<String> failed = failedPeers;
    List<TunnelPort> all = tunnels;
    List<String> live = new ArrayList<>();
    for (TunnelPort t : all) {
      if (!failed.contains(t.getPeerNode())) {
        live.add(t.getPeerNode());
      }
    }
    java.util.Collections.sort(live);
    String why = notReady();
    String status = why == null ? "True" : "False";
    String since =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    if (before != null) {
      for (Condition c : before.getConditions()) {
        if ("Ready".equals(c.getType()) && status.equals(c.getStatus())) {
          since = c.getLastTransitionTime();
        }
      }
    }
    NetworkEdgeDeviceStatus s = new NetworkEdgeDeviceStatus();
    s.setOpenflowId(String.format("of:%016x", config.dpid()));
    s.setConnectedNeighbors(live);
    s.setAvailability(why == null ? "Available" : "Unavailable");
    s.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus(status)
                .withReason(why == null ? "Connected" : "NotConnected")
                .withMessage(
                    why == null
                        ? "switch connected to the IDCO; "
                            + live.size()
                            + " of "
                            + all.size()
                            + " tunnels up"
                        : why)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build()));
    return s;
  }

  /**
   * An edge device's agent: follows its NetworkEdgeDevice object (see {@link EdgeDeviceWatcher}).
   */
  public AutoCloseable followEdgeDevice(Path kubeconfig, String namespace, String name) {
    return EdgeDeviceWatcher.ofObject(
        kubeconfig, namespace, name, this::setPeers, this::edgeStatus);
  }

  /** An edge device's agent for a site without Kubernetes: follows a file. */
  public AutoCloseable followEdgeDeviceFile(Path file) {
    return EdgeDeviceWatcher.ofFile(file, this::setPeers);
  }

  /** Follows the cluster's Overlays (see {@link OverlayWatcher}); close to stop. */
  public AutoCloseable followOverlays(Path kubeconfig) {
    return new OverlayWatcher(kubeconfig, config.node(), config.peers(), this::setPeers);
  }

  /** The exception a finished step ended with, or null. */
  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.join();
      return null;
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }

  @Override
  public void close() {
    liveness.shutdownNow();
    controller.close();
    workers.shutdownNow();
    if (credentials != null) {
      credentials.close();
    }
  }
}
