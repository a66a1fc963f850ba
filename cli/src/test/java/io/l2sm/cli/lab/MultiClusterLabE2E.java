package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.Overlay;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.Testbed;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A lab of two clusters of two nodes on one underlay: each cluster has its own API server,
 * controller, operator, agents and kubelet, and nothing links them. A network of the same name (and
 * the same VNI, each controller numbering its own) in both stays two separate networks.
 */
class MultiClusterLabE2E {
  static List<LabInfo> labs;
  static LabCluster c1;
  static LabCluster c2;

  @BeforeAll
  static void up() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    labs = Lab.up(2, 2, new PrintWriter(System.out, true));
    c1 = new LabCluster(labs.get(0));
    c2 = new LabCluster(labs.get(1));
  }

  @AfterAll
  static void down() {
    for (LabCluster c : new LabCluster[] {c1, c2}) {
      if (c != null) {
        c.close();
      }
    }
    Lab.down();
    assertThat(Testbed.run("ip netns list | grep '^" + Lab.PREFIX + "'").out()).isEmpty();
    assertThat(Testbed.run("pgrep -f -- '[/]tmp/l2sm-testbed-" + Lab.PREFIX + "'").exit())
        .as("no lab process left")
        .isEqualTo(1);
  }

  static Integer vni(LabCluster c, String name) {
    L2Network n = c.client.resources(L2Network.class).inNamespace("default").withName(name).get();
    return n == null || n.getStatus() == null ? null : n.getStatus().getVni();
  }

  @Test
  void clustersAreSeparateEvenForANetworkOfTheSameNameAndVni() throws Exception {
    assertThat(labs).extracting(LabInfo::cluster).containsExactly("c1", "c2");
    assertThat(Lab.clusters()).extracting(LabInfo::cluster).containsExactly("c1", "c2");
    // Each cluster has its own Nodes, numbered apart on the underlay, and its default mesh.
    assertThat(c1.info.nodes())
        .extracting(LabInfo.Node::ip)
        .containsExactly("10.99.50.1", "10.99.50.2");
    assertThat(c2.info.nodes())
        .extracting(LabInfo.Node::ip)
        .containsExactly("10.99.50.3", "10.99.50.4");
    for (LabCluster c : List.of(c1, c2)) {
      assertThat(c.client.nodes().list().getItems())
          .extracting(n -> n.getMetadata().getName())
          .containsExactlyInAnyOrder("n1", "n2");
      Overlay mesh =
          c.client.resources(Overlay.class).inNamespace("default").withName("l2sm-default").get();
      assertThat(mesh.getSpec().getTopology().getLinks()).hasSize(1);
    }

    c1.nad("blue", "vnet");
    c2.nad("blue", "vnet");
    c1.pod("a", "n1", "[{\"name\":\"blue\",\"ips\":[\"10.9.0.1/24\"]}]");
    c1.pod("b", "n2", "[{\"name\":\"blue\",\"ips\":[\"10.9.0.2/24\"]}]");
    c2.pod("x", "n1", "[{\"name\":\"blue\",\"ips\":[\"10.9.0.3/24\"]}]");
    c2.pod("y", "n2", "[{\"name\":\"blue\",\"ips\":[\"10.9.0.4/24\"]}]");
    c1.awaitRunning("a", "b");
    c2.awaitRunning("x", "y");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> vni(c1, "blue") != null && vni(c2, "blue") != null);
    assertThat(vni(c1, "blue")).isEqualTo(vni(c2, "blue"));

    // Within each cluster the network works, across the node tunnel.
    assertThat(c1.ping("a", "10.9.0.2")).isEqualTo(3);
    assertThat(c2.ping("x", "10.9.0.4")).isEqualTo(3);

    // Across clusters: nothing, not even a broadcast.
    LabCluster.Capture atX = c2.capture("x", "net1");
    LabCluster.Capture atY = c2.capture("y", "net1");
    assertThat(c1.ping("a", "10.9.0.3")).isZero();
    assertThat(c1.ping("b", "10.9.0.4")).isZero();
    Testbed.run("ip netns exec " + c1.netns("a") + " arping -c 3 -w 2 -I net1 10.9.0.99");
    // The captures work: x hears y, its own cluster's pod.
    assertThat(c2.ping("y", "10.9.0.3")).isEqualTo(3);
    String macA = c1.mac("a", "net1");
    String macB = c1.mac("b", "net1");
    String macY = c2.mac("y", "net1");
    List<String> atXFrames = atX.frames();
    assertThat(atXFrames).anyMatch(l -> l.contains(macY + " > "));
    for (List<String> frames : List.of(atXFrames, atY.frames())) {
      assertThat(frames).noneMatch(l -> l.contains(macA) || l.contains(macB));
      assertThat(frames).noneMatch(l -> l.contains("10.9.0.1") || l.contains("10.9.0.2"));
    }

    // One cluster's part restarts alone.
    String c1Operator = Testbed.run("pgrep -f -- '" + Lab.pattern(c1.info, "operator") + "'").out();
    Lab.restart(c2.info, "operator");
    assertThat(Testbed.run("pgrep -f -- '" + Lab.pattern(c1.info, "operator") + "'").out())
        .isEqualTo(c1Operator);
    assertThat(Lab.running(c2.info, "operator")).isTrue();
    c2.nad("green", "vnet");
    await().atMost(Duration.ofSeconds(20)).until(() -> vni(c2, "green") != null);
    assertThat(vni(c1, "green")).isNull();
  }
}
