package io.l2sm.agent;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.l2sm.api.v1.NetworkEdgeDevice;
import io.l2sm.api.v1.NetworkEdgeDeviceSpec;
import io.l2sm.api.v1.NetworkEdgeDeviceStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of an edge device (NED) learns its neighbours from its {@link NetworkEdgeDevice}: each
 * neighbour edge device at its WAN address, and, for a cluster's NED, the cluster's gateway node
 * under the cluster's name ({@code spec.clusterName}), at that node's InternalIP. The object comes
 * from the cluster's API ({@code --edge-device NS/NAME} with {@code --kubeconfig}) or, for a site
 * without Kubernetes, from a file in the same YAML ({@code --edge-device-file FILE}); either is
 * read again every second, so edits (a neighbour added) are applied live.
 *
 * <p>Followed in the cluster, the device also writes its object's status every two seconds when it
 * changed: its datapath, the neighbours whose tunnel is up, its availability and a Ready condition
 * ({@link NodeAgent#edgeStatus}), which {@code kubectl get ned} shows.
 */
final class EdgeDeviceWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeDeviceWatcher.class);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "edge-device");
            t.setDaemon(true);
            return t;
          });
  private final Consumer<Map<String, String>> apply;

  /** The status to report, from the one last written and the object's generation; or null. */
  private final BiFunction<NetworkEdgeDeviceStatus, Long, NetworkEdgeDeviceStatus> status;

  private long polls;
  private final Path file;
  private final Path kubeconfig;
  private final String namespace;
  private final String name;
  private KubernetesClient client;
  private FileTime fileSeen;
  private Map<String, String> last;

  /** From a file. */
  static EdgeDeviceWatcher ofFile(Path file, Consumer<Map<String, String>> apply) {
    return new EdgeDeviceWatcher(file, null, null, null, apply, null);
  }

  /** From the cluster's API: the object {@code namespace/name}, whose status it writes. */
  static EdgeDeviceWatcher ofObject(
      Path kubeconfig,
      String namespace,
      String name,
      Consumer<Map<String, String>> apply,
      BiFunction<NetworkEdgeDeviceStatus, Long, NetworkEdgeDeviceStatus> status) {
    return new EdgeDeviceWatcher(null, kubeconfig, namespace, name, apply, status);
  }

  private EdgeDeviceWatcher(
      Path file,
      Path kubeconfig,
      String namespace,
      String name,
      Consumer<Map<String, String>> apply,
      BiFunction<NetworkEdgeDeviceStatus, Long, NetworkEdgeDeviceStatus> status) {
    this.file = file;
    this.kubeconfig = kubeconfig;
    this.namespace = namespace;
    this.name = name;
    this.apply = apply;
    this.status = status;
    timer.scheduleWithFixedDelay(this::poll, 0, 1, TimeUnit.SECONDS);
  }

  private void poll() {
    try {
      NetworkEdgeDevice d = file != null ? fromFile() : fromApi();
      if (d == null) {
        return;
      }
      Map<String, String> peers = peers(d.getSpec(), file == null ? this::gatewayIp : n -> null);
      boolean changed = !peers.equals(last);
      if (changed) {
        last = peers;
        LOG.info("edge device {}: neighbours {}", d.getMetadata().getName(), peers);
        apply.accept(peers);
      }
      if (status != null && (changed || polls++ % 2 == 0)) {
        report(d);
      }
    } catch (RuntimeException | IOException e) {
      LOG.warn("cannot read the edge device's description: {}", e.toString());
    }
  }

  /** Writes the device's status when it differs from the object's. */
  private void report(NetworkEdgeDevice d) {
    Long generation = d.getMetadata().getGeneration();
    NetworkEdgeDeviceStatus now = status.apply(d.getStatus(), generation == null ? 0L : generation);
    if (Serialization.asJson(now).equals(Serialization.asJson(d.getStatus()))) {
      return;
    }
    String was = d.getStatus() == null ? null : d.getStatus().getAvailability();
    NetworkEdgeDevice update = new NetworkEdgeDevice();
    update.setMetadata(d.getMetadata());
    update.setSpec(d.getSpec());
    update.setStatus(now);
    try {
      client
          .resources(NetworkEdgeDevice.class)
          .inNamespace(namespace)
          .resource(update)
          .updateStatus();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      // A conflict (the object changed since it was read) is written again at the next poll.
      LOG.warn("edge device {}: cannot write its status: {}", name, e.getMessage());
      return;
    }
    if (!now.getAvailability().equals(was)) {
      LOG.info(
          "edge device {}: {}, neighbours up {}",
          name,
          now.getAvailability(),
          now.getConnectedNeighbors());
    }
  }

  private NetworkEdgeDevice fromFile() throws IOException {
    FileTime t = Files.getLastModifiedTime(file);
    if (t.equals(fileSeen)) {
      return null;
    }
    NetworkEdgeDevice d = Serialization.unmarshal(Files.readString(file), NetworkEdgeDevice.class);
    if (d == null || d.getSpec() == null) {
      throw new IllegalArgumentException(file + " holds no NetworkEdgeDevice");
    }
    fileSeen = t;
    return d;
  }

  private NetworkEdgeDevice fromApi() throws IOException {
    if (client == null) {
      if (!KubeAccess.ready(kubeconfig)) {
        return null;
      }
      client = new KubernetesClientBuilder().withConfig(KubeAccess.config(kubeconfig)).build();
    }
    return client.resources(NetworkEdgeDevice.class).inNamespace(namespace).withName(name).get();
  }

  private String gatewayIp(String node) {
    Node n = client.nodes().withName(node).get();
    if (n == null || n.getStatus() == null || n.getStatus().getAddresses() == null) {
      return null;
    }
    for (NodeAddress a : n.getStatus().getAddresses()) {
      if ("InternalIP".equals(a.getType())) {
        return a.getAddress();
      }
    }
    return null;
  }

  /**
   * An edge device's tunnels: every neighbour at its address, and the cluster link (named by the
   * cluster) to its gateway node when the device serves a cluster.
   */
  static Map<String, String> peers(
      NetworkEdgeDeviceSpec spec, java.util.function.Function<String, String> gatewayIp) {
    Map<String, String> out = new TreeMap<>();
    for (NetworkEdgeDeviceSpec.Neighbor n : spec.getNeighbors()) {
      if (n.getNode() != null && n.getDomain() != null) {
        out.put(n.getNode(), n.getDomain());
      }
    }
    String cluster = spec.getClusterName();
    if (cluster != null
        && spec.getNodeConfig() != null
        && spec.getNodeConfig().getNodeName() != null) {
      String ip = gatewayIp.apply(spec.getNodeConfig().getNodeName());
      if (ip != null) {
        out.put(cluster, ip);
      }
    }
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (client != null) {
      client.close();
    }
  }
}
