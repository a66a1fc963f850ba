package io.l2sm.controller.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.l2sm.controller.flow.FlowSimulator.Delivery;
import io.l2sm.controller.model.AttachmentState;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.model.Kind;
import io.l2sm.controller.model.Link;
import io.l2sm.controller.model.MirrorState;
import io.l2sm.controller.model.NetworkState;
import io.l2sm.controller.model.SwitchState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowCompilerTest {
  private static final String BCAST = "ff:ff:ff:ff:ff:ff";

  private final Map<String, NetworkState> networks = new HashMap<>();
  private final Map<String, AttachmentState> attachments = new HashMap<>();
  private final Map<String, SwitchState> switches = new HashMap<>();
  private final java.util.Set<Link> shut = new java.util.HashSet<>();
  private final Map<String, MirrorState> mirrors = new HashMap<>();

  /** Switches n1..nk; tunnels per link get ports 100 + index of the peer. */
  private void overlay(String... links) {
    Map<String, Map<String, Integer>> tunnels = new HashMap<>();
    for (String l : links) {
      Link link = Link.parse(l);
      tunnels.computeIfAbsent(link.a(), k -> new HashMap<>()).put(link.b(), portTo(link.b()));
      tunnels.computeIfAbsent(link.b(), k -> new HashMap<>()).put(link.a(), portTo(link.a()));
    }
    tunnels.forEach((n, t) -> switches.put(n, new SwitchState(n, n.hashCode(), t)));
  }

  private static int portTo(String node) {
    return 100 + Integer.parseInt(node.substring(1));
  }

  private void network(String name, Kind kind, int vni) {
    networks.put(name, new NetworkState(name, kind, vni, true, List.of()));
  }

  private void attach(String id, String network, String node, int port, String mac) {
    attachments.put(id, new AttachmentState(id, network, node, port, mac, true, 0));
  }

  private void attach(String id, String network, String node, int port, String mac, String ip) {
    attachments.put(
        id, new AttachmentState(id, network, node, port, mac, true, 0, List.of(ip + "/24")));
  }

  private FlowSimulator sim() {
    return new FlowSimulator(DesiredState.of(networks, attachments, switches, shut, mirrors));
  }

  private void twoNetworksOnTwoNodes() {
    overlay("n1~n2");
    network("a", Kind.VNET, 10);
    network("b", Kind.VNET, 11);
    attach("a1", "a", "n1", 1, "02:00:00:00:0a:01");
    attach("a2", "a", "n2", 1, "02:00:00:00:0a:02");
    attach("b1", "b", "n1", 2, "02:00:00:00:0b:01");
    attach("b2", "b", "n2", 2, "02:00:00:00:0b:02");
  }

  @Test
  void unicastReachesTheMemberAcrossTheTunnel() {
    twoNetworksOnTwoNodes();
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", "02:00:00:00:0a:02"))
        .containsExactly(new Delivery("n2", 1));
  }

  @Test
  void broadcastReachesOnlyTheOwnNetwork() {
    twoNetworksOnTwoNodes();
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", BCAST))
        .containsExactly(new Delivery("n2", 1));
    assertThat(sim().send("n2", 2, "02:00:00:00:0b:02", "33:33:00:00:00:01"))
        .containsExactly(new Delivery("n1", 2));
  }

  @Test
  void framesToAnotherNetworksMacStayInTheirOwnNetwork() {
    twoNetworksOnTwoNodes();
    // Unknown in network a: flooded within a only, never delivered to b's port.
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", "02:00:00:00:0b:02"))
        .containsExactly(new Delivery("n2", 1));
  }

  @Test
  void forgedSourceMacIsDroppedAtIngress() {
    twoNetworksOnTwoNodes();
    assertThat(sim().send("n1", 1, "02:00:00:00:0b:01", BCAST)).isEmpty();
    assertThat(sim().send("n1", 1, "02:00:00:00:66:66", "02:00:00:00:0a:02")).isEmpty();
  }

  @Test
  void portOnlyAttachmentsTakeAnySourceAndAreReachedByFloodingWithinTheirNetworkOnly() {
    twoNetworksOnTwoNodes();
    attach("p1", "a", "n1", 3, "");
    attach("p2", "a", "n2", 3, "");
    // Any source MAC from a port-only port enters its network, and only that one.
    assertThat(sim().send("n1", 3, "02:00:00:00:77:01", BCAST))
        .containsExactlyInAnyOrder(
            new Delivery("n1", 1), new Delivery("n2", 1), new Delivery("n2", 3));
    // A frame for the device behind p2 (a MAC the controller does not know) is flooded in a.
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", "02:00:00:00:77:02"))
        .containsExactlyInAnyOrder(
            new Delivery("n1", 3), new Delivery("n2", 1), new Delivery("n2", 3));
    // Known members are still reached by unicast only; b never sees a's frames.
    assertThat(sim().send("n1", 3, "02:00:00:00:77:01", "02:00:00:00:0a:02"))
        .containsExactly(new Delivery("n2", 1));
    assertThat(sim().send("n1", 3, "02:00:00:00:77:01", "02:00:00:00:0b:02"))
        .doesNotContain(new Delivery("n2", 2));
  }

  @Test
  void framesFromAnUnknownPortOrVniAreDropped() {
    twoNetworksOnTwoNodes();
    assertThat(sim().send("n1", 7, "02:00:00:00:0a:01", BCAST)).isEmpty();
  }

  @Test
  void ringFloodsExactlyOncePerMember() {
    overlay("n1~n2", "n2~n3", "n1~n3");
    network("a", Kind.VNET, 10);
    attach("a1", "a", "n1", 1, "02:00:00:00:0a:01");
    attach("a2", "a", "n2", 1, "02:00:00:00:0a:02");
    attach("a3", "a", "n3", 1, "02:00:00:00:0a:03");
    attach("a4", "a", "n3", 2, "02:00:00:00:0a:04");
    for (AttachmentState from : attachments.values()) {
      List<Delivery> got = sim().send(from.node(), from.port(), from.mac(), BCAST);
      assertThat(got)
          .as("broadcast from %s", from.id())
          .hasSize(3)
          .doesNotHaveDuplicates()
          .doesNotContain(new Delivery(from.node(), from.port()));
    }
  }

  @Test
  void fullMeshOfFiveFloodsOnceAndUnicastsExactly() {
    overlay(
        "n1~n2", "n1~n3", "n1~n4", "n1~n5", "n2~n3", "n2~n4", "n2~n5", "n3~n4", "n3~n5", "n4~n5");
    network("a", Kind.VNET, 10);
    for (int i = 1; i <= 5; i++) {
      attach("a" + i, "a", "n" + i, 1, "02:00:00:00:0a:0" + i);
    }
    assertThat(sim().send("n4", 1, "02:00:00:00:0a:04", BCAST)).hasSize(4).doesNotHaveDuplicates();
    assertThat(sim().send("n5", 1, "02:00:00:00:0a:05", "02:00:00:00:0a:02"))
        .containsExactly(new Delivery("n2", 1));
  }

  @Test
  void transitSwitchWithoutMembersCarriesTheNetwork() {
    overlay("n1~n2", "n2~n3");
    network("a", Kind.VNET, 10);
    attach("a1", "a", "n1", 1, "02:00:00:00:0a:01");
    attach("a3", "a", "n3", 1, "02:00:00:00:0a:03");
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", BCAST))
        .containsExactly(new Delivery("n3", 1));
  }

  @Test
  void explicitPathIsFollowedAndACutPathCarriesNothing() {
    overlay("n1~n2", "n2~n3", "n1~n3");
    networks.put("v", new NetworkState("v", Kind.VLINK, 20, true, List.of("n1", "n2", "n3")));
    attach("v1", "v", "n1", 1, "02:00:00:00:0c:01");
    attach("v3", "v", "n3", 1, "02:00:00:00:0c:03");
    Map<String, SwitchProgram> flows =
        new FlowCompiler().compile(DesiredState.of(networks, attachments, switches, shut));
    assertThat(flows.get("n2").flows()).anyMatch(r -> "tun_id=0x14".equals(tunMatch(r)));
    assertThat(sim().send("n1", 1, "02:00:00:00:0c:01", "02:00:00:00:0c:03"))
        .containsExactly(new Delivery("n3", 1));
    shut.add(new Link("n2", "n3"));
    assertThat(sim().send("n1", 1, "02:00:00:00:0c:01", "02:00:00:00:0c:03")).isEmpty();
  }

  private static String tunMatch(FlowRule r) {
    return r.match().tunnelId() == null
        ? null
        : "tun_id=0x" + Long.toHexString(r.match().tunnelId());
  }

  @Test
  void shutPortAndNetworkStopTraffic() {
    twoNetworksOnTwoNodes();
    attachments.put("a2", attachments.get("a2").withEnabled(false));
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", BCAST)).isEmpty();
    attachments.put("a2", attachments.get("a2").withEnabled(true));
    networks.put("a", networks.get("a").withEnabled(false));
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", BCAST)).isEmpty();
    assertThat(sim().send("n1", 2, "02:00:00:00:0b:01", BCAST)).hasSize(1);
  }

  @Test
  void shutLinkOnARingReroutesAndOnALineCuts() {
    overlay("n1~n2", "n2~n3", "n1~n3");
    network("a", Kind.VNET, 10);
    attach("a1", "a", "n1", 1, "02:00:00:00:0a:01");
    attach("a2", "a", "n2", 1, "02:00:00:00:0a:02");
    shut.add(new Link("n1", "n2"));
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", "02:00:00:00:0a:02"))
        .containsExactly(new Delivery("n2", 1));
    shut.add(new Link("n1", "n3"));
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", "02:00:00:00:0a:02")).isEmpty();
  }

  @Test
  void outputIsDeterministicAndCookiesAreUniqueAndTagged() {
    twoNetworksOnTwoNodes();
    DesiredState s = DesiredState.of(networks, attachments, switches, Set.of());
    Map<String, SwitchProgram> one = new FlowCompiler().compile(s);
    Map<String, SwitchProgram> two = new FlowCompiler().compile(s);
    assertThat(one).isEqualTo(two);
    List<FlowRule> n1 = one.get("n1").flows();
    assertThat(n1.stream().map(FlowRule::cookie).distinct()).hasSize(n1.size());
    assertThat(n1).allMatch(r -> FlowRule.isOurs(r.cookie()));
    assertThat(n1.stream().map(FlowRule::toString))
        .contains(
            "table=0,priority=100,in_port=1,dl_src=02:00:00:00:0a:01,"
                + "actions=write_metadata:0xa,goto_table:1",
            "table=0,priority=100,in_port=102,tun_id=0xa,actions=write_metadata:0xa,goto_table:1",
            "table=1,priority=0,actions=goto_table:2",
            "table=2,priority=100,metadata=0xa,dl_dst=02:00:00:00:0a:02,"
                + "actions=set_field:0xa->tun_id,output:102",
            "table=2,priority=10,metadata=0xa,actions=output:1,set_field:0xa->tun_id,output:102",
            "table=0,priority=0,actions=drop");
  }

  /** Network a on n1 and n2, b on n1 and n2, a monitor network on n3 (transit via the ring). */
  private void mirrorLab() {
    overlay("n1~n2", "n2~n3", "n1~n3");
    network("a", Kind.VNET, 10);
    network("b", Kind.VNET, 11);
    network("mon", Kind.VNET, 12);
    attach("a1", "a", "n1", 1, "02:00:00:00:0a:01");
    attach("a2", "a", "n2", 1, "02:00:00:00:0a:02");
    attach("a3", "a", "n1", 3, "02:00:00:00:0a:03");
    attach("b1", "b", "n1", 2, "02:00:00:00:0b:01");
    attach("b2", "b", "n2", 2, "02:00:00:00:0b:02");
    attach("m", "mon", "n3", 9, "02:00:00:00:0d:01");
  }

  @Test
  void networkMirrorCopiesEachFrameOfTheNetworkOnceAndNothingElse() {
    mirrorLab();
    mirrors.put("network:a", new MirrorState("network:a", "m"));
    Delivery monitor = new Delivery("n3", 9);
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", "02:00:00:00:0a:02"))
        .containsExactlyInAnyOrder(new Delivery("n2", 1), monitor);
    assertThat(sim().send("n2", 1, "02:00:00:00:0a:02", BCAST))
        .containsExactlyInAnyOrder(new Delivery("n1", 1), new Delivery("n1", 3), monitor);
    assertThat(sim().send("n1", 2, "02:00:00:00:0b:01", BCAST))
        .containsExactly(new Delivery("n2", 2));
  }

  @Test
  void attachmentMirrorCopiesWhatItSendsAndReceivesOnce() {
    mirrorLab();
    mirrors.put("attachment:a1", new MirrorState("attachment:a1", "m"));
    Delivery monitor = new Delivery("n3", 9);
    assertThat(sim().send("n2", 1, "02:00:00:00:0a:02", "02:00:00:00:0a:01"))
        .as("unicast to a1")
        .containsExactlyInAnyOrder(new Delivery("n1", 1), monitor);
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", "02:00:00:00:0a:02"))
        .as("unicast from a1")
        .containsExactlyInAnyOrder(new Delivery("n2", 1), monitor);
    assertThat(sim().send("n1", 3, "02:00:00:00:0a:03", BCAST))
        .as("broadcast from a local neighbour")
        .containsExactlyInAnyOrder(new Delivery("n1", 1), new Delivery("n2", 1), monitor);
    assertThat(sim().send("n2", 1, "02:00:00:00:0a:02", BCAST))
        .as("broadcast arriving through the tunnel")
        .containsExactlyInAnyOrder(new Delivery("n1", 1), new Delivery("n1", 3), monitor);
    assertThat(sim().send("n1", 1, "02:00:00:00:0a:01", BCAST))
        .as("broadcast from a1 itself, copied once on the way in")
        .containsExactlyInAnyOrder(new Delivery("n1", 3), new Delivery("n2", 1), monitor);
    assertThat(sim().send("n2", 1, "02:00:00:00:0a:02", "02:00:00:00:0a:03"))
        .as("unicast between others")
        .containsExactly(new Delivery("n1", 3));
  }

  @Test
  void rateLimitedAttachmentGoesThroughItsMeter() {
    twoNetworksOnTwoNodes();
    attachments.put("a1", attachments.get("a1").withRateKbps(5000));
    SwitchProgram n1 =
        new FlowCompiler()
            .compile(DesiredState.of(networks, attachments, switches, shut, mirrors))
            .get("n1");
    assertThat(n1.meters()).containsExactly(Map.entry(1, 5000L));
    assertThat(n1.flows().stream().map(FlowRule::toString))
        .contains(
            "table=0,priority=100,in_port=1,dl_src=02:00:00:00:0a:01,"
                + "actions=meter:1,write_metadata:0xa,goto_table:1");
  }

  /** A switch of ours with tunnels to these peers (ports 100 + index, "ned" at 199). */
  private void tunnelsOf(String node, String... peers) {
    Map<String, Integer> t = new HashMap<>(switches.get(node).tunnels());
    for (String p : peers) {
      t.put(p, p.startsWith("n") && p.length() == 2 ? portTo(p) : 199);
    }
    switches.put(node, new SwitchState(node, node.hashCode(), t));
  }

  @Test
  void aNetworkWithAnEdgeFloodsToItOnceAndTakesItsFrames() {
    // Inside a cluster: n1 is the gateway, with a tunnel to the cluster's edge device "ned".
    overlay("n1~n2", "n2~n3", "n1~n3");
    tunnelsOf("n1", "ned");
    networks.put(
        "x", new NetworkState("x", Kind.VNET, 10, true, List.of(), null, null, List.of("ned")));
    network("y", Kind.VNET, 11);
    attach("x2", "x", "n2", 1, "02:00:00:00:0a:02");
    attach("x3", "x", "n3", 1, "02:00:00:00:0a:03");
    attach("y3", "y", "n3", 2, "02:00:00:00:0b:03");
    FlowSimulator sim = sim();
    // A broadcast reaches the other member and leaves once towards the edge, with x's VNI.
    assertThat(sim.send("n2", 1, "02:00:00:00:0a:02", BCAST))
        .containsExactly(new Delivery("n3", 1));
    assertThat(sim.toEdges).containsExactly("ned vni 10");
    // Unknown unicast (a pod of another cluster) goes to the edge too; a member's MAC does not.
    sim.send("n3", 1, "02:00:00:00:0a:03", "02:00:00:00:ee:01");
    assertThat(sim.toEdges).containsExactly("ned vni 10");
    assertThat(sim.send("n3", 1, "02:00:00:00:0a:03", "02:00:00:00:0a:02"))
        .containsExactly(new Delivery("n2", 1));
    assertThat(sim.toEdges).isEmpty();
    // From the edge: x's frames reach x's members, once each, and nothing goes back.
    assertThat(sim.fromEdge("n1", "ned", 10, "02:00:00:00:ee:01", BCAST))
        .containsExactlyInAnyOrder(new Delivery("n2", 1), new Delivery("n3", 1));
    assertThat(sim.toEdges).isEmpty();
    assertThat(sim.fromEdge("n1", "ned", 10, "02:00:00:00:ee:01", "02:00:00:00:0a:03"))
        .containsExactly(new Delivery("n3", 1));
    // Another network's VNI from the edge, or y's own frames: never across the edge.
    assertThat(sim.fromEdge("n1", "ned", 11, "02:00:00:00:ee:01", BCAST)).isEmpty();
    assertThat(sim.send("n3", 2, "02:00:00:00:0b:03", BCAST)).isEmpty();
    assertThat(sim.toEdges).isEmpty();
  }

  @Test
  void edgesAreNeverCrossedAndAnInterDomainRingDoesNotLoop() {
    // The inter-domain controller: edge devices d1..d3 in a ring, each with its cluster ("cK")
    // as an edge; a network joining all three clusters has only edges as members.
    overlay("n1~n2", "n2~n3", "n1~n3");
    for (int i = 1; i <= 3; i++) {
      Map<String, Integer> t = new HashMap<>(switches.get("n" + i).tunnels());
      t.put("c" + i, 50);
      // A second domain reachable from two of our switches must not become a shortcut.
      if (i != 3) {
        t.put("other", 60);
      }
      switches.put("n" + i, new SwitchState("n" + i, i, t));
    }
    networks.put(
        "x",
        new NetworkState(
            "x", Kind.VNET, 77, true, List.of(), null, null, List.of("c1", "c2", "c3", "other")));
    FlowSimulator sim = sim();
    assertThat(sim.fromEdge("n1", "c1", 77, "02:00:00:00:01:01", BCAST)).isEmpty();
    assertThat(sim.toEdges).containsExactlyInAnyOrder("c2 vni 77", "c3 vni 77", "other vni 77");
    assertThat(sim.fromEdge("n3", "c3", 77, "02:00:00:00:03:03", BCAST)).isEmpty();
    assertThat(sim.toEdges).containsExactlyInAnyOrder("c1 vni 77", "c2 vni 77", "other vni 77");
    // The tree joins the ring's switches over the ring, never through "other".
    NetworkTree tree =
        FlowCompiler.tree(
            networks.get("x"),
            List.of(),
            List.of(),
            FlowCompiler.edges(
                DesiredState.of(networks, attachments, switches, shut), networks.get("x")),
            new java.util.TreeSet<>(
                java.util.stream.Stream.concat(
                        DesiredState.of(networks, attachments, switches, shut)
                            .usableLinks()
                            .stream(),
                        FlowCompiler.edgeLinks(
                            DesiredState.of(networks, attachments, switches, shut),
                            Set.of("c1", "c2", "c3", "other"))
                            .stream())
                    .toList()));
    assertThat(tree.neighbours("other")).hasSize(1);
    // A shut edge link takes that cluster out.
    shut.add(new Link("n2", "c2"));
    sim = sim();
    sim.fromEdge("n1", "c1", 77, "02:00:00:00:01:01", BCAST);
    assertThat(sim.toEdges).containsExactlyInAnyOrder("c3 vni 77", "other vni 77");
  }

  /** Networks a and b on n1 and n2, the same addresses in both; a3 has no address. */
  private void addressedNetworks() {
    overlay("n1~n2");
    network("a", Kind.VNET, 10);
    network("b", Kind.VNET, 11);
    attach("a1", "a", "n1", 1, "02:00:00:00:0a:01", "10.0.0.1");
    attach("a2", "a", "n2", 1, "02:00:00:00:0a:02", "10.0.0.2");
    attach("a3", "a", "n2", 3, "02:00:00:00:0a:03");
    attach("b1", "b", "n1", 2, "02:00:00:00:0b:01", "10.0.0.1");
    attach("b2", "b", "n2", 2, "02:00:00:00:0b:02", "10.0.0.2");
  }

  @Test
  void anArpRequestForAKnownAddressIsAnsweredByTheRequestersSwitchAndGoesNowhere() {
    addressedNetworks();
    FlowSimulator sim = sim();
    assertThat(sim.arp("n1", 1, "02:00:00:00:0a:01", "10.0.0.2")).isEmpty();
    assertThat(sim.answers)
        .containsExactly(new FlowSimulator.ArpAnswer("n1", 1, "02:00:00:00:0a:02"));
    // The same address in network b is b2's, answered as such, and a's frames stay in a.
    assertThat(sim.arp("n1", 2, "02:00:00:00:0b:01", "10.0.0.2")).isEmpty();
    assertThat(sim.answers)
        .containsExactly(new FlowSimulator.ArpAnswer("n1", 2, "02:00:00:00:0b:02"));
  }

  @Test
  void unknownAddressesAndTheOwnersOwnProbesAreFloodedInTheNetworkOnly() {
    addressedNetworks();
    FlowSimulator sim = sim();
    assertThat(sim.arp("n1", 1, "02:00:00:00:0a:01", "10.0.0.9"))
        .containsExactlyInAnyOrder(new Delivery("n2", 1), new Delivery("n2", 3));
    assertThat(sim.answers).isEmpty();
    // Duplicate-address detection: a1 asking for its own address must not be told it is taken.
    assertThat(sim.arp("n1", 1, "02:00:00:00:0a:01", "10.0.0.1"))
        .containsExactlyInAnyOrder(new Delivery("n2", 1), new Delivery("n2", 3));
    assertThat(sim.answers).isEmpty();
    // A spoofed source is still dropped before the responder.
    assertThat(sim.arp("n1", 1, "02:00:00:00:0b:01", "10.0.0.2")).isEmpty();
    assertThat(sim.answers).isEmpty();
  }

  @Test
  void anAddressTwoMembersClaimANetworkThatFloodsArpAndAMirroredNetworkAreNotAnswered() {
    addressedNetworks();
    attach("a4", "a", "n2", 4, "02:00:00:00:0a:04", "10.0.0.2");
    FlowSimulator sim = sim();
    assertThat(sim.arp("n1", 1, "02:00:00:00:0a:01", "10.0.0.2"))
        .containsExactlyInAnyOrder(
            new Delivery("n2", 1), new Delivery("n2", 3), new Delivery("n2", 4));
    assertThat(sim.answers).isEmpty();
    // Positive control in the same state: network b still answers.
    sim.arp("n1", 2, "02:00:00:00:0b:01", "10.0.0.2");
    assertThat(sim.answers).hasSize(1);

    networks.put("b", networks.get("b").withFloodArp(true));
    sim = sim();
    assertThat(sim.arp("n1", 2, "02:00:00:00:0b:01", "10.0.0.2"))
        .containsExactly(new Delivery("n2", 2));
    assertThat(sim.answers).isEmpty();

    networks.put("b", networks.get("b").withFloodArp(false));
    network("mon", Kind.VNET, 12);
    attach("m", "mon", "n2", 9, "02:00:00:00:0d:01");
    mirrors.put("network:b", new MirrorState("network:b", "m"));
    sim = sim();
    assertThat(sim.arp("n1", 2, "02:00:00:00:0b:01", "10.0.0.2"))
        .containsExactlyInAnyOrder(new Delivery("n2", 2), new Delivery("n2", 9));
    assertThat(sim.answers).isEmpty();
  }

  @Test
  void theResponderRulesReadAsOvsWritesThem() {
    addressedNetworks();
    List<String> n1 =
        new FlowCompiler()
                .compile(DesiredState.of(networks, attachments, switches, Set.of()))
                .get("n1")
                .flows()
                .stream()
                .map(FlowRule::toString)
                .toList();
    assertThat(n1)
        .contains(
            "table=1,priority=100,arp,metadata=0xa,arp_op=1,arp_tpa=10.0.0.2,actions="
                + "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:0a:02->eth_src,"
                + "set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],"
                + "set_field:02:00:00:00:0a:02->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],"
                + "set_field:10.0.0.2->arp_spa,IN_PORT",
            "table=1,priority=110,arp,metadata=0xa,dl_src=02:00:00:00:0a:02,arp_op=1,"
                + "arp_tpa=10.0.0.2,actions=goto_table:2");
  }
}
