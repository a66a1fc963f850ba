package io.l2sm.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Entry point of the {@code l2sm} launcher. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code (0 ok, 1 runtime failure, 2 bad input). */
  public static int run(String... args) {
    CommandLine cli = newCommandLine();
    try {
      return cli.execute(args);
    } finally {
      // print() does not flush: without this, output after the last println is lost at exit.
      cli.getOut().flush();
      cli.getErr().flush();
    }
  }

  /** The command tree with the project's error conventions: one line per error on stderr. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new L2smCommand());
    // One writer per stream for the whole tree (set on the root, picocli hands it to every
    // subcommand), so the flush in run() reaches what any subcommand printed.
    cli.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
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
