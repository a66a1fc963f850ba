package io.l2sm.lab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Kubernetes parts of a real lab cluster as processes (etcd, kube-apiserver, the
 * controller-manager, the scheduler and CoreDNS in the cluster's {@code k8s} folder; containerd,
 * the kubelet and kube-proxy in each node's {@code node-NODE} folder). Each part's command line is
 * kept beside its log ({@code PART.cmd}, one argument per line), so that {@code lab restart} can
 * {@code kill -9} one and start it again from another process, as a crash and a supervisor would.
 */
public final class RealParts {
  private RealParts() {}

  /** Starts a part whose output goes to {@code dir/PART.log}, keeping its command line. */
  static Process launch(Path dir, String part, List<String> cmd) throws IOException {
    Files.write(dir.resolve(part + ".cmd"), cmd, StandardCharsets.UTF_8);
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(part + ".log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /**
   * The restartable parts of a real cluster, by the name {@code lab restart} takes: control-plane
   * parts by their own name, node parts as {@code kubelet-n1}, {@code containerd-n1}, ...
   */
  public static Map<String, Path> parts(LabInfo lab) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    Path cluster = Path.of(lab.dir());
    add(out, cluster.resolve("k8s"), "");
    for (LabInfo.Node n : lab.nodes()) {
      add(out, cluster.resolve("node-" + n.name()), "-" + n.name());
    }
    return out;
  }

  private static void add(Map<String, Path> out, Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(f -> f.getFileName().toString().endsWith(".cmd"))
          .forEach(
              f -> {
                String name = f.getFileName().toString();
                out.put(name.substring(0, name.length() - 4) + suffix, f);
              });
    }
  }

  /**
   * {@code kill -9} of one part, then starts it again from its command line and waits until it is
   * up again: the API server's {@code /readyz}, a kubelet listening on its port, any other part
   * still running 3 s after its start.
   *
   * @return what was checked
   */
  public static String restart(LabInfo lab, String part) throws Exception {
    Path cmdFile = parts(lab).get(part);
    if (cmdFile == null) {
      throw new IllegalArgumentException(
          "no Kubernetes part '" + part + "' in cluster " + lab.cluster());
    }
    List<String> cmd = Files.readAllLines(cmdFile, StandardCharsets.UTF_8);
    List<Long> pids = pidsOf(cmd);
    if (pids.isEmpty()) {
      throw new IllegalStateException(part + " is not running (no process runs " + cmdFile + ")");
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // Gone means exited with its files closed: an exiting process's command line reads empty
    // before its sockets are released (the kernel frees its memory first), and a part started
    // again at once would find its port still taken.
    while (pids.stream().anyMatch(RealParts::exiting) || !pidsOf(cmd).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(part + " did not stop within 10 s of kill -9");
      }
      Thread.sleep(50);
    }
    String name = cmdFile.getFileName().toString().replace(".cmd", "");
    Process p = launch(cmdFile.getParent(), name, cmd);
    String log = cmdFile.resolveSibling(name + ".log").toString();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    long alive = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    // Found once, not on every poll (finding it runs the parts' build script).
    Path kubectl = part.equals("kube-apiserver") || part.equals("etcd") ? kubectl() : null;
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            part + " exited (" + p.exitValue() + ") after its restart; its log: " + log);
      }
      String up = up(lab, part, kubectl);
      if (up != null && System.nanoTime() > alive) {
        return up;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            part + " did not come up within 90 s of its restart; its log: " + log);
      }
      Thread.sleep(100);
    }
  }

  /** Whether a process still exists and has not yet become a zombie (whose files are closed). */
  static boolean exiting(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // pid (comm) STATE ...: comm may hold spaces and parentheses, the state follows the last ')'.
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException gone) {
      return false;
    }
  }

  /** What shows the part is up, or null while it is not. */
  private static String up(LabInfo lab, String part, Path kubectl) {
    if (kubectl != null) {
      String check = part.equals("etcd") ? "/readyz/etcd" : "/readyz";
      return Testbed.run(kubectl + " --kubeconfig " + lab.kubeconfig() + " get --raw " + check)
                  .exit()
              == 0
          ? "the API server's " + check + " answers ok"
          : null;
    }
    if (part.startsWith("kubelet-")) {
      LabInfo.Node n = lab.node(part.substring("kubelet-".length()));
      boolean listening =
          !Testbed.run(
                  "ip netns exec "
                      + n.netns()
                      + " ss -Hltn 'sport = :"
                      + RealNode.KUBELET_PORT
                      + "'")
              .out()
              .isBlank();
      return listening ? "the kubelet listens on " + n.ip() + ":" + RealNode.KUBELET_PORT : null;
    }
    return "running";
  }

  private static Path kubectl() {
    try {
      return ControlPlane.binaries(new java.io.PrintWriter(java.io.Writer.nullWriter()))
          .resolve("kubectl");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The processes running this command line: exactly it, or (a node's part, started through
   * nsenter, which executes the part in place) the part's own command after nsenter's options.
   */
  static List<Long> pidsOf(List<String> cmd) throws IOException {
    List<String> own = cmd;
    if (!cmd.isEmpty() && cmd.get(0).equals("nsenter")) {
      int i = 1;
      while (i < cmd.size() && cmd.get(i).startsWith("--")) {
        i++;
      }
      own = cmd.subList(i, cmd.size());
    }
    String want = String.join("\0", own) + "\0";
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String line =
              new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          if (line.equals(want)) {
            out.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException gone) {
          // the process ended while the list was read
        }
      }
    }
    return out;
  }
}
