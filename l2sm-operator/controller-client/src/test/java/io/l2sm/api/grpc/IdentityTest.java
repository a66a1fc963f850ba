package io.l2sm.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.l2sm.api.grpc.Identity.Role;
import org.junit.jupiter.api.Test;

class IdentityTest {
  @Test
  void commonNamesReadBothWays() {
    assertThat(Identity.parse("agent:node-1.example")).isEqualTo(Identity.agent("node-1.example"));
    assertThat(Identity.parse("operator")).isEqualTo(Identity.of(Role.OPERATOR));
    assertThat(Identity.agent("n1").commonName()).isEqualTo("agent:n1");
    assertThat(Identity.of(Role.READER).commonName()).isEqualTo("reader");
  }

  @Test
  void whatIsNoIdentityIsNamed() {
    assertThatThrownBy(() -> Identity.parse("controller"))
        .hasMessage(
            "'controller' is no L2S-M identity (agent:NODE, operator, adapter, reader, admin)");
    assertThatThrownBy(() -> Identity.parse("agent")).hasMessageContaining("agent:NODE");
    assertThatThrownBy(() -> Identity.parse("agent:")).hasMessageContaining("agent:NODE");
    assertThatThrownBy(() -> Identity.parse("agent:a/b")).hasMessageContaining("agent:NODE");
    assertThatThrownBy(() -> Identity.parse("admin:x"))
        .hasMessage("only agents carry a name: admin");
    assertThatThrownBy(() -> Identity.parse("ADMIN")).hasMessageContaining("lower case");
  }
}
