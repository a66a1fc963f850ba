package io.l2sm.lab;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Files of the checkout this program runs from (its jar or classes lie inside it). */
final class Checkout {
  private Checkout() {}

  /** {@code relative} in the nearest folder above this program's code that has it. */
  static Optional<Path> find(String relative) {
    try {
      Path p = Path.of(Checkout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (; p != null; p = p.getParent()) {
        if (Files.exists(p.resolve(relative))) {
          return Optional.of(p.resolve(relative));
        }
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return Optional.empty();
  }

  /**
   * Runs one of the checkout's bash scripts, passing on its lines that start with {@code tag} (its
   * progress) to {@code progress}; returns its last line (scripts print their result there).
   */
  static String runScript(Path script, List<String> args, String tag, PrintWriter progress)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String last = "";
    List<String> lines = new ArrayList<>();
    try (var out = p.inputReader(StandardCharsets.UTF_8)) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
        if (line.startsWith(tag)) {
          progress.println("  " + line);
          progress.flush();
        } else if (!line.isBlank()) {
          last = line;
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "`bash "
              + script
              + " "
              + String.join(" ", args)
              + "` failed: "
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size())));
    }
    return last;
  }
}
