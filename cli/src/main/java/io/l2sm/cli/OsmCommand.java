package io.l2sm.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.osm.deploy.BinaryInstaller;
import io.l2sm.osm.deploy.KduInstaller;
import io.l2sm.osm.deploy.LibraryInstaller;
import io.l2sm.osm.deploy.NsDeployer;
import io.l2sm.osm.helm.HelmBinary;
import io.l2sm.osm.helm.HelmException;
import io.l2sm.translator.ClusterMap;
import io.l2sm.translator.InvalidInputException;
import io.l2sm.translator.Problem;
import io.l2sm.translator.TranslationOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code l2sm osm}: NS packages deployed without OSM. */
@Command(
    name = "osm",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Deploy an OSM NS package with its KNFs into a cluster without OSM, or remove it.",
    subcommands = {OsmCommand.Deploy.class, OsmCommand.Undeploy.class})
public class OsmCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The cluster: --kubeconfig, or --lab [--cluster]. */
  static class Target {
    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The cluster's kubeconfig.")
    Path kubeconfig;

    @Option(names = "--lab", description = "The lab's cluster (see --cluster) instead.")
    boolean lab;

    @Option(
        names = "--cluster",
        paramLabel = "C",
        defaultValue = "c1",
        description = "With --lab: the cluster (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(
        names = "--helm",
        paramLabel = "PATH",
        description = "The helm program (default: helm on the PATH, else the Helm library).")
    Path helm;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "300",
        description = "Per Helm call (default: ${DEFAULT-VALUE}).")
    int timeout;

    Path kubeconfig(CommandSpec spec) throws Exception {
      if (lab) {
        if (!Lab.isUp()) {
          throw new ParameterException(spec.commandLine(), "--lab: no lab is up");
        }
        return Path.of(Lab.cluster(cluster).kubeconfig());
      }
      if (kubeconfig == null) {
        throw new ParameterException(spec.commandLine(), "give --kubeconfig FILE or --lab");
      }
      if (!Files.isReadable(kubeconfig)) {
        throw new ParameterException(
            spec.commandLine(), "--kubeconfig " + kubeconfig + " is not readable");
      }
      return kubeconfig;
    }

    KduInstaller installer(CommandSpec spec, KubernetesClient client) {
      Optional<Path> binary = helm != null ? Optional.of(helm) : HelmBinary.find();
      if (binary.isEmpty()) {
        return new LibraryInstaller(client);
      }
      if (!Files.isExecutable(binary.get())) {
        throw new ParameterException(
            spec.commandLine(), "--helm " + binary.get() + " is not executable");
      }
      String launcher = System.getenv("L2SM_LAUNCHER");
      if (launcher == null || launcher.isBlank()) {
        throw new ParameterException(
            spec.commandLine(),
            "helm needs the l2sm launcher as post-renderer: run through ./l2sm (it sets L2SM_LAUNCHER)");
      }
      return new BinaryInstaller(
          binary.get(), new HelmBinary(binary.get(), Duration.ofSeconds(timeout)), launcher);
    }

    static KubernetesClient client(Path kubeconfig) throws Exception {
      return LabInfo.client(kubeconfig);
    }
  }

  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description = {
        "Translate the NS, apply its networks, then install each KDU's chart (from its VNF"
            + " package's helm-chart-v3s/) with the l2sm post-renderer. A KDU that fails removes"
            + " the releases installed before it. Packages are folders (as nsd-examples/)."
      })
  static class Deploy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NS_PKG", description = "The NS package.")
    Path nsd;

    @Parameters(index = "1..*", paramLabel = "VNF_PKG", description = "Its VNF packages.")
    List<Path> vnfds = new ArrayList<>();

    @picocli.CommandLine.Mixin Target target = new Target();

    @Option(
        names = "--namespace",
        paramLabel = "NS",
        description = "Kubernetes namespace (default: default).")
    String namespace;

    @Option(
        names = "--ns-name",
        paramLabel = "NAME",
        description = "NS name (default: the NSD id).")
    String nsName;

    @Option(
        names = "--cluster-map",
        paramLabel = "FILE",
        description = "Placement of VNF profiles in clusters.")
    Path clusterMap;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      Path kubeconfig = target.kubeconfig(spec);
      NsDeployer.Prepared p;
      try {
        p =
            NsDeployer.prepare(
                nsd,
                vnfds,
                new TranslationOptions(
                    nsName,
                    namespace,
                    null,
                    clusterMap == null ? null : ClusterMap.load(clusterMap)));
      } catch (InvalidInputException e) {
        for (Problem problem : e.problems()) {
          err.println(problem.format());
        }
        return ExitCodes.INVALID_INPUT;
      } catch (IllegalArgumentException e) {
        err.println("osm deploy: error: " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      }
      try (KubernetesClient client = Target.client(kubeconfig)) {
        NsDeployer.deploy(p, client, kubeconfig, target.installer(spec, client), err);
      } catch (HelmException e) {
        err.println("osm deploy: error: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "undeploy",
      mixinStandardHelpOptions = true,
      description = "Remove an NS deployed by osm deploy: its releases, then its networks.")
  static class Undeploy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NS_NAME",
        description = "The NS name (osm deploy printed it).")
    String nsName;

    @picocli.CommandLine.Mixin Target target = new Target();

    @Option(
        names = "--namespace",
        paramLabel = "NS",
        defaultValue = "default",
        description = "Its namespace (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Override
    public Integer call() throws Exception {
      Path kubeconfig = target.kubeconfig(spec);
      try (KubernetesClient client = Target.client(kubeconfig)) {
        NsDeployer.undeploy(
            nsName,
            namespace,
            client,
            kubeconfig,
            target.installer(spec, client),
            spec.commandLine().getErr());
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("osm undeploy: error: " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      } catch (HelmException e) {
        spec.commandLine().getErr().println("osm undeploy: error: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
      return ExitCodes.OK;
    }
  }
}
