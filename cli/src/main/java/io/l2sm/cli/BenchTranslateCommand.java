package io.l2sm.cli;

import io.l2sm.cli.BenchReport.Figure;
import io.l2sm.translator.DescriptorResolver;
import io.l2sm.translator.DescriptorSet;
import io.l2sm.translator.InvalidInputException;
import io.l2sm.translator.Translation;
import io.l2sm.translator.TranslationOptions;
import io.l2sm.translator.Translator;
import io.l2sm.translator.bench.SyntheticNs;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code l2sm bench translate}: translation time for a large generated NS, in-process and as a
 * whole command, against the JVM's own start-up measured in the same run.
 */
@Command(
    name = "translate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Generate an NS with many virtual links and KNFs and time its translation: in-process"
          + " (load + validate + translate + render, warm JVM), the translation step alone, and"
          + " the whole `l2sm translate` command in a fresh JVM. The JVM start-up time is measured"
          + " in the same run as the reference floor."
    })
public class BenchTranslateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--vlds",
      defaultValue = "1000",
      description = "Virtual links (default: ${DEFAULT-VALUE}).")
  int vlds;

  @Option(names = "--knfs", defaultValue = "200", description = "KNFs (default: ${DEFAULT-VALUE}).")
  int knfs;

  @Option(
      names = "--cps-per-knf",
      defaultValue = "10",
      description = "Data connection points per KNF (default: ${DEFAULT-VALUE}).")
  int cpsPerKnf;

  @Option(
      names = "--runs",
      defaultValue = "10",
      description = "Timed in-process runs (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--command-runs",
      defaultValue = "5",
      description = "Timed whole-command runs (default: ${DEFAULT-VALUE}).")
  int commandRuns;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (vlds < 1 || knfs < 2 || cpsPerKnf < 1 || runs < 1 || commandRuns < 1) {
      spec.commandLine()
          .getErr()
          .println("translate: error: sizes and run counts must be positive (knfs >= 2)");
      return ExitCodes.INVALID_INPUT;
    }
    if (2L * vlds > (long) knfs * cpsPerKnf) {
      spec.commandLine()
          .getErr()
          .println(
              "translate: error: --vlds "
                  + vlds
                  + " needs "
                  + 2L * vlds
                  + " connection points; --knfs x --cps-per-knf gives "
                  + (long) knfs * cpsPerKnf);
      return ExitCodes.INVALID_INPUT;
    }
    Path work = Files.createTempDirectory("l2sm-bench-translate");
    try {
      Path ns = SyntheticNs.write(work, vlds, knfs, cpsPerKnf);
      out.printf(
          "Generated NS: %d virtual links, %d KNFs, %d connection points (%s)%n",
          vlds, knfs, knfs * (cpsPerKnf + 1), work);
      out.flush();
      BenchReport report = new BenchReport();
      measureInProcess(ns, report, out);
      measureCommand(ns, work, report, out);
      out.println();
      report.print(out);
      out.printf("%nTargets: in-process < 1000 ms, whole command < 3000 ms.%n");
      if (json != null) {
        report.writeJson(json);
        out.printf("Wrote %s%n", json);
      }
      out.flush();
      return ExitCodes.OK;
    } finally {
      deleteTree(work);
    }
  }

  private void measureInProcess(Path ns, BenchReport report, PrintWriter out)
      throws InvalidInputException {
    TranslationOptions options = TranslationOptions.defaults();
    out.print("Warming up");
    for (int i = 0; i < 3; i++) {
      Translation.run(ns, List.of(), options);
      out.print('.');
      out.flush();
    }
    out.println();
    double[] whole = new double[runs];
    double[] core = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      Translation.run(ns, List.of(), options);
      whole[i] = (System.nanoTime() - t0) / 1e6;
      DescriptorSet input = DescriptorResolver.resolve(ns, List.of());
      long t1 = System.nanoTime();
      Translator.translate(input, options);
      core[i] = (System.nanoTime() - t1) / 1e6;
    }
    report.figure(Figure.ofSamples("translate_" + vlds + "_vld_ms", "ms", whole));
    report.figure(Figure.ofSamples("translate_core_" + vlds + "_vld_ms", "ms", core));
  }

  private void measureCommand(Path ns, Path work, BenchReport report, PrintWriter out)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    List<String> base = List.of(java, "-cp", classpath, Main.class.getName());
    double[] startup = new double[commandRuns];
    double[] command = new double[commandRuns];
    for (int i = 0; i < commandRuns; i++) {
      startup[i] = timeProcess(concat(base, "--version"), work);
      command[i] =
          timeProcess(
              concat(base, "translate", ns.toString(), "-q", "-o", work.resolve("out").toString()),
              work);
      out.printf("Command run %d/%d: %.0f ms%n", i + 1, commandRuns, command[i]);
      out.flush();
    }
    report.figure(Figure.ofSamples("translate_command_" + vlds + "_vld_ms", "ms", command));
    report.reference(Figure.ofSamples("jvm_start_ms", "ms", startup));
  }

  private static List<String> concat(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  private static double timeProcess(List<String> command, Path work)
      throws IOException, InterruptedException {
    File log = work.resolve("command.log").toFile();
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("benchmark command timed out: " + String.join(" ", command));
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (p.exitValue() != 0) {
      throw new IOException(
          "benchmark command failed (exit "
              + p.exitValue()
              + "): "
              + Files.readString(log.toPath()).strip());
    }
    return ms;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
