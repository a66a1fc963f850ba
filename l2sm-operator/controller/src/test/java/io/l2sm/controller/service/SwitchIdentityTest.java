package io.l2sm.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SwitchIdentityTest {
  @Test
  void aSwitchSpeaksForTheNodeItsCertificateNames() {
    assertThat(ControllerService.speaksFor("agent:n1", "n1")).isTrue();
    assertThat(ControllerService.speaksFor("agent:n1", "n2")).isFalse();
    // Other roles and other names are no switch of a node.
    assertThat(ControllerService.speaksFor("admin", "n1")).isFalse();
    assertThat(ControllerService.speaksFor("controller", "n1")).isFalse();
    assertThat(ControllerService.speaksFor("", "n1")).isFalse();
    // Plaintext (a development controller): nothing to check.
    assertThat(ControllerService.speaksFor(null, "n1")).isTrue();
  }
}
