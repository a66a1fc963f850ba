package io.l2sm.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.l2sm.api.k8s.Conditions;
import io.l2sm.api.v1.Annotations;
import io.l2sm.api.v1.Overlay;
import io.l2sm.api.v1.OverlaySpec;
import io.l2sm.api.v1.OverlayStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each {@link Overlay} and reports it in its status: node and link counts, and a Ready
 * condition that says whether every link joins two distinct listed nodes that exist in the cluster.
 * The node agents apply Overlays themselves; this is what a user reads.
 *
 * <p>A cluster without an Overlay of its own gets a default one, {@value #DEFAULT_NAME}: a full
 * mesh over all its Nodes, kept in step as Nodes come and go, and removed as soon as a user creates
 * an Overlay. It carries the annotation {@value #MANAGED_BY}={@value #OPERATOR}.
 */
public final class OverlayReconciler implements AutoCloseable {
  public static final String DEFAULT_NAME = "l2sm-default";
  public static final String MANAGED_BY = "l2sm.l2sm.k8s.local/managed-by";
  public static final String OPERATOR = "l2sm-operator";
  private static final Logger LOG = LoggerFactory.getLogger(OverlayReconciler.class);
  // Not a namespace/name: the queue key of the default overlay's upkeep.
  private static final String DEFAULT_KEY = "*default";

  private final KubernetesClient client;
  private final String defaultNamespace;
  private final WorkQueue queue;
  private SharedIndexInformer<Overlay> overlays;
  private SharedIndexInformer<Node> nodes;

  /** With the default Overlay in namespace {@code default}. */
  public OverlayReconciler(KubernetesClient client) {
    this(client, "default");
  }

  public OverlayReconciler(KubernetesClient client, String defaultNamespace) {
    this.client = client;
    this.defaultNamespace = defaultNamespace;
    this.queue = new WorkQueue("overlay-reconciler", "overlay", this::work);
  }

  private void work(String key) {
    if (DEFAULT_KEY.equals(key)) {
      keepDefault();
    } else {
      reconcile(key);
    }
  }

  private java.util.Map<String, SharedIndexInformer<?>> informers() {
    java.util.Map<String, SharedIndexInformer<?>> m = new java.util.TreeMap<>();
    m.put("Overlays", overlays);
    m.put("Nodes", nodes);
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

  public void start() {
    overlays =
        client
            .resources(Overlay.class)
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Overlay o) {
                    queue.add(key(o));
                    queue.add(DEFAULT_KEY);
                  }

                  @Override
                  public void onUpdate(Overlay a, Overlay b) {
                    queue.add(key(b));
                    if (isDefault(b)) {
                      queue.add(DEFAULT_KEY); // an edit of the default is undone
                    }
                  }

                  @Override
                  public void onDelete(Overlay o, boolean unknown) {
                    queue.add(DEFAULT_KEY);
                  }
                },
                NetworkReconciler.RESYNC_MS);
    nodes =
        client
            .nodes()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Node n) {
                    all();
                  }

                  @Override
                  public void onUpdate(Node a, Node b) {
                    if (isEdgeDevice(a) != isEdgeDevice(b)) {
                      all();
                    }
                  }

                  @Override
                  public void onDelete(Node n, boolean unknown) {
                    all();
                  }
                },
                NetworkReconciler.RESYNC_MS);
    all();
    queue.open();
  }

  private static String key(Overlay o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private void all() {
    if (overlays != null) {
      overlays.getStore().list().forEach(o -> queue.add(key(o)));
    }
    queue.add(DEFAULT_KEY);
  }

  static boolean isDefault(Overlay o) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a != null && OPERATOR.equals(a.get(MANAGED_BY));
  }

  /** Whether a node is an edge device's, which the cluster's overlay leaves out. */
  static boolean isEdgeDevice(Node n) {
    Map<String, String> labels = n.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(Annotations.EDGE_DEVICE_NODE_LABEL));
  }

  /** The default topology: every pair of nodes linked, in name order. */
  static OverlaySpec.Topology mesh(List<String> nodeNames) {
    List<String> sorted = nodeNames.stream().sorted().toList();
    OverlaySpec.Topology t = new OverlaySpec.Topology();
    t.setNodes(new ArrayList<>(sorted));
    List<OverlaySpec.Link> links = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size(); j++) {
        links.add(new OverlaySpec.Link(sorted.get(i), sorted.get(j)));
      }
    }
    t.setLinks(links);
    return t;
  }

  /** Creates, updates or removes the default Overlay. */
  private void keepDefault() {
    if (overlays == null || nodes == null) {
      return;
    }
    List<Overlay> all = overlays.getStore().list();
    List<Overlay> defaults = all.stream().filter(OverlayReconciler::isDefault).toList();
    if (defaults.size() < all.size()) {
      for (Overlay d : defaults) {
        LOG.info("an Overlay of the user's exists: removing the default overlay");
        client.resource(d).delete();
      }
      return;
    }
    OverlaySpec.Topology want =
        mesh(
            nodes.getStore().list().stream()
                .filter(n -> !isEdgeDevice(n))
                .map(n -> n.getMetadata().getName())
                .toList());
    Overlay current =
        defaults.stream()
            .filter(
                o ->
                    DEFAULT_NAME.equals(o.getMetadata().getName())
                        && defaultNamespace.equals(o.getMetadata().getNamespace()))
            .findFirst()
            .orElse(null);
    if (current == null) {
      Overlay o = new Overlay();
      o.getMetadata().setNamespace(defaultNamespace);
      o.getMetadata().setName(DEFAULT_NAME);
      o.getMetadata().setAnnotations(Map.of(MANAGED_BY, OPERATOR));
      o.getSpec().setTopology(want);
      client.resources(Overlay.class).inNamespace(defaultNamespace).resource(o).create();
      LOG.info(
          "no Overlay in the cluster: created {}/{}, a full mesh of {} node(s)",
          defaultNamespace,
          DEFAULT_NAME,
          want.getNodes().size());
    } else if (!sameTopology(current.getSpec().getTopology(), want)) {
      client
          .resources(Overlay.class)
          .inNamespace(defaultNamespace)
          .withName(DEFAULT_NAME)
          .edit(
              o -> {
                o.getSpec().setTopology(want);
                return o;
              });
      LOG.info("default overlay now meshes {} node(s)", want.getNodes().size());
    }
  }

  private static boolean sameTopology(OverlaySpec.Topology a, OverlaySpec.Topology b) {
    if (!a.getNodes().equals(b.getNodes()) || a.getLinks().size() != b.getLinks().size()) {
      return false;
    }
    for (int i = 0; i < a.getLinks().size(); i++) {
      OverlaySpec.Link x = a.getLinks().get(i);
      OverlaySpec.Link y = b.getLinks().get(i);
      if (!java.util.Objects.equals(x.getEndpointA(), y.getEndpointA())
          || !java.util.Objects.equals(x.getEndpointB(), y.getEndpointB())) {
        return false;
      }
    }
    return true;
  }

  void reconcile(String key) {
    Overlay o = overlays.getStore().getByKey(key);
    if (o == null) {
      return;
    }
    OverlaySpec.Topology t = o.getSpec().getTopology();
    Set<String> listed = new HashSet<>(t.getNodes());
    Set<String> existing = new HashSet<>();
    nodes.getStore().list().forEach(n -> existing.add(n.getMetadata().getName()));
    String reason = "Valid";
    String message = t.getLinks().size() + " link(s) between " + listed.size() + " node(s)";
    for (OverlaySpec.Link l : t.getLinks()) {
      String a = l.getEndpointA();
      String b = l.getEndpointB();
      if (a == null || b == null || a.equals(b)) {
        reason = "InvalidLink";
        message = "link " + a + "~" + b + " must join two different nodes";
        break;
      }
      if (!listed.contains(a) || !listed.contains(b)) {
        reason = "UnknownNode";
        message = "link " + a + "~" + b + " names a node not in spec.topology.nodes";
        break;
      }
    }
    if (reason.equals("Valid")) {
      for (String n : t.getNodes()) {
        if (!existing.contains(n)) {
          reason = "NodeNotFound";
          message = "node " + n + " is not in the cluster (no Node object)";
          break;
        }
      }
    }
    OverlayStatus status = new OverlayStatus();
    status.setObservedGeneration(o.getMetadata().getGeneration());
    status.setNodeCount(listed.size());
    status.setLinkCount(t.getLinks().size());
    Condition old =
        o.getStatus() == null ? null : Conditions.find(o.getStatus().getConditions(), "Ready");
    boolean same =
        old != null && reason.equals(old.getReason()) && message.equals(old.getMessage());
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus(reason.equals("Valid") ? "True" : "False")
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(o.getMetadata().getGeneration())
                .withLastTransitionTime(
                    same ? old.getLastTransitionTime() : Instant.now().toString())
                .build()));
    if (same
        && o.getStatus() != null
        && status.getNodeCount().equals(o.getStatus().getNodeCount())
        && status.getLinkCount().equals(o.getStatus().getLinkCount())
        && status.getObservedGeneration().equals(o.getStatus().getObservedGeneration())) {
      return;
    }
    Overlay update = new Overlay();
    update.setMetadata(o.getMetadata());
    update.setSpec(o.getSpec());
    update.setStatus(status);
    client
        .resources(Overlay.class)
        .inNamespace(o.getMetadata().getNamespace())
        .resource(update)
        .updateStatus();
  }

  @Override
  public void close() {
    queue.close();
    if (overlays != null) {
      overlays.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }
}
