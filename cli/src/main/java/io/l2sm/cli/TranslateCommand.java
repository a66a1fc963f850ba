package io.l2sm.cli;

import io.l2sm.translator.ClusterMap;
import io.l2sm.translator.InvalidInputException;
import io.l2sm.translator.Names;
import io.l2sm.translator.OutputWriter;
import io.l2sm.translator.Problem;
import io.l2sm.translator.Translation;
import io.l2sm.translator.TranslationOptions;
import io.l2sm.translator.plan.Plan;
import io.l2sm.translator.plan.PlannedAttachment;
import io.l2sm.translator.plan.PlannedNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code l2sm translate}: OSM descriptors in, L2S-M networks and pod attachments out. */
@Command(
    name = "translate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Translate an OSM network service (SOL006 NSD + VNFDs with KDUs) into L2S-M networks and"
          + " pod attachments.",
      "",
      "NSD is a descriptor YAML file, an OSM package folder or .tar.gz, or a folder holding an NS"
          + " package with its VNF packages side by side. VNFDs the NSD needs are taken from"
          + " --vnfd, else looked for next to the NS package.",
      "",
      "Writes into the output folder: networks.yaml (L2S-M NetworkAttachmentDefinitions),"
          + " plan.json, kdu-values/<vnf-profile>-<kdu>.yaml (Helm values with the pod network"
          + " annotation), ns-config.yaml (for osm ns-create --config-file) and, with"
          + " --cluster-map, ned-links.yaml. Nothing is written when the input is invalid."
    },
    footer = {
      "",
      "Errors are reported as FILE:LINE:COL: JSON-PATH: message, all of them in one run;"
          + " warnings (what OSM accepts and L2S-M takes with a compromise) as"
          + " FILE:LINE:COL: JSON-PATH: warning: message.",
      "Exit codes: 0 success, 1 runtime failure, 2 invalid input or usage.",
      "",
      "Example:",
      "  l2sm translate nsd-examples/smart-campus \\",
      "      --cluster-map nsd-examples/smart-campus/cluster-map.yaml -o /tmp/smart-campus"
    })
public class TranslateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NSD", description = "The NS descriptor or package.")
  Path nsd;

  @Option(
      names = "--vnfd",
      paramLabel = "PATH",
      description = "A VNF descriptor or package the NSD uses (repeatable).")
  List<Path> vnfds = new ArrayList<>();

  @Option(
      names = "--ns-name",
      paramLabel = "NAME",
      description = "NS name that prefixes network names (default: the NSD id).")
  String nsName;

  @Option(
      names = "--namespace",
      paramLabel = "K8S_NS",
      description = "Kubernetes namespace for the networks and the KDUs' pods.")
  String namespace;

  @Option(
      names = "--df",
      paramLabel = "ID",
      description = "NSD deployment flavour to use (default: the first).")
  String deploymentFlavour;

  @Option(
      names = "--cluster-map",
      paramLabel = "FILE",
      description =
          "YAML placing each vnf-profile in a cluster; marks links that span clusters as"
              + " inter-cluster and writes ned-links.yaml.")
  Path clusterMapFile;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      defaultValue = "l2sm-out",
      description = "Output folder, replaced as a whole (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing but errors and warnings.")
  boolean quiet;

  @Option(
      names = "--strict",
      description = "Treat every warning as an error: exit 2 and write nothing.")
  boolean strict;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    String usage = checkUsage();
    if (usage != null) {
      err.println("translate: error: " + usage);
      return ExitCodes.INVALID_INPUT;
    }
    try {
      ClusterMap clusterMap = clusterMapFile == null ? null : ClusterMap.load(clusterMapFile);
      TranslationOptions options =
          new TranslationOptions(nsName, namespace, deploymentFlavour, clusterMap);
      Translation translation = Translation.run(nsd, vnfds, options);
      if (strict && !translation.warnings().isEmpty()) {
        translation.warnings().stream().sorted(Problem.ORDER).forEach(w -> err.println(w.format()));
        err.println(
            "translate: error: "
                + translation.warnings().size()
                + " warning(s) and --strict; nothing written");
        return ExitCodes.INVALID_INPUT;
      }
      OutputWriter.write(output, translation.files());
      translation.warnings().forEach(w -> err.println(w.formatWarning()));
      if (!quiet) {
        printSummary(translation);
      }
      return ExitCodes.OK;
    } catch (InvalidInputException e) {
      for (Problem problem : e.problems()) {
        err.println(problem.format());
      }
      return ExitCodes.INVALID_INPUT;
    }
  }

  private String checkUsage() {
    if (nsName != null && Names.toDnsLabel(nsName).isEmpty()) {
      return "--ns-name '" + nsName + "' has no DNS-1123 form (letters, digits and '-')";
    }
    if (namespace != null && !Names.isDnsLabel(namespace)) {
      return "--namespace '" + namespace + "' is not a DNS-1123 label (e.g. my-ns)";
    }
    return null;
  }

  private void printSummary(Translation translation) {
    PrintWriter out = spec.commandLine().getOut();
    Plan plan = translation.plan();
    out.printf("Translated NS %s into %s%n%n", plan.nsName(), output);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NETWORK", "KIND", "VLD", "MEMBERS", "CLUSTERS"});
    for (PlannedNetwork n : plan.networks()) {
      long members = plan.attachments().stream().filter(a -> a.network().equals(n.name())).count();
      rows.add(
          new String[] {
            n.name(),
            n.kind().wireName(),
            n.vld(),
            Long.toString(members),
            n.clusters().isEmpty()
                ? "-"
                : String.join(",", n.clusters()) + (n.interCluster() ? " (inter-cluster)" : "")
          });
    }
    Table.print(out, rows);
    Set<String> pods = new LinkedHashSet<>();
    for (PlannedAttachment a : plan.attachments()) {
      pods.add(a.vnfProfile() + "/" + a.kdu());
    }
    Set<String> files = new LinkedHashSet<>();
    for (String file : translation.files().keySet()) {
      files.add(file.contains("/") ? file.substring(0, file.indexOf('/') + 1) : file);
    }
    out.printf(
        "%n%d networks, %d attachments for %d KDUs. Files: %s%n",
        plan.networks().size(), plan.attachments().size(), pods.size(), String.join(", ", files));
    out.flush();
  }
}
