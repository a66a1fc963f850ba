package io.l2sm.controller.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller's dependency rules (docs/architecture.md), checked on its compiled classes; each
 * rule is also shown to catch a class that breaks it (fixtures in this package), so a rule that
 * looks at nothing cannot pass.
 */
class ControllerArchitectureTest {
  static JavaClasses controller;

  /**
   * The controller knows no Kubernetes: it serves gRPC and OpenFlow, the operator speaks to the
   * API.
   */
  static final ArchRule NO_KUBERNETES =
      noClasses()
          .that()
          .resideInAPackage("io.l2sm.controller..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.fabric8..", "io.kubernetes..")
          .as("the controller knows no Kubernetes");

  /** The model (networks, attachments, allocations) is plain: no wire types, no transport. */
  static final ArchRule PLAIN_MODEL =
      noClasses()
          .that()
          .resideInAPackage("io.l2sm.controller.model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.grpc..",
              "io.netty..",
              "org.projectfloodlight..",
              "io.l2sm.controller.openflow..",
              "io.l2sm.controller.northbound..",
              "io.l2sm.controller.service..")
          .as("the controller's model is plain (no gRPC, Netty, OpenFlow or service types)");

  /** The flow compiler turns the model into flows: pure, no transport either. */
  static final ArchRule PURE_FLOWS =
      noClasses()
          .that()
          .resideInAPackage("io.l2sm.controller.flow..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.grpc..",
              "io.netty..",
              "org.projectfloodlight..",
              "io.l2sm.controller.openflow..",
              "io.l2sm.controller.northbound..",
              "io.l2sm.controller.service..")
          .as("the flow compiler uses no transport, no OpenFlow wire types and no service");

  /**
   * The service works in the flow compiler's terms (rules, programs, changes, installed flows): the
   * OpenFlow layer alone speaks the wire protocol (openflowj) and Netty.
   */
  static final ArchRule SERVICE_WITHOUT_WIRE_TYPES =
      noClasses()
          .that()
          .resideInAPackage("io.l2sm.controller.service..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.projectfloodlight..", "io.netty..")
          .as("the service uses no OpenFlow wire types (openflowj) and no Netty");

  @BeforeAll
  static void load() {
    controller =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.l2sm.controller");
  }

  @Test
  void theRulesHoldForTheControllersClasses() {
    // Positive control: the classes of every package of the controller were looked at.
    assertThat(controller.stream().map(c -> c.getPackageName()).distinct())
        .contains(
            "io.l2sm.controller.model",
            "io.l2sm.controller.flow",
            "io.l2sm.controller.service",
            "io.l2sm.controller.openflow",
            "io.l2sm.controller.northbound",
            "io.l2sm.controller.idco");
    NO_KUBERNETES.check(controller);
    PLAIN_MODEL.check(controller);
    PURE_FLOWS.check(controller);
    SERVICE_WITHOUT_WIRE_TYPES.check(controller);
    slices()
        .matching("io.l2sm.controller.(*)..")
        .should()
        .beFreeOfCycles()
        .as("the controller's packages have no cycles")
        .check(controller);
  }

  @Test
  void eachRuleCatchesAClassThatBreaksIt() {
    JavaClasses bad =
        new ClassFileImporter()
            .importClasses(
                io.l2sm.controller.model.ArchitectureFixtures.KnowsKubernetes.class,
                io.l2sm.controller.model.ArchitectureFixtures.SpeaksGrpc.class,
                io.l2sm.controller.flow.ArchitectureFixtures.UsesTheService.class,
                io.l2sm.controller.service.ArchitectureFixtures.SpeaksOpenFlow.class);
    assertThat(NO_KUBERNETES.evaluate(bad).getFailureReport().getDetails())
        .anyMatch(l -> l.contains("KnowsKubernetes") && l.contains("io.fabric8"));
    assertThat(PLAIN_MODEL.evaluate(bad).getFailureReport().getDetails())
        .anyMatch(l -> l.contains("SpeaksGrpc") && l.contains("io.grpc"));
    assertThat(PURE_FLOWS.evaluate(bad).getFailureReport().getDetails())
        .anyMatch(l -> l.contains("UsesTheService") && l.contains("ControllerService"));
    assertThat(SERVICE_WITHOUT_WIRE_TYPES.evaluate(bad).getFailureReport().getDetails())
        .anyMatch(l -> l.contains("SpeaksOpenFlow") && l.contains("org.projectfloodlight"));
  }
}
