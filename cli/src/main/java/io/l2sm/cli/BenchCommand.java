package io.l2sm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code l2sm bench}: reproducible benchmarks that print figures and ratios. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Run a benchmark and print its figures, with references measured in the same run.",
    subcommands = {
      BenchTranslateCommand.class,
      BenchDataplaneCommand.class,
      BenchControlplaneCommand.class,
      BenchLabCommand.class,
      BenchKubernetesCommand.class,
      BenchInterclusterCommand.class,
      BenchOsmCommand.class,
      BenchCdnCommand.class
    })
public class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
