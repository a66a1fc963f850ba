package io.l2sm.controller.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.l2sm.controller.flow.FlowRule;
import io.l2sm.controller.model.ControllerException;
import io.l2sm.controller.model.ControllerException.Reason;
import io.l2sm.controller.model.Kind;
import io.l2sm.controller.openflow.FakeSwitch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

class ControllerServiceTest {
  /** The fake switches answer inline, so a reconcile is done when connected() returns. */
  @TempDir Path dir;

  ControllerService core;
  FakeSwitch s1 = new FakeSwitch(0x11);
  FakeSwitch s2 = new FakeSwitch(0x22);

  @BeforeEach
  void setUp() {
    core = service(100, 103);
    done(core.registerSwitch("n1", 0x11, Map.of("n2", 7L)));
    done(core.registerSwitch("n2", 0x22, Map.of("n1", 7L)));
    core.connected(s1.connect());
    core.connected(s2.connect());
  }

  ControllerService service(int vniMin, int vniMax) {
    return new ControllerService(new FileStateStore(dir), vniMin, vniMax, Duration.ofMillis(500));
  }

  static <T> T done(CompletableFuture<T> f) {
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static void refused(ThrowingCallable call, Reason reason, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(ControllerException.class)
        .hasMessage(message)
        .matches(e -> ((ControllerException) e).reason() == reason, "reason " + reason);
  }

  @Test
  void networksGetTheLowestFreeVniAndCreateIsIdempotent() {
    assertThat(done(core.createNetwork("a", Kind.VNET, 0)).vni()).isEqualTo(100);
    assertThat(done(core.createNetwork("b", Kind.VLINK, 0)).vni()).isEqualTo(101);
    assertThat(done(core.createNetwork("a", Kind.VNET, 0)).vni()).isEqualTo(100);
    refused(
        () -> done(core.createNetwork("a", Kind.VLINK, 0)),
        Reason.ALREADY_EXISTS,
        "network a already exists as VNET with VNI 100");
    refused(
        () -> done(core.createNetwork("c", Kind.VNET, 101)),
        Reason.ALREADY_EXISTS,
        "VNI 101 is already used by network b");
    refused(
        () -> done(core.createNetwork("c", Kind.VNET, 1 << 24)),
        Reason.INVALID_ARGUMENT,
        "network c: VNI 16777216 is outside 1-16777215");
    refused(
        () -> done(core.createNetwork("Bad_Name", Kind.VNET, 0)),
        Reason.INVALID_ARGUMENT,
        "network name 'Bad_Name' is not valid: lower-case letters, digits, '-', '.', '/', at most"
            + " 253 characters, starting and ending with a letter or digit");
  }

  @Test
  void edgesAreValidatedPushedAndKeptAcrossARestart() {
    done(core.registerSwitch("n1", 0x11, Map.of("n2", 7L, "ned", 9L)));
    done(core.createNetwork("x", Kind.VNET, 4000));
    refused(() -> done(core.setEdges("nope", List.of("ned"))), Reason.NOT_FOUND, "no network nope");
    refused(
        () -> done(core.setEdges("x", List.of("n2"))),
        Reason.INVALID_ARGUMENT,
        "edge n2 is a switch of this controller, not of another domain");
    refused(
        () -> done(core.setEdges("x", List.of("bad name"))),
        Reason.INVALID_ARGUMENT,
        "edge name 'bad name' is not valid: lower-case letters, digits, '-', '.', '/', at most 253"
            + " characters, starting and ending with a letter or digit");
    assertThat(done(core.setEdges("x", List.of("ned"))).edges()).containsExactly("ned");
    done(core.attach("x2", "x", "n2", 1, "02:00:00:00:00:02"));
    // n1 carries x with no member of its own: towards the edge, on its tunnel port 9.
    assertThat(core.desiredPrograms().get("n1").flows())
        .extracting(FlowRule::toString)
        .anyMatch(f -> f.contains("in_port=9") && f.contains("tun_id=0xfa0"));
    assertThat(s1.flows().keySet())
        .containsExactlyInAnyOrderElementsOf(
            core.desiredPrograms().get("n1").flows().stream().map(FlowRule::cookie).toList());
    ControllerService again = service(100, 103);
    assertThat(again.state().networks().get("x").edges()).containsExactly("ned");
  }

  @Test
  void vniExhaustionIsReportedWithTheRange() {
    for (String n : new String[] {"a", "b", "c", "d"}) {
      done(core.createNetwork(n, Kind.VNET, 0));
    }
    refused(
        () -> done(core.createNetwork("e", Kind.VNET, 0)),
        Reason.RESOURCE_EXHAUSTED,
        "no free VNI: all 4 VNIs of the range 100-103 are in use");
    done(core.deleteNetwork("b", false));
    assertThat(done(core.createNetwork("e", Kind.VNET, 0)).vni()).isEqualTo(101);
  }

  @Test
  void attachmentsAreValidated() {
    done(core.createNetwork("a", Kind.VNET, 0));
    done(core.createNetwork("v", Kind.VLINK, 0));
    refused(
        () -> done(core.attach("x", "nope", "n1", 1, "02:00:00:00:00:01")),
        Reason.NOT_FOUND,
        "no network nope");
    refused(
        () -> done(core.attach("x", "a", "n9", 1, "02:00:00:00:00:01")),
        Reason.NOT_FOUND,
        "attachment x: no switch is registered for node n9");
    refused(
        () -> done(core.attach("x", "a", "n1", 1, "02:00:00:00:00")),
        Reason.INVALID_ARGUMENT,
        "attachment x: MAC '02:00:00:00:00' is not aa:bb:cc:dd:ee:ff");
    refused(
        () -> done(core.attach("x", "a", "n1", 1, "01:00:5e:00:00:01")),
        Reason.INVALID_ARGUMENT,
        "attachment x: MAC 01:00:5e:00:00:01 is a multicast or zero address");
    refused(
        () -> done(core.attach("x", "a", "n1", 0, "02:00:00:00:00:01")),
        Reason.INVALID_ARGUMENT,
        "attachment x: port 0 is not valid");
    done(core.attach("x", "a", "n1", 1, "02:00:00:00:00:01"));
    done(core.attach("x", "a", "n1", 1, "02:00:00:00:00:01"));
    refused(
        () -> done(core.attach("y", "a", "n2", 2, "02:00:00:00:00:01")),
        Reason.ALREADY_EXISTS,
        "attachment y: MAC 02:00:00:00:00:01 is already used in network a by attachment x");
    refused(
        () -> done(core.attach("y", "v", "n1", 1, "02:00:00:00:00:02")),
        Reason.ALREADY_EXISTS,
        "attachment y: port 1 of node n1 is already attachment x");
    done(core.attach("v1", "v", "n1", 5, "02:00:00:00:00:05"));
    done(core.attach("v2", "v", "n2", 5, "02:00:00:00:00:06"));
    refused(
        () -> done(core.attach("v3", "v", "n2", 6, "02:00:00:00:00:07")),
        Reason.FAILED_PRECONDITION,
        "network v is a vlink and already has its two endpoints: v1, v2");
    refused(
        () -> done(core.deleteNetwork("v", false)),
        Reason.FAILED_PRECONDITION,
        "network v still has 2 attachment(s): v1, v2");
    done(core.deleteNetwork("v", true));
    // Port-only attachments (no MAC) may share a network; their ports stay exclusive.
    done(core.attach("p1", "a", "n1", 7, ""));
    done(core.attach("p2", "a", "n2", 7, ""));
    refused(
        () -> done(core.attach("p3", "a", "n1", 7, "")),
        Reason.ALREADY_EXISTS,
        "attachment p3: port 7 of node n1 is already attachment p1");
    assertThat(core.state().attachments()).containsOnlyKeys("x", "p1", "p2");
  }

  @Test
  void switchesGetExactlyTheCompiledFlowsAndARestartChangesNothing() {
    done(core.createNetwork("a", Kind.VNET, 0));
    done(core.attach("a1", "a", "n1", 1, "02:00:00:00:00:01"));
    done(core.attach("a2", "a", "n2", 1, "02:00:00:00:00:02"));
    done(core.setRateLimit("a1", 1000));
    assertThat(s1.flows().keySet())
        .containsExactlyInAnyOrderElementsOf(
            core.desiredPrograms().get("n1").flows().stream().map(FlowRule::cookie).toList());
    assertThat(s1.meters()).containsExactly(Map.entry(1L, 1000L));
    s1.takeMods();
    s2.takeMods();

    // A new controller over the same state file, reconnecting to the same switches.
    ControllerService restarted = service(100, 103);
    restarted.connected(s1.connect());
    restarted.connected(s2.connect());
    assertThat(s1.takeMods()).as("flow or meter mods after a restart").isEmpty();
    assertThat(s2.takeMods()).isEmpty();
    assertThat(restarted.state()).isEqualTo(core.state());
  }

  @Test
  void changesMadeWhileASwitchIsBusyReachItInOneRound() {
    done(core.createNetwork("a", Kind.VNET, 0));
    s1.holdBarriers();
    int before = s1.barriers();
    CompletableFuture<?> first = core.attach("a1", "a", "n1", 1, "02:00:00:00:00:01");
    List<CompletableFuture<?>> burst = new java.util.ArrayList<>();
    for (int i = 2; i <= 6; i++) {
      burst.add(core.attach("a" + i, "a", "n1", i, "02:00:00:00:00:0" + i));
    }
    // The first round is on the switch, unconfirmed; the five changes after it wait together.
    assertThat(s1.barriers() - before).isEqualTo(1);
    assertThat(first).isNotDone();
    assertThat(burst).noneMatch(CompletableFuture::isDone);
    s1.releaseBarriers();
    done(first);
    burst.forEach(ControllerServiceTest::done);
    assertThat(s1.barriers() - before).as("rounds sent to the switch").isEqualTo(2);
    assertThat(s1.flows().keySet())
        .containsExactlyInAnyOrderElementsOf(
            core.desiredPrograms().get("n1").flows().stream().map(FlowRule::cookie).toList());
  }

  @Test
  void aSwitchThatReconnectsDuringABurstEndsWithTheNewestProgram() {
    done(core.createNetwork("a", Kind.VNET, 0));
    s1.holdBarriers();
    core.attach("a1", "a", "n1", 1, "02:00:00:00:00:01");
    // The switch dials in again while a round is on it: its reconcile round is in flight, and a
    // burst of changes made meanwhile waits for one round after it.
    core.connected(s1.connect());
    List<CompletableFuture<?>> burst = new java.util.ArrayList<>();
    for (int i = 2; i <= 6; i++) {
      burst.add(core.attach("a" + i, "a", "n1", i, "02:00:00:00:00:0" + i));
    }
    assertThat(burst).noneMatch(CompletableFuture::isDone);
    s1.releaseBarriers();
    burst.forEach(ControllerServiceTest::done);
    assertThat(s1.flows().keySet())
        .as("the switch holds the program of the last change, not the one it reconnected with")
        .containsExactlyInAnyOrderElementsOf(
            core.desiredPrograms().get("n1").flows().stream().map(FlowRule::cookie).toList());
  }

  @Test
  void aReconnectRemovesForeignFlowsAndOnlyThose() {
    done(core.createNetwork("a", Kind.VNET, 0));
    done(core.attach("a1", "a", "n1", 1, "02:00:00:00:00:01"));
    OFFlowAdd foreign =
        io.l2sm.controller.openflow.OfMessages.OF13
            .buildFlowAdd()
            .setCookie(U64.of(0x1234))
            .setTableId(TableId.of(0))
            .setPriority(500)
            .build();
    s1.inject(foreign);
    s1.takeMods();
    core.connected(s1.connect());
    assertThat(s1.takeMods())
        .singleElement()
        .isInstanceOfSatisfying(
            OFFlowDelete.class, d -> assertThat(d.getCookie().getValue()).isEqualTo(0x1234));
    assertThat(s1.flows()).doesNotContainKey(0x1234L);
  }

  @Test
  void anAttachmentOnADisconnectedSwitchFailsClearly() {
    done(core.createNetwork("a", Kind.VNET, 0));
    done(core.registerSwitch("n3", 0x33, Map.of()));
    refused(
        () -> done(core.attach("a3", "a", "n3", 1, "02:00:00:00:00:03")),
        Reason.UNAVAILABLE,
        "the switch of node n3 is not connected to the controller");
  }

  @Test
  void mirrorsAreValidated() {
    done(core.createNetwork("a", Kind.VNET, 0));
    done(core.createNetwork("mon", Kind.VNET, 0));
    done(core.attach("a1", "a", "n1", 1, "02:00:00:00:00:01"));
    done(core.attach("m", "mon", "n2", 9, "02:00:00:00:00:09"));
    refused(
        () -> done(core.setMirror("a", "a1", "m")),
        Reason.INVALID_ARGUMENT,
        "a mirror needs exactly one source: a network or an attachment");
    refused(
        () -> done(core.setMirror("a", "", "nobody")),
        Reason.NOT_FOUND,
        "no monitor attachment nobody");
    refused(
        () -> done(core.setMirror("mon", "", "m")),
        Reason.INVALID_ARGUMENT,
        "monitor m cannot watch its own network or itself");
    done(core.setMirror("a", "", "m"));
    assertThat(core.state().mirrors()).containsOnlyKeys("network:a");
    done(core.detach("m"));
    assertThat(core.state().mirrors()).as("a mirror dies with its monitor").isEmpty();
  }

  @Test
  void addressesComeFromTheNetworksRangeAndAreNeverGivenTwice() throws Exception {
    done(core.createNetwork("ip", Kind.VNET, 0, "10.1.0.0/24", "10.1.0.0/26"));
    refused(
        () -> done(core.createNetwork("bad", Kind.VNET, 0, "10.1.0.5/24", null)),
        Reason.INVALID_ARGUMENT,
        "network bad: CIDR 10.1.0.5/24 must be a subnet address with a prefix of 8-30");
    refused(
        () -> done(core.createNetwork("bad", Kind.VNET, 0, "10.1.0.0/24", "10.2.0.0/28")),
        Reason.INVALID_ARGUMENT,
        "network bad: range 10.2.0.0/28 is not inside its CIDR 10.1.0.0/24");
    // 50 attachments at once: every one gets its own address, the subnet's own address skipped.
    java.util.List<CompletableFuture<io.l2sm.controller.model.AttachmentState>> all =
        new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(
          core.attach(
              "p" + i,
              "ip",
              i % 2 == 0 ? "n1" : "n2",
              100 + i,
              String.format("02:00:00:00:01:%02x", i),
              java.util.List.of()));
    }
    java.util.Set<String> ips = new java.util.TreeSet<>();
    for (var f : all) {
      ips.addAll(done(f).ips());
    }
    assertThat(ips)
        .hasSize(50)
        .doesNotContain("10.1.0.0/24")
        .contains("10.1.0.1/24", "10.1.0.50/24");
    refused(
        () ->
            done(
                core.attach(
                    "q", "ip", "n1", 300, "02:00:00:00:02:01", java.util.List.of("10.1.0.7/24"))),
        Reason.ALREADY_EXISTS,
        "attachment q: IP 10.1.0.7 is already used in network ip by attachment p6");
    refused(
        () ->
            done(
                core.attach(
                    "q", "ip", "n1", 300, "02:00:00:00:02:01", java.util.List.of("10.9.0.7/24"))),
        Reason.INVALID_ARGUMENT,
        "attachment q: IP 10.9.0.7/24 is outside network ip's 10.1.0.0/24");
    assertThat(
            done(core.attach(
                    "q", "ip", "n1", 300, "02:00:00:00:02:01", java.util.List.of("10.1.0.200/24")))
                .ips())
        .containsExactly("10.1.0.200/24");
    // The range 10.1.0.0/26 holds 63 usable addresses (.1-.63): 13 more, then none.
    for (int i = 50; i < 63; i++) {
      done(
          core.attach(
              "p" + i,
              "ip",
              "n1",
              100 + i,
              String.format("02:00:00:00:01:%02x", i),
              java.util.List.of()));
    }
    refused(
        () -> done(core.attach("full", "ip", "n1", 400, "02:00:00:00:03:01", java.util.List.of())),
        Reason.RESOURCE_EXHAUSTED,
        "no free address in 10.1.0.0/26 of network ip (64 in use)");
    String before =
        done(core.attach("p3", "ip", "n2", 103, "02:00:00:00:01:03", java.util.List.of()))
            .ips()
            .get(0);
    assertThat(before).as("a repeated attach keeps its address").isEqualTo("10.1.0.4/24");
    done(core.detach("p3"));
    assertThat(
            done(core.attach("again", "ip", "n1", 401, "02:00:00:00:03:02", java.util.List.of()))
                .ips())
        .as("a detached address is given out again")
        .containsExactly("10.1.0.4/24");
  }

  /** The ports a flow on a fake switch names (in_port, outputs). */
  static java.util.Set<Integer> ports(OFFlowAdd f) {
    return io.l2sm.controller.openflow.OfMessages.installed(
            io.l2sm.controller.openflow.OfMessages.OF13
                .buildFlowStatsEntry()
                .setCookie(f.getCookie())
                .setTableId(f.getTableId())
                .setMatch(f.getMatch())
                .setInstructions(f.getInstructions())
                .build())
        .ports();
  }

  /**
   * A controller that lost its state (a new one over an empty folder, as a pod without a volume
   * starts) holds what it finds on the switches: the agents' registrations and the operator's
   * networks (with their recorded VNIs) take nothing away; a network not declared again keeps
   * forwarding until the hold ends; its VNI is not given to a new network meanwhile; and a held
   * flow on a port given to a new attachment goes at once.
   */
  @Test
  void aControllerThatLostItsStateHoldsTheFlowsItFindsUntilItsStateIsBack(@TempDir Path empty)
      throws Exception {
    int vniA = done(core.createNetwork("a", Kind.VNET, 0)).vni();
    int vniB = done(core.createNetwork("b", Kind.VNET, 0)).vni();
    done(core.attach("a1", "a", "n1", 1, "02:00:00:00:00:01"));
    done(core.attach("a2", "a", "n2", 1, "02:00:00:00:00:02"));
    done(core.attach("b1", "b", "n1", 2, "02:00:00:00:00:03"));
    done(core.attach("b2", "b", "n2", 2, "02:00:00:00:00:04"));
    java.util.Set<Long> before = s1.flows().keySet();
    java.util.Set<Long> onPort2 = new java.util.HashSet<>();
    s1.flows()
        .forEach(
            (c, f) -> {
              if (ports(f).contains(2)) {
                onPort2.add(c);
              }
            });
    assertThat(onPort2).as("positive control: b1's flows name its port").isNotEmpty();
    s1.takeMods();

    ControllerService lost =
        new ControllerService(
            new FileStateStore(empty),
            100,
            103,
            Duration.ofMillis(500),
            Duration.ofMinutes(5),
            new io.l2sm.controller.flow.FlowCompiler()::compile);
    lost.connected(s1.connect());
    lost.connected(s2.connect());
    // The agents register their switches, the operator declares network a with its VNI, and the
    // agents restore a's attachments: nothing is taken away, b's flows included.
    done(lost.registerSwitch("n1", 0x11, Map.of("n2", 7L)));
    done(lost.registerSwitch("n2", 0x22, Map.of("n1", 7L)));
    done(lost.createNetwork("a", Kind.VNET, vniA));
    done(lost.attach("a1", "a", "n1", 1, "02:00:00:00:00:01"));
    done(lost.attach("a2", "a", "n2", 1, "02:00:00:00:00:02"));
    // (It may replace a flow it installed itself since: a's flood rule grows as members return.)
    assertThat(s1.takeMods())
        .noneMatch(m -> m instanceof OFFlowDelete d && before.contains(d.getCookie().getValue()));
    assertThat(s1.flows().keySet()).containsAll(before);
    // A new network does not get b's VNI while b's flows are held.
    assertThat(done(lost.createNetwork("c", Kind.VNET, 0)).vni()).isNotIn(vniA, vniB);
    // Port 2 of n1 goes to a new attachment: b1's held flows on it go at once, the others stay.
    done(lost.attach("c1", "c", "n1", 2, "02:00:00:00:00:05"));
    assertThat(s1.flows().keySet()).doesNotContainAnyElementsOf(onPort2);
    java.util.Set<Long> heldStill = new java.util.HashSet<>(before);
    heldStill.removeAll(onPort2);
    heldStill.removeAll(
        lost.desiredPrograms().get("n1").flows().stream().map(FlowRule::cookie).toList());
    assertThat(heldStill).as("b's other flows, still held").isNotEmpty();
    assertThat(s1.flows().keySet()).containsAll(heldStill);
    // The hold ends: what nothing declared again goes; each switch holds exactly its program.
    lost.endHold();
    assertThat(s1.flows().keySet())
        .containsExactlyInAnyOrderElementsOf(
            lost.desiredPrograms().get("n1").flows().stream().map(FlowRule::cookie).toList());
    assertThat(s2.flows().keySet())
        .containsExactlyInAnyOrderElementsOf(
            lost.desiredPrograms().get("n2").flows().stream().map(FlowRule::cookie).toList());
  }

  /** The same loss without a hold (--hold-flows 0): the first registration takes b's flows away. */
  @Test
  void withoutAHoldARegistrationRemovesWhatTheNewStateLacks(@TempDir Path empty) {
    done(core.createNetwork("b", Kind.VNET, 0));
    done(core.attach("b1", "b", "n1", 2, "02:00:00:00:00:03"));
    done(core.attach("b2", "b", "n2", 2, "02:00:00:00:00:04"));
    int had = s1.flows().size();
    ControllerService lost =
        new ControllerService(new FileStateStore(empty), 100, 103, Duration.ofMillis(500));
    lost.connected(s1.connect());
    done(lost.registerSwitch("n1", 0x11, Map.of("n2", 7L)));
    assertThat(s1.flows().size()).isLessThan(had);
    assertThat(s1.flows().keySet())
        .containsExactlyInAnyOrderElementsOf(
            lost.desiredPrograms().get("n1").flows().stream().map(FlowRule::cookie).toList());
  }
}
