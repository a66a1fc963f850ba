package io.l2sm.osm.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code helm} program (ProcessBuilder): each call has a timeout, its standard error is
 * captured and becomes the message of the {@link HelmException} when Helm fails, and installs
 * create their namespace.
 */
public final class HelmBinary {
  /** What a finished call printed. */
  public record Output(String stdout, String stderr) {}

  private final Path helm;
  private final Duration timeout;

  public HelmBinary(Path helm, Duration timeout) {
    this.helm = helm;
    this.timeout = timeout;
  }

  /** The {@code helm} on the PATH (or {@code $HELM}), when there is one. */
  public static Optional<Path> find() {
    String env = System.getenv("HELM");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
      return Optional.of(Path.of(env));
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "helm");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** {@code helm template}: the rendered manifests. */
  public String template(Path chart, String release, String namespace, List<Path> values)
      throws HelmException {
    List<String> args = new ArrayList<>(List.of("template", release, chart.toString()));
    args.addAll(List.of("--namespace", namespace));
    values.forEach(v -> args.addAll(List.of("--values", v.toString())));
    return run(args, "helm template " + release).stdout();
  }

  /**
   * {@code helm install} with a post-renderer, creating the namespace.
   *
   * @param postRenderer the program and its arguments (each passed as --post-renderer-args)
   */
  public Output install(
      Path chart,
      String release,
      String namespace,
      Path kubeconfig,
      List<Path> values,
      List<String> postRenderer)
      throws HelmException {
    List<String> args = new ArrayList<>(List.of("install", release, chart.toString()));
    args.addAll(List.of("--namespace", namespace, "--create-namespace"));
    args.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    args.addAll(List.of("--timeout", timeout.toSeconds() + "s"));
    values.forEach(v -> args.addAll(List.of("--values", v.toString())));
    if (!postRenderer.isEmpty()) {
      args.addAll(List.of("--post-renderer", postRenderer.get(0)));
      postRenderer
          .subList(1, postRenderer.size())
          .forEach(a -> args.addAll(List.of("--post-renderer-args", a)));
    }
    return run(args, "helm install " + release);
  }

  /** {@code helm uninstall}. */
  public Output uninstall(String release, String namespace, Path kubeconfig) throws HelmException {
    return run(
        List.of(
            "uninstall", release, "--namespace", namespace, "--kubeconfig", kubeconfig.toString()),
        "helm uninstall " + release);
  }

  private Output run(List<String> args, String what) throws HelmException {
    List<String> cmd = new ArrayList<>();
    cmd.add(helm.toString());
    cmd.addAll(args);
    Process p;
    try {
      p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new HelmException(what + ": cannot run " + helm + ": " + e.getMessage(), e);
    }
    CompletableFuture<String> out = read(p.getInputStream());
    CompletableFuture<String> err = read(p.getErrorStream());
    try {
      // Helm enforces --timeout itself; this bound catches a Helm that does not return at all.
      long bound = timeout.toMillis() + Math.max(2_000, timeout.toMillis() / 10);
      if (!p.waitFor(bound, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new HelmException(what + ": no answer after " + timeout.toSeconds() + " s; stopped");
      }
      String stderr = err.get().strip();
      if (p.exitValue() != 0) {
        throw new HelmException(
            what
                + " failed (exit "
                + p.exitValue()
                + "): "
                + (stderr.isEmpty() ? out.get().strip() : stderr));
      }
      return new Output(out.get(), stderr);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HelmException(what + ": interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new HelmException(what + ": " + e.getCause(), e);
    }
  }

  private static CompletableFuture<String> read(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }
}
