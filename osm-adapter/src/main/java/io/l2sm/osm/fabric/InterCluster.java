package io.l2sm.osm.fabric;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.l2sm.api.grpc.ControllerClient;
import io.l2sm.api.grpc.v1.Switch;
import io.l2sm.api.grpc.v1.TunnelPort;
import io.l2sm.api.k8s.Conditions;
import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.api.v1.NetworkEdgeDevice;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Services whose endpoints are edge-device ports (what a WIM port mapping names: one per cluster):
 * each becomes an inter-cluster network, an L2S-M NAD with the edge device's provider in every
 * cluster it spans, which the clusters' operators join to the IDCO. An endpoint is the port of an
 * edge device (a switch registered with the IDCO's controller) whose tunnel leads to its cluster's
 * gateway; the tunnel's peer names the cluster.
 */
final class InterCluster implements AutoCloseable {
  static final String MANAGED_BY = "l2sm.l2sm.k8s.local/managed-by";
  static final String ADAPTER = "l2sm-osm-adapter";
  static final String SERVICE = "l2sm.l2sm.k8s.local/osm-service";

  /** An edge-device port: its device, and the cluster its tunnel leads to. */
  record EdgePort(String device, String cluster) {}

  private final Map<String, KubernetesClient> clusters;
  private final ControllerClient idco;
  private final String namespace;
  private final Duration deadline;

  /**
   * @param idco the IDCO's controller, closed with this object
   */
  InterCluster(
      Map<String, KubernetesClient> clusters,
      ControllerClient idco,
      String namespace,
      Duration deadline) {
    this.clusters = clusters;
    this.idco = idco;
    this.namespace = namespace;
    this.deadline = deadline;
  }

  /** The NAD (and L2Network) name of a service in the clusters: a DNS label. */
  static String k8sName(String service) {
    String lower = service.toLowerCase(Locale.ROOT);
    String clean =
        lower.replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
    String name = "osm-" + clean;
    if (name.equals("osm-" + service) && name.length() <= 63) {
      return name;
    }
    if (name.length() > 54) {
      name = name.substring(0, 54).replaceAll("-$", "");
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(service.getBytes(StandardCharsets.UTF_8));
      return name + "-" + HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The edge port an endpoint names, or null when no edge device has that datapath id. */
  EdgePort edgePort(Endpoint e, Map<String, String> problems) {
    List<Switch> switches;
    try {
      switches = idco.within(deadline).status().getSwitchesList();
    } catch (ControllerClient.CallException ex) {
      throw new FabricException("IDCO controller: " + ex.code(), ex);
    }
    for (Switch s : switches) {
      if (s.getDpid() != e.dpid()) {
        continue;
      }
      for (TunnelPort t : s.getTunnelsList()) {
        if (t.getPort() == e.port() && clusters.containsKey(t.getPeerNode())) {
          return new EdgePort(s.getNode(), t.getPeerNode());
        }
      }
      problems.put(
          e.toString(),
          "port "
              + e.port()
              + " of edge device "
              + s.getNode()
              + " is not its tunnel to a cluster of this adapter ("
              + String.join(", ", clusters.keySet())
              + ")");
      return new EdgePort(s.getNode(), null);
    }
    return null;
  }

  /**
   * Makes the service's NAD exist in exactly these clusters; reports whether every cluster's
   * network is Ready (pending otherwise) and its VNI.
   */
  Fabric.Outcome apply(
      String service, Map<String, EdgePort> byCluster, Map<String, String> problems) {
    String name = k8sName(service);
    boolean pending = false;
    int vni = 0;
    for (Map.Entry<String, KubernetesClient> c : clusters.entrySet()) {
      KubernetesClient k = c.getValue();
      EdgePort port = byCluster.get(c.getKey());
      try {
        if (port == null) {
          NetworkAttachmentDefinition old =
              k.resources(NetworkAttachmentDefinition.class)
                  .inNamespace(namespace)
                  .withName(name)
                  .get();
          if (old != null && ADAPTER.equals(old.getMetadata().getLabels().get(MANAGED_BY))) {
            k.resource(old).delete();
          }
          continue;
        }
        NetworkEdgeDevice ned =
            k.resources(NetworkEdgeDevice.class).inAnyNamespace().list().getItems().stream()
                .filter(d -> d.getMetadata().getName().equals(port.device()))
                .findFirst()
                .orElse(null);
        if (ned == null || ned.getSpec().getProvider() == null) {
          problems.put(
              c.getKey(),
              "cluster "
                  + c.getKey()
                  + " has no NetworkEdgeDevice "
                  + port.device()
                  + " with a provider");
          continue;
        }
        if (k.resources(NetworkAttachmentDefinition.class)
                .inNamespace(namespace)
                .withName(name)
                .get()
            == null) {
          NetworkAttachmentDefinition nad = new NetworkAttachmentDefinition();
          nad.getMetadata().setName(name);
          nad.getMetadata().setNamespace(namespace);
          nad.getMetadata().setLabels(Map.of(MANAGED_BY, ADAPTER));
          nad.getMetadata().setAnnotations(Map.of(SERVICE, service));
          nad.getSpec()
              .setConfig(
                  "{\"cniVersion\":\"1.0.0\",\"name\":\""
                      + name
                      + "\",\"type\":\"l2sm\",\"device\":\"l2sm-vNet\",\"kind\":\"vnet\","
                      + "\"provider\":{\"name\":\""
                      + ned.getSpec().getProvider().name()
                      + "\"}}");
          k.resource(nad).create();
        }
        L2Network net = k.resources(L2Network.class).inNamespace(namespace).withName(name).get();
        var ready =
            net == null || net.getStatus() == null
                ? null
                : Conditions.find(net.getStatus().getConditions(), "Ready");
        if (ready == null || !"True".equals(ready.getStatus())) {
          pending = true;
          problems.put(
              c.getKey(),
              "cluster "
                  + c.getKey()
                  + ": network "
                  + namespace
                  + "/"
                  + name
                  + " not Ready yet"
                  + (ready == null
                      ? ""
                      : " (" + ready.getReason() + ": " + ready.getMessage() + ")"));
        } else if (net.getStatus().getVni() != null) {
          vni = net.getStatus().getVni();
        }
      } catch (KubernetesClientException e) {
        pending = true;
        problems.put(c.getKey(), "cluster " + c.getKey() + ": " + e.getMessage());
      }
    }
    return new Fabric.Outcome(String.join("+", byCluster.keySet()), vni, problems, pending);
  }

  /** Removes the service's NADs from every cluster. */
  void remove(String service) {
    String name = k8sName(service);
    for (Map.Entry<String, KubernetesClient> c : clusters.entrySet()) {
      try {
        NetworkAttachmentDefinition old =
            c.getValue()
                .resources(NetworkAttachmentDefinition.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
        if (old != null && ADAPTER.equals(old.getMetadata().getLabels().get(MANAGED_BY))) {
          c.getValue().resource(old).delete();
        }
      } catch (KubernetesClientException e) {
        throw new FabricException(
            "cluster " + c.getKey() + ": removing " + name + ": " + e.getMessage(), e);
      }
    }
  }

  /** Handles of the adapter's NADs: {@code nad/<cluster>/<name>}. */
  List<String> networks() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, KubernetesClient> c : clusters.entrySet()) {
      for (NetworkAttachmentDefinition n :
          c.getValue()
              .resources(NetworkAttachmentDefinition.class)
              .inNamespace(namespace)
              .withLabel(MANAGED_BY, ADAPTER)
              .list()
              .getItems()) {
        out.add("nad/" + c.getKey() + "/" + n.getMetadata().getName());
      }
    }
    return out;
  }

  void drop(String handle) {
    String[] p = handle.split("/", 3);
    KubernetesClient k = clusters.get(p[1]);
    if (k != null) {
      k.resources(NetworkAttachmentDefinition.class).inNamespace(namespace).withName(p[2]).delete();
    }
  }

  Map<String, String> describeClusters() {
    Map<String, String> out = new TreeMap<>();
    clusters.keySet().forEach(c -> out.put(c, "namespace " + namespace));
    return out;
  }

  static Map<String, EdgePort> byCluster(Map<Endpoint, EdgePort> ports) {
    Map<String, EdgePort> out = new LinkedHashMap<>();
    ports.values().forEach(p -> out.put(p.cluster(), p));
    return out;
  }

  @Override
  public void close() {
    idco.close();
    clusters.values().forEach(KubernetesClient::close);
  }
}
