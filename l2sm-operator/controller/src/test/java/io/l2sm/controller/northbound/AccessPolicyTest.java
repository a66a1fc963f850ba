package io.l2sm.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.l2sm.api.grpc.Identity;
import io.l2sm.api.grpc.Identity.Role;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.DetachRequest;
import io.l2sm.api.grpc.v1.RegisterSwitchRequest;
import io.l2sm.api.grpc.v1.UnregisterSwitchRequest;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  final AccessPolicy policy = new AccessPolicy(Map.of("a-on-n2", "n2", "a-on-n1", "n1")::get);

  /** Every method of the service, as the proto declares them. */
  static Set<String> methods() {
    return ControllerGrpc.getServiceDescriptor().getMethods().stream()
        .map(m -> m.getBareMethodName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  Set<String> allowed(Identity who) {
    return methods().stream()
        .filter(m -> policy.refuseMethod(who, m) == null)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void eachRoleHasItsMethodsAndTheAdminAll() {
    assertThat(allowed(Identity.of(Role.ADMIN))).isEqualTo(methods());
    assertThat(allowed(Identity.of(Role.READER)))
        .containsExactlyInAnyOrder("GetNetwork", "ListNetworks", "GetStatus", "Watch");
    assertThat(allowed(Identity.of(Role.OPERATOR)))
        .containsExactlyInAnyOrder(
            "GetNetwork",
            "ListNetworks",
            "GetStatus",
            "Watch",
            "CreateNetwork",
            "DeleteNetwork",
            "SetEdges");
    assertThat(allowed(Identity.of(Role.ADAPTER)))
        .containsExactlyInAnyOrder(
            "GetNetwork",
            "ListNetworks",
            "GetStatus",
            "Watch",
            "CreateNetwork",
            "DeleteNetwork",
            "SetEdges",
            "Attach",
            "Detach");
    assertThat(allowed(Identity.agent("n1")))
        .containsExactlyInAnyOrder(
            "GetNetwork",
            "ListNetworks",
            "GetStatus",
            "Watch",
            "RegisterSwitch",
            "UnregisterSwitch",
            "Attach",
            "Detach");
    // Mirroring, shutting ports and links, rate limits and paths: the admin's only.
    for (String m : Set.of("SetMirror", "SetAdminState", "SetRateLimit", "SetPath")) {
      for (Role r : Role.values()) {
        Identity who = r == Role.AGENT ? Identity.agent("n1") : Identity.of(r);
        assertThat(policy.refuseMethod(who, m) == null)
            .as(who + " " + m)
            .isEqualTo(r == Role.ADMIN);
      }
    }
  }

  @Test
  void anAgentIsHeldToItsNode() {
    Identity n1 = Identity.agent("n1");
    assertThat(
            policy.refuseRequest(
                n1, "RegisterSwitch", RegisterSwitchRequest.newBuilder().setNode("n1").build()))
        .isNull();
    assertThat(
            policy.refuseRequest(
                n1, "RegisterSwitch", RegisterSwitchRequest.newBuilder().setNode("n2").build()))
        .isEqualTo(
            "agent:n1 may not register the switch of node n2 (an agent acts on its own node only)");
    assertThat(
            policy.refuseRequest(
                n1, "UnregisterSwitch", UnregisterSwitchRequest.newBuilder().setNode("n2").build()))
        .contains("unregister the switch of node n2");
    assertThat(policy.refuseRequest(n1, "Attach", AttachRequest.newBuilder().setNode("n1").build()))
        .isNull();
    assertThat(policy.refuseRequest(n1, "Attach", AttachRequest.newBuilder().setNode("n2").build()))
        .contains("attach a port on node n2");
    assertThat(
            policy.refuseRequest(n1, "Detach", DetachRequest.newBuilder().setId("a-on-n1").build()))
        .isNull();
    assertThat(
            policy.refuseRequest(n1, "Detach", DetachRequest.newBuilder().setId("a-on-n2").build()))
        .contains("detach a port on node n2");
    // An id nobody holds: the controller's NOT_FOUND, not a refusal that tells ids apart.
    assertThat(policy.refuseRequest(n1, "Detach", DetachRequest.newBuilder().setId("none").build()))
        .isNull();
    // The adapter attaches OSM's ports on any node.
    assertThat(
            policy.refuseRequest(
                Identity.of(Role.ADAPTER),
                "Attach",
                AttachRequest.newBuilder().setNode("n2").build()))
        .isNull();
  }

  @Test
  void aRefusalNamesWhoMayCall() {
    assertThat(policy.refuseMethod(Identity.of(Role.READER), "CreateNetwork"))
        .isEqualTo("reader may not call CreateNetwork (operator, adapter, admin)");
    assertThat(policy.refuseMethod(Identity.of(Role.OPERATOR), "Attach"))
        .isEqualTo("operator may not call Attach (agent:NODE, adapter, admin)");
    assertThat(policy.refuseMethod(Identity.of(Role.OPERATOR), "SetMirror"))
        .isEqualTo("operator may not call SetMirror (admin)");
  }
}
