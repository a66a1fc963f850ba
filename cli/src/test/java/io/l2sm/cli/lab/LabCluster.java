package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.LabObjects;
import io.l2sm.lab.Testbed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** One cluster of a lab that is up, as the end-to-end tests drive it: through its API server. */
final class LabCluster implements AutoCloseable {
  final LabInfo info;
  final KubernetesClient client;

  LabCluster(LabInfo info) throws IOException {
    this.info = info;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(Path.of(info.kubeconfig()))))
            .build();
  }

  /** Fails under CI=true, skips elsewhere, when this machine cannot run a lab. */
  static void requireLab() {
    List<String> missing = Testbed.missingPrerequisites();
    if (missing.isEmpty()) {
      return;
    }
    String msg = "the lab tests need " + missing + " (run scripts/install-prereqs.sh as root)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(msg);
    }
    Assumptions.abort(msg);
  }

  /** The cases of a conformance JSON report that did not pass, each as "name: evidence". */
  static List<String> notPassed(Path jsonReport) throws IOException {
    List<String> out = new java.util.ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode c :
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(jsonReport.toFile())
            .path("cases")) {
      if (!c.path("result").asText().equals("pass")) {
        out.add(c.path("name").asText() + ": " + c.path("evidence").asText());
      }
    }
    return out;
  }

  /**
   * The last {@code lines} lines of each part's log in a lab cluster's folder (controller, agents,
   * operator, kubelet, API server), for a failure's message: what the parts said when it happened.
   */
  static String logTails(LabInfo lab, int lines) {
    StringBuilder out = new StringBuilder();
    try (var logs = Files.list(Path.of(lab.dir()))) {
      for (Path log : logs.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        List<String> all = Files.readAllLines(log);
        out.append("\n--- ").append(log.getFileName()).append(" (last lines) ---\n");
        all.subList(Math.max(0, all.size() - lines), all.size())
            .forEach(l -> out.append(l).append('\n'));
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      out.append("\n(the lab's logs could not be read: ").append(e).append(')');
    }
    return out.toString();
  }

  /** Runs the command line in process; returns its exit code and all it printed. */
  static Map.Entry<Integer, String> cli(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine c = io.l2sm.cli.Main.newCommandLine();
    c.setOut(new java.io.PrintWriter(out, true));
    c.setErr(new java.io.PrintWriter(out, true));
    int code = c.execute(args);
    System.out.println(out);
    return Map.entry(code, out.toString());
  }

  /** An L2S-M NAD in namespace default. */
  NetworkAttachmentDefinition nad(String name, String kind) {
    return client.resource(LabObjects.nad(name, kind)).create();
  }

  /** A pod in namespace default on a node, with this networks annotation, running sleep. */
  Pod pod(String name, String node, String annotation) {
    return client
        .resource(LabObjects.sleeper(name, node, Map.of("k8s.v1.cni.cncf.io/networks", annotation)))
        .create();
  }

  String phase(String name) {
    Pod p = client.pods().inNamespace("default").withName(name).get();
    return p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  void awaitRunning(String... names) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (String n : names) {
                assertThat(phase(n)).as(n).isEqualTo("Running");
              }
            });
  }

  /** The network namespace the lab kubelet gave a pod of namespace default. */
  String netns(String pod) throws IOException {
    return Kubelet.readState(Path.of(info.dir())).get("default/" + pod).netns();
  }

  /**
   * Replies to 3 pings from a pod. Some but not all replies is asked once more: the first ARP reply
   * to a just-added port is sometimes lost in the userspace datapath and the ARP retried a second
   * later (dataplane.md), which costs the first ping; no reply at all is not retried.
   */
  int ping(String pod, String ip) throws IOException {
    int got = pingOnce(pod, ip);
    return got > 0 && got < 3 ? pingOnce(pod, ip) : got;
  }

  private int pingOnce(String pod, String ip) throws IOException {
    return Testbed.received(
        Testbed.run("ip netns exec " + netns(pod) + " ping -c 3 -i 0.2 -W 1 " + ip).out());
  }

  /** A ping running from a pod: {@code count} pings {@code interval} seconds apart. */
  Process pingInBackground(String pod, String ip, String interval, int count) throws IOException {
    return new ProcessBuilder(
            "ip", "netns", "exec", netns(pod), "ping", "-i", interval, "-c", "" + count, ip)
        .redirectErrorStream(true)
        .start();
  }

  /** A tcpdump of the frames a pod's interface receives. */
  final class Capture {
    private final Process tcpdump;
    private final Path file;

    Capture(String pod, String iface) throws Exception {
      file = Path.of(info.dir(), "capture-" + pod + "-" + iface + ".pcap");
      tcpdump =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  netns(pod),
                  "tcpdump",
                  "--immediate-mode",
                  "-Q",
                  "in",
                  "-i",
                  iface,
                  "-n",
                  "-w",
                  file.toString())
              .redirectErrorStream(true)
              .start();
      Thread.sleep(800); // tcpdump is listening
    }

    /** Stops the capture; the frames it holds, one line each with link-layer headers. */
    List<String> frames() throws InterruptedException {
      Thread.sleep(300);
      tcpdump.destroy();
      tcpdump.waitFor();
      return Testbed.lines(Testbed.run("tcpdump -r " + file + " -nn -e 2>/dev/null").out());
    }
  }

  Capture capture(String pod, String iface) throws Exception {
    return new Capture(pod, iface);
  }

  /** The MAC address of a pod's interface. */
  String mac(String pod, String iface) throws IOException {
    return Testbed.sh("ip netns exec " + netns(pod) + " cat /sys/class/net/" + iface + "/address")
        .strip();
  }

  @Override
  public void close() {
    client.close();
  }
}
