package io.l2sm.cli;

import io.l2sm.conformance.CaseResult;
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
          + " and taken down after."
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
    Report report;
    try (Target target = new LabTarget(info);
        Target remote = other == null ? null : new LabTarget(other)) {
      Suite suite = new Suite(target, quick, out);
      if (remote != null) {
        suite.withRemote(remote);
      }
      if (chosen.isEmpty()) {
        chosen.addAll(suite.runnableGroups());
      } else if (!suite.runnableGroups().containsAll(chosen)) {
        throw new ParameterException(
            spec.commandLine(), "--group intercluster needs a lab of 2 clusters (--clusters 2)");
      }
      List<CaseResult> results = suite.run(chosen);
      report =
          Report.of(target.describe() + (remote == null ? "" : " + " + remote.describe()), results);
    } finally {
      if (ours) {
        Lab.down();
      }
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
