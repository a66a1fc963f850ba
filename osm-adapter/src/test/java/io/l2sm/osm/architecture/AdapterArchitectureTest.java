package io.l2sm.osm.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.l2sm.osm.architecture.cycle.a.Renders;
import io.l2sm.osm.architecture.cycle.b.Deploys;
import org.junit.jupiter.api.Test;

/**
 * The adapter's packages have no cycles (docs/architecture.md): {@code deploy} uses {@code render},
 * never the other way; shown to catch a cycle.
 */
class AdapterArchitectureTest {
  static ArchRule noCycles(String packages) {
    return slices()
        .matching(packages + ".(*)..")
        .should()
        .beFreeOfCycles()
        .as("the packages under " + packages + " have no cycles");
  }

  @Test
  void theAdaptersPackagesHaveNoCycles() {
    JavaClasses adapter =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.l2sm.osm");
    // Positive control: both packages of the former cycle were looked at.
    assertThat(adapter.stream().map(c -> c.getPackageName()))
        .contains("io.l2sm.osm.deploy", "io.l2sm.osm.render");
    noCycles("io.l2sm.osm").check(adapter);
  }

  @Test
  void theRuleCatchesACycle() {
    JavaClasses bad = new ClassFileImporter().importClasses(Renders.class, Deploys.class);
    assertThat(noCycles("io.l2sm.osm.architecture.cycle").evaluate(bad).hasViolation()).isTrue();
  }
}
