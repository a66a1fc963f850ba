package io.l2sm.conformance;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cluster reached through its API server (a kubeconfig), with L2S-M installed by its Helm chart:
 * pods' commands run through the API's exec ({@code kubectl exec}), files go in through it, and the
 * parts are restarted by deleting their pods at once (grace period 0, the nearest a cluster's API
 * has to {@code kill -9}) and waiting for their controllers to make new ones Ready. It cannot take
 * nodes off their network, cut WAN links or restart a node's Open vSwitch: the suite leaves those
 * cases out.
 */
public final class KubeTarget implements Target {
  /** The chart's component label. */
  static final String COMPONENT = "app.kubernetes.io/component";

  private static final long EXEC_TIMEOUT_S = 120;

  private final KubernetesClient client;
  private final String name;

  /** A target over an existing client (tests) or one made from a kubeconfig. */
  public KubeTarget(KubernetesClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /** Opens the cluster of a kubeconfig file (its current context). */
  public static KubeTarget of(Path kubeconfig) throws java.io.IOException {
    String yaml = java.nio.file.Files.readString(kubeconfig);
    io.fabric8.kubernetes.client.Config config =
        io.fabric8.kubernetes.client.Config.fromKubeconfig(yaml);
    KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
    String context =
        config.getCurrentContext() == null ? "" : config.getCurrentContext().getName() + " ";
    return new KubeTarget(c, "cluster " + context + "(" + config.getMasterUrl() + ")");
  }

  @Override
  public String describe() {
    return name;
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  /** Ready nodes that take pods (not cordoned, no NoSchedule taint), by name. */
  @Override
  public List<String> nodes() {
    return client.nodes().list().getItems().stream()
        .filter(KubeTarget::schedulable)
        .map(n -> n.getMetadata().getName())
        .sorted()
        .toList();
  }

  static boolean schedulable(Node n) {
    boolean ready =
        n.getStatus() != null
            && n.getStatus().getConditions() != null
            && n.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    boolean cordoned = n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
    boolean tainted =
        n.getSpec() != null
            && n.getSpec().getTaints() != null
            && n.getSpec().getTaints().stream().anyMatch(t -> "NoSchedule".equals(t.getEffect()));
    return ready && !cordoned && !tainted;
  }

  /**
   * Runs {@code sh -c} in the pod and reads the exit code from a last line the shell prints: the
   * API server's status frame and the last output frames reach the client on different paths, and a
   * command's output must be complete before its result counts.
   */
  @Override
  public Exec exec(String namespace, String pod, String command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PodResource p = client.pods().inNamespace(namespace).withName(pod);
    String wrapped = command + "\necho \"" + EXIT_MARK + "$?\"";
    try (ExecWatch w = p.writingOutput(out).writingError(out).exec("sh", "-c", wrapped)) {
      Integer status = w.exitCode().get(EXEC_TIMEOUT_S, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline) {
        Exec e = parse(out.toString(StandardCharsets.UTF_8));
        if (e != null) {
          return e;
        }
        Thread.sleep(10);
      }
      return new Exec(
          status == null ? -1 : status,
          out.toString(StandardCharsets.UTF_8) + "\n(no exit line from the shell)");
    } catch (TimeoutException e) {
      return new Exec(-1, out.toString(StandardCharsets.UTF_8) + "\n(timed out)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running a command in " + pod, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "cannot run a command in pod " + namespace + "/" + pod + ": " + e.getCause(), e);
    }
  }

  static final String EXIT_MARK = "l2sm-conformance-exit=";

  /** The command's output and exit code once the shell's exit line is in; null before. */
  static Exec parse(String text) {
    int at = text.lastIndexOf(EXIT_MARK);
    if (at < 0) {
      return null;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)\\s*$")
            .matcher(text.substring(at + EXIT_MARK.length()));
    if (!m.find()) {
      return null;
    }
    return new Exec(Integer.parseInt(m.group(1)), text.substring(0, at));
  }

  /**
   * Writes the file into the pod's /tmp through exec alone (base64 in pieces, then decoded and its
   * size checked): no stdin needed, so it works with any API server that runs commands.
   */
  @Override
  public String stage(String namespace, String pod, Path file) throws java.io.IOException {
    byte[] bytes = java.nio.file.Files.readAllBytes(file);
    String b64 = java.util.Base64.getEncoder().encodeToString(bytes);
    String dest = "/tmp/" + file.getFileName();
    must(exec(namespace, pod, ": > " + dest + ".b64"), pod, dest);
    for (int i = 0; i < b64.length(); i += 3000) {
      String piece = b64.substring(i, Math.min(b64.length(), i + 3000));
      must(exec(namespace, pod, "printf '%s' '" + piece + "' >> " + dest + ".b64"), pod, dest);
    }
    Exec size =
        exec(namespace, pod, "base64 -d " + dest + ".b64 > " + dest + " && wc -c < " + dest);
    must(size, pod, dest);
    if (!size.out().strip().equals(Integer.toString(bytes.length))) {
      throw new IllegalStateException(
          "copied "
              + file
              + " into "
              + pod
              + ":"
              + dest
              + " but it holds "
              + size.out().strip()
              + " bytes of "
              + bytes.length);
    }
    return dest;
  }

  private static void must(Exec e, String pod, String dest) {
    if (e.exit() != 0) {
      throw new IllegalStateException("cannot write " + pod + ":" + dest + ": " + e.out());
    }
  }

  /** Restarts when the chart's parts run as pods here (a lab's do not: they are processes). */
  @Override
  public Set<Hook> hooks() {
    boolean parts =
        !client
            .pods()
            .inAnyNamespace()
            .withLabel(COMPONENT, "controller")
            .list()
            .getItems()
            .isEmpty();
    return parts ? EnumSet.of(Hook.RESTART_PARTS) : EnumSet.noneOf(Hook.class);
  }

  /**
   * Deletes the part's pods with grace period 0 and waits until as many new ones are Ready: {@code
   * controller}, {@code operator}, {@code idco} by the chart's component label, {@code
   * agent-<node>} the agent on that node.
   */
  @Override
  public boolean restart(String part) throws Exception {
    String component = part.startsWith("agent-") ? "agent" : part;
    String node = part.startsWith("agent-") ? part.substring("agent-".length()) : null;
    List<Pod> old = parts(component, node);
    if (old.isEmpty()) {
      return false;
    }
    Set<String> oldUids =
        old.stream()
            .map(p -> p.getMetadata().getUid())
            .collect(java.util.stream.Collectors.toSet());
    for (Pod p : old) {
      client.resource(p).withGracePeriod(0).delete();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      List<Pod> fresh =
          parts(component, node).stream()
              .filter(p -> !oldUids.contains(p.getMetadata().getUid()))
              .filter(KubeTarget::ready)
              .toList();
      if (fresh.size() >= old.size()) {
        reportRestarts(part, fresh);
        return true;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        part
            + ": no new Ready pod within 180 s of deleting "
            + old.size()
            + " pod(s); now: "
            + describe(
                parts(component, node).stream()
                    .filter(p -> !oldUids.contains(p.getMetadata().getUid()))
                    .toList()));
  }

  /**
   * A replacement that got Ready only after its own containers failed is worth knowing (each
   * failure costs the kubelet's back-off): says so on standard error, with the end of the failed
   * container's log.
   */
  private void reportRestarts(String part, List<Pod> fresh) {
    for (Pod p : fresh) {
      for (var c : p.getStatus().getContainerStatuses()) {
        if (c.getRestartCount() == 0) {
          continue;
        }
        String log;
        try {
          log =
              client
                  .pods()
                  .inNamespace(p.getMetadata().getNamespace())
                  .withName(p.getMetadata().getName())
                  .inContainer(c.getName())
                  .terminated()
                  .tailingLines(20)
                  .getLog();
        } catch (RuntimeException e) {
          log = "(its previous log is not readable: " + e.getMessage() + ")";
        }
        System.err.println(
            "conformance: "
                + part
                + "'s new pod was Ready only after its containers restarted: "
                + describe(List.of(p))
                + "; the end of "
                + c.getName()
                + "'s previous log:\n"
                + log.strip());
      }
    }
  }

  /**
   * What keeps pods from being Ready: each one's phase, and each container's state, restarts and
   * last termination (reason, exit code), as {@code kubectl describe} would show them.
   */
  static String describe(List<Pod> pods) {
    if (pods.isEmpty()) {
      return "no new pod";
    }
    List<String> out = new java.util.ArrayList<>();
    for (Pod p : pods) {
      StringBuilder s = new StringBuilder(p.getMetadata().getName());
      if (p.getStatus() == null) {
        out.add(s.append(" (no status)").toString());
        continue;
      }
      s.append(' ').append(p.getStatus().getPhase());
      for (var c : p.getStatus().getContainerStatuses()) {
        s.append(", ").append(c.getName()).append(c.getReady() ? " ready" : " not ready");
        var state = c.getState();
        if (state != null && state.getWaiting() != null) {
          s.append(" waiting ").append(state.getWaiting().getReason());
        }
        s.append(", ").append(c.getRestartCount()).append(" restart(s)");
        var last = c.getLastState() == null ? null : c.getLastState().getTerminated();
        if (last != null) {
          s.append(", last ended ")
              .append(last.getReason())
              .append(" (exit ")
              .append(last.getExitCode())
              .append(")");
        }
      }
      out.add(s.toString());
    }
    return String.join("; ", out);
  }

  private List<Pod> parts(String component, String node) {
    return client.pods().inAnyNamespace().withLabel(COMPONENT, component).list().getItems().stream()
        .filter(p -> node == null || node.equals(p.getSpec().getNodeName()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** Whether the pod's Ready condition is True. */
  public static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    client.close();
  }
}
