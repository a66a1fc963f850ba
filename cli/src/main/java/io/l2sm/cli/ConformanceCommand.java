package io.l2sm.cli;

import io.l2sm.conformance.CaseResult;
import io.l2sm.conformance.KubeTarget;
import io.l2sm.conformance.LabTarget;
import io.l2sm.conformance.Report;
import io.l2sm.conformance.Suite;
import io.l2sm.conformance.Target;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code l2sm conformance}: the black-box suite, against the lab. */
@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the conformance suite: connectivity, isolation (adversarial frames, captures on every"
          + " non-member), lifecycle, faults (kill -9 of the parts under traffic) and load cases, through the Kubernetes API and commands in"
          + " pods only. Prints a table (group, case, result, evidence); --report writes JSON"
          + " (FILE.json) or Markdown. Exit code 1 when a case fails.",
      "",
      "Against the lab: the one that is up (--cluster), or one brought up for the run (2 nodes)"
          + " and taken down after. Against a real cluster with L2S-M installed by its chart:"
          + " --kubeconfig (twice for the intercluster group), pods from --image, commands"
          + " through the API's exec; the fault cases a cluster's API cannot cause (node off"
          + " its network, WAN cut, a node's Open vSwitch) are left out and listed."
    })
public class ConformanceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--lab", description = "Run against the lab (the default).")
  boolean lab = true;

  @Option(
      names = "--cluster",
      defaultValue = "c1",
      description = "The lab cluster (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(
      names = "--group",
      paramLabel = "GROUP",
      description =
          "Only these groups (repeatable): connectivity, isolation, lifecycle, faults, load,"
              + " intercluster.")
  List<String> groups = new ArrayList<>();

  @Option(
      names = "--clusters",
      defaultValue = "1",
      description =
          "Clusters of the lab brought up for the run (2: with edge devices and an IDCO, for the"
              + " intercluster group) (default: ${DEFAULT-VALUE}).")
  int clusters;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "A real cluster instead of the lab (its current context); a second one joins it for"
              + " the intercluster group.")
  List<Path> kubeconfigs = new ArrayList<>();

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      defaultValue = "busybox",
      description =
          "With --kubeconfig: the test pods' image; it needs sh, ping, arping, tcpdump, timeout"
              + " and python3 with scapy (images/conformance-probe/Dockerfile) (default:"
              + " ${DEFAULT-VALUE}, enough for the lab only).")
  String image;

  @Option(names = "--quick", description = "The CI profile: fewer pods in the load cases.")
  boolean quick;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Write the report: JSON for FILE.json, Markdown otherwise (repeatable).")
  List<Path> reports = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (clusters < 1 || clusters > 2) {
      throw new ParameterException(spec.commandLine(), "--clusters is 1 or 2");
    }
    Set<String> chosen = new LinkedHashSet<>(groups);
    for (String g : chosen) {
      if (!Suite.GROUPS.contains(g)) {
        throw new ParameterException(
            spec.commandLine(), "--group " + g + ": one of " + String.join(", ", Suite.GROUPS));
      }
    }
    if (kubeconfigs.size() > 2) {
      throw new ParameterException(spec.commandLine(), "--kubeconfig at most twice");
    }
    for (Path k : kubeconfigs) {
      if (!java.nio.file.Files.isReadable(k)) {
        throw new ParameterException(spec.commandLine(), "--kubeconfig " + k + ": not readable");
      }
    }
    if (!kubeconfigs.isEmpty()) {
      return report(
          out,
          KubeTarget.of(kubeconfigs.get(0)),
          kubeconfigs.size() > 1 ? KubeTarget.of(kubeconfigs.get(1)) : null,
          chosen,
          () -> {});
    }
    if (!BenchReport.testbedReady(spec.commandLine(), "conformance")) {
      return ExitCodes.FAILURE;
    }
    boolean ours = !Lab.isUp();
    LabInfo info = ours ? Lab.up(clusters, 2, 0, 0, out).get(0) : Lab.cluster(cluster);
    LabInfo other =
        Lab.idco() == null
            ? null
            : Lab.clusters().stream()
                .filter(c -> !c.cluster().equals(info.cluster()))
                .findFirst()
                .orElse(null);
    return report(
        out,
        new LabTarget(info),
        other == null ? null : new LabTarget(other),
        chosen,
        () -> {
          if (ours) {
            Lab.down();
          }
        });
  }

  /** Runs the suite on the target (and remote), then {@code after}; prints and writes reports. */
  private int report(
      PrintWriter out, Target target, Target remote, Set<String> chosen, Runnable after)
      throws Exception {
    Report report;
    try (target;
        remote) {
      Suite suite = new Suite(target, quick, out).withImage(image);
      if (remote != null) {
        suite.withRemote(remote);
      }
      if (chosen.isEmpty()) {
        chosen.addAll(suite.runnableGroups());
      } else if (!suite.runnableGroups().containsAll(chosen)) {
        throw new ParameterException(
            spec.commandLine(),
            "--group intercluster needs two clusters (--clusters 2, or --kubeconfig twice)");
      }
      for (String left : suite.leftOut(chosen)) {
        out.println("conformance: left out " + left + ": " + target.describe() + " cannot");
      }
      List<CaseResult> results = suite.run(chosen);
      report =
          Report.of(
              target.describe() + (remote == null ? "" : " + " + remote.describe()),
              results,
              suite.leftOut(chosen));
    } finally {
      after.run();
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"GROUP", "CASE", "RESULT", "EVIDENCE"});
    for (CaseResult c : report.cases()) {
      rows.add(new String[] {c.group(), c.name(), c.result().toUpperCase(), c.evidence()});
    }
    out.println();
    Table.print(out, rows);
    out.printf(
        "%n%d passed, %d failed, %d errors (%s)%n",
        report.summary().pass(),
        report.summary().fail(),
        report.summary().error(),
        report.summary().target());
    for (Path r : reports) {
      report.write(r);
      out.println("Wrote " + r);
    }
    out.flush();
    return report.green() ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
