package io.l2sm.cli;

import io.l2sm.lab.ApiServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code l2sm apiserver}: the lab's Kubernetes API endpoint, one per cluster. */
@Command(
    name = "apiserver",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Serve a lab cluster's Kubernetes API: fabric8's mock API server in CRUD mode, with the"
          + " L2Network and NetworkAttachmentDefinition CRDs registered. State is in memory: a"
          + " restart is an empty cluster. No admission webhooks, no server-side apply, no"
          + " strategic merge patch, no garbage collection (see docs/lab.md)."
    })
public class ApiServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:6443",
      description = "Where to listen, plain HTTP (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Write a kubeconfig for this server to FILE.")
  Path kubeconfig;

  @Option(
      names = "--cluster",
      defaultValue = "c1",
      description = "The cluster's name in the kubeconfig (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(
      names = "--pods-from",
      paramLabel = "DIR",
      description =
          "Serve pods' exec (the WebSocket channel protocol, no stdin or TTY): commands run in"
              + " the network namespace the lab kubelet working in DIR gave the pod.")
  Path podsFrom;

  @Override
  public Integer call() throws Exception {
    var address = Daemons.address(spec, "--listen", listen);
    String host = address.getHostString().equals("0.0.0.0") ? "0.0.0.0" : address.getHostString();
    ApiServer api;
    try {
      api = new ApiServer(host, address.getPort());
    } catch (RuntimeException e) {
      // The mock's Vert.x threads would keep a failed JVM alive.
      spec.commandLine()
          .getErr()
          .println("apiserver: error: cannot listen on " + listen + ": " + e.getMessage());
      System.exit(ExitCodes.FAILURE);
      return ExitCodes.FAILURE;
    }
    if (kubeconfig != null) {
      api.writeKubeconfig(kubeconfig, cluster);
    }
    if (podsFrom != null) {
      api.enableExec(podsFrom);
    }
    System.err.println(
        "l2sm apiserver: serving "
            + api.url()
            + (kubeconfig == null ? "" : " (kubeconfig " + kubeconfig + ")"));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.close();
                  stop.countDown();
                }));
    stop.await();
    return ExitCodes.OK;
  }
}
