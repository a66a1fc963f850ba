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
      "       --post-renderer-args --plan=plan.json --post-renderer-args --kdu=ping"
    })
public class PostRenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      required = true,
      description = "The translator's plan.json (l2sm translate).")
  Path plan;

  @Option(
      names = "--kdu",
      paramLabel = "KDU",
      required = true,
      description =
          "The KDU this release installs: KDU, or PROFILE/KDU when several profiles have it.")
  String kdu;

  InputStream in = System.in;
  OutputStream out = System.out;

  @Override
  public Integer call() throws Exception {
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
}
