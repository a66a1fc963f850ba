package io.l2sm.agent;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.l2sm.api.v1.NetworkEdgeDevice;
import io.l2sm.api.v1.Overlay;
import io.l2sm.api.v1.OverlaySpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the cluster's {@link Overlay} objects, Nodes and {@link NetworkEdgeDevice}s and tells the
 * agent its neighbours: every node linked to this one by any Overlay, at that node's InternalIP
 * (with no Overlay at all, the neighbours it was started with), plus every edge device whose
 * gateway is this node, at the address its object gives.
 */
final class OverlayWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OverlayWatcher.class);

  private final Path kubeconfig;
  private final String node;
  private final Consumer<Map<String, String>> apply;
  private final Thread starter;
  private volatile KubernetesClient client;
  private volatile SharedIndexInformer<Overlay> overlays;
  private volatile SharedIndexInformer<Node> nodes;
  private volatile SharedIndexInformer<NetworkEdgeDevice> edgeDevices;
  private final Map<String, String> initial;
  private Map<String, String> last;

  OverlayWatcher(
      Path kubeconfig,
      String node,
      Map<String, String> initial,
      Consumer<Map<String, String>> apply) {
    this.kubeconfig = kubeconfig;
    this.node = node;
    this.initial = Map.copyOf(initial);
    this.apply = apply;
    // The API server may come up after the agent: wait for it in the background.
    this.starter = new Thread(this::start, "overlay-watcher");
    starter.setDaemon(true);
    starter.start();
  }

  private void start() {
    try {
      while (!KubeAccess.ready(kubeconfig)) {
        Thread.sleep(200);
      }
      // Until the API answers: a failed first list stops an informer for good.
      while (!Thread.currentThread().isInterrupted()) {
        if (!answers()) {
          Thread.sleep(200);
          continue;
        }
        try {
          connect();
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (!synced() && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
          if (synced() && overlays.isRunning() && nodes.isRunning() && edgeDevices.isRunning()) {
            LOG.info("following Overlays and Nodes at {}", client.getMasterUrl());
            recompute();
            return;
          }
        } catch (RuntimeException e) {
          LOG.warn("cannot follow Overlays yet: {}", e.toString());
        }
        disconnect();
        Thread.sleep(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.io.IOException e) {
      LOG.error("cannot read {}: {}", kubeconfig, e.toString());
    }
  }

  /**
   * Whether the API server answers a list of Nodes (within 2 s). A kubeconfig that does not parse
   * yet (one being written as it is read) is a "not yet" too, never the end of the watcher.
   */
  private boolean answers() {
    Config config;
    try {
      config = KubeAccess.config(kubeconfig);
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
    config.setRequestTimeout(2000);
    config.setConnectionTimeout(2000);
    config.setRequestRetryBackoffLimit(0);
    try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(config).build()) {
      probe.nodes().list();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void connect() throws java.io.IOException {
    client = new KubernetesClientBuilder().withConfig(KubeAccess.config(kubeconfig)).build();
    ResourceEventHandler<Object> changed =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Object o) {
            recompute();
          }

          @Override
          public void onUpdate(Object a, Object b) {
            recompute();
          }

          @Override
          public void onDelete(Object o, boolean unknown) {
            recompute();
          }
        };
    nodes = client.nodes().inform(cast(changed), 30_000);
    overlays = client.resources(Overlay.class).inAnyNamespace().inform(cast(changed), 30_000);
    edgeDevices =
        client.resources(NetworkEdgeDevice.class).inAnyNamespace().inform(cast(changed), 30_000);
  }

  private boolean synced() {
    return overlays != null
        && nodes != null
        && edgeDevices != null
        && overlays.hasSynced()
        && nodes.hasSynced()
        && edgeDevices.hasSynced();
  }

  private void disconnect() {
    if (edgeDevices != null) {
      edgeDevices.close();
    }
    if (overlays != null) {
      overlays.close();
    }
    if (nodes != null) {
      nodes.close();
    }
    if (client != null) {
      client.close();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> ResourceEventHandler<T> cast(ResourceEventHandler h) {
    return h;
  }

  private synchronized void recompute() {
    if (!synced()) {
      return;
    }
    Map<String, String> edges = new TreeMap<>();
    for (NetworkEdgeDevice d : edgeDevices.getStore().list()) {
      var nc = d.getSpec().getNodeConfig();
      if (nc != null && node.equals(nc.getNodeName()) && nc.getIpAddress() != null) {
        edges.put(d.getMetadata().getName(), nc.getIpAddress());
      }
    }
    if (overlays.getStore().list().isEmpty()) {
      if (!edges.isEmpty() || last != null) {
        Map<String, String> peers = new TreeMap<>(initial);
        peers.putAll(edges);
        publish(peers);
      }
      return;
    }
    Map<String, String> ips = new TreeMap<>();
    for (Node n : nodes.getStore().list()) {
      if (n.getStatus() != null && n.getStatus().getAddresses() != null) {
        for (NodeAddress a : n.getStatus().getAddresses()) {
          if ("InternalIP".equals(a.getType())) {
            ips.put(n.getMetadata().getName(), a.getAddress());
          }
        }
      }
    }
    Map<String, String> peers = new TreeMap<>();
    for (Overlay o : overlays.getStore().list()) {
      for (OverlaySpec.Link l : o.getSpec().getTopology().getLinks()) {
        String other =
            node.equals(l.getEndpointA())
                ? l.getEndpointB()
                : node.equals(l.getEndpointB()) ? l.getEndpointA() : null;
        if (other == null || other.equals(node)) {
          continue;
        }
        String ip = ips.get(other);
        if (ip == null) {
          LOG.warn(
              "overlay {} links {} to {}, which has no InternalIP (yet)",
              o.getMetadata().getName(),
              node,
              other);
          continue;
        }
        peers.put(other, ip);
      }
    }
    peers.putAll(edges);
    publish(peers);
  }

  private void publish(Map<String, String> peers) {
    if (!peers.equals(last)) {
      last = peers;
      LOG.info("overlay neighbours of {}: {}", node, peers);
      apply.accept(peers);
    }
  }

  @Override
  public void close() {
    starter.interrupt();
    disconnect();
  }
}
