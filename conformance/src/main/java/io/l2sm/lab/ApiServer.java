package io.l2sm.lab;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A cluster's Kubernetes API in the lab: fabric8's mock server in CRUD mode (no kube-apiserver can
 * be installed here), with the CRDs the system needs registered and marked Established, and the
 * mock's request log drained every few seconds (it would otherwise grow without bound), and API
 * discovery in front ({@link DiscoveryDispatcher}) so that kubectl works against it. Everything is
 * in memory: a restarted API server is an empty cluster.
 */
public final class ApiServer implements AutoCloseable {
  /** The CRDs the lab registers, as packaged in the l2sm-api jar. */
  static final List<String> CRDS =
      List.of(
          "l2networks.l2sm.l2sm.k8s.local-v1.yml",
          "network-attachment-definitions.k8s.cni.cncf.io-v1.yml",
          "networkedgedevices.l2sm.l2sm.k8s.local-v1.yml",
          "overlays.l2sm.l2sm.k8s.local-v1.yml");

  private final MockWebServer web = new MockWebServer();
  private final KubernetesMockServer server;
  private DiscoveryDispatcher dispatcher;
  private PodExec exec;
  private final ScheduledExecutorService drain =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "apiserver-drain");
            t.setDaemon(true);
            return t;
          });
  private final String url;

  /** Starts on {@code host:port} (port 0 picks a free one) and registers the CRDs. */
  public ApiServer(String host, int port) throws IOException {
    Logger.getLogger("io.fabric8.mockwebserver.MockWebServer").setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new ConcurrentHashMap<>();
    VersionInfo version =
        new VersionInfo.Builder()
            .withMajor("1")
            .withMinor("30")
            .withGitVersion("v1.30.0-l2sm-lab")
            .build();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            web,
            responses,
            dispatcher = new DiscoveryDispatcher(responses, version),
            false,
            version);
    server.init(InetAddress.getByName(host), port);
    url = "http://" + host + ":" + web.getPort();
    drain.scheduleWithFixedDelay(web::reset, 5, 5, TimeUnit.SECONDS);
    try (KubernetesClient c = client()) {
      for (String name : CRDS) {
        try (InputStream in = getClass().getResourceAsStream("/io/l2sm/api/crds/" + name)) {
          if (in == null) {
            throw new IOException("CRD " + name + " is not on the classpath (l2sm-api jar)");
          }
          CustomResourceDefinition crd =
              c.apiextensions().v1().customResourceDefinitions().load(in).create();
          crd.setStatus(
              new CustomResourceDefinitionStatusBuilder()
                  .withAcceptedNames(crd.getSpec().getNames())
                  .withConditions(
                      new CustomResourceDefinitionConditionBuilder()
                          .withType("Established")
                          .withStatus("True")
                          .withReason("InitialNamesAccepted")
                          .withLastTransitionTime(Instant.now().toString())
                          .build())
                  .build());
          c.apiextensions().v1().customResourceDefinitions().resource(crd).updateStatus();
        }
      }
    }
  }

  /**
   * Serves pods' {@code exec} from now on: commands run in the network namespace the lab kubelet
   * whose folder is {@code podState} gave the pod.
   */
  public void enableExec(Path podState) {
    exec = new PodExec(podState);
    dispatcher.enableExec(exec);
  }

  /** {@code http://host:port}. */
  public String url() {
    return url;
  }

  public int port() {
    return web.getPort();
  }

  /** A client of this API server (short timeouts: the mock never answers some bad requests). */
  public KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(config(url)).build();
  }

  static Config config(String url) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withNamespace("default")
        .withRequestTimeout(15_000)
        .withConnectionTimeout(5_000)
        .build();
  }

  /** Writes a kubeconfig for this server (plain HTTP, no credentials). */
  public void writeKubeconfig(Path file, String clusterName) throws IOException {
    writeKubeconfig(file, url, clusterName);
  }

  /** Writes a kubeconfig for the API server at {@code url}. */
  public static void writeKubeconfig(Path file, String url, String clusterName) throws IOException {
    String text =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: " + clusterName,
            "  cluster:",
            "    server: " + url,
            "users:",
            "- name: lab",
            "  user: {}",
            "contexts:",
            "- name: " + clusterName,
            "  context:",
            "    cluster: " + clusterName,
            "    user: lab",
            "    namespace: default",
            "current-context: " + clusterName,
            "");
    // Whole or not at all: the agents read it as soon as it exists.
    io.l2sm.files.AtomicFiles.replace(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    drain.shutdownNow();
    if (exec != null) {
      exec.close();
    }
    server.destroy();
  }
}
