package io.l2sm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code l2sm} command: only dispatches to subcommands. */
@Command(
    name = "l2sm",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "L2S-M for OSM: isolated link-layer virtual networks for Kubernetes workloads.",
    subcommands = {
      TranslateCommand.class,
      ControllerCommand.class,
      IdcoCommand.class,
      AdapterCommand.class,
      PostRenderCommand.class,
      OsmCommand.class,
      ConformanceCommand.class,
      AgentCommand.class,
      OperatorCommand.class,
      ApiServerCommand.class,
      LabCommand.class,
      DemoCommand.class,
      KubeletCommand.class,
      CtlCommand.class,
      BenchCommand.class
    },
    footer = {"", "Exit codes: 0 success, 1 runtime failure, 2 invalid input or usage."})
public class L2smCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
