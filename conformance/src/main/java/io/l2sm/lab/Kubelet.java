package io.l2sm.lab;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.l2sm.api.v1.Annotations;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.api.v1.PodNetworkRequests;
import io.l2sm.files.AtomicFiles;
import io.l2sm.operator.EventRecorder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab's kubelet for all nodes of a cluster. It schedules pods without a node (fewest pods
 * first), gives each pod a network namespace with a flat {@code eth0} (veth to its node's bridge,
 * routed between nodes: the Flannel stand-in), attaches the networks the pod asks for through the
 * real CNI plugin as Multus would, writes {@code k8s.v1.cni.cncf.io/network-status}, runs the first
 * container's command inside the namespace when the program exists here, and reports the pod
 * Running. A pod whose network does not exist yet stays Pending with an Event and is retried. Its
 * view of what it set up is kept in {@code kubelet-state.json}, so a restarted kubelet cleans up
 * after pods deleted meanwhile. Each node sets up to {@link #PODS_IN_PARALLEL} pods up at once,
 * each pod's work in order; the wall time of each set-up stage goes to {@code kubelet-stages.json}.
 */
public final class Kubelet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String NETNS_PREFIX = "l2lp";
  static final long RETRY_MS = 1_000;

  /** How long a CNI call may take before it is stopped (a runtime's request deadline). */
  static final long CNI_TIMEOUT_S = 30;

  /** One interface the kubelet attached through CNI. */
  public record Iface(String name, String network, String config, List<String> ips, String mac) {}

  /**
   * A pod the kubelet set up.
   *
   * @param pid its command's process, 0 when none runs
   * @param ended null while the pod runs; Succeeded or Failed once its command ended for good (its
   *     networks are then detached and its namespace removed, as a kubelet removes the sandbox of a
   *     finished pod)
   */
  public record PodRecord(
      String uid,
      String namespace,
      String name,
      String node,
      String netns,
      String ip,
      List<Iface> ifaces,
      long pid,
      String ended) {
    PodRecord withPid(long newPid) {
      return new PodRecord(uid, namespace, name, node, netns, ip, ifaces, newPid, ended);
    }
  }

  /** Failed attempts to attach each pod (by UID), for the back-off. */
  private final Map<String, Integer> attachFailures = new ConcurrentHashMap<>();

  /** Restarts of each pod's command (by UID), for the back-off. */
  private final Map<String, Integer> restarts = new ConcurrentHashMap<>();

  private final Path dir;
  private final LabInfo lab;
  private final KubernetesClient client;
  private final EventRecorder events;
  private final Map<String, PodRecord> records = new ConcurrentHashMap<>();

  /** Pods queued for a worker, with when they were queued (System.nanoTime). */
  private final Map<String, Long> pending = new ConcurrentHashMap<>();

  /** Where the kubelet's time goes, per stage of setting a pod up (kubelet-stages.json). */
  private final StageTimes stages = new StageTimes();

  private final ScheduledExecutorService stageWriter =
      Executors.newSingleThreadScheduledExecutor(daemon("kubelet-stages"));
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(daemon("kubelet"));

  /**
   * Pods a node sets up at the same time, as a kubelet's pod workers do: with several CNI ADDs in
   * flight, a node's agent puts their switch ports into shared OVSDB transactions.
   */
  public static final int PODS_IN_PARALLEL = 8;

  /** Workers per node: pods of one node and of different nodes are set up in parallel. */
  private final Map<String, ScheduledExecutorService> nodeWorkers = new ConcurrentHashMap<>();

  /** Pods a worker is reconciling now; each pod has one at a time. Guarded by itself. */
  private final Set<String> running = new java.util.HashSet<>();

  /** Pods that changed while a worker was reconciling them: reconciled again after it. */
  private final Set<String> rerun = ConcurrentHashMap.newKeySet();

  /** Serializes choosing a pod address with recording it, so no two pods get the same. */
  private final Object addresses = new Object();

  private SharedIndexInformer<Pod> pods;

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  public Kubelet(Path dir, LabInfo lab, KubernetesClient client) throws IOException {
    this.dir = dir;
    this.lab = lab;
    this.client = client;
    this.events = new EventRecorder(client, "l2sm-lab-kubelet");
    for (LabInfo.Node n : lab.nodes()) {
      nodeWorkers.put(
          n.name(),
          Executors.newScheduledThreadPool(PODS_IN_PARALLEL, daemon("kubelet-" + n.name())));
    }
    Path state = dir.resolve("kubelet-state.json");
    if (Files.exists(state)) {
      records.putAll(
          JSON.readValue(state.toFile(), new TypeReference<Map<String, PodRecord>>() {}));
    }
  }

  public void start() {
    registerNodes();
    pods =
        client
            .pods()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod p) {
                    enqueue(Cache.metaNamespaceKeyFunc(p));
                  }

                  @Override
                  public void onUpdate(Pod a, Pod b) {
                    enqueue(Cache.metaNamespaceKeyFunc(b));
                  }

                  @Override
                  public void onDelete(Pod p, boolean unknown) {
                    enqueue(Cache.metaNamespaceKeyFunc(p));
                  }
                },
                30_000);
    stageWriter.scheduleWithFixedDelay(this::writeStages, 1, 1, TimeUnit.SECONDS);
    // Pods deleted while the kubelet was away; commands started by its previous run.
    for (PodRecord r : List.copyOf(records.values())) {
      enqueue(r.namespace() + "/" + r.name());
      if (r.pid() > 0 && r.ended() == null) {
        watch(r.uid(), r.namespace() + "/" + r.name(), r.pid());
      }
    }
  }

  /** The lab's nodes as Node objects, Ready, with their underlay address as InternalIP. */
  private void registerNodes() {
    for (LabInfo.Node n : lab.nodes()) {
      io.fabric8.kubernetes.api.model.Node node =
          new io.fabric8.kubernetes.api.model.NodeBuilder()
              .withNewMetadata()
              .withName(n.name())
              .addToLabels("kubernetes.io/hostname", n.name())
              .endMetadata()
              .withNewSpec()
              .withPodCIDR(n.podCidr())
              .endSpec()
              .withNewStatus()
              .addNewAddress()
              .withType("InternalIP")
              .withAddress(n.ip())
              .endAddress()
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .endCondition()
              .endStatus()
              .build();
      client.resource(node).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
      client.nodes().resource(node).updateStatus();
    }
  }

  private void enqueue(String key) {
    if (pending.putIfAbsent(key, System.nanoTime()) == null) {
      workerFor(key).execute(() -> run(key));
    }
  }

  /** The worker of the pod's node; the shared one for pods not bound yet. */
  private ScheduledExecutorService workerFor(String key) {
    Pod p = pods == null ? null : pods.getStore().getByKey(key);
    String node = p == null ? null : p.getSpec().getNodeName();
    if (node == null) {
      for (PodRecord r : records.values()) {
        if ((r.namespace() + "/" + r.name()).equals(key)) {
          node = r.node();
        }
      }
    }
    ScheduledExecutorService w = node == null ? null : nodeWorkers.get(node);
    return w == null ? worker : w;
  }

  private void run(String key) {
    Long queued = pending.remove(key);
    if (queued != null) {
      stages.since("queued", queued);
    }
    synchronized (running) {
      if (!running.add(key)) {
        rerun.add(key); // after the run in progress
        return;
      }
    }
    try {
      reconcile(key);
    } catch (RuntimeException e) {
      LOG.warn("pod {}: {} (retrying)", key, e.toString());
      worker.schedule(() -> enqueue(key), RETRY_MS, TimeUnit.MILLISECONDS);
    } finally {
      release(key);
    }
  }

  /** Ends a worker's turn on a pod; reconciles it again if it changed meanwhile. */
  private void release(String key) {
    boolean again;
    synchronized (running) {
      running.remove(key);
      again = rerun.remove(key);
    }
    if (again) {
      enqueue(key);
    }
  }

  /**
   * Runs {@code task} for pod {@code key} on its node's workers after {@code delayMs}, when no
   * other work on that pod is running (otherwise a moment later): a pod's work never overlaps.
   */
  private void alone(String key, Runnable task, long delayMs) {
    workerFor(key)
        .schedule(
            () -> {
              synchronized (running) {
                if (!running.add(key)) {
                  alone(key, task, 20);
                  return;
                }
              }
              try {
                task.run();
              } finally {
                release(key);
              }
            },
            delayMs,
            TimeUnit.MILLISECONDS);
  }

  private void reconcile(String key) {
    Pod pod = pods.getStore().getByKey(key);
    String[] nsName = key.split("/", 2);
    for (PodRecord r : List.copyOf(records.values())) {
      boolean same = r.namespace().equals(nsName[0]) && r.name().equals(nsName[1]);
      if (same && (pod == null || !pod.getMetadata().getUid().equals(r.uid()))) {
        tearDown(r);
      }
    }
    if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String nodeName = pod.getSpec().getNodeName();
    if (nodeName == null || nodeName.isEmpty()) {
      long t = System.nanoTime();
      schedule(pod);
      stages.since("schedule (bind to a node)", t);
      return;
    }
    LabInfo.Node node = lab.node(nodeName);
    PodRecord known = records.get(pod.getMetadata().getUid());
    if (known != null && known.ended() != null && !known.ifaces().isEmpty()) {
      detachEnded(known); // a DEL that failed before
      return;
    }
    if (node == null || known != null) {
      return;
    }
    long t = System.nanoTime();
    setUp(pod, node);
    stages.since("set-up, all stages", t);
  }

  /** Where each pod was bound, including binds the informer has not brought back yet. */
  private final Map<String, String> bound = new ConcurrentHashMap<>();

  private void schedule(Pod pod) {
    Map<String, Integer> load = new TreeMap<>();
    lab.nodes().forEach(n -> load.put(n.name(), 0));
    Set<String> live = ConcurrentHashMap.newKeySet();
    pods.getStore().list().forEach(p -> live.add(p.getMetadata().getUid()));
    bound.keySet().retainAll(live);
    Map<String, String> where = new TreeMap<>(bound);
    for (Pod p : pods.getStore().list()) {
      if (p.getSpec().getNodeName() != null) {
        where.put(p.getMetadata().getUid(), p.getSpec().getNodeName());
      }
    }
    where.values().forEach(n -> load.computeIfPresent(n, (k, v) -> v + 1));
    String chosen =
        load.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
    bound.put(pod.getMetadata().getUid(), chosen);
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .edit(
            p -> {
              p.getSpec().setNodeName(chosen);
              return p;
            });
    LOG.info(
        "scheduled {}/{} on {}",
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        chosen);
  }

  private void setUp(Pod pod, LabInfo.Node node) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String uid = pod.getMetadata().getUid();
    List<PodNetworkRequests.Request> requests;
    try {
      requests = PodNetworkRequests.parse(pod.getMetadata().getAnnotations(), ns);
    } catch (PodNetworkRequests.InvalidAnnotation e) {
      pendingStatus(pod, "InvalidNetworkAnnotation", e.getMessage());
      return;
    }
    List<NetworkAttachmentDefinition> nads = new ArrayList<>();
    long t = System.nanoTime();
    for (PodNetworkRequests.Request r : requests) {
      NetworkAttachmentDefinition nad =
          client
              .resources(NetworkAttachmentDefinition.class)
              .inNamespace(r.namespace())
              .withName(r.name())
              .get();
      if (nad == null) {
        pendingStatus(
            pod, "NetworkNotFound", "network " + r.key() + " does not exist yet; waiting for it");
        worker.schedule(() -> enqueue(ns + "/" + name), RETRY_MS, TimeUnit.MILLISECONDS);
        return;
      }
      nads.add(nad);
    }
    stages.since("read the NADs", t);
    // Named by cluster and UID: the mock API servers of a lab's clusters hand out the same UIDs.
    String netns = NETNS_PREFIX + hash(lab.cluster() + "/" + uid, 10);
    // Written by this worker, read by the state file's writer on others.
    List<Iface> done = new java.util.concurrent.CopyOnWriteArrayList<>();
    String ip;
    synchronized (addresses) {
      ip = freeIp(node);
      records.put(uid, new PodRecord(uid, ns, name, node.name(), netns, ip, done, 0, null));
    }
    save();
    try {
      t = System.nanoTime();
      flatNetwork(netns, node, ip, uid);
      stages.since("netns and eth0", t);
      for (int i = 0; i < requests.size(); i++) {
        PodNetworkRequests.Request r = requests.get(i);
        // As Multus: a config without "name" gets the NAD's.
        ObjectNode config = (ObjectNode) JSON.readTree(nads.get(i).cniConfig());
        ObjectNode runtime = config.putObject("runtimeConfig");
        if (!r.ips().isEmpty()) {
          ArrayNode a = runtime.putArray("ips");
          r.ips().forEach(a::add);
        }
        if (r.mac() != null) {
          runtime.put("mac", r.mac());
        }
        t = System.nanoTime();
        JsonNode result = cni("ADD", node, netns, uid, r.interfaceName(), config.toString(), pod);
        stages.since("CNI ADD (plugin and agent)", t);
        List<String> ips = new ArrayList<>();
        result.path("ips").forEach(x -> ips.add(x.path("address").asText()));
        String mac = result.path("interfaces").path(0).path("mac").asText();
        done.add(new Iface(r.interfaceName(), r.key(), config.toString(), ips, mac));
        save();
      }
    } catch (CniFailure e) {
      LOG.warn("pod {}/{}: {}", ns, name, e.getMessage());
      tearDown(records.get(uid));
      pendingStatus(pod, "NetworkAttachFailed", e.getMessage());
      // Soon at first (a network the operator is about to create): every 0.1 s for 2 s, then
      // doubling to 3 s.
      int n = attachFailures.merge(uid, 1, Integer::sum);
      long delay = n <= 20 ? 100 : Math.min(3 * RETRY_MS, 100L << Math.min(n - 20, 5));
      worker.schedule(() -> enqueue(ns + "/" + name), delay, TimeUnit.MILLISECONDS);
      return;
    } catch (IOException | RuntimeException e) {
      tearDown(records.get(uid));
      throw new IllegalStateException("pod " + ns + "/" + name + ": " + e.getMessage(), e);
    }
    attachFailures.remove(uid);
    t = System.nanoTime();
    long pid = startCommand(pod, netns);
    stages.since("start the command", t);
    records.put(uid, new PodRecord(uid, ns, name, node.name(), netns, ip, done, pid, null));
    save();
    t = System.nanoTime();
    writeNetworkStatus(pod, ip, done);
    running(pod, node, ip);
    stages.since("status writes (network-status, Running)", t);
    LOG.info("pod {}/{} running on {} ({}), {} network(s)", ns, name, node.name(), ip, done.size());
  }

  /**
   * The pod's namespace, with eth0 on the node's bridge and a default route through it: one shell
   * and one {@code ip -batch} per namespace, as few processes as the steps allow (a burst of pods
   * spends the kubelet's CPU mostly on starting them). The node's end gets no IPv6 address: each
   * new address on the node makes its Open vSwitch look at all of the node's interfaces again.
   */
  private void flatNetwork(String netns, LabInfo.Node node, String ip, String uid) {
    String host = "l2le" + hash(uid, 10);
    int prefix = Integer.parseInt(node.podCidr().split("/")[1]);
    Testbed.sh(
        String.join(
            "\n",
            "set -e",
            "ip netns add " + netns,
            "ip -n " + node.netns() + " -batch - <<'EOF'",
            "link add " + host + " type veth peer name eth0 netns " + netns,
            "link set dev " + host + " addrgenmode none",
            "link set " + host + " master cni0 up",
            "EOF",
            "ip -n " + netns + " -batch - <<'EOF'",
            "link set lo up",
            "addr add " + ip + "/" + prefix + " dev eth0",
            "link set eth0 up",
            "route add default via " + node.gateway(),
            "EOF",
            // eth0's traffic to other nodes crosses Open vSwitch's userspace datapath.
            "ip netns exec " + netns + " ethtool -K eth0 tx off >/dev/null"));
  }

  /** The lowest free address of the node's pod subnet (a /16), after its gateway. */
  private String freeIp(LabInfo.Node node) {
    String[] g = node.gateway().split("\\.");
    String base = g[0] + "." + g[1] + ".";
    Set<String> used = ConcurrentHashMap.newKeySet();
    records.values().stream()
        .filter(r -> r.node().equals(node.name()))
        .forEach(r -> used.add(r.ip()));
    for (int k = 2; k < 65535; k++) {
      String ip = base + (k >> 8) + "." + (k & 0xff);
      if ((k & 0xff) != 0 && (k & 0xff) != 255 && !used.contains(ip)) {
        return ip;
      }
    }
    throw new IllegalStateException("node " + node.name() + " has no free pod address left");
  }

  private static final class CniFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CniFailure(String message) {
      super(message);
    }
  }

  private JsonNode cni(
      String command,
      LabInfo.Node node,
      String netns,
      String uid,
      String ifName,
      String config,
      Pod pod) {
    try {
      ProcessBuilder pb = new ProcessBuilder(lab.cniPlugin());
      Map<String, String> env = pb.environment();
      env.put("CNI_COMMAND", command);
      // A sandbox ID as a container runtime makes one: unique across the lab's clusters, whose
      // mock API servers hand out the same UIDs (the agent derives MACs from it).
      env.put("CNI_CONTAINERID", hash(lab.cluster() + "/" + uid, 64));
      env.put("CNI_NETNS", "/var/run/netns/" + netns);
      env.put("CNI_IFNAME", ifName);
      env.put("CNI_PATH", Path.of(lab.cniPlugin()).getParent().toString());
      if (pod != null) {
        env.put(
            "CNI_ARGS",
            "IgnoreUnknown=1;K8S_POD_NAMESPACE="
                + pod.getMetadata().getNamespace()
                + ";K8S_POD_NAME="
                + pod.getMetadata().getName()
                + ";K8S_POD_UID="
                + uid);
      }
      env.put("L2SM_AGENT_SOCKET", node.agentSocket());
      Process p = pb.start();
      p.getOutputStream().write(config.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      // A CNI result is a few hundred bytes: the pipe holds it until the plugin has exited.
      if (!p.waitFor(CNI_TIMEOUT_S, TimeUnit.SECONDS)) {
        // As a runtime's request deadline does: the plugin is stopped and the pod retried.
        p.destroyForcibly();
        throw new CniFailure(
            "CNI " + command + " " + ifName + ": no answer in " + CNI_TIMEOUT_S + " s (stopped)");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      JsonNode reply = out.isBlank() ? JSON.createObjectNode() : JSON.readTree(out);
      if (p.exitValue() != 0) {
        throw new CniFailure(
            "CNI "
                + command
                + " "
                + ifName
                + ": "
                + reply.path("msg").asText(out)
                + (reply.hasNonNull("details") ? " (" + reply.get("details").asText() + ")" : ""));
      }
      return reply;
    } catch (IOException e) {
      throw new CniFailure("cannot run the CNI plugin: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CniFailure("interrupted");
    }
  }

  /** Runs the first container's command in the pod's namespace when the program is here. */
  private long startCommand(Pod pod, String netns) {
    List<Container> containers = pod.getSpec().getContainers();
    if (containers.isEmpty()) {
      return 0;
    }
    List<String> cmd = new ArrayList<>();
    Container c = containers.get(0);
    if (c.getCommand() != null) {
      cmd.addAll(c.getCommand());
    }
    if (c.getArgs() != null) {
      cmd.addAll(c.getArgs());
    }
    if (cmd.isEmpty()) {
      return 0;
    }
    String program = cmd.get(0);
    boolean exists =
        program.contains("/")
            ? Files.isExecutable(Path.of(program))
            : Testbed.run("command -v " + program).exit() == 0;
    if (!exists) {
      events.emit(
          pod,
          false,
          "CommandNotRun",
          "program " + program + " is not on this machine; the pod runs without it");
      return 0;
    }
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    full.addAll(cmd);
    try {
      Path log =
          dir.resolve("pods")
              .resolve(
                  pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName() + ".log");
      Files.createDirectories(log.getParent());
      Process p =
          new ProcessBuilder(full)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(new File("/dev/null"))
              .start();
      String uid = pod.getMetadata().getUid();
      String key = Cache.metaNamespaceKeyFunc(pod);
      p.onExit().thenAccept(x -> alone(key, () -> exited(uid, x.pid(), x.exitValue()), 0));
      return p.pid();
    } catch (IOException e) {
      events.emit(pod, true, "CommandFailed", "cannot start " + program + ": " + e.getMessage());
      return 0;
    }
  }

  /**
   * Stops the pod's command, detaches its networks (CNI DEL), removes its namespace. A DEL that
   * fails (agent or controller down) is retried later, as a kubelet does, before the namespace
   * goes: nothing is left attached.
   */
  private void tearDown(PodRecord r) {
    tearDown(r, false);
  }

  /** As above; {@code keep}: the record stays, with no interface and no command. */
  private void tearDown(PodRecord r, boolean keep) {
    if (r == null) {
      return;
    }
    if (r.pid() > 0) {
      ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
    LabInfo.Node node = lab.node(r.node());
    List<Iface> left = new ArrayList<>();
    for (Iface i : r.ifaces()) {
      try {
        cni("DEL", node, r.netns(), r.uid(), i.name(), i.config(), null);
      } catch (CniFailure e) {
        LOG.warn("pod {}/{}: {} (will retry)", r.namespace(), r.name(), e.getMessage());
        left.add(i);
      }
    }
    if (!left.isEmpty()) {
      records.put(
          r.uid(),
          new PodRecord(
              r.uid(), r.namespace(), r.name(), r.node(), r.netns(), r.ip(), left, 0, r.ended()));
      save();
      worker.schedule(
          () -> enqueue(r.namespace() + "/" + r.name()), RETRY_MS, TimeUnit.MILLISECONDS);
      return;
    }
    Testbed.run("ip netns pids " + r.netns() + " | xargs -r kill -9");
    Testbed.run("ip netns del " + r.netns());
    if (keep) {
      records.put(
          r.uid(),
          new PodRecord(
              r.uid(),
              r.namespace(),
              r.name(),
              r.node(),
              r.netns(),
              r.ip(),
              List.of(),
              0,
              r.ended()));
    } else {
      records.remove(r.uid());
    }
    save();
    LOG.info("pod {}/{} torn down", r.namespace(), r.name());
  }

  /**
   * Follows a command a previous run of the kubelet started (its exit code is lost): when it exits,
   * {@link #exited} decides what follows.
   */
  private void watch(String uid, String key, long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) {
      alone(key, () -> exited(uid, pid, null), 0);
      return;
    }
    h.get().onExit().thenRun(() -> alone(key, () -> exited(uid, pid, null), 0));
  }

  /**
   * A pod's command exited (code null: unknown). As the pod's restartPolicy says: Always (the
   * default), or OnFailure after a failure, runs it again after a back-off (1 s doubling to 30 s),
   * the networks staying attached; otherwise the pod ends Succeeded or Failed, and its networks are
   * detached and its namespace removed.
   */
  private void exited(String uid, long pid, Integer code) {
    PodRecord r = records.get(uid);
    if (r == null || r.pid() != pid || r.ended() != null) {
      return; // torn down, or already handled
    }
    String key = r.namespace() + "/" + r.name();
    Pod pod = pods.getStore().getByKey(key);
    if (pod == null || !uid.equals(pod.getMetadata().getUid())) {
      return; // being deleted: reconcile tears it down
    }
    String policy =
        pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    boolean ok = code != null && code == 0;
    String how = code == null ? "exited" : "exited with code " + code;
    if (policy.equals("Always") || (policy.equals("OnFailure") && !ok)) {
      int n = restarts.merge(uid, 1, Integer::sum);
      long delay = Math.min(30_000L, 1_000L << Math.min(n - 1, 5));
      events.emit(
          pod,
          !ok,
          "BackOff",
          "command " + how + "; restarting it in " + delay / 1000 + " s (restart " + n + ")");
      records.put(uid, r.withPid(0));
      save();
      alone(
          key,
          () -> {
            PodRecord now = records.get(uid);
            Pod p = pods.getStore().getByKey(key);
            if (now == null || now.ended() != null || p == null) {
              return;
            }
            long again = startCommand(p, now.netns());
            records.put(uid, now.withPid(again));
            save();
          },
          delay);
      return;
    }
    String phase = ok ? "Succeeded" : "Failed";
    LOG.info("pod {}: command {}; the pod {}", key, how, phase);
    PodRecord ended =
        new PodRecord(
            r.uid(), r.namespace(), r.name(), r.node(), r.netns(), r.ip(), r.ifaces(), 0, phase);
    records.put(uid, ended);
    save();
    events.emit(pod, !ok, ok ? "Completed" : "Error", "command " + how + "; the pod " + phase);
    updateStatus(
        pod,
        new PodStatusBuilder()
            .withPhase(phase)
            .withReason(ok ? "Completed" : "Error")
            .withMessage("command " + how)
            .withHostIP(lab.node(r.node()).ip())
            .withPodIP(r.ip())
            .build());
    detachEnded(ended);
  }

  /** Detaches a finished pod's networks and removes its namespace; its record stays. */
  private void detachEnded(PodRecord r) {
    tearDown(r, true);
  }

  private void writeNetworkStatus(Pod pod, String ip, List<Iface> ifaces) {
    ArrayNode status = JSON.createArrayNode();
    ObjectNode eth0 = status.addObject().put("name", "lab-flat").put("interface", "eth0");
    eth0.putArray("ips").add(ip);
    eth0.put("default", true);
    for (Iface i : ifaces) {
      ObjectNode o = status.addObject().put("name", i.network()).put("interface", i.name());
      ArrayNode a = o.putArray("ips");
      i.ips().forEach(x -> a.add(x.contains("/") ? x.substring(0, x.indexOf('/')) : x));
      o.put("mac", i.mac());
    }
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .edit(
            p -> {
              if (p.getMetadata().getAnnotations() == null) {
                p.getMetadata().setAnnotations(new TreeMap<>());
              }
              p.getMetadata().getAnnotations().put(Annotations.NETWORK_STATUS, status.toString());
              return p;
            });
  }

  private void running(Pod pod, LabInfo.Node node, String ip) {
    String now = Instant.now().toString();
    PodStatus status =
        new PodStatusBuilder()
            .withPhase("Running")
            .withHostIP(node.ip())
            .withPodIP(ip)
            .withStartTime(now)
            .withConditions(
                new PodConditionBuilder()
                    .withType("Ready")
                    .withStatus("True")
                    .withLastTransitionTime(now)
                    .build())
            .build();
    updateStatus(pod, status);
  }

  private void pendingStatus(Pod pod, String reason, String message) {
    PodStatus old = pod.getStatus();
    if (old != null && reason.equals(old.getReason()) && message.equals(old.getMessage())) {
      return;
    }
    events.emit(pod, true, reason, message);
    updateStatus(
        pod,
        new PodStatusBuilder()
            .withPhase("Pending")
            .withReason(reason)
            .withMessage(message)
            .withConditions(
                new PodConditionBuilder()
                    .withType("Ready")
                    .withStatus("False")
                    .withReason(reason)
                    .withMessage(message)
                    .withLastTransitionTime(Instant.now().toString())
                    .build())
            .build());
  }

  private void updateStatus(Pod pod, PodStatus status) {
    Pod latest =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .get();
    if (latest == null) {
      return;
    }
    latest.setStatus(status);
    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(latest).updateStatus();
  }

  /** Calls of {@link #save} so far. */
  private final java.util.concurrent.atomic.AtomicLong saveRequests =
      new java.util.concurrent.atomic.AtomicLong();

  /** The calls of {@link #save} the file holds the changes of. Guarded by {@code saveLock}. */
  private long saved;

  private final Object saveLock = new Object();

  /**
   * Writes the records to the state file before it returns. Workers that save at the same time
   * share one write (a group commit): a write that began after a caller's request holds its
   * changes, so that caller need not write again.
   */
  private void save() {
    long t = System.nanoTime();
    long mine = saveRequests.incrementAndGet();
    synchronized (saveLock) {
      if (saved < mine) {
        long upTo = saveRequests.get();
        try {
          AtomicFiles.replace(
              dir.resolve("kubelet-state.json"), JSON.writeValueAsBytes(new TreeMap<>(records)));
          saved = upTo;
        } catch (IOException e) {
          LOG.error("cannot save the kubelet's state: {}", e.toString());
        }
      }
    }
    stages.since("save the state file", t);
  }

  /** The file {@link #writeStages} keeps up to date in a lab's folder. */
  public static Path stagesFile(Path dir) {
    return dir.resolve("kubelet-stages.json");
  }

  private void writeStages() {
    try {
      stages.write(stagesFile(dir));
    } catch (IOException e) {
      LOG.warn("cannot write {}: {}", stagesFile(dir), e.toString());
    }
  }

  /** The pods set up now, by namespace/name. */
  public Map<String, PodRecord> pods() {
    Map<String, PodRecord> out = new TreeMap<>();
    records.values().forEach(r -> out.put(r.namespace() + "/" + r.name(), r));
    return out;
  }

  static String hash(String text, int hexChars) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The pods a lab's kubelet has set up, read from its state file (for lab exec). */
  /**
   * Waits until the lab's kubelet has set pod {@code default/name} up with its networks.
   *
   * @throws IllegalStateException when it has not within {@code timeoutMs}
   */
  public static PodRecord awaitAttached(LabInfo lab, String name, long timeoutMs)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    while ((System.nanoTime() - t0) / 1_000_000 < timeoutMs) {
      PodRecord r = readState(Path.of(lab.dir())).get("default/" + name);
      if (r != null && !r.ifaces().isEmpty()) {
        return r;
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException(
        "pod " + name + " of " + lab.cluster() + " was not set up in " + timeoutMs + " ms");
  }

  public static Map<String, PodRecord> readState(Path dir) throws IOException {
    Path state = dir.resolve("kubelet-state.json");
    Map<String, PodRecord> out = new TreeMap<>();
    if (Files.exists(state)) {
      Map<String, PodRecord> byUid = JSON.readValue(state.toFile(), new TypeReference<>() {});
      byUid.values().forEach(r -> out.put(r.namespace() + "/" + r.name(), r));
    }
    return out;
  }

  @Override
  public void close() {
    stageWriter.shutdownNow();
    writeStages();
    worker.shutdownNow();
    nodeWorkers.values().forEach(ScheduledExecutorService::shutdownNow);
    if (pods != null) {
      pods.close();
    }
  }
}
