package io.l2sm.osm.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.l2sm.api.v1.NetworkEdgeDevice;
import io.l2sm.osm.nbi.NbiException;
import io.l2sm.osm.nbi.OsmNbi;
import io.l2sm.translator.ClusterMap;
import io.l2sm.translator.InvalidInputException;
import io.l2sm.translator.Problem;
import io.l2sm.translator.Renderer;
import io.l2sm.translator.Translation;
import io.l2sm.translator.TranslationOptions;
import io.l2sm.translator.plan.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The post-renderer in OSM mode, chained after OSM LCM's pod-labels post-renderer: the labels LCM
 * put on the release ({@code osm.etsi.org/ns-id}, {@code vnf-id}, {@code kdu-name}) name the NS;
 * its record, VNF records and VNF descriptors come from OSM's NBI; they are translated; the NS's
 * networks are applied to the cluster (the first KDU of the NS creates them, the others find them);
 * the KDU's pods get their networks. Everything is done before a single byte is written, so a
 * failure installs nothing.
 */
public final class OsmPostRender {
  public static final String NS_ID = "osm.etsi.org/ns-id";
  public static final String VNF_ID = "osm.etsi.org/vnf-id";
  public static final String KDU_NAME = "osm.etsi.org/kdu-name";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The release's identity, from LCM's labels. */
  public record Release(String nsId, String vnfId, String kduName) {}

  /**
   * What a run did.
   *
   * @param manifests the output
   * @param namespace where the networks are
   * @param created networks this run created
   * @param found networks that were there already
   * @param annotation the KDU's network requests ("" when it has none)
   */
  public record Outcome(
      String manifests,
      String namespace,
      List<String> created,
      List<String> found,
      String annotation,
      int podTemplates) {}

  /** A run that must not install anything: the message says why. */
  public static final class Failure extends Exception {
    public Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private OsmPostRender() {}

  /** Reads LCM's labels from the first document that carries them. */
  public static Release release(String manifests) throws Failure {
    try {
      for (JsonNode doc : YAML.readValues(YAML.createParser(manifests), JsonNode.class).readAll()) {
        for (JsonNode labels :
            List.of(
                doc.path("metadata").path("labels"),
                doc.path("spec").path("template").path("metadata").path("labels"))) {
          if (labels.hasNonNull(NS_ID)
              && labels.hasNonNull(VNF_ID)
              && labels.hasNonNull(KDU_NAME)) {
            return new Release(
                labels.get(NS_ID).asText(),
                labels.get(VNF_ID).asText(),
                labels.get(KDU_NAME).asText());
          }
        }
      }
    } catch (IOException e) {
      throw new Failure("the manifests are not YAML: " + e.getMessage(), e);
    }
    throw new Failure(
        "no document carries OSM's labels "
            + NS_ID
            + ", "
            + VNF_ID
            + " and "
            + KDU_NAME
            + ": chain l2sm post-render after OSM LCM's pod-labels post-renderer"
            + " (OSMLCM_PODLABELSPOSTRENDERERPATH), see docs/osm.md",
        null);
  }

  /** The whole run. */
  public static Outcome run(String manifests, OsmNbi nbi, KubernetesClient cluster) throws Failure {
    Release r = release(manifests);
    Path work = null;
    try {
      JsonNode nsr = nbi.nsInstance(r.nsId());
      JsonNode vnfr = nbi.vnfInstance(r.vnfId());
      String profile = vnfr.path("member-vnf-index-ref").asText("");
      if (profile.isEmpty()) {
        throw new Failure("VNF record " + r.vnfId() + " has no member-vnf-index-ref", null);
      }
      String namespace = namespace(nsr, vnfr, r.kduName());
      JsonNode nsd = nsr.path("nsd");
      if (!nsd.isObject()) {
        throw new Failure("NS record " + r.nsId() + " carries no nsd", null);
      }
      work = Files.createTempDirectory("l2sm-osm-");
      ObjectNode nsFile = YAML.createObjectNode();
      nsFile.putObject("nsd").putArray("nsd").add(stripped(nsd));
      Path nsPath = work.resolve("nsd.yaml");
      YAML.writeValue(nsPath.toFile(), nsFile);
      List<Path> vnfds = new ArrayList<>();
      Set<String> seen = new LinkedHashSet<>();
      Map<String, String> vimOf = new java.util.LinkedHashMap<>();
      for (JsonNode ref : nsr.path("constituent-vnfr-ref")) {
        JsonNode member = ref.asText().equals(r.vnfId()) ? vnfr : nbi.vnfInstance(ref.asText());
        vimOf.put(
            member.path("member-vnf-index-ref").asText(), member.path("vim-account-id").asText(""));
        String pkg = member.path("vnfd-id").asText("");
        if (pkg.isEmpty() || !seen.add(pkg)) {
          continue;
        }
        JsonNode vnfd = nbi.vnfd(pkg);
        ObjectNode file = YAML.createObjectNode();
        file.set("vnfd", stripped(vnfd.has("vnfd") ? vnfd.get("vnfd") : vnfd));
        Path p = work.resolve("vnfd-" + vnfds.size() + ".yaml");
        YAML.writeValue(p.toFile(), file);
        vnfds.add(p);
      }
      String nsName = nsr.path("name").asText(r.nsId());
      ClusterMap clusters = clusterMap(vimOf, cluster, r.nsId());
      Translation t =
          Translation.run(nsPath, vnfds, new TranslationOptions(nsName, namespace, null, clusters));
      Plan plan = t.plan();
      String annotation =
          plan.attachmentsOf(profile, r.kduName()).isEmpty()
              ? ""
              : PlanSelection.annotation(plan, profile + "/" + r.kduName());
      List<String> created = new ArrayList<>();
      List<String> found = new ArrayList<>();
      // Across clusters, each cluster gets the networks its KDUs are members of.
      Set<String> here = new java.util.HashSet<>();
      String mine = clusters == null ? null : clusters.placement().get(profile).cluster();
      plan.attachments().stream()
          .filter(a -> mine == null || mine.equals(a.cluster()))
          .forEach(a -> here.add(a.network()));
      applyNetworks(
          cluster,
          Networks.of(Renderer.networkResources(plan, clusters)),
          namespace,
          here,
          created,
          found);
      PostRenderer.Result out =
          annotation.isEmpty()
              ? new PostRenderer.Result(manifests, 0, 0)
              : new PostRenderer(annotation).render(manifests);
      return new Outcome(
          out.manifests(), namespace, created, found, annotation, out.podTemplates());
    } catch (NbiException e) {
      throw new Failure(e.getMessage(), e);
    } catch (InvalidInputException e) {
      List<String> p = e.problems().stream().map(Problem::format).toList();
      throw new Failure("the NS's descriptors do not translate: " + String.join("; ", p), e);
    } catch (PostRenderer.RenderException e) {
      throw new Failure(e.getMessage(), e);
    } catch (KubernetesClientException e) {
      throw new Failure("applying the NS's networks: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new Failure("temporary files: " + e.getMessage(), e);
    } finally {
      if (work != null) {
        try (var files = Files.walk(work)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // best effort
        }
      }
    }
  }

  /** The KDU's namespace as OSM chose it: kdur.k8s-namespace, else the NS's, else "default". */
  static String namespace(JsonNode nsr, JsonNode vnfr, String kdu) {
    for (JsonNode k : vnfr.path("kdur")) {
      if (k.path("kdu-name").asText().equals(kdu)
          && !k.path("k8s-namespace").asText("").isEmpty()) {
        return k.get("k8s-namespace").asText();
      }
    }
    String ns = nsr.path("instantiate_params").path("k8s-namespace").asText("");
    return ns.isEmpty() ? "default" : ns;
  }

  /** Without OSM's bookkeeping fields (_id, _admin, ...), which are not part of the descriptor. */
  private static JsonNode stripped(JsonNode n) {
    ObjectNode copy = ((ObjectNode) n).deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = copy.fields(); it.hasNext(); ) {
      if (it.next().getKey().startsWith("_")) {
        it.remove();
      }
    }
    return copy;
  }

  /**
   * When the NS's VNFs sit in more than one VIM account (clusters), where each profile runs, with
   * this cluster's edge-device provider joining them; null for an NS in one cluster.
   */
  static ClusterMap clusterMap(Map<String, String> vimOf, KubernetesClient cluster, String nsId)
      throws Failure {
    Set<String> vims = new java.util.TreeSet<>(vimOf.values());
    if (vims.size() < 2) {
      return null;
    }
    String provider =
        cluster.resources(NetworkEdgeDevice.class).inAnyNamespace().list().getItems().stream()
            .filter(d -> d.getSpec() != null && d.getSpec().getProvider() != null)
            .map(d -> d.getSpec().getProvider().name())
            .findFirst()
            .orElseThrow(
                () ->
                    new Failure(
                        "NS "
                            + nsId
                            + " spans VIM accounts "
                            + String.join(", ", vims)
                            + " (links across clusters), but this cluster has no"
                            + " NetworkEdgeDevice with a provider (docs/intercluster.md)",
                        null));
    Map<String, ClusterMap.Placement> placement = new java.util.LinkedHashMap<>();
    vimOf.forEach(
        (p, vim) ->
            placement.put(
                p,
                new ClusterMap.Placement(
                    io.l2sm.translator.Names.toDnsLabel("vim-" + vim).orElse("vim"), vim)));
    return new ClusterMap(
        new io.l2sm.translator.LocatedDocument(
            "the VIM accounts of NS " + nsId, YAML.createObjectNode(), Map.of(), List.of()),
        io.l2sm.api.v1.ProviderSpec.named(provider),
        placement);
  }

  private static void applyNetworks(
      KubernetesClient cluster,
      List<? extends HasMetadata> networks,
      String ns,
      Set<String> wanted,
      List<String> created,
      List<String> found) {
    for (HasMetadata n : networks) {
      String name = n.getMetadata().getName();
      if (!wanted.contains(name)) {
        continue;
      }
      if (cluster.resource(n).inNamespace(ns).get() != null) {
        found.add(name);
        continue;
      }
      try {
        cluster.resource(n).inNamespace(ns).create();
        created.add(name);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        found.add(name); // another KDU of the NS made it in the meantime
      }
    }
  }
}
