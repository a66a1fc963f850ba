package io.l2sm.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kubernetes node of a lab cluster, inside the node's network namespace and a mount
 * namespace of its own: its own containerd (with runc, no systemd: cgroupfs) and a kubelet
 * registered with the cluster's {@link ControlPlane}. Each node has its own state, sockets and runc
 * root in its folder, its own cgroup parent ({@code /l2sm/<namespace>} in every hierarchy), and in
 * its mount namespace the standard paths ({@code /opt/cni/bin}, {@code /etc/cni/net.d}, {@code
 * /var/lib/kubelet}, ...) are folders of its own, so DaemonSets with hostPath volumes work on every
 * node as on a real one. The primary network is the reference bridge plugin with host-local
 * addresses from the node's pod range (routes to the other nodes' ranges are the lab's: {@link
 * #route}). Images come from tar files imported into the node's containerd: there is no registry.
 *
 * <p>The processes name the node's folder on their command lines, so {@code lab down} finds them
 * after a crash; {@link #stop} also kills the containers by cgroup, unmounts the namespace's file
 * (the pods' volume mounts live only in that namespace and go with it) and removes the cgroups.
 */
public final class RealNode implements AutoCloseable {
  /** The CNI reference plugins a node's primary network uses, from {@code scripts/k8s/build.sh}. */
  static final List<String> CNI_PLUGINS = List.of("bridge", "host-local", "loopback", "portmap");

  /** The file in a node's folder that lists the host folders the node made (one a line). */
  static final String MADE_PATHS = "made-on-host";

  /** A folder of the node's own under /run, in its mount namespace. */
  public static final String NODE_RUN = "/run/l2sm-node";

  /** The kubelet's port on the node's address (each node has its own namespace). */
  public static final int KUBELET_PORT = 10250;

  private final ControlPlane cp;
  private final Path bin;
  private final Path dir;
  private final String name;
  private final String netns;
  private final String ip;
  private final String podCidr;
  private final String cgroup;
  private final Path openvswitch;
  private final List<Process> processes = new ArrayList<>();

  private RealNode(
      ControlPlane cp,
      Path bin,
      Path dir,
      String name,
      String netns,
      String ip,
      String podCidr,
      Path openvswitch) {
    this.cp = cp;
    this.openvswitch = openvswitch;
    this.bin = bin;
    this.dir = dir;
    this.name = name;
    this.netns = netns;
    this.ip = ip;
    this.podCidr = podCidr;
    this.cgroup = "/l2sm/" + netns;
  }

  /**
   * Starts containerd in network namespace {@code netns} and a mount namespace of the node's own
   * (where the standard paths are the node's folders: {@link #standardPaths}), imports {@code
   * images} (OCI tar files), writes the primary network's CNI configuration and starts the kubelet;
   * returns when containerd answers and the kubelet has registered the Node (its readiness comes
   * with the CNI config). {@code openvswitch}, when not null, is the folder of the node's own Open
   * vSwitch (its database socket and bridges' sockets), which the node sees at {@code
   * /run/openvswitch} as a host with Open vSwitch installed does.
   */
  public static RealNode start(
      ControlPlane cp,
      Path bin,
      Path dir,
      String name,
      String netns,
      String ip,
      String podCidr,
      Path openvswitch,
      List<Images.Image> images,
      PrintWriter progress)
      throws IOException, InterruptedException {
    RealNode node = new RealNode(cp, bin, dir, name, netns, ip, podCidr, openvswitch);
    try {
      node.prepare();
      node.startContainerd();
      for (Images.Image image : images) {
        node.importImage(image);
      }
      node.startKubelet();
      node.startKubeProxy();
      progress.println("  node " + name + " registered (kubelet and containerd in " + netns + ")");
      progress.flush();
      return node;
    } catch (IOException | InterruptedException | RuntimeException e) {
      node.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public String ip() {
    return ip;
  }

  public String podCidr() {
    return podCidr;
  }

  /** The node's containerd socket (for {@code ctr -a}). */
  public Path containerdSocket() {
    return dir.resolve("containerd.sock");
  }

  /** The folder the kubelet (and Multus, and L2S-M's chart) look for CNI plugins in. */
  public Path cniBinDir() {
    return dir.resolve("cni/bin");
  }

  /** The folder of the node's CNI configuration (the primary network's first). */
  public Path cniConfDir() {
    return dir.resolve("cni/net.d");
  }

  /**
   * The node's own view of the standard paths: inside its mount namespace each of these paths is a
   * folder of the node's (DaemonSets' hostPath volumes, such as Multus's or L2S-M's CNI install
   * step, find their node's files where they expect them).
   */
  Map<String, Path> standardPaths() {
    Map<String, Path> m = new LinkedHashMap<>();
    m.put("/opt/cni/bin", cniBinDir());
    m.put("/etc/cni/net.d", cniConfDir());
    m.put("/var/lib/cni", dir.resolve("cni/lib"));
    m.put("/var/lib/kubelet", dir.resolve("kubelet"));
    m.put("/var/log/pods", dir.resolve("pod-logs"));
    // Sockets of the node's own daemons (Multus's: its daemon removes and makes its folder
    // again, which cannot be a mount point itself).
    m.put(NODE_RUN, dir.resolve("run"));
    m.put("/run/k8s.cni.cncf.io", dir.resolve("run-k8s.cni.cncf.io"));
    // Where L2S-M's CNI plugin looks for its node's agent (agent.sock).
    m.put("/run/l2sm", dir.resolve("run-l2sm"));
    // Pods' network namespaces, where containerd puts them and CNI daemons (Multus, L2S-M's
    // agent) look for them; it hides the host's /run/netns inside the node.
    m.put("/run/netns", dir.resolve("run-netns"));
    if (openvswitch != null) {
      m.put("/run/openvswitch", openvswitch);
    }
    return m;
  }

  /** The node's mount namespace (a file under its folder that holds it). */
  public Path mountNamespace() {
    return dir.resolve("ns/mnt");
  }

  /** A shell command run inside the node: its network and mount namespaces. */
  public String inNode(String command) {
    return "nsenter --net=/run/netns/"
        + netns
        + " --mount="
        + mountNamespace()
        + " sh -c '"
        + command.replace("'", "'\\''")
        + "'";
  }

  /**
   * Makes {@code socket} (an agent's, anywhere) the node's {@code /run/l2sm/agent.sock}, where
   * L2S-M's CNI plugin looks for it, as a symbolic link (it survives the agent making its socket
   * again).
   */
  void linkAgentSocket(Path socket) throws IOException {
    Path link = dir.resolve("run-l2sm/agent.sock");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, socket);
  }

  /**
   * Puts L2S-M on this node as the chart's agent DaemonSet would: {@code tb}'s CNI plugin in the
   * node's {@code /opt/cni/bin}, its agent's socket at {@code /run/l2sm/agent.sock}, and the agent
   * restarted in the node's mount namespace, where the pods' network namespaces are.
   */
  public void joinL2sm(Testbed tb) throws Exception {
    Files.copy(
        tb.cniPlugin(),
        cniBinDir().resolve("l2sm"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    linkAgentSocket(tb.socket(name));
    tb.killAgent(name);
    tb.runAgentIn(name, mountNamespace());
    tb.startAgent(name);
  }

  /**
   * Routes each node's pod range through that node's address on every other node, and the rest (the
   * Services' addresses, which kube-proxy translates only after a route is found) through the
   * control plane's host, as a node's default gateway. The host routes each node's pod range
   * through that node too: the API server calls admission webhooks at their pods' addresses.
   */
  public static void routeBetween(List<RealNode> nodes) {
    for (RealNode a : nodes) {
      Testbed.sh("ip -n " + a.netns + " route replace default via " + a.cp.apiHost());
      Testbed.sh("ip route replace " + a.podCidr() + " via " + a.ip());
      for (RealNode b : nodes) {
        if (a != b) {
          a.route(b.podCidr(), b.ip());
        }
      }
    }
  }

  /** Routes {@code cidr} (another node's pods) through {@code via} (that node's address). */
  void route(String cidr, String via) {
    Testbed.sh("ip -n " + netns + " route replace " + cidr + " via " + via);
  }

  private void prepare() throws IOException {
    for (Path p : standardPaths().values()) {
      Files.createDirectories(p);
    }
    for (String p : CNI_PLUGINS) {
      Path target = cniBinDir().resolve(p);
      Files.deleteIfExists(target);
      Files.copy(bin.resolve(p), target);
    }
    // The node's mount namespace: the host's mounts reach it (slave), its own (pod volumes, the
    // standard paths) stay in it; shared inside, as the kubelet's volume mounts need. Held by a
    // bind mount of the namespace in the node's folder, which must itself be private.
    Path ns = mountNamespace().getParent();
    Files.createDirectories(ns);
    Files.writeString(mountNamespace(), "");
    Testbed.sh("mount --bind " + ns + " " + ns + " && mount --make-private " + ns);
    Testbed.sh("unshare --mount=" + mountNamespace() + " --propagation slave true");
    // The host gets the folders to mount over where it has none; they are noted, and removed
    // again by the lab's clean-up once every node is gone (removeMadePaths).
    List<String> made = new ArrayList<>();
    for (String path : standardPaths().keySet()) {
      Path top = Path.of(path);
      if (Files.exists(top)) {
        continue;
      }
      while (top.getParent() != null && !Files.exists(top.getParent())) {
        top = top.getParent();
      }
      made.add(top.toString());
    }
    Files.write(dir.resolve(MADE_PATHS), made);
    StringBuilder binds = new StringBuilder("mount --make-rshared /");
    for (var e : standardPaths().entrySet()) {
      binds.append(" && mkdir -p ").append(e.getKey());
      binds.append(" && mount --bind ").append(e.getValue()).append(' ').append(e.getKey());
    }
    Testbed.sh("nsenter --mount=" + mountNamespace() + " sh -c '" + binds + "'");
    // A node forwards its pods' packets to the other nodes.
    Testbed.sh("ip netns exec " + netns + " sysctl -qw net.ipv4.ip_forward=1");
    // The control plane's host has no routes to the pods: what pods send it (the API server, the
    // cluster's DNS) leaves with the node's address.
    Testbed.sh(
        "ip netns exec "
            + netns
            + " nft -f - <<'EOF'\ntable ip l2sm-lab {\n"
            + "  chain post { type nat hook postrouting priority 100;"
            + " ip saddr "
            + podCidr
            + " ip daddr "
            + cp.apiHost()
            + " masquerade; }\n}\nEOF");
    // The kubelet checks that its cgroup parent exists in every hierarchy.
    Testbed.sh(
        "for h in /sys/fs/cgroup/*/; do [ -e \"${h}cgroup.procs\" ] && mkdir -p \"${h}"
            + cgroup.substring(1)
            + "\"; done; true");
    Files.writeString(
        cniConfDir().resolve("10-lab.conflist"),
        """
        {
          "cniVersion": "1.0.0",
          "name": "lab",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "cni0",
              "isGateway": true,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "%s"}]],
                "routes": [{"dst": "0.0.0.0/0"}]
              }
            },
            {"type": "portmap", "capabilities": {"portMappings": true}}
          ]
        }
        """
            .formatted(podCidr));
  }

  private void startContainerd() throws IOException, InterruptedException {
    Path toml = dir.resolve("containerd.toml");
    Files.writeString(
        toml,
        """
        version = 2
        root = "%1$s/containerd/root"
        state = "%1$s/containerd/state"
        [grpc]
          address = "%1$s/containerd.sock"
        [ttrpc]
          address = "%1$s/containerd.sock.ttrpc"
        [debug]
          address = ""
        [metrics]
          address = ""
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%2$s"
          stream_server_address = "127.0.0.1"
          stream_server_port = "0"
          restrict_oom_score_adj = true
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "overlayfs"
            default_runtime_name = "runc"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = false
                Root = "%1$s/runc"
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "/opt/cni/bin"
            conf_dir = "/etc/cni/net.d"
        """
            .formatted(dir, Images.PAUSE));
    start("containerd", List.of("containerd", "--config", toml.toString()));
    await(
        "containerd",
        () -> Testbed.run("ctr -a " + containerdSocket() + " version").exit() == 0,
        30);
  }

  /** Imports an OCI image tar into the node's containerd (namespace {@code k8s.io}). */
  public void importImage(Images.Image image) {
    // The tars tag their image "1": --base-name gives it its full name.
    String base = image.name().substring(0, image.name().lastIndexOf(':'));
    Testbed.sh(
        "ctr -a "
            + containerdSocket()
            + " -n k8s.io images import --base-name "
            + base
            + " "
            + image.tar());
  }

  private void startKubelet() throws IOException, InterruptedException {
    Path kubeconfig = cp.kubeletCredentials(name, ip, dir.resolve("pki"));
    Path config = dir.resolve("kubelet.yaml");
    Files.writeString(
        config,
        """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        address: %1$s
        port: %2$d
        readOnlyPort: 0
        healthzPort: 0
        authentication:
          anonymous: {enabled: false}
          webhook: {enabled: true}
          x509: {clientCAFile: %3$s}
        authorization: {mode: Webhook}
        tlsCertFile: %4$s/tls.crt
        tlsPrivateKeyFile: %4$s/tls.key
        containerRuntimeEndpoint: unix://%5$s
        cgroupDriver: cgroupfs
        cgroupRoot: %6$s
        cgroupsPerQOS: true
        failSwapOn: false
        podLogsDir: /var/log/pods
        resolvConf: ""
        clusterDomain: cluster.local
        clusterDNS: [%7$s]
        registerNode: true
        serializeImagePulls: false
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        evictionHard: {memory.available: "100Mi", nodefs.available: "1%%", imagefs.available: "1%%"}
        maxPods: 250
        """
            .formatted(
                ip,
                KUBELET_PORT,
                cp.caFile(),
                dir.resolve("pki/serving"),
                containerdSocket(),
                cgroup,
                cp.apiHost()));
    start(
        "kubelet",
        List.of(
            bin.resolve("kubelet").toString(),
            "--config=" + config,
            "--kubeconfig=" + kubeconfig,
            "--root-dir=/var/lib/kubelet",
            "--hostname-override=" + name,
            "--node-ip=" + ip,
            "--v=1"));
    await("kubelet", () -> cp.tryKubectl("get node " + name + " -o name").exit() == 0, 90);
    // The node's pod range, as a controller-manager allocating ranges would record it (this one
    // allocates none: the lab gives each node its range); set once, as the field allows.
    cp.kubectl(
        "patch node "
            + name
            + " --type merge -p '{\"spec\":{\"podCIDR\":\""
            + podCidr
            + "\",\"podCIDRs\":[\""
            + podCidr
            + "\"]}}'");
  }

  /**
   * Starts kube-proxy (nftables mode): Services' addresses, the kubernetes Service's among them,
   * lead to their endpoints from the node and from its pods. Returns when its table is in place.
   */
  private void startKubeProxy() throws IOException, InterruptedException {
    Path config = dir.resolve("kube-proxy.yaml");
    Files.writeString(
        config,
        """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        mode: nftables
        clientConnection: {kubeconfig: %s}
        hostnameOverride: %s
        bindAddress: %s
        healthzBindAddress: 127.0.0.1:10256
        metricsBindAddress: 127.0.0.1:10249
        # The conntrack table's size is the host's (not the node namespace's) to set.
        conntrack: {maxPerCore: 0, min: 0}
        """
            .formatted(cp.kubeProxyKubeconfig(), name, ip));
    start("kube-proxy", List.of(bin.resolve("kube-proxy").toString(), "--config=" + config));
    await(
        "kube-proxy",
        () ->
            Testbed.run(inNode("nft list table ip kube-proxy 2>/dev/null"))
                .out()
                .contains(ControlPlane.API_SERVICE_IP),
        60);
  }

  private void start(String part, List<String> cmd) throws IOException {
    List<String> full =
        new ArrayList<>(
            List.of("nsenter", "--net=/run/netns/" + netns, "--mount=" + mountNamespace()));
    full.addAll(cmd);
    processes.add(RealParts.launch(dir, part, full));
  }

  private void await(String part, java.util.function.BooleanSupplier ready, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Process p = processes.get(processes.size() - 1);
    while (System.nanoTime() < deadline) {
      if (ready.getAsBoolean()) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(
            part + " of node " + name + " exited; its log: " + dir.resolve(part + ".log"));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        part
            + " of node "
            + name
            + " was not ready within "
            + seconds
            + " s; its log: "
            + dir.resolve(part + ".log"));
  }

  @Override
  public void close() {
    stop(netns, dir);
  }

  /**
   * Removes the host folders that the nodes under {@code dir} made to mount over, where they are
   * still empty. Only once every node there is stopped: another node's mount namespace may still
   * mount over them.
   */
  static void removeMadePaths(Path dir) {
    Testbed.run(
        "find "
            + dir
            + " -name "
            + MADE_PATHS
            + " -exec cat {} + 2>/dev/null | sort -u | while read p; do"
            + " [ -d \"$p\" ] && find \"$p\" -depth -type d -empty -delete; done; true");
  }

  /**
   * Stops what nodes left in {@code dir}, running or crashed: kubelets, containerd, its shims and
   * containers (by the folder on their command lines and by cgroup), the mounts under the folder,
   * the cgroups. {@code netnsGlob} names the nodes' namespaces (and so their cgroups), as in {@code
   * l2kn*}.
   */
  static void stop(String netnsGlob, Path dir) {
    String path = dir.toString().substring(1);
    // Kubelets first, so they do not restart what containerd stops.
    Testbed.run("pkill -9 -f -- '[/]" + path + "[^ ]*/kubelet.yaml'");
    // Containers: every process in the nodes' cgroups; containerd and its shims (whose -address is
    // in the folder) by command line.
    String cgroups = "/sys/fs/cgroup/*/l2sm/" + netnsGlob;
    Testbed.run(
        "for h in "
            + cgroups
            + "; do find $h -name cgroup.procs -exec cat {} + ; done"
            + " 2>/dev/null | sort -u | xargs -r kill -9");
    Testbed.run("pkill -9 -f -- '[/]" + path + "([/ ]|$)'");
    Testbed.run(
        "awk '{print $5}' /proc/self/mountinfo | grep '^/"
            + path
            + "/' | sort -r | xargs -r -n1 umount -l");
    // A killed process stays in its cgroup until it has exited (a JVM takes a moment): wait for
    // the cgroups to empty (up to 10 s) before removing them.
    Testbed.run(
        "for i in $(seq 50); do [ -z \"$(for h in "
            + cgroups
            + "; do find $h -name cgroup.procs -exec cat {} + ; done 2>/dev/null)\" ] && break;"
            + " sleep 0.2; done");
    Testbed.run(
        "for h in "
            + cgroups
            + "; do find $h -depth -type d -exec rmdir {} + ; done"
            + " 2>/dev/null; rmdir /sys/fs/cgroup/*/l2sm 2>/dev/null; true");
  }
}
