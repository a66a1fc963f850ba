package io.l2sm.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD files under {@code helm-charts/l2sm/crds/} are generated from the Java model by fabric8's
 * crd-generator; this test fails when they drift. Regenerate with {@code -Dgolden.update=true}.
 */
class CrdFilesTest {
  static final Path CHECKED_IN = Path.of("../../helm-charts/l2sm/crds");

  @TempDir Path out;

  @Test
  void checkedInCrdsMatchTheModel() throws IOException {
    new CRDGenerator()
        .customResourceClasses(
            L2Network.class,
            NetworkAttachmentDefinition.class,
            NetworkEdgeDevice.class,
            Overlay.class)
        .forCRDVersions("v1")
        .inOutputDir(out.toFile())
        .generate();
    List<Path> generated;
    try (Stream<Path> s = Files.list(out)) {
      generated = s.sorted().toList();
    }
    assertThat(generated)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "l2networks.l2sm.l2sm.k8s.local-v1.yml",
            "network-attachment-definitions.k8s.cni.cncf.io-v1.yml",
            "networkedgedevices.l2sm.l2sm.k8s.local-v1.yml",
            "overlays.l2sm.l2sm.k8s.local-v1.yml");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(CHECKED_IN);
      for (Path p : generated) {
        Files.copy(
            p,
            CHECKED_IN.resolve(p.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    for (Path p : generated) {
      Path mine = CHECKED_IN.resolve(p.getFileName());
      assertThat(mine).as("checked in (regenerate with -Dgolden.update=true)").exists();
      assertThat(Files.readString(mine)).as("%s", mine).isEqualTo(Files.readString(p));
    }
  }
}
