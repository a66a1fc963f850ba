package io.l2sm.lab;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab's stand-in for the workload controllers of kube-controller-manager, which the lab does
 * not have: a Deployment or StatefulSet gets {@code replicas} Pods made from its pod template,
 * named {@code <name>-<index>}, owned by it (ownerReferences), and loses them when it is deleted or
 * scaled down (the mock API server has no garbage collector). No rolling updates: a changed
 * template replaces the pods.
 */
public final class Workloads implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Workloads.class);
  static final String TEMPLATE_HASH = "l2sm.l2sm.k8s.local/template-hash";

  private final KubernetesClient client;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "workloads");
            t.setDaemon(true);
            return t;
          });
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  public Workloads(KubernetesClient client) {
    this.client = client;
  }

  public void start() {
    informers.add(
        client.apps().deployments().inAnyNamespace().inform(handler(Deployment.class), 30_000));
    informers.add(
        client.apps().statefulSets().inAnyNamespace().inform(handler(StatefulSet.class), 30_000));
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(Class<T> type) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T o) {
        worker.execute(() -> reconcile(o, false));
      }

      @Override
      public void onUpdate(T a, T b) {
        worker.execute(() -> reconcile(b, false));
      }

      @Override
      public void onDelete(T o, boolean unknown) {
        worker.execute(() -> reconcile(o, true));
      }
    };
  }

  private void reconcile(HasMetadata owner, boolean deleted) {
    try {
      int replicas;
      PodTemplateSpec template;
      if (owner instanceof Deployment d) {
        replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        template = d.getSpec().getTemplate();
      } else {
        StatefulSet s = (StatefulSet) owner;
        replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        template = s.getSpec().getTemplate();
      }
      if (deleted || owner.getMetadata().getDeletionTimestamp() != null) {
        replicas = 0;
      }
      String ns = owner.getMetadata().getNamespace();
      String uid = owner.getMetadata().getUid();
      String hash = Integer.toHexString(template.hashCode());
      Map<String, Pod> mine = new HashMap<>();
      for (Pod p : client.pods().inNamespace(ns).list().getItems()) {
        for (OwnerReference r : p.getMetadata().getOwnerReferences()) {
          if (uid.equals(r.getUid())) {
            mine.put(p.getMetadata().getName(), p);
          }
        }
      }
      Set<String> wanted = new TreeSet<>();
      for (int i = 0; i < replicas; i++) {
        wanted.add(owner.getMetadata().getName() + "-" + i);
      }
      for (Pod p : mine.values()) {
        String name = p.getMetadata().getName();
        if (!wanted.contains(name)
            || !hash.equals(p.getMetadata().getAnnotations().get(TEMPLATE_HASH))) {
          client.pods().inNamespace(ns).withName(name).delete();
          LOG.info(
              "{} {}/{}: pod {} removed", owner.getKind(), ns, owner.getMetadata().getName(), name);
          mine.remove(name);
        }
      }
      for (String name : wanted) {
        if (mine.containsKey(name)) {
          continue;
        }
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        Map<String, String> annotations = new HashMap<>();
        if (tm.getAnnotations() != null) {
          annotations.putAll(tm.getAnnotations());
        }
        annotations.put(TEMPLATE_HASH, hash);
        Pod pod =
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(tm.getLabels())
                .withAnnotations(annotations)
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion(owner.getApiVersion())
                        .withKind(owner.getKind())
                        .withName(owner.getMetadata().getName())
                        .withUid(uid)
                        .withController(true)
                        .build())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
        client.resource(pod).create();
        LOG.info(
            "{} {}/{}: pod {} created", owner.getKind(), ns, owner.getMetadata().getName(), name);
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "{} {}: {} (retried at the next resync)",
          owner.getKind(),
          owner.getMetadata().getName(),
          e.toString());
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    worker.shutdownNow();
  }
}
