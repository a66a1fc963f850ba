package io.l2sm.controller.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** VNIs and addresses handed out from the desired state alone. */
class AllocationTest {
  static NetworkState net(String name, int vni, String cidr, String range) {
    return new NetworkState(name, Kind.VNET, vni, true, List.of(), cidr, range, List.of());
  }

  static AttachmentState att(String id, String network, String... ips) {
    return new AttachmentState(id, network, "n1", 1, "02:00:00:00:00:01", true, 0, List.of(ips));
  }

  static DesiredState state(List<NetworkState> nets, List<AttachmentState> atts) {
    Map<String, NetworkState> n = new java.util.TreeMap<>();
    nets.forEach(x -> n.put(x.name(), x));
    Map<String, AttachmentState> a = new java.util.TreeMap<>();
    atts.forEach(x -> a.put(x.id(), x));
    return DesiredState.of(n, a, Map.of(), Set.of());
  }

  static ControllerException.Reason refusal(Runnable r) {
    try {
      r.run();
    } catch (ControllerException e) {
      return e.reason();
    }
    throw new AssertionError("not refused");
  }

  @Test
  void aFreeVniIsTheLowestNoNetworkNorHeldFlowUses() {
    DesiredState s =
        state(List.of(net("a", 100, null, null), net("b", 102, null, null)), List.of());
    assertThat(Allocation.freeVni(s, Set.of(), 100, 110)).isEqualTo(101);
    assertThat(Allocation.freeVni(s, Set.of(101), 100, 110)).isEqualTo(103);
    assertThatThrownBy(() -> Allocation.freeVni(s, Set.of(101), 100, 102))
        .isInstanceOfSatisfying(
            ControllerException.class,
            e -> assertThat(e.reason()).isEqualTo(ControllerException.Reason.RESOURCE_EXHAUSTED))
        .hasMessage("no free VNI: all 3 VNIs of the range 100-102 are in use");
  }

  @Test
  void aVniAskedForIsInRangeAndNobodyElses() {
    DesiredState s = state(List.of(net("a", 100, null, null)), List.of());
    assertThat(Allocation.checkVni(s, "b", 7)).isEqualTo(7);
    assertThat(refusal(() -> Allocation.checkVni(s, "b", 0)))
        .isEqualTo(ControllerException.Reason.INVALID_ARGUMENT);
    assertThat(refusal(() -> Allocation.checkVni(s, "b", Allocation.VNI_MAX + 1)))
        .isEqualTo(ControllerException.Reason.INVALID_ARGUMENT);
    assertThatThrownBy(() -> Allocation.checkVni(s, "b", 100))
        .hasMessage("VNI 100 is already used by network a");
  }

  @Test
  void addressingIsASubnetWithARangeInsideIt() {
    Allocation.checkAddressing("n", "10.1.0.0/24", "10.1.0.128/25");
    Allocation.checkAddressing("n", null, null);
    assertThatThrownBy(() -> Allocation.checkAddressing("n", null, "10.1.0.0/25"))
        .hasMessage("network n: an address range needs a CIDR");
    assertThatThrownBy(() -> Allocation.checkAddressing("n", "10.1.0.1/24", null))
        .hasMessage("network n: CIDR 10.1.0.1/24 must be a subnet address with a prefix of 8-30");
    assertThatThrownBy(() -> Allocation.checkAddressing("n", "10.1.0.0/24", "10.2.0.0/25"))
        .hasMessage("network n: range 10.2.0.0/25 is not inside its CIDR 10.1.0.0/24");
    assertThat(refusal(() -> Allocation.checkAddressing("n", "10.1.0.0/33", null)))
        .isEqualTo(ControllerException.Reason.INVALID_ARGUMENT);
  }

  @Test
  void anAttachmentGetsTheLowestFreeAddressOrTheOnesItAsksFor() {
    NetworkState n = net("ip", 100, "10.1.0.0/29", null);
    DesiredState s = state(List.of(n), List.of(att("p1", "ip", "10.1.0.1/29")));
    // The network's own address and p1's are skipped.
    assertThat(Allocation.addresses(s, n, "p2", List.of())).containsExactly("10.1.0.2/29");
    // p1 asking again keeps what it has.
    assertThat(Allocation.addresses(s, n, "p1", List.of())).containsExactly("10.1.0.1/29");
    assertThat(Allocation.addresses(s, n, "p2", List.of("10.1.0.5/29")))
        .containsExactly("10.1.0.5/29");
    assertThatThrownBy(() -> Allocation.addresses(s, n, "p2", List.of("10.1.0.1/29")))
        .isInstanceOfSatisfying(
            ControllerException.class,
            e -> assertThat(e.reason()).isEqualTo(ControllerException.Reason.ALREADY_EXISTS))
        .hasMessageContaining("by attachment p1");
    assertThat(refusal(() -> Allocation.addresses(s, n, "p2", List.of("10.9.0.1/29"))))
        .isEqualTo(ControllerException.Reason.INVALID_ARGUMENT);
    // Without a CIDR nothing is given.
    NetworkState plain = net("plain", 101, null, null);
    assertThat(Allocation.addresses(state(List.of(plain), List.of()), plain, "x", List.of()))
        .isEmpty();
  }

  @Test
  void aFullRangeIsExhausted() {
    NetworkState n = net("ip", 100, "10.1.0.0/30", null);
    DesiredState s =
        state(List.of(n), List.of(att("a", "ip", "10.1.0.1/30"), att("b", "ip", "10.1.0.2/30")));
    assertThatThrownBy(() -> Allocation.addresses(s, n, "c", List.of()))
        .isInstanceOfSatisfying(
            ControllerException.class,
            e -> assertThat(e.reason()).isEqualTo(ControllerException.Reason.RESOURCE_EXHAUSTED))
        .hasMessage("no free address in 10.1.0.0/30 of network ip (2 in use)");
  }
}
