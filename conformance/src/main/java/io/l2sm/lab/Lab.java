package io.l2sm.lab;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code l2sm lab up/down/restart}: one cluster on this machine, from real parts. The testbed
 * (nodes as namespaces with private Open vSwitch, the controller and the agents) plus the cluster's
 * API server, the operator and the lab kubelet, all as processes that outlive the command.
 * Everything carries the lab's prefix, so {@code lab down} removes it all, even after a crash.
 */
public final class Lab {
  public static final String PREFIX = "l2l";
  static final int SUBNET = 50;

  private Lab() {}

  public static Path dir() {
    return Testbed.dirOf(PREFIX);
  }

  public static boolean isUp() {
    return Files.exists(LabInfo.file(dir()));
  }

  /** Builds the lab; returns what was built. On failure everything is removed again. */
  public static LabInfo up(int nodes, PrintWriter progress) throws Exception {
    if (isUp()) {
      throw new IllegalStateException(
          "a lab is already up (" + dir() + "); run `l2sm lab down` first");
    }
    progress.println(
        "Building " + nodes + " node(s): namespaces, Open vSwitch, controller, agents...");
    progress.flush();
    List<String> links = new ArrayList<>();
    for (int i = 1; i < nodes; i++) {
      links.add("n" + i + "~n" + (i + 1));
    }
    if (nodes > 2) {
      links.add("n" + nodes + "~n1");
    }
    // The agents follow the cluster's Overlays; until one exists they keep the ring.
    Path kubeconfig = dir().resolve("c1.kubeconfig");
    Testbed tb =
        new Testbed(
            PREFIX,
            SUBNET,
            "4096-16777215",
            nodes,
            List.of("--kubeconfig", kubeconfig.toString()),
            links.toArray(String[]::new));
    try {
      List<LabInfo.Node> info = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        String n = "n" + i;
        String ns = tb.ns(n);
        // Each node's pods get a /16 (room for thousands): 10.<100+i>.0.0/16.
        String gateway = "10." + (100 + i) + ".0.1";
        Testbed.sh(
            String.join(
                " && ",
                "ip -n " + ns + " link add cni0 type bridge",
                "ip -n " + ns + " addr add " + gateway + "/16 dev cni0",
                "ip -n " + ns + " link set cni0 up",
                "ip netns exec " + ns + " sysctl -qw net.ipv4.ip_forward=1"));
        for (int j = 1; j <= nodes; j++) {
          if (j != i) {
            Testbed.sh(
                "ip -n " + ns + " route add 10." + (100 + j) + ".0.0/16 via " + tb.nodeIp("n" + j));
          }
        }
        info.add(
            new LabInfo.Node(
                n,
                ns,
                tb.nodeIp(n),
                tb.socket(n).toString(),
                "10." + (100 + i) + ".0.0/16",
                gateway));
      }
      progress.println("Starting the API server, the operator and the kubelet...");
      progress.flush();
      Path dir = tb.dir;
      // On the underlay's root address, so the agents reach it from their node namespaces.
      String apiUrl = "http://" + tb.controllerIp() + ":" + freePort();
      String grpc = "127.0.0.1:" + tb.grpcPort();
      Map<String, List<String>> processes = new TreeMap<>(tb.commands());
      // Its command line names the lab's folder (the kubeconfig it writes), so `lab down`
      // finds it like every other part.
      processes.put(
          "apiserver",
          program(
              "apiserver", "--listen", apiUrl.substring(7), "--kubeconfig", kubeconfig.toString()));
      processes.put(
          "operator",
          program("operator", "--kubeconfig", kubeconfig.toString(), "--controller", grpc));
      processes.put("kubelet", program("kubelet", "--lab-dir", dir.toString()));
      LabInfo lab =
          new LabInfo(
              "c1",
              apiUrl,
              kubeconfig.toString(),
              grpc,
              tb.cniPlugin().toString(),
              info,
              processes);
      start(lab, "apiserver");
      lab.write(dir);
      start(lab, "operator");
      start(lab, "kubelet");
      return lab;
    } catch (Exception | Error e) {
      tb.close();
      throw e;
    }
  }

  private static List<String> program(String... args) {
    List<String> cmd = new ArrayList<>(Testbed.program());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The parts {@link #restart} knows. */
  public static List<String> parts(LabInfo lab) {
    return List.copyOf(lab.processes().keySet());
  }

  /**
   * Starts one part from its recorded command line and waits until it is ready: the API server
   * serving, the controller healthy, an agent's socket in place; the others at once.
   */
  public static void start(LabInfo lab, String part) throws Exception {
    List<String> cmd = lab.processes().get(part);
    if (cmd == null) {
      throw new IllegalArgumentException(
          "no part '" + part + "'; parts: " + String.join(", ", parts(lab)));
    }
    Path log = dir().resolve(part + ".log");
    if (part.startsWith("agent-")) {
      String node = part.substring("agent-".length());
      Files.deleteIfExists(Path.of(lab.node(node).agentSocket()));
    }
    new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (ready(lab, part, log)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(part + " did not start: " + Files.readString(log));
  }

  private static boolean ready(LabInfo lab, String part, Path log) throws IOException {
    if (part.equals("apiserver")) {
      // It says it is serving once the CRDs are registered.
      return Files.exists(log) && Files.readString(log).contains("l2sm apiserver: serving");
    }
    if (part.equals("controller")) {
      String http =
          lab.processes()
              .get("controller")
              .get(lab.processes().get("controller").indexOf("--http") + 1);
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create("http://" + http + "/healthz").toURL().openConnection();
        return c.getResponseCode() == 200;
      } catch (IOException e) {
        return false;
      }
    }
    if (part.startsWith("agent-")) {
      return Files.exists(Path.of(lab.node(part.substring("agent-".length())).agentSocket()));
    }
    if (part.equals("kubelet")) {
      // It says so once its nodes are registered and its informer runs.
      return Files.exists(log) && Files.readString(log).contains("l2sm kubelet:");
    }
    return true;
  }

  /** {@code kill -9} of one part. */
  public static void kill(LabInfo lab, String part) throws InterruptedException {
    List<String> cmd = lab.processes().get(part);
    if (cmd == null) {
      throw new IllegalArgumentException(
          "no part '" + part + "'; parts: " + String.join(", ", parts(lab)));
    }
    // The part's subcommand and its first option identify it; [x] keeps pkill off its shell.
    int at = cmd.indexOf(part.startsWith("agent-") ? "agent" : part);
    String pattern =
        "[" + cmd.get(at).charAt(0) + "]" + String.join(" ", cmd.subList(at, at + 3)).substring(1);
    Testbed.run("pkill -9 -f -- '" + pattern + "'");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Testbed.run("pgrep -f -- '" + pattern + "'").exit() == 0
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** {@code kill -9} of one part, then start it again. */
  public static void restart(LabInfo lab, String part) throws Exception {
    kill(lab, part);
    start(lab, part);
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Removes the lab: processes, pods, Open vSwitch instances, namespaces, links, files. */
  public static void down() {
    Testbed.destroy(PREFIX);
  }
}
