package io.l2sm.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.l2sm.lab.Kubelet;
import io.l2sm.lab.LabInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code l2sm kubelet}: the lab's kubelet process (started by {@code l2sm lab up}). */
@Command(
    name = "kubelet",
    hidden = true,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Run the lab kubelet for every node of a lab (started by `l2sm lab up`), with the lab's"
            + " stand-in for the Deployment and StatefulSet controllers.")
public class KubeletCommand implements Callable<Integer> {
  @Option(names = "--lab-dir", required = true, description = "The lab's directory.")
  Path dir;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin Logging.Options logging = new Logging.Options();

  @Override
  public Integer call() throws Exception {
    // First: a class's logger made before would keep the short commands' level.
    Logging.part(spec, logging, "kubelet", java.util.Map.of());
    LabInfo lab = LabInfo.read(dir);
    Config config = Config.fromKubeconfig(Files.readString(Path.of(lab.kubeconfig())));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        Kubelet kubelet = new Kubelet(dir, lab, client);
        io.l2sm.lab.Workloads workloads = new io.l2sm.lab.Workloads(client)) {
      kubelet.start();
      workloads.start();
      System.err.println("l2sm kubelet: " + lab.nodes().size() + " node(s) of " + lab.cluster());
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return ExitCodes.OK;
  }
}
