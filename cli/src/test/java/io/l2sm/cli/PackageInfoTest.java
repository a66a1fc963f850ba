package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every package of the product's sources says, in its package-info, what it holds. */
class PackageInfoTest {
  @Test
  void everyPackageSaysWhatItHolds() throws IOException {
    Set<Path> packages = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of(".."))) {
      files
          .filter(p -> p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/"))
          .filter(p -> p.getFileName().toString().endsWith(".java"))
          .filter(p -> !p.getFileName().toString().equals("package-info.java"))
          .forEach(p -> packages.add(p.getParent().normalize()));
    }
    // The walk found the modules' packages (the controller's and the translator's among them).
    assertThat(packages).hasSizeGreaterThan(25);
    assertThat(packages.stream().map(Path::toString))
        .anyMatch(p -> p.endsWith("io/l2sm/controller/flow"))
        .anyMatch(p -> p.endsWith("io/l2sm/translator"));
    List<String> without = new ArrayList<>();
    for (Path dir : packages) {
      Path info = dir.resolve("package-info.java");
      if (!Files.exists(info)) {
        without.add(dir + ": no package-info.java");
        continue;
      }
      String text = Files.readString(info);
      String doc = text.contains("*/") ? text.substring(0, text.indexOf("*/")) : "";
      if (!doc.contains("/**") || doc.replaceAll("[/*\\s]", "").length() < 40) {
        without.add(info + ": no description of what the package holds");
      }
    }
    assertThat(without).isEmpty();
  }
}
