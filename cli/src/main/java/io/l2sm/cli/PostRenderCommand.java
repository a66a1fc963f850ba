package io.l2sm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.osm.render.PlanSelection;
import io.l2sm.osm.render.PostRenderer;
import io.l2sm.translator.plan.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code l2sm post-render}: a Helm post-renderer adding L2S-M network requests to pods. */
@Command(
    name = "post-render",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Helm post-renderer (manifests on stdin, manifests on stdout): adds the KDU's L2S-M network"
          + " requests (k8s.v1.cni.cncf.io/networks) to the pod templates of its Deployments,"
          + " StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods; other documents"
          + " pass unchanged. On any error it prints nothing to stdout and exits non-zero, so"
          + " Helm installs nothing.",
      "",
      "  helm install ping CHART --post-renderer ./l2sm --post-renderer-args post-render \\",
      "       --post-renderer-args --plan=plan.json --post-renderer-args --kdu=ping",
      "",
      "OSM mode (--osm-nbi), chained after OSM LCM's pod-labels post-renderer: the release's"
          + " osm.etsi.org/ns-id, vnf-id and kdu-name labels name the NS; its records and"
          + " descriptors are read from OSM's NBI and translated, the NS's networks applied to the"
          + " cluster (KUBECONFIG, as Helm's) once, and the KDU's pods annotated. The NBI password"
          + " comes from --osm-password-file or OSM_PASSWORD."
    })
public class PostRenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      description = "The translator's plan.json (l2sm translate).")
  Path plan;

  @Option(
      names = "--kdu",
      paramLabel = "KDU",
      description =
          "The KDU this release installs: KDU, or PROFILE/KDU when several profiles have it.")
  String kdu;

  @Option(
      names = "--osm-nbi",
      paramLabel = "URL",
      description = "OSM mode: the NBI, e.g. https://nbi:9999.")
  String nbi;

  @Option(
      names = "--osm-user",
      paramLabel = "USER",
      defaultValue = "admin",
      description = "NBI user (default: ${DEFAULT-VALUE}).")
  String nbiUser;

  @Option(
      names = "--osm-project",
      paramLabel = "PROJECT",
      defaultValue = "admin",
      description = "NBI project (default: ${DEFAULT-VALUE}).")
  String nbiProject;

  @Option(
      names = "--osm-password-file",
      paramLabel = "FILE",
      description = "NBI password (default: $OSM_PASSWORD).")
  Path nbiPasswordFile;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "OSM mode: the cluster (default: $KUBECONFIG, as Helm's).")
  Path kubeconfig;

  InputStream in = System.in;
  OutputStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (nbi != null) {
      if (plan != null || kdu != null) {
        throw new ParameterException(spec.commandLine(), "--osm-nbi excludes --plan and --kdu");
      }
      return osmMode();
    }
    if (plan == null || kdu == null) {
      throw new ParameterException(
          spec.commandLine(), "give --plan FILE and --kdu KDU, or --osm-nbi URL (OSM mode)");
    }
    Plan p;
    try {
      p = new ObjectMapper().readValue(plan.toFile(), Plan.class);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--plan " + plan + ": " + e.getMessage());
    }
    String annotation;
    try {
      annotation = PlanSelection.annotation(p, kdu);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--kdu: " + e.getMessage());
    }
    String manifests = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    PostRenderer.Result r;
    try {
      r = new PostRenderer(annotation).render(manifests);
    } catch (PostRenderer.RenderException e) {
      spec.commandLine().getErr().println("l2sm post-render: error: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    out.write(r.manifests().getBytes(StandardCharsets.UTF_8));
    out.flush();
    spec.commandLine()
        .getErr()
        .println(
            "l2sm post-render: "
                + r.podTemplates()
                + " pod template(s) of "
                + r.documents()
                + " document(s) joined "
                + annotation);
    return ExitCodes.OK;
  }

  private Integer osmMode() throws Exception {
    String password;
    if (nbiPasswordFile != null) {
      try {
        password = java.nio.file.Files.readString(nbiPasswordFile).strip();
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "--osm-password-file: " + e.getMessage());
      }
    } else {
      password = System.getenv("OSM_PASSWORD");
      if (password == null) {
        throw new ParameterException(
            spec.commandLine(),
            "OSM mode needs the NBI password: --osm-password-file or OSM_PASSWORD");
      }
    }
    String manifests = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    io.fabric8.kubernetes.client.Config config;
    try {
      config =
          kubeconfig == null
              ? io.fabric8.kubernetes.client.Config.autoConfigure(null)
              : io.fabric8.kubernetes.client.Config.fromKubeconfig(
                  java.nio.file.Files.readString(kubeconfig));
    } catch (IOException | RuntimeException e) {
      spec.commandLine()
          .getErr()
          .println(
              "l2sm post-render: error: --kubeconfig "
                  + kubeconfig
                  + " is not a usable kubeconfig: "
                  + e.getMessage());
      return ExitCodes.FAILURE;
    }
    io.l2sm.osm.render.OsmPostRender.Outcome o;
    try (io.fabric8.kubernetes.client.KubernetesClient cluster =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build()) {
      o =
          io.l2sm.osm.render.OsmPostRender.run(
              manifests,
              new io.l2sm.osm.nbi.HttpOsmNbi(
                  java.net.http.HttpClient.newHttpClient(),
                  nbi,
                  nbiUser,
                  password,
                  nbiProject,
                  java.time.Duration.ofSeconds(30)),
              cluster);
    } catch (io.l2sm.osm.render.OsmPostRender.Failure e) {
      spec.commandLine().getErr().println("l2sm post-render: error: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    out.write(o.manifests().getBytes(StandardCharsets.UTF_8));
    out.flush();
    spec.commandLine()
        .getErr()
        .printf(
            "l2sm post-render: namespace %s, networks created %s, found %s; %d pod template(s)"
                + " joined %s%n",
            o.namespace(),
            o.created(),
            o.found(),
            o.podTemplates(),
            o.annotation().isEmpty() ? "nothing (the KDU has no L2S-M links)" : o.annotation());
    return ExitCodes.OK;
  }
}
