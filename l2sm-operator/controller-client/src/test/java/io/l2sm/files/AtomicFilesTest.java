package io.l2sm.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theFileIsReplacedWithTheGivenPermissionsAndNothingElseIsLeft() throws Exception {
    Path f = dir.resolve("sub/state.json");
    AtomicFiles.replace(f, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(f)).isEqualTo("{\"a\":1}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-r--r--");
    AtomicFiles.replace(
        f,
        "{}".getBytes(StandardCharsets.UTF_8),
        PosixFilePermissions.fromString("rw-------"),
        AtomicFiles.Durability.MACHINE);
    assertThat(Files.readString(f)).isEqualTo("{}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(names(f.getParent())).containsExactly("state.json");
  }

  @Test
  void aFailedReplacementKeepsTheOldFolderAsItWasAndLeavesNoTemporaryFile() throws Exception {
    // The target is a folder that is not empty: the rename fails.
    Path f = dir.resolve("taken");
    Files.createDirectories(f.resolve("inside"));
    assertThatThrownBy(() -> AtomicFiles.replace(f, new byte[] {1}))
        .isInstanceOf(IOException.class);
    assertThat(names(dir)).containsExactly("taken");
    assertThat(names(f)).containsExactly("inside");
  }

  @Test
  void aReaderNeverSeesAPartOfAFileThatWritersReplaceAtTheSameTime() throws Exception {
    Path f = dir.resolve("shared");
    byte[][] contents = new byte[4][];
    for (int i = 0; i < contents.length; i++) {
      contents[i] =
          String.valueOf((char) ('a' + i)).repeat(200_000).getBytes(StandardCharsets.UTF_8);
    }
    AtomicFiles.replace(f, contents[0]);
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      byte[] mine = contents[w + 1];
      Thread t =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    AtomicFiles.replace(f, mine);
                  }
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      t.start();
      writers.add(t);
    }
    Set<Character> seen = new HashSet<>();
    try {
      for (int r = 0; r < 300; r++) {
        String s = Files.readString(f);
        assertThat(s).hasSize(200_000);
        assertThat(s.chars().distinct().count()).as("one writer's whole content").isEqualTo(1);
        seen.add(s.charAt(0));
      }
    } finally {
      stop.set(true);
      for (Thread t : writers) {
        t.join();
      }
    }
    // Positive control: the writers did replace it while it was read.
    assertThat(seen).hasSizeGreaterThan(1);
    assertThat(names(dir)).containsExactly("shared");
  }
}
