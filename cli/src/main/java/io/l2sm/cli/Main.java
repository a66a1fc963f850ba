package io.l2sm.cli;

import picocli.CommandLine;

/** Entry point of the {@code l2sm} launcher. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code (0 ok, 1 runtime failure, 2 bad input). */
  public static int run(String... args) {
    return newCommandLine().execute(args);
  }

  /** The command tree with the project's error conventions: one line per error on stderr. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new L2smCommand());
    cli.setParameterExceptionHandler(
        (ex, argv) -> {
          CommandLine failed = ex.getCommandLine();
          failed.getErr().println(failed.getCommandName() + ": error: " + ex.getMessage());
          failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
          return ExitCodes.INVALID_INPUT;
        });
    cli.setExecutionExceptionHandler(
        (ex, failed, parseResult) -> {
          failed.getErr().println(failed.getCommandName() + ": error: " + describe(ex));
          return ExitCodes.FAILURE;
        });
    return cli;
  }

  private static String describe(Throwable ex) {
    String message = ex.getMessage();
    return message == null ? ex.getClass().getSimpleName() : message.strip().split("\\R", 2)[0];
  }
}
