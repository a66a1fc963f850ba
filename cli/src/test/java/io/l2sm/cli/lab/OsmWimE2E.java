package io.l2sm.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.l2sm.api.grpc.v1.Switch;
import io.l2sm.api.grpc.v1.TunnelPort;
import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.lab.Lab;
import io.l2sm.lab.LabInfo;
import io.l2sm.osm.vpls.OnosVplsClient;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter as OSM's WIM: a service whose endpoints are the edge devices' ports towards two
 * clusters (what a WIM port mapping names) becomes an inter-cluster network, joined by pods of both
 * clusters.
 */
class OsmWimE2E {
  static final String USER = "osm-wim";
  static final String PASSWORD = "Wim-Secret-7";
  static List<LabInfo> labs;
  static LabInfo idco;
  static AdapterProcess adapter;

  @BeforeAll
  static void up() throws Exception {
    LabCluster.requireLab();
    Lab.down();
    labs = Lab.up(2, 1, 0, 0, new PrintWriter(System.out, true));
    idco = Lab.idco();
    adapter =
        new AdapterProcess(USER, PASSWORD, Path.of(labs.get(0).dir()).resolve("adapter-wim.log"))
            .start();
  }

  @AfterAll
  static void down() {
    if (adapter != null) {
      adapter.close();
    }
    Lab.down();
  }

  static OnosVplsClient wim() {
    return adapter.client();
  }

  /** Each edge device's port towards its cluster, by cluster, as `lab status` lists them. */
  static Map<String, String> edgePorts() {
    Map<String, String> out = new TreeMap<>();
    try (var controller = io.l2sm.lab.Lab.controller(idco.controllerGrpc())) {
      for (Switch s : controller.status().getSwitchesList()) {
        for (TunnelPort t : s.getTunnelsList()) {
          if (!t.getPeerNode().startsWith("ned-")) {
            out.put(t.getPeerNode(), "of:" + s.getDpidHex() + "/" + t.getPort());
          }
        }
      }
    }
    return out;
  }

  static JsonNode services() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + adapter.port + "/l2sm/v1/services"))
                    .header(
                        "Authorization",
                        "Basic "
                            + Base64.getEncoder()
                                .encodeToString((USER + ":" + PASSWORD).getBytes()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return OnosVplsClient.JSON.readTree(r.body());
  }

  @Test
  void aServiceOnEdgeDevicePortsIsANetworkAcrossClusters() throws Exception {
    Map<String, String> ports = edgePorts();
    assertThat(ports).containsOnlyKeys("c1", "c2");
    OnosVplsClient c = wim();
    // As LCM asks for a link between two VIMs: an ELINE over the WIM port mapping's two ports.
    var made =
        c.create(
            "ELINE",
            List.of(
                OnosVplsClient.Cp.at("ned-c1", ports.get("c1")),
                OnosVplsClient.Cp.at("ned-c2", ports.get("c2"))));
    String uuid = made.getKey();
    assertThat(c.status(uuid).path("sdn_status").asText()).isEqualTo("ACTIVE");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(services().path(uuid).path("phase").asText()).isEqualTo("ACTIVE"));
    String net = "osm-" + uuid;
    assertThat(services().path(uuid).path("cluster").asText()).isEqualTo("c1+c2");
    List<LabCluster> clusters = new ArrayList<>();
    try {
      for (LabInfo l : labs) {
        LabCluster k = new LabCluster(l);
        clusters.add(k);
        NetworkAttachmentDefinition nad =
            k.client
                .resources(NetworkAttachmentDefinition.class)
                .inNamespace("default")
                .withName(net)
                .get();
        assertThat(nad.getSpec().getConfig()).contains("\"provider\":{\"name\":\"lab-idco\"}");
      }
      clusters.get(0).pod("w1", "n1", "[{\"name\":\"" + net + "\",\"ips\":[\"10.91.0.1/24\"]}]");
      clusters.get(1).pod("w2", "n1", "[{\"name\":\"" + net + "\",\"ips\":[\"10.91.0.2/24\"]}]");
      clusters.get(0).awaitRunning("w1");
      clusters.get(1).awaitRunning("w2");
      assertThat(clusters.get(0).ping("w1", "10.91.0.2")).isEqualTo(3);
      assertThat(clusters.get(1).ping("w2", "10.91.0.1")).isEqualTo(3);

      // Delete: the pods go first (a network with pods is held), then the service.
      clusters.get(0).client.pods().inNamespace("default").withName("w1").delete();
      clusters.get(1).client.pods().inNamespace("default").withName("w2").delete();
      c.delete(uuid, made.getValue());
      for (LabCluster k : clusters) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(
                            k.client
                                .resources(L2Network.class)
                                .inNamespace("default")
                                .withName(net)
                                .get())
                        .isNull());
      }
      assertThat(services().has(uuid)).isFalse();
    } finally {
      clusters.forEach(LabCluster::close);
    }
  }

  /** Waits until the L2Network {@code name} is gone from every cluster (pods detached first). */
  static void awaitGone(List<LabCluster> clusters, String name) {
    for (LabCluster k : clusters) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  k.client.resources(L2Network.class).inNamespace("default").withName(name).get()
                      == null);
    }
  }

  /**
   * OSM's LCM gives every inter-cluster VLD of an NS the same service endpoints (the VIMs' port
   * mapping): two WIM services on the same edge-device ports, each its own inter-cluster network,
   * apart from each other, removed in either order without touching the other.
   */
  @Test
  void twoServicesOnTheSameEdgePortsAreTwoIsolatedNetworksRemovedInEitherOrder() throws Exception {
    Map<String, String> ports = edgePorts();
    List<OnosVplsClient.Cp> same =
        List.of(
            OnosVplsClient.Cp.at("ned-c1", ports.get("c1")),
            OnosVplsClient.Cp.at("ned-c2", ports.get("c2")));
    List<LabCluster> clusters = new ArrayList<>();
    try {
      for (LabInfo l : labs) {
        clusters.add(new LabCluster(l));
      }
      LabCluster c1 = clusters.get(0);
      LabCluster c2 = clusters.get(1);
      for (boolean firstGoesFirst : new boolean[] {true, false}) {
        OnosVplsClient c = wim();
        var a = c.create("ELAN", same);
        var b = c.create("ELAN", same);
        for (String uuid : List.of(a.getKey(), b.getKey())) {
          await()
              .atMost(Duration.ofSeconds(30))
              .untilAsserted(
                  () ->
                      assertThat(services().path(uuid).path("phase").asText())
                          .as(services().path(uuid).toString())
                          .isEqualTo("ACTIVE"));
        }
        int va = services().path(a.getKey()).path("vni").asInt();
        int vb = services().path(b.getKey()).path("vni").asInt();
        assertThat(va).isPositive().isNotEqualTo(vb);
        String netA = "osm-" + a.getKey();
        String netB = "osm-" + b.getKey();
        // The same subnet on both: a leak between the networks would answer.
        c1.pod("va1", "n1", "[{\"name\":\"" + netA + "\",\"ips\":[\"10.92.0.1/24\"]}]");
        c2.pod("va2", "n1", "[{\"name\":\"" + netA + "\",\"ips\":[\"10.92.0.2/24\"]}]");
        c1.pod("vb1", "n1", "[{\"name\":\"" + netB + "\",\"ips\":[\"10.92.0.11/24\"]}]");
        c2.pod("vb2", "n1", "[{\"name\":\"" + netB + "\",\"ips\":[\"10.92.0.12/24\"]}]");
        c1.awaitRunning("va1", "vb1");
        c2.awaitRunning("va2", "vb2");
        assertThat(c1.ping("va1", "10.92.0.2")).isEqualTo(3);
        assertThat(c1.ping("vb1", "10.92.0.12")).isEqualTo(3);
        // Across: no answer from the other network, while its own members answer (above).
        assertThat(c1.ping("va1", "10.92.0.12")).isZero();

        // vb2's capture while va1 floods and pings: none of va1's frames, all of vb1's.
        String macA = c1.mac("va1", "net1");
        String macB = c1.mac("vb1", "net1");
        LabCluster.Capture cap = c2.capture("vb2", "net1");
        io.l2sm.lab.Testbed.run(
            "ip netns exec " + c1.netns("va1") + " arping -c 3 -w 2 -I net1 10.92.0.2");
        io.l2sm.lab.Testbed.run(
            "ip netns exec " + c1.netns("vb1") + " ping -c 3 -i 0.2 -W 1 10.92.0.12");
        List<String> frames = cap.frames();
        assertThat(frames).as("the capture saw its own network").anyMatch(f -> f.contains(macB));
        assertThat(frames).as("the other network's frames").noneMatch(f -> f.contains(macA));

        // Remove one service (its pods first): the other keeps forwarding.
        boolean aFirst = firstGoesFirst;
        var gone = aFirst ? a : b;
        String[] gonePods = aFirst ? new String[] {"va1", "va2"} : new String[] {"vb1", "vb2"};
        c1.client.pods().inNamespace("default").withName(gonePods[0]).delete();
        c2.client.pods().inNamespace("default").withName(gonePods[1]).delete();
        c.delete(gone.getKey(), gone.getValue());
        awaitGone(clusters, "osm-" + gone.getKey());
        if (aFirst) {
          assertThat(c1.ping("vb1", "10.92.0.12")).isEqualTo(3);
        } else {
          assertThat(c1.ping("va1", "10.92.0.2")).isEqualTo(3);
        }
        var kept = aFirst ? b : a;
        assertThat(services().path(kept.getKey()).path("phase").asText()).isEqualTo("ACTIVE");
        String[] keptPods = aFirst ? new String[] {"vb1", "vb2"} : new String[] {"va1", "va2"};
        c1.client.pods().inNamespace("default").withName(keptPods[0]).delete();
        c2.client.pods().inNamespace("default").withName(keptPods[1]).delete();
        c.delete(kept.getKey(), kept.getValue());
        awaitGone(clusters, "osm-" + kept.getKey());
        for (LabCluster k : clusters) {
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> k.client.pods().inNamespace("default").list().getItems().isEmpty());
        }
        assertThat(services().has(a.getKey()) || services().has(b.getKey())).isFalse();
      }
    } finally {
      clusters.forEach(LabCluster::close);
    }
  }

  @Test
  void anEdgeDevicePortThatIsNotTowardsAClusterIsRefusedByName() throws Exception {
    Map<String, String> ports = edgePorts();
    String bogus = ports.get("c1").replaceAll("/\\d+$", "/77");
    var made =
        wim()
            .create(
                "ELAN",
                List.of(
                    OnosVplsClient.Cp.at("x1", bogus),
                    OnosVplsClient.Cp.at("x2", ports.get("c2"))));
    JsonNode s = services().path(made.getKey());
    assertThat(s.path("phase").asText()).isEqualTo("ERROR");
    assertThat(s.path("problems").path(bogus).asText())
        .startsWith("port 77 of edge device ned-c1 is not its tunnel to a cluster of this adapter");
    wim().delete(made.getKey(), made.getValue());
  }
}
