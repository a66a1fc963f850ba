package io.l2sm.translator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each example in {@code nsd-examples/} translates to exactly the files checked in under its {@code
 * expected/} folder. Regenerate them with {@code -Dgolden.update=true} and review the diff.
 */
class GoldenExamplesTest {
  static final Path EXAMPLES = Path.of("..", "nsd-examples");

  static Stream<Arguments> examples() {
    return Stream.of(
        Arguments.of("smart-campus", "cluster-map.yaml"),
        Arguments.of("ping-pong", null),
        Arguments.of("multi-vim", "cluster-map.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("an example translates to its checked-in expected files, byte for byte")
  void matchesGoldenFiles(String example, String clusterMapFile) throws Exception {
    Path folder = EXAMPLES.resolve(example);
    ClusterMap map =
        clusterMapFile == null ? null : ClusterMap.load(folder.resolve(clusterMapFile));
    Translation translation =
        Translation.run(folder, List.of(), new TranslationOptions(null, null, null, map));
    Path expected = folder.resolve("expected");
    if (Boolean.getBoolean("golden.update")) {
      OutputWriter.write(expected, translation.files());
    }
    assertThat(translation.files()).isEqualTo(readTree(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("translating the same input twice gives byte-identical output")
  void isDeterministic(String example, String clusterMapFile) throws Exception {
    Path folder = EXAMPLES.resolve(example);
    ClusterMap map =
        clusterMapFile == null ? null : ClusterMap.load(folder.resolve(clusterMapFile));
    TranslationOptions options = new TranslationOptions(null, null, null, map);
    assertThat(Translation.run(folder, List.of(), options).files())
        .isEqualTo(Translation.run(folder, List.of(), options).files());
  }

  private static TranslationOptions options(Path folder, String clusterMapFile)
      throws InvalidInputException {
    ClusterMap map =
        clusterMapFile == null ? null : ClusterMap.load(folder.resolve(clusterMapFile));
    return new TranslationOptions(null, null, null, map);
  }

  static SortedMap<String, String> readTree(Path root) throws IOException {
    SortedMap<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        files.put(
            root.relativize(p).toString().replace('\\', '/'),
            Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return files;
  }
}
