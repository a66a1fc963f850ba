package io.l2sm.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code l2sm lab up/down}: one cluster on this machine, from real parts. The testbed (nodes as
 * namespaces with private Open vSwitch, the controller and the agents) plus the cluster's API
 * server, the operator and the lab kubelet, all as processes that outlive the command. Everything
 * carries the lab's prefix, so {@code lab down} removes it all, even after a crash.
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
    Testbed tb = new Testbed(PREFIX, SUBNET, "4096-16777215", nodes, links.toArray(String[]::new));
    try {
      List<LabInfo.Node> info = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        String n = "n" + i;
        String ns = tb.ns(n);
        String gateway = "10.244." + i + ".1";
        Testbed.sh(
            String.join(
                " && ",
                "ip -n " + ns + " link add cni0 type bridge",
                "ip -n " + ns + " addr add " + gateway + "/24 dev cni0",
                "ip -n " + ns + " link set cni0 up",
                "ip netns exec " + ns + " sysctl -qw net.ipv4.ip_forward=1"));
        for (int j = 1; j <= nodes; j++) {
          if (j != i) {
            Testbed.sh(
                "ip -n " + ns + " route add 10.244." + j + ".0/24 via " + tb.nodeIp("n" + j));
          }
        }
        info.add(
            new LabInfo.Node(
                n, ns, tb.nodeIp(n), tb.socket(n).toString(), "10.244." + i + ".0/24", gateway));
      }
      progress.println("Starting the API server, the operator and the kubelet...");
      progress.flush();
      Path dir = tb.dir;
      Path kubeconfig = dir.resolve("c1.kubeconfig");
      int apiPort = freePort();
      start(dir, "apiserver.log", "apiserver", "--listen", "127.0.0.1:" + apiPort);
      String apiUrl = "http://127.0.0.1:" + apiPort;
      // It says it is serving once the CRDs are registered.
      awaitLog(dir.resolve("apiserver.log"), "l2sm apiserver: serving");
      ApiServer.writeKubeconfig(kubeconfig, apiUrl, "c1");
      String grpc = "127.0.0.1:" + tb.grpcPort();
      LabInfo lab =
          new LabInfo("c1", apiUrl, kubeconfig.toString(), grpc, tb.cniPlugin().toString(), info);
      lab.write(dir);
      start(
          dir,
          "operator.log",
          "operator",
          "--kubeconfig",
          kubeconfig.toString(),
          "--controller",
          grpc);
      start(dir, "kubelet.log", "kubelet", "--lab-dir", dir.toString());
      return lab;
    } catch (Exception | Error e) {
      tb.close();
      throw e;
    }
  }

  private static void start(Path dir, String log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(Testbed.program());
    cmd.addAll(List.of(args));
    new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }

  private static void awaitLog(Path log, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no '" + line + "' in " + log + ": " + Files.readString(log));
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
