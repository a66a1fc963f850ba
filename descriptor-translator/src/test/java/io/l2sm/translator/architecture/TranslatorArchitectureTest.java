package io.l2sm.translator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The translator's rule (docs/architecture.md): descriptors in, a plan and Kubernetes objects out,
 * with no transport (gRPC, Netty, HTTP) and no process or socket of its own; shown to catch a class
 * that breaks it.
 */
class TranslatorArchitectureTest {
  static final ArchRule PURE =
      noClasses()
          .that()
          .resideInAPackage("io.l2sm.translator..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.grpc..", "io.netty..", "java.net.http..", "java.net")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName(ProcessBuilder.class.getName())
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("io.fabric8.kubernetes.client..")
          .orShould()
          .dependOnClassesThat()
          .haveNameMatching(
              "io\\.l2sm\\.api\\.v1\\.(NetworkAttachmentDefinition|L2Network|Overlay|NetworkEdgeDevice)")
          .as(
              "the translator is pure: no gRPC, Netty, HTTP, sockets, processes or Kubernetes"
                  + " client (nor the custom resources' classes, which need it)");

  @Test
  void theTranslatorIsPureAndItsPackagesHaveNoCycles() {
    JavaClasses translator =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.l2sm.translator");
    // Positive control: the translator's own classes were looked at.
    assertThat(translator.stream().map(c -> c.getSimpleName()))
        .contains("Translator", "Renderer", "ClusterMap");
    PURE.check(translator);
    slices()
        .matching("io.l2sm.translator.(*)..")
        .should()
        .beFreeOfCycles()
        .as("the translator's packages have no cycles")
        .check(translator);
  }

  @Test
  void theRuleCatchesAClassThatUsesACustomResourceClass() {
    JavaClasses bad = new ClassFileImporter().importClasses(UsesACustomResource.class);
    assertThat(PURE.evaluate(bad).getFailureReport().getDetails())
        .anyMatch(
            l ->
                l.contains("UsesACustomResource")
                    && l.contains("io.l2sm.api.v1.NetworkAttachmentDefinition"));
  }

  /** The translator runs without the Kubernetes client: it is not on its classpath at all. */
  @Test
  void theKubernetesClientIsNotOnTheTranslatorsClasspath() {
    // Positive control: the object model it does use is there.
    assertThat(resource("io/l2sm/api/v1/L2smNetConfig.class")).isTrue();
    assertThat(resource("io/fabric8/kubernetes/client/CustomResource.class")).isFalse();
  }

  static boolean resource(String name) {
    return TranslatorArchitectureTest.class.getClassLoader().getResource(name) != null;
  }

  @Test
  void theRuleCatchesAClassThatOpensAConnection() {
    JavaClasses bad = new ClassFileImporter().importClasses(OpensAConnection.class);
    assertThat(PURE.evaluate(bad).getFailureReport().getDetails())
        .anyMatch(l -> l.contains("OpensAConnection") && l.contains("java.net.http.HttpClient"));
  }
}
