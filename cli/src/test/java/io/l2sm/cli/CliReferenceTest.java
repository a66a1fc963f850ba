package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code docs/cli.md} is the help of every command, generated from the code; this test fails when
 * they drift. Regenerate with {@code -Dgolden.update=true}.
 */
class CliReferenceTest {
  static final Path DOC = Path.of("..", "docs", "cli.md");

  @Test
  @DisplayName("docs/cli.md matches the help every command prints")
  void referenceMatchesHelp() throws Exception {
    StringBuilder doc =
        new StringBuilder(
            "# Command-line reference\n\n"
                + "Generated from the commands' own `--help` (a test keeps it in step with the"
                + " code). All commands exit 0 on success, 1 on a runtime failure and 2 on invalid"
                + " input or usage; errors go to stderr, one line each.\n");
    append(doc, Main.newCommandLine());
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(DOC, doc.toString(), StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8)).isEqualTo(doc.toString());
  }

  private static void append(StringBuilder doc, CommandLine cli) {
    String name = cli.getCommandSpec().qualifiedName();
    cli.setUsageHelpWidth(100);
    doc.append("\n## `").append(name).append("`\n\n```\n");
    doc.append(cli.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n");
    cli.getSubcommands().values().forEach(sub -> append(doc, sub));
  }
}
