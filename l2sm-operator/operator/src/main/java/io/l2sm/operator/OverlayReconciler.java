package io.l2sm.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.l2sm.api.v1.Overlay;
import io.l2sm.api.v1.OverlaySpec;
import io.l2sm.api.v1.OverlayStatus;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks each {@link Overlay} and reports it in its status: node and link counts, and a Ready
 * condition that says whether every link joins two distinct listed nodes that exist in the cluster.
 * The node agents apply Overlays themselves; this is what a user reads.
 */
public final class OverlayReconciler implements AutoCloseable {
  private final KubernetesClient client;
  private final WorkQueue queue;
  private SharedIndexInformer<Overlay> overlays;
  private SharedIndexInformer<Node> nodes;

  public OverlayReconciler(KubernetesClient client) {
    this.client = client;
    this.queue = new WorkQueue("overlay-reconciler", this::reconcile);
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
                  }

                  @Override
                  public void onUpdate(Overlay a, Overlay b) {
                    queue.add(key(b));
                  }

                  @Override
                  public void onDelete(Overlay o, boolean unknown) {}
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
                  public void onUpdate(Node a, Node b) {}

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
        o.getStatus() == null
            ? null
            : o.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .findFirst()
                .orElse(null);
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
