package io.l2sm.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kubernetes control plane for one lab cluster, from the parts {@code scripts/k8s/build.sh}
 * builds: etcd, a kube-apiserver with RBAC, the Node authorizer and the default admission plugins,
 * the controller-manager (garbage collection, service-account tokens, namespaces, ...) and the
 * scheduler, and CoreDNS for the cluster's names (Services, pods) on the API server's address,
 * where the nodes' kubelets point their pods. It makes its own CA, the API server's certificate,
 * the service-account signing key and one kubeconfig per client, all in its folder; its processes
 * name that folder on their command lines, so {@code lab down} finds and stops them like every
 * other part of the lab.
 */
public final class ControlPlane implements AutoCloseable {
  /**
   * The parts the lab runs ({@link RealNode}'s too), as {@code scripts/k8s/build.sh} names them.
   */
  static final List<String> PARTS =
      List.of(
          "etcd",
          "kube-apiserver",
          "kube-controller-manager",
          "kube-scheduler",
          "kubectl",
          "kubelet",
          "kube-proxy",
          "coredns",
          "helm",
          "bridge",
          "host-local",
          "loopback",
          "portmap");

  /** The Service network (the {@code kubernetes} Service takes its first address). */
  public static final String SERVICE_CIDR = "10.96.0.0/16";

  /** The kubernetes Service's address (the first of {@link #SERVICE_CIDR}). */
  public static final String API_SERVICE_IP = "10.96.0.1";

  private final Path dir;
  private final Path bin;
  private final String ip;
  private final int apiPort;
  private final int etcdPort;
  private final int etcdPeerPort;
  private final Map<String, Process> processes = new LinkedHashMap<>();

  private ControlPlane(Path dir, Path bin, String ip, int apiPort, int etcdPort, int etcdPeer) {
    this.dir = dir;
    this.bin = bin;
    this.ip = ip;
    this.apiPort = apiPort;
    this.etcdPort = etcdPort;
    this.etcdPeerPort = etcdPeer;
  }

  /**
   * The folder with the built parts: {@code L2SM_K8S_BIN} if set, else the build script's cache,
   * built first when a part is missing (about 10 minutes the first time on 2 cores, with the
   * script's progress on {@code progress}).
   */
  public static Path binaries(PrintWriter progress) throws IOException, InterruptedException {
    String env = System.getenv("L2SM_K8S_BIN");
    if (env != null && !env.isBlank()) {
      Path b = Path.of(env);
      for (String p : PARTS) {
        if (!Files.isExecutable(b.resolve(p))) {
          throw new IllegalStateException("L2SM_K8S_BIN=" + env + " has no " + p);
        }
      }
      return b;
    }
    Path script = buildScript();
    Path b = Path.of(Testbed.sh("bash " + script + " --print").strip());
    boolean complete = PARTS.stream().allMatch(p -> Files.isExecutable(b.resolve(p)));
    if (complete) {
      return b;
    }
    progress.println(
        "Building the real Kubernetes parts with "
            + script
            + " (once per version; about 10 min the first time)...");
    progress.flush();
    Checkout.runScript(script, List.of(), "k8s-build:", progress);
    return b;
  }

  /** {@code scripts/k8s/build.sh} of the checkout this program runs from. */
  static Path buildScript() {
    return Checkout.find("scripts/k8s/build.sh")
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "cannot find scripts/k8s/build.sh above this program; set L2SM_K8S_BIN to a"
                        + " folder with "
                        + String.join(", ", PARTS)));
  }

  /**
   * Makes the credentials and starts etcd, the API server (on {@code ip}, where the lab's nodes
   * reach it), the controller-manager and the scheduler; returns when the API server is ready.
   */
  public static ControlPlane start(Path dir, Path bin, String ip, PrintWriter progress)
      throws IOException, InterruptedException {
    ControlPlane cp = new ControlPlane(dir, bin, ip, Ports.free(), Ports.free(), Ports.free());
    try {
      cp.credentials();
      cp.startEtcd();
      cp.startApiServer();
      cp.startControllers();
      cp.startDns();
      progress.println("  Kubernetes API server ready at " + cp.url());
      progress.flush();
      return cp;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cp.close();
      throw e;
    }
  }

  public String url() {
    return "https://" + ip + ":" + apiPort;
  }

  /** The API server's address, where the nodes reach it. */
  public String apiHost() {
    return ip;
  }

  public int apiPort() {
    return apiPort;
  }

  /**
   * Installs Multus (thick) as a DaemonSet from the lab's image {@code l2sm.local/multus:1}
   * (resource {@code multus.yaml}) and waits until its daemon runs on {@code nodes} nodes: from
   * then on each node's CNI configuration starts with Multus's, which delegates to the primary
   * network and to the attachments a pod's annotation asks for.
   */
  public void installMultus(int nodes) throws IOException {
    String manifest;
    try (var in = ControlPlane.class.getResourceAsStream("multus.yaml")) {
      manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    manifest = manifest.replace("${API_HOST}", ip).replace("${API_PORT}", String.valueOf(apiPort));
    Path f = dir.resolve("multus.yaml");
    Files.writeString(f, manifest);
    // Multus's own CRD, as the chart carries it (helm skips CRDs that exist).
    kubectl(
        "apply -f "
            + ChartSettings.chart()
                .resolve("crds/network-attachment-definitions.k8s.cni.cncf.io-v1.yml"));
    kubectl(
        "wait --for condition=established --timeout=30s"
            + " crd/network-attachment-definitions.k8s.cni.cncf.io");
    kubectl("apply -f " + f);
    kubectl("-n kube-system rollout status daemonset/multus --timeout=120s");
    String ready =
        kubectl("-n kube-system get daemonset multus -o jsonpath={.status.numberReady}").strip();
    if (!ready.equals(String.valueOf(nodes))) {
      throw new IllegalStateException(
          "Multus runs on "
              + ready
              + " of "
              + nodes
              + " nodes: "
              + kubectl("-n kube-system get pods -o wide"));
    }
  }

  /**
   * Starts CoreDNS on port 53 of the control plane's address, answering for {@code cluster.local}
   * from the API server (as user {@code system:coredns}, allowed to list and watch what it needs:
   * resource {@code coredns-rbac.yaml}); returns when it answers for the kubernetes Service.
   */
  private void startDns() throws IOException, InterruptedException {
    Path rbac = dir.resolve("coredns-rbac.yaml");
    try (var in = ControlPlane.class.getResourceAsStream("coredns-rbac.yaml")) {
      Files.write(rbac, in.readAllBytes());
    }
    kubectl("apply -f " + rbac);
    Path kubeconfig = kubeconfig("coredns", "system:coredns", List.of());
    Path corefile = dir.resolve("Corefile");
    Files.writeString(
        corefile,
        """
        .:53 {
          bind %s
          errors
          kubernetes cluster.local in-addr.arpa ip6.arpa {
            kubeconfig %s %s
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
          }
          cache 5
        }
        """
            .formatted(ip, kubeconfig, contextName()));
    start("coredns", List.of(bin.resolve("coredns").toString(), "-conf", corefile.toString()));
    await("coredns", () -> API_SERVICE_IP.equals(resolve("kubernetes.default.svc.cluster.local")));
  }

  /**
   * Offers storage as a cluster without a provisioner does: a StorageClass {@value #LOCAL_STORAGE}
   * (no provisioner, bound when the first pod that claims it is scheduled) and a {@code local}
   * PersistentVolume {@code name} of {@code size} on {@code node}, at {@code path} (a folder this
   * makes, which the node's kubelet bind-mounts into the pod).
   */
  public void offerLocalVolume(String name, String node, Path path, String size)
      throws IOException {
    Files.createDirectories(path);
    Path yaml = dir.resolve("volume-" + name + ".yaml");
    Files.writeString(
        yaml,
        """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: %1$s}
        provisioner: kubernetes.io/no-provisioner
        volumeBindingMode: WaitForFirstConsumer
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: %2$s}
        spec:
          capacity: {storage: %3$s}
          accessModes: [ReadWriteOnce]
          persistentVolumeReclaimPolicy: Retain
          storageClassName: %1$s
          local: {path: %4$s}
          nodeAffinity:
            required:
              nodeSelectorTerms:
                - matchExpressions:
                    - {key: kubernetes.io/hostname, operator: In, values: [%5$s]}
        """
            .formatted(LOCAL_STORAGE, name, size, path, node));
    kubectl("apply -f " + yaml);
  }

  /** The StorageClass of the volumes {@link #offerLocalVolume} offers. */
  public static final String LOCAL_STORAGE = "l2sm-lab-local";

  /**
   * Asks the cluster's DNS for the address of {@code name}; returns it, or null when it gives none.
   */
  public String resolve(String name) {
    return resolveAt(ip, name);
  }

  /** The A record of {@code name} as the DNS server at {@code server} answers it; null for none. */
  public static String resolveAt(String server, String name) {
    var env = new java.util.Hashtable<String, String>();
    env.put(javax.naming.Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(javax.naming.Context.PROVIDER_URL, "dns://" + server);
    env.put("com.sun.jndi.dns.timeout.initial", "500");
    env.put("com.sun.jndi.dns.timeout.retries", "1");
    try {
      var ctx = new javax.naming.directory.InitialDirContext(env);
      try {
        var a = ctx.getAttributes(name, new String[] {"A"}).get("A");
        return a == null ? null : a.get().toString();
      } finally {
        ctx.close();
      }
    } catch (javax.naming.NamingException e) {
      return null;
    }
  }

  /** The kubeconfig of the cluster's administrator (group {@code system:masters}). */
  public Path adminKubeconfig() {
    return dir.resolve("admin.kubeconfig");
  }

  /** The kubeconfig of the nodes' kube-proxy (user {@code system:kube-proxy}). */
  public Path kubeProxyKubeconfig() {
    return dir.resolve("kube-proxy.kubeconfig");
  }

  /** The CA the API server's certificate and its client certificates come from. */
  public Path caFile() {
    return Pki.caCertificate(dir.resolve("pki"));
  }

  /** The API server's audit log: one JSON event per request, with its user, verb and object. */
  public Path auditLog() {
    return dir.resolve("audit.log");
  }

  /** etcd's client URL (on loopback). */
  public String etcdUrl() {
    return "http://127.0.0.1:" + etcdPort;
  }

  private Pki pki() {
    return Pki.at(dir.resolve("pki"));
  }

  private void credentials() throws IOException {
    Files.createDirectories(dir);
    Pki pki = pki();
    pki.server(
        "kube-apiserver",
        List.of(ip, "127.0.0.1", API_SERVICE_IP),
        List.of(
            "localhost",
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local"),
        dir.resolve("apiserver"));
    pki.kubernetesClient(
        "kube-apiserver-kubelet-client", List.of("system:masters"), dir.resolve("kubelet-client"));
    Pki.signingKey(dir.resolve("sa.key"), dir.resolve("sa.pub"));
    Files.writeString(
        dir.resolve("audit-policy.yaml"),
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\n"
            + "rules:\n- level: Metadata\n");
    kubeconfig("admin", "kubernetes-admin", List.of("system:masters"));
    kubeconfig("controller-manager", "system:kube-controller-manager", List.of());
    kubeconfig("scheduler", "system:kube-scheduler", List.of());
    // The nodes' kube-proxy (the default binding system:node-proxier names this user).
    kubeconfig("kube-proxy", "system:kube-proxy", List.of());
  }

  /** Issues a client certificate and writes a kubeconfig that uses it; returns its path. */
  public Path kubeconfig(String name, String user, List<String> groups) throws IOException {
    return kubeconfig(
        user, groups, dir.resolve("clients").resolve(name), dir.resolve(name + ".kubeconfig"));
  }

  /**
   * A kubelet's credentials in {@code to}: its kubeconfig (user {@code system:node:NAME}, group
   * {@code system:nodes}, what the Node authorizer and NodeRestriction expect) and, in {@code
   * serving/}, the certificate it serves its API with on {@code ip} (the API server checks it for
   * exec and logs). Returns the kubeconfig.
   */
  public Path kubeletCredentials(String node, String ip, Path to) throws IOException {
    pki().server("system:node:" + node, List.of(ip), List.of(node), to.resolve("serving"));
    return kubeconfig(
        "system:node:" + node,
        List.of("system:nodes"),
        to.resolve("client"),
        to.resolve("kubelet.kubeconfig"));
  }

  private Path kubeconfig(String user, List<String> groups, Path credsDir, Path out)
      throws IOException {
    Path creds = pki().kubernetesClient(user, groups, credsDir);
    write(
        out,
        kubeconfigText(
            url(),
            Files.readString(caFile()),
            user,
            "client-certificate-data: "
                + base64(creds.resolve(io.l2sm.api.grpc.Credentials.CERT))
                + "\n    client-key-data: "
                + base64(creds.resolve(io.l2sm.api.grpc.Credentials.KEY))));
    return out;
  }

  /** A kubeconfig for a bearer token (a service account's), at {@code out}. */
  public Path tokenKubeconfig(String user, String token, Path out) throws IOException {
    write(out, kubeconfigText(url(), Files.readString(caFile()), user, "token: " + token));
    return out;
  }

  /**
   * The name of the cluster and of the context in its kubeconfigs: the lab cluster's folder name
   * (the control plane's folder is its {@code k8s}), so two clusters' kubeconfigs say which is
   * which.
   */
  private String contextName() {
    Path cluster = dir.toAbsolutePath().getParent();
    return cluster == null || cluster.getFileName() == null
        ? "lab"
        : "lab-" + cluster.getFileName();
  }

  private String kubeconfigText(String url, String ca, String user, String auth) {
    String name = contextName();
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: "
        + name
        + "\n"
        + "  cluster:\n"
        + "    server: "
        + url
        + "\n"
        + "    certificate-authority-data: "
        + Base64.getEncoder().encodeToString(ca.getBytes(StandardCharsets.UTF_8))
        + "\n"
        + "users:\n"
        + "- name: "
        + user
        + "\n"
        + "  user:\n"
        + "    "
        + auth
        + "\n"
        + "contexts:\n"
        + "- name: "
        + name
        + "\n"
        + "  context:\n"
        + "    cluster: "
        + name
        + "\n"
        + "    user: "
        + user
        + "\n"
        + "current-context: "
        + name
        + "\n";
  }

  private static String base64(Path f) throws IOException {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(f));
  }

  private static void write(Path f, String text) throws IOException {
    Files.writeString(f, text);
    Files.setPosixFilePermissions(
        f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  private void startEtcd() throws IOException, InterruptedException {
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    start(
        "etcd",
        List.of(
            bin.resolve("etcd").toString(),
            "--name=lab",
            "--data-dir=" + dir.resolve("etcd"),
            "--listen-client-urls=" + etcdUrl(),
            "--advertise-client-urls=" + etcdUrl(),
            "--listen-peer-urls=" + peer,
            "--initial-advertise-peer-urls=" + peer,
            "--initial-cluster=lab=" + peer,
            "--log-level=warn"));
    await("etcd", () -> Testbed.run("curl -sf " + etcdUrl() + "/health").exit() == 0);
  }

  /** The API server's command line. */
  private List<String> apiServerCommand() {
    Path tls = dir.resolve("apiserver");
    Path kc = dir.resolve("kubelet-client");
    return List.of(
        bin.resolve("kube-apiserver").toString(),
        "--etcd-servers=" + etcdUrl(),
        "--bind-address=" + ip,
        "--advertise-address=" + ip,
        "--secure-port=" + apiPort,
        "--tls-cert-file=" + tls.resolve("tls.crt"),
        "--tls-private-key-file=" + tls.resolve("tls.key"),
        "--client-ca-file=" + caFile(),
        "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NodeRestriction",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + dir.resolve("sa.pub"),
        "--service-account-signing-key-file=" + dir.resolve("sa.key"),
        "--service-cluster-ip-range=" + SERVICE_CIDR,
        "--kubelet-client-certificate=" + kc.resolve("tls.crt"),
        "--kubelet-client-key=" + kc.resolve("tls.key"),
        "--kubelet-certificate-authority=" + caFile(),
        // Kubelets are reached at their node's address: the lab has no DNS for node names.
        "--kubelet-preferred-address-types=InternalIP",
        "--allow-privileged=true",
        // Admission webhooks (L2S-M's pod webhook) are called at their Service's endpoints, the
        // pods' addresses, which this host routes to the nodes: it runs no kube-proxy, so a
        // Service's cluster address leads nowhere from here (a control plane without kube-proxy).
        "--enable-aggregator-routing=true",
        "--profiling=false",
        // Who did what, one JSON line per request (RBAC tests read which verbs each part used).
        "--audit-policy-file=" + dir.resolve("audit-policy.yaml"),
        "--audit-log-path=" + auditLog(),
        "--audit-log-maxsize=200",
        // The lab's folder on the command line: `lab down` matches it.
        "--cert-dir=" + dir.resolve("apiserver-certs"));
  }

  private void startApiServer() throws IOException, InterruptedException {
    start("kube-apiserver", apiServerCommand());
    await("kube-apiserver", this::apiReady);
  }

  private boolean apiReady() {
    Path a = dir.resolve("clients/admin");
    return Testbed.run(
                "curl -sf --cacert "
                    + caFile()
                    + " --cert "
                    + a.resolve("tls.crt")
                    + " --key "
                    + a.resolve("tls.key")
                    + " "
                    + url()
                    + "/readyz")
            .exit()
        == 0;
  }

  private void startControllers() throws IOException {
    start(
        "kube-controller-manager",
        List.of(
            bin.resolve("kube-controller-manager").toString(),
            "--kubeconfig=" + dir.resolve("controller-manager.kubeconfig"),
            "--bind-address=127.0.0.1",
            "--secure-port=0",
            "--leader-elect=false",
            "--use-service-account-credentials=true",
            "--service-account-private-key-file=" + dir.resolve("sa.key"),
            "--root-ca-file=" + caFile(),
            "--cluster-signing-cert-file=" + caFile(),
            "--cluster-signing-key-file=" + Pki.caKey(dir.resolve("pki")),
            "--service-cluster-ip-range=" + SERVICE_CIDR,
            "--allocate-node-cidrs=false"));
    start(
        "kube-scheduler",
        List.of(
            bin.resolve("kube-scheduler").toString(),
            "--kubeconfig=" + dir.resolve("scheduler.kubeconfig"),
            "--bind-address=127.0.0.1",
            "--secure-port=0",
            "--leader-elect=false"));
  }

  private void start(String part, List<String> cmd) throws IOException {
    processes.put(part, RealParts.launch(dir, part, cmd));
  }

  private void await(String part, java.util.function.BooleanSupplier ready)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (ready.getAsBoolean()) {
        return;
      }
      Process p = processes.get(part);
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException(part + " exited: " + tail(part));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(part + " was not ready within 90 s: " + tail(part));
  }

  /** The last lines of a part's log. */
  private String tail(String part) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(part + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** {@code kill -9} of the API server, then starts it again; returns when it is ready. */
  public void restartApiServer() throws IOException, InterruptedException {
    Process p = processes.get("kube-apiserver");
    p.destroyForcibly().waitFor();
    startApiServer();
  }

  /**
   * Compacts etcd's history up to its current revision, as the API server does every five minutes:
   * watches that resume from an older revision then get {@code 410 Gone}. Returns the revision.
   */
  public long compactEtcd() {
    String range =
        Testbed.sh(
            "curl -sf -X POST "
                + etcdUrl()
                + "/v3/kv/range -d '{\"key\":\"AA==\",\"count_only\":true}'");
    var m = java.util.regex.Pattern.compile("\"revision\":\"?(\\d+)").matcher(range);
    if (!m.find()) {
      throw new IllegalStateException("etcd did not say its revision: " + range);
    }
    long revision = Long.parseLong(m.group(1));
    Testbed.sh(
        "curl -sf -X POST "
            + etcdUrl()
            + "/v3/kv/compaction -d '{\"revision\":\""
            + revision
            + "\",\"physical\":true}'");
    return revision;
  }

  /** Runs kubectl as the administrator; returns its output, throws on a non-zero exit. */
  public String kubectl(String args) {
    return Testbed.sh(kubectlCommand() + " " + args);
  }

  /** As {@link #kubectl}, returning the exit code and the output. */
  public Testbed.Result tryKubectl(String args) {
    return Testbed.run(kubectlCommand() + " " + args);
  }

  /**
   * Runs the real helm as the administrator, with its own settings and cache in the control plane's
   * folder; returns its output. When it fails, the error says what helm said and, for an install
   * that waited, the state of the pods and the last events of the namespace it names.
   */
  public String helm(String args) {
    Path home = dir.resolve("helm");
    Testbed.Result r =
        Testbed.run(
            "HELM_CONFIG_HOME="
                + home.resolve("config")
                + " HELM_CACHE_HOME="
                + home.resolve("cache")
                + " HELM_DATA_HOME="
                + home.resolve("data")
                + " "
                + bin.resolve("helm")
                + " --kubeconfig "
                + adminKubeconfig()
                + " "
                + args
                + " 2>&1");
    if (r.exit() == 0) {
      return r.out();
    }
    var ns = java.util.regex.Pattern.compile("--namespace (\\S+)").matcher(args);
    String state = "";
    if (ns.find()) {
      state =
          "\npods:\n"
              + tryKubectl("-n " + ns.group(1) + " get pods -o wide 2>&1").out()
              + "events:\n"
              + tryKubectl(
                      "-n " + ns.group(1) + " get events --sort-by=.lastTimestamp 2>&1 | tail -20")
                  .out();
    }
    throw new IllegalStateException("helm " + args + " failed: " + r.out().strip() + state);
  }

  private String kubectlCommand() {
    return bin.resolve("kubectl") + " --kubeconfig " + adminKubeconfig();
  }

  @Override
  public void close() {
    List<Process> all = new ArrayList<>(processes.values());
    java.util.Collections.reverse(all);
    for (Process p : all) {
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    try {
      Testbed.run("rm -rf " + dir);
    } catch (UncheckedIOException e) {
      // best effort
    }
  }
}
