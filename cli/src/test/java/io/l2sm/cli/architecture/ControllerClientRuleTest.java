package io.l2sm.cli.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.l2sm.cli.architecture.fixture.RawStub;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every part calls the controller through {@code ControllerClient} (docs/architecture.md): outside
 * the client's own package and the controller (which serves the API), no product class touches the
 * generated stubs; shown to catch a part that builds its own.
 */
class ControllerClientRuleTest {
  static final ArchRule ONLY_THE_CLIENT_BUILDS_STUBS =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.l2sm.api.grpc..", "io.l2sm.controller..")
          .should()
          .dependOnClassesThat()
          .haveNameMatching("io\\.l2sm\\.api\\.grpc\\.v1\\.ControllerGrpc(\\$.*)?")
          .as("only io.l2sm.api.grpc.GrpcControllerClient uses the controller's gRPC stubs");

  @Test
  void everyPartCallsTheControllerThroughTheClient() {
    JavaClasses product =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.l2sm");
    // Positive control: the callers were looked at, each with its use of the client seen.
    Set<String> callers =
        product.stream()
            .filter(
                c ->
                    c.getDirectDependenciesFromSelf().stream()
                        .anyMatch(
                            d ->
                                d.getTargetClass()
                                    .getName()
                                    .equals("io.l2sm.api.grpc.ControllerClient")))
            .map(JavaClass::getName)
            .collect(Collectors.toSet());
    assertThat(callers)
        .contains(
            "io.l2sm.agent.NodeAgent",
            "io.l2sm.operator.NetworkReconciler",
            "io.l2sm.osm.fabric.ControllerFabric",
            "io.l2sm.osm.fabric.InterCluster",
            "io.l2sm.lab.Testbed",
            "io.l2sm.cli.CtlCommand");
    ONLY_THE_CLIENT_BUILDS_STUBS.check(product);
  }

  @Test
  void theRuleCatchesAPartWithItsOwnStub() {
    JavaClasses bad = new ClassFileImporter().importClasses(RawStub.class);
    assertThat(ONLY_THE_CLIENT_BUILDS_STUBS.evaluate(bad).hasViolation()).isTrue();
  }
}
