package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.Testbed;
import io.l2sm.osm.vpls.OnosVplsClient;
import io.l2sm.osm.vpls.OnosVplsClient.Cp;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OSM adapter, a real process ({@code l2sm adapter --lab}), driven with the request sequence of
 * OSM's onos_vpls connector against a three-node lab: devices plugged into the nodes' switches (as
 * SDN-assist's VNF ports are) are joined, moved and separated, checked with pings and captures.
 */
class OsmAdapterE2E {
  static final String USER = "osm-ro";
  static final String PASSWORD = "Adapter-Secret-42";
  static LabInfo lab;
  static AdapterProcess adapter;
  static final Map<String, String> ep = new java.util.TreeMap<>();

  @BeforeAll
  static void up() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    lab = Lab.up(3, new PrintWriter(System.out, true));
    String[][] devices = {
      {"d1", "n1"}, {"d2", "n2"}, {"d3", "n3"}, {"d4", "n3"}, {"d5", "n1"}, {"d6", "n2"}
    };
    int i = 1;
    for (String[] d : devices) {
      ep.put(d[0], Lab.device(lab, d[1], d[0], "10.77.0." + i++ + "/24"));
    }
    adapter = new AdapterProcess(USER, PASSWORD, Path.of(lab.dir()).resolve("adapter.log")).start();
  }

  @AfterAll
  static void down() {
    if (adapter != null) {
      adapter.close();
    }
    Lab.down();
  }

  static OnosVplsClient connector() {
    return adapter.client();
  }

  static int ping(String from, String toIp) {
    String ns = Lab.deviceNetns(lab.cluster(), from);
    int got =
        Testbed.received(
            Testbed.run("ip netns exec " + ns + " ping -c 3 -i 0.2 -W 1 " + toIp).out());
    if (got > 0 && got < 3) {
      got =
          Testbed.received(
              Testbed.run("ip netns exec " + ns + " ping -c 3 -i 0.2 -W 1 " + toIp).out());
    }
    return got;
  }

  static Process capture(String device, Path file) throws Exception {
    Process p =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                Lab.deviceNetns(lab.cluster(), device),
                "tcpdump",
                "--immediate-mode",
                "-Q",
                "in",
                "-i",
                "eth1",
                "-n",
                "-w",
                file.toString())
            .redirectErrorStream(true)
            .start();
    Thread.sleep(800);
    return p;
  }

  /** Removes every service (the next test starts from an empty document). */
  @org.junit.jupiter.api.AfterEach
  void clear() throws Exception {
    connector().postConfig(OnosVplsClient.JSON.createObjectNode());
  }

  static String mac(String device) {
    return Testbed.sh(
            "ip netns exec "
                + Lab.deviceNetns(lab.cluster(), device)
                + " cat /sys/class/net/eth1/address")
        .strip();
  }

  /** The captured frames sent by any of these devices. */
  static List<String> framesFrom(Process p, Path file, String... devices) throws Exception {
    List<String> macs = new ArrayList<>();
    for (String d : devices) {
      macs.add(mac(d));
    }
    return frames(p, file).stream().filter(l -> macs.stream().anyMatch(l::contains)).toList();
  }

  static List<String> frames(Process p, Path file) throws Exception {
    Thread.sleep(300);
    p.destroy();
    p.waitFor();
    return Testbed.lines(Testbed.run("tcpdump -r " + file + " -nn -e 2>/dev/null").out());
  }

  static Cp cp(String device) {
    return Cp.at("lab:" + device, ep.get(device));
  }

  static String ip(String device) {
    return "10.77.0." + device.substring(1);
  }

  @Test
  void theConnectorsLifecycleBuildsMovesAndRemovesAnIsolatedNetwork() throws Exception {
    OnosVplsClient c = connector();
    // Before any service, the devices' ports are sealed.
    assertThat(ping("d1", ip("d2"))).isZero();

    var a = c.create("ELAN", List.of(cp("d1"), cp("d2"), cp("d3")));
    var b = c.create("ELINE", List.of(cp("d5"), cp("d6")));
    assertThat(c.status(a.getKey()).path("sdn_status").asText()).isEqualTo("ACTIVE");
    assertThat(ping("d1", ip("d2"))).isEqualTo(3);
    assertThat(ping("d1", ip("d3"))).isEqualTo(3);
    assertThat(ping("d2", ip("d3"))).isEqualTo(3);
    assertThat(ping("d5", ip("d6"))).isEqualTo(3);
    // d4 is in no service; d5 is in another: neither sees A's frames, broadcasts included.
    Path f4 = Path.of(lab.dir(), "cap-d4.pcap");
    Path f5 = Path.of(lab.dir(), "cap-d5.pcap");
    Process p4 = capture("d4", f4);
    Process p5 = capture("d5", f5);
    Testbed.run(
        "ip netns exec "
            + Lab.deviceNetns(lab.cluster(), "d1")
            + " arping -c 3 -w 2 -I eth1 "
            + ip("d4"));
    assertThat(ping("d1", ip("d5"))).isZero();
    assertThat(ping("d2", ip("d3"))).isEqualTo(3);
    assertThat(frames(p4, f4)).isEmpty();
    List<String> atD5 = frames(p5, f5);
    assertThat(
            atD5.stream()
                .filter(
                    l -> l.contains(mac("d1")) || l.contains(mac("d2")) || l.contains(mac("d3"))))
        .isEmpty();

    // Edit: d3 leaves, d4 joins (the new complete list).
    ObjectNode info = c.edit(a.getKey(), a.getValue(), List.of(cp("d1"), cp("d2"), cp("d4")));
    assertThat(c.status(a.getKey()).path("sdn_status").asText()).isEqualTo("ACTIVE");
    assertThat(ping("d1", ip("d4"))).isEqualTo(3);
    Path f3 = Path.of(lab.dir(), "cap-d3.pcap");
    Process p3 = capture("d3", f3);
    assertThat(ping("d1", ip("d3"))).isZero();
    assertThat(ping("d2", ip("d4"))).isEqualTo(3);
    assertThat(framesFrom(p3, f3, "d1", "d2", "d4")).isEmpty();

    // Restart the adapter with kill -9: the document and both services are kept.
    String before = c.getConfig().path("ports").toString();
    adapter.kill();
    adapter.start();
    assertThat(connector().getConfig().path("ports").toString()).isEqualTo(before);
    assertThat(connector().status(b.getKey()).path("sdn_status").asText()).isEqualTo("ACTIVE");
    assertThat(ping("d1", ip("d4"))).isEqualTo(3);

    // Delete A: its members are sealed again, B still forwards.
    connector().delete(a.getKey(), info);
    assertThat(connector().status(a.getKey()).path("sdn_status").asText()).isEqualTo("ERROR");
    assertThat(ping("d1", ip("d2"))).isZero();
    assertThat(ping("d5", ip("d6"))).isEqualTo(3);
    connector().delete(b.getKey(), b.getValue());
  }

  @Test
  void wrongCredentialsAreRefusedAndTheLogNeverHoldsThePassword() throws Exception {
    OnosVplsClient bad =
        new OnosVplsClient(HttpClient.newHttpClient(), "127.0.0.1:" + adapter.port, USER, "guess");
    try {
      bad.checkCredentials();
      throw new AssertionError("accepted a wrong password");
    } catch (OnosVplsClient.ConnectorError e) {
      // The stock connector reports any failed check as 503; the adapter answered 401.
      assertThat(e.code).isEqualTo(503);
      assertThat(bad.log).containsExactly("GET /onos/v1/network/configuration 401");
    }
    var made = connector().create("ELAN", List.of(cp("d1"), cp("d2")));
    connector().delete(made.getKey(), made.getValue());
    // A refused document: the connector keeps only the code, the adapter's log says why.
    try {
      connector()
          .postConfig(OnosVplsClient.JSON.readTree("{\"ports\":{\"eth9\":{\"interfaces\":[]}}}"));
      throw new AssertionError("accepted a bad port");
    } catch (OnosVplsClient.ConnectorError e) {
      assertThat(e.getMessage()).endsWith("status code: 400").doesNotContain("eth9");
    }
    String text = Files.readString(adapter.log);
    assertThat(text).contains("refused GET /onos/v1/network/configuration");
    assertThat(text)
        .contains(
            "POST /onos/v1/network/configuration refused with 400: ports: 'eth9' is not an"
                + " endpoint id");
    assertThat(text).doesNotContain(PASSWORD).doesNotContain("guess");
  }

  static String podNetns(String pod) throws IOException {
    return io.l2sm.lab.Kubelet.readState(Path.of(lab.dir())).get("default/" + pod).netns();
  }

  static String linkLocal(String pod, String iface) throws IOException {
    String out =
        Testbed.sh("ip -n " + podNetns(pod) + " -6 -o addr show dev " + iface + " scope link");
    return out.substring(out.indexOf("fe80"), out.indexOf('/', out.indexOf("fe80")));
  }

  static int ping6(String pod, String iface, String to) throws IOException {
    String cmd = "ip netns exec " + podNetns(pod) + " ping -6 -c 3 -i 0.2 -W 1 " + to + "%" + iface;
    int got = Testbed.received(Testbed.run(cmd).out());
    return got > 0 && got < 3 ? Testbed.received(Testbed.run(cmd).out()) : got;
  }

  @Test
  void osmDeployOfPingPongGivesEachKduItsLinksOnlyAndUndeployRemovesIt() throws Exception {
    Path examples = Path.of("..", "nsd-examples", "ping-pong").toAbsolutePath().normalize();
    var deployed =
        LabCluster.cli(
            "osm",
            "deploy",
            examples.resolve("ping-pong_ns").toString(),
            examples.resolve("ping_knf").toString(),
            examples.resolve("pong_knf").toString(),
            "--lab");
    assertThat(deployed.getKey()).as(deployed.getValue()).isZero();
    assertThat(deployed.getValue())
        .contains("charts rendered with the Helm library")
        .contains("NS ping-pong deployed: 2 KDU release(s)");
    // A bystander on a network of its own, on the same nodes.
    try (LabCluster c1 = new LabCluster(lab)) {
      c1.nad("bystander-net", "vnet");
      c1.pod("bystander", "n1", "[{\"name\":\"bystander-net\",\"interface\":\"net1\"}]");
      c1.awaitRunning("ping-pong-ping-ping-0", "ping-pong-pong-pong-0", "bystander");
      for (String pod : List.of("ping-pong-ping-ping-0", "ping-pong-pong-pong-0")) {
        String ann =
            c1.client
                .pods()
                .inNamespace("default")
                .withName(pod)
                .get()
                .getMetadata()
                .getAnnotations()
                .get("k8s.v1.cni.cncf.io/networks");
        assertThat(OnosVplsClient.JSON.readTree(ann))
            .isEqualTo(
                OnosVplsClient.JSON.readTree(
                    "[{\"name\":\"ping-pong-datanet\",\"interface\":\"net-data-ext\"},"
                        + "{\"name\":\"ping-pong-p2p\",\"interface\":\"net-p2p-ext\"}]"));
      }
      LabCluster.Capture bystander = c1.capture("bystander", "net1");
      for (String iface : List.of("net-data-ext", "net-p2p-ext")) {
        // Link-local addresses are usable once duplicate address detection is over (~1-2 s).
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    !Testbed.sh(
                                "ip -n "
                                    + podNetns("ping-pong-ping-ping-0")
                                    + " -6 addr show dev "
                                    + iface)
                            .contains("tentative")
                        && !Testbed.sh(
                                "ip -n "
                                    + podNetns("ping-pong-pong-pong-0")
                                    + " -6 addr show dev "
                                    + iface)
                            .contains("tentative"));
        assertThat(ping6("ping-pong-ping-ping-0", iface, linkLocal("ping-pong-pong-pong-0", iface)))
            .as(iface)
            .isEqualTo(3);
        assertThat(ping6("ping-pong-pong-pong-0", iface, linkLocal("ping-pong-ping-ping-0", iface)))
            .as(iface)
            .isEqualTo(3);
      }
      String pingMac = c1.mac("ping-pong-ping-ping-0", "net-data-ext");
      String pongMac = c1.mac("ping-pong-pong-pong-0", "net-data-ext");
      assertThat(
              bystander.frames().stream().filter(l -> l.contains(pingMac) || l.contains(pongMac)))
          .isEmpty();

      var removed = LabCluster.cli("osm", "undeploy", "ping-pong", "--lab");
      assertThat(removed.getKey()).as(removed.getValue()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(c1.phase("ping-pong-ping-ping-0")).isNull();
                assertThat(c1.phase("ping-pong-pong-pong-0")).isNull();
                assertThat(
                        c1.client
                            .resources(io.l2sm.api.v1.L2Network.class)
                            .inNamespace("default")
                            .list()
                            .getItems())
                    .extracting(n -> n.getMetadata().getName())
                    .containsExactly("bystander-net");
              });
      var again = LabCluster.cli("osm", "undeploy", "ping-pong", "--lab");
      assertThat(again.getKey()).isEqualTo(2);
      assertThat(again.getValue())
          .contains(
              "no NS ping-pong deployed in namespace default (no ConfigMap l2sm-osm-ping-pong)");
    }
  }
}
