package io.l2sm.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.l2sm.api.grpc.ControllerClient;
import io.l2sm.api.k8s.Conditions;
import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.L2NetworkSpec;
import io.l2sm.api.v1.L2NetworkStatus;
import io.l2sm.api.v1.L2smNetConfig;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.api.v1.NetworkEdgeDevice;
import io.l2sm.api.v1.NetworkKind;
import io.l2sm.api.v1.ProviderSpec;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps L2S-M networks in step: each L2S-M NetworkAttachmentDefinition (config with {@code
 * "device": "l2sm-vNet"}) and the {@link L2Network} of the same namespace and name exist together,
 * whichever the user created; the controller holds the network under {@code <namespace>/<name>}
 * with the VNI recorded in the L2Network's status; a network is deleted only once no pod is
 * attached (finalizer), with the reason in its status and an Event meanwhile. All state lives in
 * the Kubernetes API, so a restarted operator converges to the same result.
 */
public final class NetworkReconciler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkReconciler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Held on every L2Network until its network is gone from the controller. */
  public static final String FINALIZER = "l2sm.l2sm.k8s.local/network";

  /** On an object the operator made from its twin: which kind the user created. */
  public static final String CREATED_FROM = "l2sm.l2sm.k8s.local/created-from";

  /** The field of an L2S-M CNI config that names the network in the controller. */
  public static final String CONFIG_NETWORK = L2smNetConfig.NETWORK_FIELD;

  /** The field of an L2S-M CNI config listing the other namespaces whose pods may join. */
  public static final String CONFIG_SHARED_WITH = L2smNetConfig.SHARED_WITH_FIELD;

  /**
   * Annotation on a NAD or an L2Network: the other namespaces whose pods may use the network,
   * comma-separated, or {@code *} for all. Without it only the network's own namespace may.
   */
  public static final String SHARED_WITH = "l2sm.l2sm.k8s.local/shared-with";

  static final long RESYNC_MS = 5_000;
  static final long HELD_RETRY_MS = 1_000;
  static final java.time.Duration CONTROLLER_DEADLINE = java.time.Duration.ofSeconds(15);

  private final KubernetesClient client;
  private final ControllerClient controller;
  private final EventRecorder events;
  private final WorkQueue queue;
  private SharedIndexInformer<NetworkAttachmentDefinition> nads;
  private SharedIndexInformer<L2Network> networks;
  private SharedIndexInformer<NetworkEdgeDevice> edgeDevices;
  private final ProviderClient providers;

  public NetworkReconciler(KubernetesClient client, ControllerClient controller) {
    this(client, controller, null);
  }

  /**
   * @param providers the client of inter-domain providers, or null when the operator has no
   *     provider token (inter-cluster networks are then refused with a reason)
   */
  public NetworkReconciler(
      KubernetesClient client, ControllerClient controller, ProviderClient providers) {
    this.client = client;
    // Calls wait for a controller that is restarting rather than fail at once.
    this.controller = controller.patient(CONTROLLER_DEADLINE);
    this.providers = providers;
    this.events = new EventRecorder(client, "l2sm-operator");
    this.queue = new WorkQueue("network-reconciler", "network", this::reconcile);
  }

  private java.util.Map<String, SharedIndexInformer<?>> informers() {
    java.util.Map<String, SharedIndexInformer<?>> m = new java.util.TreeMap<>();
    m.put("NADs", nads);
    m.put("L2Networks", networks);
    m.put("NetworkEdgeDevices", edgeDevices);
    return m;
  }

  /** Why the reconciler does not work (an informer stopped watching); null while it does. */
  public String notLive() {
    return InformerHealth.stopped(informers());
  }

  /** What the reconciler waits for (an informer's first list); null once it works. */
  public String notReady() {
    return InformerHealth.unsynced(informers());
  }

  /** Starts the informers (all namespaces) and waits for their first sync. */
  public void start() {
    ResourceEventHandler<io.fabric8.kubernetes.api.model.HasMetadata> enqueue =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(io.fabric8.kubernetes.api.model.HasMetadata o) {
            queue.add(Cache.metaNamespaceKeyFunc(o));
          }

          @Override
          public void onUpdate(
              io.fabric8.kubernetes.api.model.HasMetadata a,
              io.fabric8.kubernetes.api.model.HasMetadata b) {
            String key = Cache.metaNamespaceKeyFunc(b);
            if (java.util.Objects.equals(
                a.getMetadata().getResourceVersion(), b.getMetadata().getResourceVersion())) {
              queue.addLow(key); // a periodic resync: refreshes connectedPodCount
            } else {
              queue.add(key);
            }
          }

          @Override
          public void onDelete(io.fabric8.kubernetes.api.model.HasMetadata o, boolean unknown) {
            queue.add(Cache.metaNamespaceKeyFunc(o));
          }
        };
    nads =
        client
            .resources(NetworkAttachmentDefinition.class)
            .inAnyNamespace()
            .inform(cast(enqueue), RESYNC_MS);
    networks = client.resources(L2Network.class).inAnyNamespace().inform(cast(enqueue), RESYNC_MS);
    // An edge device that appears or changes concerns every inter-cluster network.
    ResourceEventHandler<NetworkEdgeDevice> providerNetworks =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(NetworkEdgeDevice d) {
            requeueInterCluster();
          }

          @Override
          public void onUpdate(NetworkEdgeDevice a, NetworkEdgeDevice b) {
            if (!java.util.Objects.equals(
                a.getMetadata().getResourceVersion(), b.getMetadata().getResourceVersion())) {
              requeueInterCluster();
            }
          }

          @Override
          public void onDelete(NetworkEdgeDevice d, boolean unknown) {
            requeueInterCluster();
          }
        };
    edgeDevices =
        client
            .resources(NetworkEdgeDevice.class)
            .inAnyNamespace()
            .inform(providerNetworks, RESYNC_MS);
    queue.open();
  }

  private void requeueInterCluster() {
    if (networks == null) {
      return;
    }
    for (L2Network n : networks.getStore().list()) {
      if (n.getSpec() != null && n.getSpec().getProvider() != null) {
        queue.add(Cache.metaNamespaceKeyFunc(n));
      }
    }
  }

  /** The edge device of a provider in this cluster, or null. */
  private NetworkEdgeDevice edgeDevice(String provider) {
    if (edgeDevices == null) {
      return null;
    }
    return edgeDevices.getStore().list().stream()
        .filter(
            d ->
                d.getSpec().getProvider() != null
                    && provider.equals(d.getSpec().getProvider().name()))
        .sorted(java.util.Comparator.comparing(d -> d.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  /** How an inter-cluster network is joined: at which provider, under which cluster name. */
  private record Crossing(String url, String cluster, String edgeDevice) {}

  /** The crossing of an inter-cluster network, or a reason it has none (a Ready=False). */
  private Crossing crossing(L2Network net) {
    ProviderSpec provider = net.getSpec().getProvider();
    NetworkEdgeDevice ned = edgeDevice(provider.name());
    if (ned == null) {
      throw new NotReady(
          "NoEdgeDevice",
          "no NetworkEdgeDevice of provider "
              + provider.name()
              + " in the cluster: an inter-cluster network crosses one");
    }
    String url =
        !provider.domain().isEmpty()
            ? provider.domain().get(0)
            : ned.getSpec().getProvider().domain().isEmpty()
                ? null
                : ned.getSpec().getProvider().domain().get(0);
    if (url == null) {
      throw new NotReady(
          "UnknownProvider",
          "provider "
              + provider.name()
              + " has no address (provider.domain) here or in its edge device");
    }
    if (providers == null) {
      throw new NotReady(
          "UnknownProvider",
          "the operator has no provider token (--provider-token-file): it cannot join provider "
              + provider.name());
    }
    String cluster = ned.getSpec().getClusterName();
    if (cluster == null || cluster.isBlank()) {
      throw new NotReady(
          "InvalidEdgeDevice",
          "NetworkEdgeDevice " + ned.getMetadata().getName() + " has no spec.clusterName");
    }
    return new Crossing(url, cluster, ned.getMetadata().getName());
  }

  /** A reason the network cannot be Ready yet. */
  private static final class NotReady extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String reason;

    NotReady(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> ResourceEventHandler<T> cast(ResourceEventHandler h) {
    return h;
  }

  /** Reconciles one {@code namespace/name}. */
  void reconcile(String key) {
    String[] nsName = key.split("/", 2);
    String ns = nsName[0];
    String name = nsName[1];
    NetworkAttachmentDefinition nad = nads.getStore().getByKey(key);
    L2Network net = networks.getStore().getByKey(key);
    Optional<ObjectNode> config = nad == null ? Optional.empty() : l2smConfig(nad);
    // Each step continues with the object it just wrote rather than waiting for the informer
    // to bring it back: a network is Ready in one pass.
    if (net == null) {
      if (config.isEmpty()) {
        controller.deleteNetworkIfExists(key);
        return;
      }
      net = createFromNad(nad, config.get());
      if (net == null) {
        return;
      }
    }
    if (net.isMarkedForDeletion()) {
      finishDeletion(key, net, nad);
      return;
    }
    if (nad == null) {
      if ("NetworkAttachmentDefinition".equals(annotation(net, CREATED_FROM))) {
        LOG.info("NAD {} was deleted: deleting its L2Network", key);
        client.resources(L2Network.class).inNamespace(ns).withName(name).delete();
        return;
      }
      nad = createNad(net);
      config = l2smConfig(nad);
    }
    if (config.isEmpty()) {
      setReady(
          net,
          false,
          "NameConflict",
          "NetworkAttachmentDefinition " + key + " exists and is not an L2S-M network",
          null);
      return;
    }
    if (!net.hasFinalizer(FINALIZER)) {
      net =
          client
              .resources(L2Network.class)
              .inNamespace(ns)
              .withName(name)
              .edit(
                  n -> {
                    n.addFinalizer(FINALIZER);
                    return n;
                  });
    }
    String problem = configProblem(config.get());
    if (problem != null) {
      setReady(net, false, "InvalidConfig", problem, null);
      return;
    }
    // The CNI plugin learns from the NAD's config the controller's name of the network and
    // which other namespaces' pods may join it.
    ObjectNode fixed = config.get().deepCopy();
    fixed.put(CONFIG_NETWORK, key);
    List<String> shared = sharedWith(nad, net);
    if (shared.isEmpty()) {
      fixed.remove(CONFIG_SHARED_WITH);
    } else {
      com.fasterxml.jackson.databind.node.ArrayNode a = fixed.putArray(CONFIG_SHARED_WITH);
      shared.forEach(a::add);
    }
    if (!fixed.equals(config.get())) {
      client
          .resources(NetworkAttachmentDefinition.class)
          .inNamespace(ns)
          .withName(name)
          .edit(
              n -> {
                n.getSpec().setConfig(fixed.toString());
                return n;
              });
    }
    NetworkKind kind = net.getSpec().getType();
    if (kind == null) {
      setReady(net, false, "InvalidSpec", "spec.type must be vnet, vlink or ext-vnet", null);
      return;
    }
    Integer recorded = net.getStatus() == null ? null : net.getStatus().getVni();
    int wanted = recorded == null ? 0 : recorded;
    // An inter-cluster network: the provider gives the VNI, the same in every member cluster.
    Crossing crossing = null;
    ProviderClient.Membership membership = null;
    if (net.getSpec().getProvider() != null && net.getSpec().getProvider().name() != null) {
      try {
        crossing = crossing(net);
        long t0 = System.nanoTime();
        membership = providers.join(crossing.url(), name, crossing.cluster(), kind);
        LOG.debug(
            "network {} joined at provider {} as cluster {}: VNI {} ({} ms)",
            key,
            crossing.url(),
            crossing.cluster(),
            membership.vni(),
            (System.nanoTime() - t0) / 1_000_000);
      } catch (NotReady e) {
        setReady(net, false, e.reason, e.getMessage(), null);
        return;
      } catch (ProviderClient.ProviderException e) {
        boolean unreachable = e.status() == 0 || e.status() >= 500;
        setReady(
            net,
            false,
            unreachable ? "ProviderUnreachable" : "ProviderRefused",
            e.getMessage(),
            s -> s.setProviderConnectivity("Unavailable"));
        if (unreachable) {
          throw e; // tried again later, waiting longer each time
        }
        return;
      }
      wanted = membership.vni();
    }
    int vni;
    try {
      vni =
          controller
              .createNetwork(
                  io.l2sm.api.grpc.v1.CreateNetworkRequest.newBuilder()
                      .setName(key)
                      .setKind(
                          kind == NetworkKind.VLINK
                              ? io.l2sm.api.grpc.v1.NetworkKind.VLINK
                              : io.l2sm.api.grpc.v1.NetworkKind.VNET)
                      .setVni(wanted)
                      .setCidr(Objects.requireNonNullElse(net.getSpec().getNetworkCIDR(), ""))
                      .setRange(Objects.requireNonNullElse(net.getSpec().getPodAddressRange(), ""))
                      .build())
              .getVni();
      if (crossing != null) {
        controller.setEdges(key, List.of(crossing.edgeDevice()));
      }
    } catch (ControllerClient.CallException e) {
      if (e.unanswered()) {
        throw e;
      }
      setReady(net, false, "ControllerRefused", e.description(), null);
      return;
    }
    int pods = attachments(key);
    String joined =
        membership == null
            ? ""
            : ", across clusters "
                + membership.clusters()
                + " through "
                + crossing.edgeDevice()
                + " (connected now: "
                + membership.connectedClusters()
                + ")";
    String providerState =
        membership == null
            ? null
            : membership.connectedClusters().contains(crossing.cluster())
                    && membership.connectedClusters().size() >= 2
                ? "Available"
                : "Unavailable";
    setReady(
        net,
        true,
        "NetworkReady",
        "network " + key + " has VNI " + vni + joined,
        s -> {
          s.setVni(vni);
          s.setConnectedPodCount(pods);
          s.setInternalConnectivity("Available");
          s.setProviderConnectivity(providerState);
        });
  }

  /** The network's attachments as the controller counts them; 0 when it has no such network. */
  private int attachments(String key) {
    return controller.network(key).map(io.l2sm.api.grpc.v1.Network::getAttachmentsCount).orElse(0);
  }

  private void finishDeletion(String key, L2Network net, NetworkAttachmentDefinition nad) {
    int pods = attachments(key);
    if (pods > 0) {
      String message = pods + " pod attachment(s) remain; the network is deleted once they detach";
      boolean changed =
          setReady(
              net, false, "DeletionHeldPodsAttached", message, s -> s.setConnectedPodCount(pods));
      if (changed) {
        events.emit(net, true, "DeletionHeld", message);
      }
      queue.addAfter(key, HELD_RETRY_MS);
      return;
    }
    if (net.getSpec() != null
        && net.getSpec().getProvider() != null
        && net.getSpec().getProvider().name() != null) {
      try {
        Crossing c = crossing(net);
        providers.leave(c.url(), net.getMetadata().getName(), c.cluster());
      } catch (RuntimeException e) {
        // The network goes here all the same; the provider keeps this cluster as a member that
        // no edge device serves until it is told again.
        events.emit(net, true, "ProviderLeaveFailed", e.getMessage());
      }
    }
    controller.deleteNetworkIfExists(key);
    if (nad != null && l2smConfig(nad).isPresent()) {
      client
          .resources(NetworkAttachmentDefinition.class)
          .inNamespace(nad.getMetadata().getNamespace())
          .withName(nad.getMetadata().getName())
          .delete();
    }
    if (net.hasFinalizer(FINALIZER)) {
      try {
        client
            .resources(L2Network.class)
            .inNamespace(net.getMetadata().getNamespace())
            .withName(net.getMetadata().getName())
            .edit(
                n -> {
                  n.removeFinalizer(FINALIZER);
                  return n;
                });
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
        // The informer's copy was stale: the finalizer is already gone, and so is the network.
        return;
      }
    }
    LOG.info("network {} deleted", key);
  }

  private L2Network createFromNad(NetworkAttachmentDefinition nad, ObjectNode config) {
    String problem = configProblem(config);
    if (problem != null) {
      events.emit(nad, true, "InvalidConfig", problem);
      return null;
    }
    L2Network net = new L2Network();
    net.getMetadata().setNamespace(nad.getMetadata().getNamespace());
    net.getMetadata().setName(nad.getMetadata().getName());
    net.getMetadata().setAnnotations(Map.of(CREATED_FROM, "NetworkAttachmentDefinition"));
    net.getMetadata().setFinalizers(List.of(FINALIZER));
    L2NetworkSpec spec = new L2NetworkSpec();
    spec.setType(NetworkKind.fromWireName(config.path("kind").asText("vnet")).orElseThrow());
    spec.setProvider(provider(config));
    net.setSpec(spec);
    L2Network made =
        client
            .resources(L2Network.class)
            .inNamespace(net.getMetadata().getNamespace())
            .resource(net)
            .create();
    LOG.info(
        "L2Network {}/{} created from its NAD",
        net.getMetadata().getNamespace(),
        net.getMetadata().getName());
    return made;
  }

  private NetworkAttachmentDefinition createNad(L2Network net) {
    String ns = net.getMetadata().getNamespace();
    String name = net.getMetadata().getName();
    NetworkKind kind = net.getSpec().getType() == null ? NetworkKind.VNET : net.getSpec().getType();
    ObjectNode config =
        (ObjectNode)
            readTree(
                L2smNetConfig.of(name, kind).withProvider(net.getSpec().getProvider()).toJson());
    config.put(CONFIG_NETWORK, ns + "/" + name);
    NetworkAttachmentDefinition nad = new NetworkAttachmentDefinition();
    nad.getMetadata().setNamespace(ns);
    nad.getMetadata().setName(name);
    nad.getMetadata().setAnnotations(Map.of(CREATED_FROM, "L2Network"));
    nad.getSpec().setConfig(config.toString());
    NetworkAttachmentDefinition made =
        client.resources(NetworkAttachmentDefinition.class).inNamespace(ns).resource(nad).create();
    LOG.info("NAD {}/{} created from its L2Network", ns, name);
    return made;
  }

  /** The NAD's config if it is an L2S-M network's, else empty (plain Multus, left alone). */
  static Optional<ObjectNode> l2smConfig(NetworkAttachmentDefinition nad) {
    String text = nad.getSpec() == null ? null : nad.getSpec().getConfig();
    if (text == null) {
      return Optional.empty();
    }
    JsonNode n = readTree(text);
    if (n instanceof ObjectNode o && L2smNetConfig.DEVICE.equals(o.path("device").asText())) {
      return Optional.of(o);
    }
    return Optional.empty();
  }

  /**
   * The config's provider, or null: {@code {"name": N, "domain": [URL...]}}; a single domain string
   * is taken too (upstream before its domain became a list).
   */
  static ProviderSpec provider(ObjectNode config) {
    JsonNode p = config.path("provider");
    if (!p.isObject() || !p.path("name").isTextual()) {
      return null;
    }
    List<String> domain = new ArrayList<>();
    JsonNode d = p.path("domain");
    if (d.isTextual()) {
      domain.add(d.asText());
    } else {
      d.forEach(x -> domain.add(x.asText()));
    }
    return new ProviderSpec(p.path("name").asText(), domain);
  }

  /** What is wrong with an L2S-M NAD config, or null. */
  static String configProblem(ObjectNode config) {
    JsonNode provider = config.path("provider");
    if (!provider.isMissingNode()
        && !provider.isNull()
        && (!provider.isObject()
            || !provider.path("name").isTextual()
            || provider.path("name").asText().isBlank())) {
      return "provider must be an object with a name, like {\"name\": \"idco\"}";
    }
    String kind = config.path("kind").asText("vnet");
    if (NetworkKind.fromWireName(kind).isEmpty()) {
      return "unknown network kind '" + kind + "' (expected vnet, vlink or ext-vnet)";
    }
    JsonNode mtu = config.get("mtu");
    if (mtu != null && (!mtu.canConvertToInt() || mtu.asInt() < 576 || mtu.asInt() > 9000)) {
      return "mtu " + mtu + " is not a number in 576-9000";
    }
    return null;
  }

  private static JsonNode readTree(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.nullNode();
    }
  }

  /** The namespaces a network is shared with, from its NAD's and its L2Network's annotation. */
  private static List<String> sharedWith(NetworkAttachmentDefinition nad, L2Network net) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (io.fabric8.kubernetes.api.model.HasMetadata o : List.of(nad, net)) {
      Map<String, String> a = o.getMetadata().getAnnotations();
      String v = a == null ? null : a.get(SHARED_WITH);
      if (v != null) {
        for (String ns : v.split(",")) {
          if (!ns.isBlank()) {
            out.add(ns.strip());
          }
        }
      }
    }
    return List.copyOf(out);
  }

  private static String annotation(L2Network net, String key) {
    Map<String, String> a = net.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  /** Writes the Ready condition and status fields if anything changed; returns whether it did. */
  private boolean setReady(
      L2Network net,
      boolean ready,
      String reason,
      String message,
      java.util.function.Consumer<L2NetworkStatus> fields) {
    L2NetworkStatus status =
        net.getStatus() == null ? new L2NetworkStatus() : copy(net.getStatus());
    if (fields != null) {
      fields.accept(status);
    }
    if (!ready) {
      status.setInternalConnectivity(
          reason.startsWith("Deletion") ? status.getInternalConnectivity() : "Unavailable");
    }
    status.setObservedGeneration(net.getMetadata().getGeneration());
    List<Condition> conditions = new ArrayList<>();
    Condition old = Conditions.find(status.getConditions(), "Ready");
    String state = ready ? "True" : "False";
    boolean sameCondition =
        old != null
            && state.equals(old.getStatus())
            && reason.equals(old.getReason())
            && message.equals(old.getMessage());
    conditions.add(
        new ConditionBuilder()
            .withType("Ready")
            .withStatus(state)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(net.getMetadata().getGeneration())
            .withLastTransitionTime(
                sameCondition ? old.getLastTransitionTime() : Instant.now().toString())
            .build());
    status.getConditions().stream()
        .filter(c -> !"Ready".equals(c.getType()))
        .forEach(conditions::add);
    status.setConditions(conditions);
    if (net.getStatus() != null
        && JSON.valueToTree(net.getStatus()).equals(JSON.valueToTree(status))) {
      return false;
    }
    L2Network update = new L2Network();
    update.setMetadata(net.getMetadata());
    update.setSpec(net.getSpec());
    update.setStatus(status);
    client
        .resources(L2Network.class)
        .inNamespace(net.getMetadata().getNamespace())
        .resource(update)
        .updateStatus();
    if (!sameCondition) {
      LOG.info(
          "network {}/{}: Ready={} {}: {}",
          net.getMetadata().getNamespace(),
          net.getMetadata().getName(),
          state,
          reason,
          message);
    }
    return !sameCondition;
  }

  private static L2NetworkStatus copy(L2NetworkStatus s) {
    return JSON.convertValue(JSON.valueToTree(s), L2NetworkStatus.class);
  }

  @Override
  public void close() {
    queue.close();
    if (edgeDevices != null) {
      edgeDevices.close();
    }
    if (nads != null) {
      nads.close();
    }
    if (networks != null) {
      networks.close();
    }
  }
}
