package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the shipped classes must not hold: switches meant for tests. */
class ShippedCodeTest {
  /** The modules whose classes go into the product's jar and image. */
  static final List<Path> SHIPPED =
      List.of(
          Path.of("target/classes"),
          Path.of("../l2sm-operator/controller/target/classes"),
          Path.of("../l2sm-operator/agent/target/classes"),
          Path.of("../l2sm-operator/operator/target/classes"),
          Path.of("../l2sm-operator/api/target/classes"),
          Path.of("../l2sm-operator/controller-client/target/classes"),
          Path.of("../osm-adapter/target/classes"),
          Path.of("../conformance/target/classes"),
          Path.of("../descriptor-translator/target/classes"));

  @Test
  @DisplayName("no shipped class holds a fault-injection switch, and the controller refuses one")
  void noTestFaultSwitch() throws IOException {
    int classes = 0;
    for (Path root : SHIPPED) {
      assertThat(root).as("built module %s", root).isDirectory();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          classes++;
          String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          assertThat(text)
              .as(f.toString())
              .doesNotContain("test-fault")
              .doesNotContain("no-source-check");
        }
      }
    }
    assertThat(classes).as("classes looked at").isGreaterThan(300);
    StringWriter err = new StringWriter();
    var cli = Main.newCommandLine();
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setOut(new java.io.PrintWriter(new StringWriter(), true));
    assertThat(cli.execute("controller", "--test-fault=no-source-check")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--test-fault=no-source-check'");
  }
}
