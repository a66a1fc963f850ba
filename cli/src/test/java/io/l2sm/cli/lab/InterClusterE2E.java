package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.lab.InterDomain;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.lab.Testbed;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Networks across three clusters: each cluster a lab cluster of two nodes, an edge device per
 * cluster, a WAN ring between them, the IDCO as provider {@code lab-idco}; every part a real
 * process. The same NAD in each cluster makes one inter-cluster network.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InterClusterE2E {
  static List<LabCluster> c;
  static LabInfo idco;

  @BeforeAll
  static void up() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    List<LabInfo> labs = Lab.up(3, 2, 1, 0, new PrintWriter(System.out, true));
    c = new java.util.ArrayList<>();
    for (LabInfo l : labs) {
      c.add(new LabCluster(l));
    }
    idco = Lab.idco();
    // Two inter-cluster networks with the same three member clusters, and a local one in c1.
    for (int k = 0; k < 3; k++) {
      LabCluster x = c.get(k);
      x.client.resource(io.l2sm.lab.LabObjects.interClusterNad("net3")).create();
      x.client.resource(io.l2sm.lab.LabObjects.interClusterNad("net4")).create();
      x.pod("a" + (k + 1), "n2", "[{\"name\":\"net3\",\"ips\":[\"10.33.0." + (k + 1) + "/24\"]}]");
      x.pod("b" + (k + 1), "n1", "[{\"name\":\"net4\",\"ips\":[\"10.33.0." + (k + 11) + "/24\"]}]");
    }
    c.get(0).nad("local", "vnet");
    c.get(0).pod("l1", "n1", "[{\"name\":\"local\",\"ips\":[\"10.33.0.21/24\"]}]");
    c.get(0).pod("l2", "n2", "[{\"name\":\"local\",\"ips\":[\"10.33.0.22/24\"]}]");
    c.get(0).awaitRunning("a1", "b1", "l1", "l2");
    c.get(1).awaitRunning("a2", "b2");
    c.get(2).awaitRunning("a3", "b3");
  }

  @AfterAll
  static void down() {
    if (c != null) {
      c.forEach(LabCluster::close);
    }
    Lab.down();
  }

  static L2Network network(LabCluster x, String name) {
    return x.client.resources(L2Network.class).inNamespace("default").withName(name).get();
  }

  static io.l2sm.api.v1.NetworkEdgeDevice ned(LabCluster x) {
    return x.client
        .resources(io.l2sm.api.v1.NetworkEdgeDevice.class)
        .inNamespace("default")
        .withName("ned-" + x.info.cluster())
        .get();
  }

  static int lost(String out, int sent) {
    return sent - Testbed.received(out);
  }

  @Test
  @Order(1)
  void oneNetworkSpansThreeClustersWithOneVniAndTheProviderSaysSo() throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (LabCluster x : c) {
                L2Network n = network(x, "net3");
                assertThat(n).isNotNull();
                assertThat(n.getStatus()).isNotNull();
                assertThat(n.getStatus().getProviderConnectivity()).isEqualTo("Available");
              }
            });
    // Each cluster's edge device reports itself in its NetworkEdgeDevice: up, its datapath, and
    // every neighbour its spec names with its tunnel up.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (LabCluster x : c) {
                io.l2sm.api.v1.NetworkEdgeDevice ned = ned(x);
                assertThat(ned.getStatus()).as(x.info.cluster()).isNotNull();
                assertThat(ned.getStatus().getAvailability()).isEqualTo("Available");
                assertThat(ned.getStatus().getOpenflowId()).matches("of:[0-9a-f]{16}");
                List<String> named =
                    ned.getSpec().getNeighbors().stream()
                        .map(io.l2sm.api.v1.NetworkEdgeDeviceSpec.Neighbor::getNode)
                        .toList();
                assertThat(named).isNotEmpty();
                assertThat(ned.getStatus().getConnectedNeighbors()).containsAll(named);
                assertThat(ned.getStatus().getConditions())
                    .anyMatch(
                        k ->
                            k.getType().equals("Ready")
                                && k.getStatus().equals("True")
                                && k.getReason().equals("Connected"));
              }
            });
    int vni = network(c.get(0), "net3").getStatus().getVni();
    assertThat(vni).isBetween(16, 4095);
    for (LabCluster x : c) {
      assertThat(network(x, "net3").getStatus().getVni()).isEqualTo(vni);
      assertThat(network(x, "net4").getStatus().getVni()).isNotEqualTo(vni);
    }
    // Every pair reaches at L2 (ARP, then ping), and a TCP transfer crosses two clusters.
    assertThat(c.get(0).ping("a1", "10.33.0.2")).isEqualTo(3);
    assertThat(c.get(0).ping("a1", "10.33.0.3")).isEqualTo(3);
    assertThat(c.get(1).ping("a2", "10.33.0.3")).isEqualTo(3);
    assertThat(c.get(1).ping("b2", "10.33.0.13")).isEqualTo(3);
    Process server =
        new ProcessBuilder("ip", "netns", "exec", c.get(2).netns("a3"), "iperf3", "-s", "-1")
            .redirectErrorStream(true)
            .start();
    Thread.sleep(500);
    String tcp =
        Testbed.run("ip netns exec " + c.get(0).netns("a1") + " iperf3 -c 10.33.0.3 -t 1 -f m")
            .out();
    server.destroy();
    Matcher m = Pattern.compile("([\\d.]+) Mbits/sec\\s+receiver").matcher(tcp);
    assertThat(m.find()).as(tcp).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as(tcp).isGreaterThan(10);
  }

  @Test
  @Order(2)
  void otherNetworksLocalOrInterClusterSeeNoneOfItsFramesAndTheRingDeliversOnce() throws Exception {
    List<LabCluster.Capture> others =
        List.of(
            c.get(0).capture("b1", "net1"),
            c.get(1).capture("b2", "net1"),
            c.get(2).capture("b3", "net1"),
            c.get(0).capture("l1", "net1"));
    LabCluster.Capture atA2 = c.get(1).capture("a2", "net1");
    LabCluster.Capture atA3 = c.get(2).capture("a3", "net1");
    // net3 traffic: unicast, and broadcast ARP for an address nobody has.
    assertThat(c.get(0).ping("a1", "10.33.0.2")).isEqualTo(3);
    Testbed.run("ip netns exec " + c.get(0).netns("a1") + " arping -c 3 -I net1 10.33.0.99");
    // The captures work: b2 hears b1, its own network.
    assertThat(c.get(0).ping("b1", "10.33.0.12")).isEqualTo(3);
    String macA1 = c.get(0).mac("a1", "net1");
    String macB1 = c.get(0).mac("b1", "net1");
    List<String> b2 = others.get(1).frames();
    assertThat(b2).anyMatch(l -> l.contains(macB1 + " > "));
    List<List<String>> seen =
        List.of(others.get(0).frames(), b2, others.get(2).frames(), others.get(3).frames());
    for (List<String> frames : seen) {
      assertThat(frames).noneMatch(l -> l.contains(macA1) || l.contains("10.33.0.99"));
    }
    // On the ring of edge devices each broadcast reaches each member exactly once.
    for (LabCluster.Capture at : List.of(atA2, atA3)) {
      assertThat(at.frames().stream().filter(l -> l.contains("who-has 10.33.0.99")).count())
          .isEqualTo(3);
    }
  }

  @Test
  @Order(3)
  void aWanLinkCutMovesTrafficToTheOtherWayWithinASecondAndItsRestoreBreaksNothing()
      throws Exception {
    InterDomain.WanLink c1c2 = InterDomain.wan(idco).get(0);
    assertThat(c1c2.name()).isEqualTo("c1~c2");
    Process ping = c.get(0).pingInBackground("a1", "10.33.0.2", "0.02", 250);
    Thread.sleep(1500);
    InterDomain.setWanUp(idco, c1c2, false);
    String out = new String(ping.getInputStream().readAllBytes());
    ping.waitFor();
    // 20 ms apart: at most 50 lost is at most 1 s without a path (the target is 3 s).
    assertThat(lost(out, 250)).as(out).isBetween(1, 50);
    assertThat(c.get(1).ping("a2", "10.33.0.1")).isEqualTo(3);
    // c1's edge device says so in its status: c2's device is no longer a live neighbour, the
    // others still are.
    String c2 =
        ned(c.get(0)).getSpec().getNeighbors().stream()
            .map(io.l2sm.api.v1.NetworkEdgeDeviceSpec.Neighbor::getNode)
            .filter(n -> n.contains("c2"))
            .findFirst()
            .orElseThrow();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ned(c.get(0)).getStatus().getConnectedNeighbors())
                    .isNotEmpty()
                    .doesNotContain(c2));
    ping = c.get(0).pingInBackground("a1", "10.33.0.2", "0.02", 150);
    Thread.sleep(1000);
    InterDomain.setWanUp(idco, c1c2, true);
    out = new String(ping.getInputStream().readAllBytes());
    ping.waitFor();
    assertThat(lost(out, 150)).as("restoring the link: %s", out).isLessThanOrEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(ned(c.get(0)).getStatus().getConnectedNeighbors()).contains(c2));
  }

  @Test
  @Order(4)
  void theIdcoRestartsWithoutStoppingTrafficAndKeepsItsState() throws Exception {
    Process ping = c.get(0).pingInBackground("a1", "10.33.0.3", "0.01", 300);
    Thread.sleep(500);
    Lab.restart(idco, InterDomain.NAME);
    String out = new String(ping.getInputStream().readAllBytes());
    ping.waitFor();
    assertThat(lost(out, 300)).as(out).isZero();
    String viewer = Files.readString(InterDomain.viewerToken()).strip();
    HttpResponse<String> r = rest("GET", "/api/v1/networks/net3", viewer);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"clusters\":[\"c1\",\"c2\",\"c3\"]");
    // A pod that comes after the restart joins the network.
    c.get(1).pod("late", "n1", "[{\"name\":\"net3\",\"ips\":[\"10.33.0.9/24\"]}]");
    c.get(1).awaitRunning("late");
    assertThat(c.get(2).ping("a3", "10.33.0.9")).isEqualTo(3);
  }

  static HttpResponse<String> rest(String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(idco.apiUrl() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "{}"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    // The IDCO's REST API is HTTPS with a certificate of the lab's CA.
    assertThat(idco.apiUrl()).startsWith("https://");
    return HttpClient.newBuilder()
        .sslContext(io.l2sm.api.grpc.Credentials.trusting(Lab.caFile()))
        .build()
        .send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(5)
  void theIdcoRefusesUnauthenticatedAndReadOnlyChanges() throws Exception {
    String viewer = Files.readString(InterDomain.viewerToken()).strip();
    assertThat(rest("DELETE", "/api/v1/networks/net3", null).statusCode()).isEqualTo(401);
    assertThat(rest("DELETE", "/api/v1/networks/net3", "not-the-token-1234").statusCode())
        .isEqualTo(401);
    assertThat(rest("DELETE", "/api/v1/networks/net3", viewer).statusCode()).isEqualTo(403);
    assertThat(rest("PUT", "/api/v1/networks/net3/clusters/c9", viewer).statusCode())
        .isEqualTo(403);
    assertThat(rest("GET", "/api/v1/networks/net3", viewer).body())
        .contains("\"clusters\":[\"c1\",\"c2\",\"c3\"]");
    assertThat(c.get(0).ping("a1", "10.33.0.3")).isEqualTo(3);
  }

  @Test
  @Order(6)
  void aSiteWithoutKubernetesJoinsTheNetworkThroughAnEdgeDeviceDescribedByAFile() throws Exception {
    LabInfo.Node site = idco.node("ned-s1");
    assertThat(Files.readString(InterDomain.siteFile("s1")))
        .contains("kind: \"NetworkEdgeDevice\"");
    // A host of the site: a plain namespace, attached by the CNI plugin to the site's edge device.
    String host = Lab.PREFIX + "psite1";
    Testbed.sh("ip netns add " + host + " && ip -n " + host + " link set lo up");
    ProcessBuilder pb = new ProcessBuilder(idco.cniPlugin());
    pb.environment().put("CNI_COMMAND", "ADD");
    pb.environment().put("CNI_CONTAINERID", "site1-host1");
    pb.environment().put("CNI_NETNS", "/var/run/netns/" + host);
    pb.environment().put("CNI_IFNAME", "net1");
    pb.environment()
        .put("CNI_PATH", java.nio.file.Path.of(idco.cniPlugin()).getParent().toString());
    pb.environment().put("L2SM_AGENT_SOCKET", site.agentSocket());
    Process p = pb.redirectErrorStream(true).start();
    p.getOutputStream()
        .write(
            ("{\"cniVersion\":\"1.0.0\",\"name\":\"net3\",\"type\":\"l2sm\","
                    + "\"device\":\"l2sm-vNet\",\"runtimeConfig\":{\"ips\":[\"10.33.0.50/24\"]}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String result = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(result).isZero();
    assertThat(result).contains("10.33.0.50/24");
    // It reaches pods of all three clusters, and they reach it; another network stays away.
    assertThat(
            lost(
                Testbed.run("ip netns exec " + host + " ping -c 3 -i 0.2 -W 1 10.33.0.1").out(), 3))
        .isZero();
    assertThat(c.get(2).ping("a3", "10.33.0.50")).isEqualTo(3);
    assertThat(
            lost(
                Testbed.run("ip netns exec " + host + " ping -c 3 -i 0.2 -W 1 10.33.0.12").out(),
                3))
        .as("net4 is another network")
        .isEqualTo(3);
  }

  @Test
  @Order(7)
  void aMultiVimServiceTranslatedFromItsDescriptorsWorksAcrossClusters() throws Exception {
    // OSM's multi-VIM example: one KNF per cluster, joined by a vlink VLD that spans both.
    java.nio.file.Path pkg = java.nio.file.Path.of("../nsd-examples/multi-vim");
    io.l2sm.translator.Translation t =
        io.l2sm.translator.Translation.run(
            pkg,
            List.of(),
            new io.l2sm.translator.TranslationOptions(
                null,
                null,
                null,
                io.l2sm.translator.ClusterMap.load(pkg.resolve("cluster-map.yaml"))));
    assertThat(t.files()).containsKey("ned-links.yaml");
    com.fasterxml.jackson.databind.ObjectMapper yaml =
        new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    // networks.yaml, applied in each cluster its annotation names.
    try (var parser = yaml.getFactory().createParser(t.files().get("networks.yaml"))) {
      for (com.fasterxml.jackson.databind.JsonNode doc :
          yaml.readValues(parser, com.fasterxml.jackson.databind.JsonNode.class).readAll()) {
        if (doc == null || doc.isEmpty()) {
          continue;
        }
        NetworkAttachmentDefinition nad = yaml.treeToValue(doc, NetworkAttachmentDefinition.class);
        nad.getMetadata().setNamespace("default");
        for (String cl :
            nad.getMetadata().getAnnotations().get("l2sm.l2sm.k8s.local/clusters").split(",")) {
          c.get(Integer.parseInt(cl.substring(1)) - 1).client.resource(nad).create();
        }
      }
    }
    // One pod per KDU in its cluster, annotated as its Helm values say.
    List<String[]> placed = new java.util.ArrayList<>();
    for (io.l2sm.translator.plan.PlannedAttachment a : t.plan().attachments()) {
      String pod = a.vnfProfile() + "-" + a.kdu();
      com.fasterxml.jackson.databind.JsonNode values =
          yaml.readTree(t.files().get("kdu-values/" + pod + ".yaml"));
      LabCluster x = c.get(Integer.parseInt(a.cluster().substring(1)) - 1);
      x.client
          .resource(
              io.l2sm.lab.LabObjects.sleeper(
                  pod,
                  "n1",
                  java.util.Map.of(
                      "k8s.v1.cni.cncf.io/networks",
                      values.path("podAnnotations").path("k8s.v1.cni.cncf.io/networks").asText())))
          .create();
      placed.add(new String[] {a.cluster(), pod, a.interfaceName()});
    }
    assertThat(placed).hasSize(2);
    for (String[] p : placed) {
      c.get(Integer.parseInt(p[0].substring(1)) - 1).awaitRunning(p[1]);
    }
    // The KNFs address their link themselves (the VLD has no IPAM), then reach each other.
    for (int i = 0; i < 2; i++) {
      String[] p = placed.get(i);
      Testbed.sh(
          "ip netns exec "
              + c.get(Integer.parseInt(p[0].substring(1)) - 1).netns(p[1])
              + " ip addr add 10.44.0."
              + (i + 1)
              + "/24 dev "
              + p[2]);
    }
    String[] first = placed.get(0);
    assertThat(c.get(Integer.parseInt(first[0].substring(1)) - 1).ping(first[1], "10.44.0.2"))
        .isEqualTo(3);
  }

  @Test
  @Order(8)
  void aNameClashBetweenClustersWithDifferentKindsIsRefusedWithItsReason() throws Exception {
    c.get(0).client.resource(io.l2sm.lab.LabObjects.interClusterNad("clash")).create();
    NetworkAttachmentDefinition vlink = io.l2sm.lab.LabObjects.interClusterNad("clash");
    vlink.getSpec().setConfig(vlink.getSpec().getConfig().replace("\"vnet\"", "\"vlink\""));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                network(c.get(0), "clash") != null
                    && network(c.get(0), "clash").getStatus() != null
                    && network(c.get(0), "clash").getStatus().getVni() != null);
    c.get(1).client.resource(vlink).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              L2Network n = network(c.get(1), "clash");
              assertThat(n).isNotNull();
              assertThat(n.getStatus()).isNotNull();
              var ready = io.l2sm.api.k8s.Conditions.find(n.getStatus().getConditions(), "Ready");
              assertThat(ready).isNotNull();
              assertThat(ready.getReason()).isEqualTo("ProviderRefused");
              assertThat(ready.getMessage())
                  .startsWith("provider refused (409): network clash already exists as VNET");
            });
    // The first cluster's network is untouched.
    assertThat(network(c.get(0), "clash").getStatus().getConditions())
        .anyMatch(x -> x.getType().equals("Ready") && x.getStatus().equals("True"));
  }
}
