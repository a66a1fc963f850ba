package io.l2sm.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage times survive the file, and the difference of two snapshots is what happened between. */
class StageTimesTest {
  @Test
  void theDifferenceOfTwoSnapshotsIsTheIntervalsWork(@TempDir Path dir) throws Exception {
    StageTimes t = new StageTimes();
    Path file = dir.resolve("stages.json");
    t.add("cni", 4_000_000);
    t.write(file);
    Map<String, StageTimes.Stage> before = StageTimes.read(file);
    t.add("cni", 6_000_000);
    t.add("netns", 1_000_000);
    t.write(file);

    Map<String, StageTimes.Stage> between = StageTimes.between(before, StageTimes.read(file));
    assertThat(between).containsOnlyKeys("cni", "netns");
    assertThat(between.get("cni")).isEqualTo(new StageTimes.Stage(1, 6.0, 6.0));
    assertThat(between.get("netns").meanMs()).isEqualTo(1.0);
    assertThat(StageTimes.read(dir.resolve("absent.json"))).isEmpty();
  }

  @Test
  void anUnchangedSnapshotIsNotWrittenAgain(@TempDir Path dir) throws Exception {
    StageTimes t = new StageTimes();
    Path file = dir.resolve("stages.json");
    t.add("cni", 1_000_000);
    t.write(file);
    Files.delete(file);
    t.write(file);
    assertThat(file).as("nothing added since the last write").doesNotExist();
    t.add("cni", 1_000_000);
    t.write(file);
    assertThat(StageTimes.read(file).get("cni").count())
        .as("written once something was")
        .isEqualTo(2);
  }
}
