package io.l2sm.osm.deploy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.l2sm.osm.helm.HelmException;
import io.l2sm.osm.render.PostRenderer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where no {@code helm} program is installed: renders the chart with the Helm library (helm-java,
 * Helm's own code), post-renders in process, and applies the objects with the Kubernetes client.
 * The objects are labelled with the release and listed in a ConfigMap {@code
 * l2sm-release-<release>} (as Helm keeps a release record), which uninstall reads. There are no
 * Helm hooks, revisions or rollbacks in this mode.
 */
public final class LibraryInstaller implements KduInstaller {
  public static final String RELEASE_LABEL = "l2sm.l2sm.k8s.local/release";
  private final KubernetesClient client;

  public LibraryInstaller(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public String describe() {
    return "no helm program found: charts rendered with the Helm library (helm-java) and applied"
        + " with the Kubernetes client (no Helm release records, hooks or rollbacks)";
  }

  @Override
  public void install(NsDeployer.Kdu kdu, String namespace, Path kubeconfig, Path plan)
      throws HelmException {
    String manifests;
    try {
      manifests =
          new Helm(kdu.chart()).template().withName(kdu.release()).withNamespace(namespace).call();
    } catch (RuntimeException e) {
      throw new HelmException("helm template " + kdu.release() + " failed: " + e.getMessage(), e);
    }
    if (kdu.joinsNetworks()) {
      try {
        manifests = new PostRenderer(kdu.annotation()).render(manifests).manifests();
      } catch (PostRenderer.RenderException e) {
        throw new HelmException("post-render " + kdu.release() + ": " + e.getMessage(), e);
      }
    }
    List<HasMetadata> objects =
        client.load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8))).items();
    List<String> applied = new ArrayList<>();
    for (HasMetadata o : objects) {
      Map<String, String> labels = new HashMap<>();
      if (o.getMetadata().getLabels() != null) {
        labels.putAll(o.getMetadata().getLabels());
      }
      labels.put(RELEASE_LABEL, kdu.release());
      labels.put("app.kubernetes.io/managed-by", "l2sm");
      o.getMetadata().setLabels(labels);
      o.getMetadata().setNamespace(namespace);
      client.resource(o).inNamespace(namespace).createOr(NonDeletingOperation::update);
      applied.add(o.getApiVersion() + "|" + o.getKind() + "|" + o.getMetadata().getName());
    }
    ConfigMap record =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("l2sm-release-" + kdu.release())
            .withNamespace(namespace)
            .addToLabels(RELEASE_LABEL, kdu.release())
            .endMetadata()
            .addToData("objects", String.join("\n", applied))
            .addToData("chart", kdu.chart().toString())
            .build();
    client.resource(record).inNamespace(namespace).createOr(NonDeletingOperation::update);
  }

  @Override
  public void uninstall(String release, String namespace, Path kubeconfig) {
    ConfigMap record =
        client.configMaps().inNamespace(namespace).withName("l2sm-release-" + release).get();
    if (record == null) {
      return;
    }
    List<String> objects = List.of(record.getData().getOrDefault("objects", "").split("\n"));
    for (int i = objects.size() - 1; i >= 0; i--) {
      String[] o = objects.get(i).split("\\|");
      if (o.length != 3) {
        continue;
      }
      GenericKubernetesResource r = new GenericKubernetesResource();
      r.setApiVersion(o[0]);
      r.setKind(o[1]);
      r.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
              .withName(o[2])
              .withNamespace(namespace)
              .build());
      client.resource(r).inNamespace(namespace).delete();
    }
    client.resource(record).delete();
  }
}
