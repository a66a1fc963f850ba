package io.l2sm.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.l2sm.api.grpc.GrpcControllerClient;
import io.l2sm.api.v1.L2Network;
import io.l2sm.api.v1.L2NetworkSpec;
import io.l2sm.api.v1.NetworkAttachmentDefinition;
import io.l2sm.api.v1.NetworkKind;
import io.l2sm.controller.northbound.GrpcApi;
import io.l2sm.controller.service.ControllerService;
import io.l2sm.controller.service.FileStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network reconciler against fabric8's mock API server (CRUD mode, with the project's CRDs) and
 * a real controller core behind in-process gRPC.
 */
@EnableKubernetesMockClient(crud = true)
class NetworkReconcilerTest {
  static final Path CRDS = Path.of("../../helm-charts/l2sm/crds");
  static KubernetesClient client;

  @TempDir Path dir;
  ControllerService core;
  Server server;
  ManagedChannel channel;
  NetworkReconciler reconciler;

  @BeforeEach
  void start() throws Exception {
    try (Stream<Path> files = Files.list(CRDS)) {
      for (Path f : files.sorted().toList()) {
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .load(f.toFile())
            .createOr(c -> c.update());
      }
    }
    clearNetworks();
    startController();
    reconciler = new NetworkReconciler(client, GrpcControllerClient.over(channel));
    reconciler.start();
  }

  /** The mock API server lives as long as the class: each test starts with no networks in it. */
  static void clearNetworks() {
    for (L2Network n : client.resources(L2Network.class).inAnyNamespace().list().getItems()) {
      var r = client.resources(L2Network.class).resource(n);
      if (!n.getMetadata().getFinalizers().isEmpty()) {
        r.edit(
            x -> {
              x.getMetadata().setFinalizers(List.of());
              return x;
            });
      }
      r.delete();
    }
    client.resources(NetworkAttachmentDefinition.class).inAnyNamespace().delete();
    client.events().v1().events().inAnyNamespace().delete();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                client.resources(L2Network.class).inAnyNamespace().list().getItems().isEmpty()
                    && client
                        .resources(NetworkAttachmentDefinition.class)
                        .inAnyNamespace()
                        .list()
                        .getItems()
                        .isEmpty());
  }

  void startController() throws Exception {
    core = new ControllerService(new FileStateStore(dir), 100, 199, Duration.ofMillis(300));
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(new GrpcApi(core)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    reconciler.close();
    channel.shutdownNow();
    server.shutdownNow();
  }

  static NetworkAttachmentDefinition nad(String ns, String name, String config) {
    NetworkAttachmentDefinition n = new NetworkAttachmentDefinition();
    n.getMetadata().setNamespace(ns);
    n.getMetadata().setName(name);
    n.getSpec().setConfig(config);
    return client.resources(NetworkAttachmentDefinition.class).inNamespace(ns).resource(n).create();
  }

  static String l2smConfig(String name, String kind) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\""
        + name
        + "\",\"type\":\"l2sm\","
        + "\"device\":\"l2sm-vNet\",\"kind\":\""
        + kind
        + "\"}";
  }

  static L2Network network(String ns, String name) {
    return client.resources(L2Network.class).inNamespace(ns).withName(name).get();
  }

  /** The reason of a network's Ready condition, or null while it has none. */
  static String reason(String ns, String name) {
    Condition c = ready(network(ns, name));
    return c == null ? null : c.getReason();
  }

  static Condition ready(L2Network n) {
    return n == null || n.getStatus() == null
        ? null
        : n.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("Ready"))
            .findFirst()
            .orElse(null);
  }

  @Test
  void probesSayWhatTheReconcilerWaitsFor() {
    NetworkReconciler fresh = new NetworkReconciler(client, GrpcControllerClient.over(channel));
    try {
      assertThat(fresh.notLive()).isEqualTo("not watching L2Networks, NADs, NetworkEdgeDevices");
      assertThat(fresh.notReady())
          .isEqualTo("not synced yet: L2Networks, NADs, NetworkEdgeDevices");
      // The running one (started in setUp) watches and has listed everything.
      assertThat(reconciler.notLive()).isNull();
      assertThat(reconciler.notReady()).isNull();
    } finally {
      fresh.close();
    }
  }

  @Test
  void aNadBecomesAReadyL2NetworkWithAVni() {
    nad("lab", "net-a", l2smConfig("net-a", "vlink"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              L2Network n = network("lab", "net-a");
              assertThat(ready(n)).isNotNull();
              assertThat(ready(n).getStatus()).isEqualTo("True");
              assertThat(ready(n).getReason()).isEqualTo("NetworkReady");
              assertThat(n.getSpec().getType()).isEqualTo(NetworkKind.VLINK);
              assertThat(n.getStatus().getVni()).isEqualTo(100);
              assertThat(n.getStatus().getObservedGeneration())
                  .isEqualTo(n.getMetadata().getGeneration());
              assertThat(n.getMetadata().getFinalizers()).contains(NetworkReconciler.FINALIZER);
            });
    assertThat(core.state().networks()).containsKey("lab/net-a");
    assertThat(
            client
                .resources(NetworkAttachmentDefinition.class)
                .inNamespace("lab")
                .withName("net-a")
                .get()
                .getSpec()
                .getConfig())
        .contains("\"l2smNetwork\":\"lab/net-a\"");
  }

  @Test
  void aNadWhoseConfigHasNoNameIsANetworkLikeAnyOther() {
    // The paper's form: no "name" (Multus puts in the NAD's), config over several lines.
    nad(
        "lab",
        "net-u",
        "{\n  \"cniVersion\": \"0.3.0\",\n  \"type\": \"l2sm\",\n"
            + "  \"device\": \"l2sm-vNet\",\n  \"kind\": \"vnet\"\n}");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(reason("lab", "net-u")).isEqualTo("NetworkReady"));
    assertThat(core.state().networks()).containsKey("lab/net-u");
    NetworkAttachmentDefinition nad =
        client
            .resources(NetworkAttachmentDefinition.class)
            .inNamespace("lab")
            .withName("net-u")
            .get();
    // The operator adds its own field and leaves "name" to the meta-plugin, as Multus expects.
    assertThat(nad.getSpec().getConfig())
        .contains("\"l2smNetwork\":\"lab/net-u\"")
        .doesNotContain("\"name\"");
    assertThat(nad.cniConfig()).contains("\"name\":\"net-u\"");
  }

  @Test
  void anL2NetworkGetsItsNadAndPlainMultusNadsAreLeftAlone() {
    L2Network n = new L2Network();
    n.getMetadata().setNamespace("lab");
    n.getMetadata().setName("net-b");
    L2NetworkSpec spec = new L2NetworkSpec();
    spec.setType(NetworkKind.VNET);
    spec.setNetworkCIDR("10.3.0.0/24");
    spec.setPodAddressRange("10.3.0.128/25");
    n.setSpec(spec);
    client.resources(L2Network.class).inNamespace("lab").resource(n).create();
    nad("lab", "macvlan", "{\"cniVersion\":\"1.0.0\",\"name\":\"macvlan\",\"type\":\"macvlan\"}");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              NetworkAttachmentDefinition made =
                  client
                      .resources(NetworkAttachmentDefinition.class)
                      .inNamespace("lab")
                      .withName("net-b")
                      .get();
              assertThat(made).isNotNull();
              assertThat(made.getSpec().getConfig())
                  .contains(
                      "\"device\":\"l2sm-vNet\"",
                      "\"kind\":\"vnet\"",
                      "\"l2smNetwork\":\"lab/net-b\"");
              assertThat(ready(network("lab", "net-b"))).isNotNull();
              assertThat(ready(network("lab", "net-b")).getStatus()).isEqualTo("True");
            });
    assertThat(network("lab", "macvlan")).isNull();
    assertThat(core.state().networks()).containsOnlyKeys("lab/net-b");
    assertThat(core.state().networks().get("lab/net-b").cidr()).isEqualTo("10.3.0.0/24");
    assertThat(core.state().networks().get("lab/net-b").range()).isEqualTo("10.3.0.128/25");
  }

  @Test
  void deletionIsHeldWhilePodsAreAttachedThenCompletes() throws Exception {
    nad("lab", "net-c", l2smConfig("net-c", "vnet"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ready(network("lab", "net-c")) != null);
    core.registerSwitch("n1", 1, Map.of()).get();
    // An attachment on a switch that is not connected: the flow push waits, the state holds it.
    core.attach("pod-1/net1", "lab/net-c", "n1", 5, "02:00:00:00:00:05").exceptionally(e -> null);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.state().attachments().containsKey("pod-1/net1"));
    client.resources(L2Network.class).inNamespace("lab").withName("net-c").delete();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              L2Network n = network("lab", "net-c");
              assertThat(n).isNotNull();
              assertThat(n.getMetadata().getDeletionTimestamp()).isNotNull();
              assertThat(ready(n).getReason()).isEqualTo("DeletionHeldPodsAttached");
              assertThat(ready(n).getMessage()).startsWith("1 pod attachment(s) remain");
            });
    assertThat(client.events().v1().events().inNamespace("lab").list().getItems())
        .anyMatch(
            e ->
                "DeletionHeld".equals(e.getReason()) && "net-c".equals(e.getRegarding().getName()));
    assertThat(core.state().networks()).containsKey("lab/net-c");
    core.detach("pod-1/net1").get();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(network("lab", "net-c")).isNull();
              assertThat(core.state().networks()).doesNotContainKey("lab/net-c");
              assertThat(
                      client
                          .resources(NetworkAttachmentDefinition.class)
                          .inNamespace("lab")
                          .withName("net-c")
                          .get())
                  .isNull();
            });
  }

  @Test
  void invalidNadConfigsGetAnEventAndNoNetwork() {
    nad("lab", "bad-kind", l2smConfig("bad-kind", "ring"));
    nad("lab", "bad-mtu", l2smConfig("bad-mtu", "vnet").replace("}", ",\"mtu\":100}"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(client.events().v1().events().inNamespace("lab").list().getItems())
                    .extracting(e -> e.getRegarding().getName() + ": " + e.getNote())
                    .contains(
                        "bad-kind: unknown network kind 'ring' (expected vnet, vlink or ext-vnet)",
                        "bad-mtu: mtu 100 is not a number in 576-9000"));
    assertThat(network("lab", "bad-kind")).isNull();
    assertThat(core.state().networks()).isEmpty();
  }

  @Test
  void aNetworkTheControllerRefusesIsNotReadyWithItsReason() {
    L2Network n = new L2Network();
    n.getMetadata().setNamespace("lab");
    n.getMetadata().setName("net-d");
    L2NetworkSpec spec = new L2NetworkSpec();
    spec.setType(NetworkKind.VNET);
    spec.setNetworkCIDR("10.3.0.1/24");
    n.setSpec(spec);
    client.resources(L2Network.class).inNamespace("lab").resource(n).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Condition c = ready(network("lab", "net-d"));
              assertThat(c).isNotNull();
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("ControllerRefused");
              assertThat(c.getMessage())
                  .isEqualTo(
                      "network lab/net-d: CIDR 10.3.0.1/24 must be a subnet address with a prefix of 8-30");
            });
  }

  @Test
  void theVniSurvivesAControllerThatLostItsState() throws Exception {
    nad("lab", "x", l2smConfig("x", "vnet"));
    nad("lab", "y", l2smConfig("y", "vnet"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ready(network("lab", "y")) != null && ready(network("lab", "x")) != null);
    int vniX = network("lab", "x").getStatus().getVni();
    int vniY = network("lab", "y").getStatus().getVni();
    assertThat(List.of(vniX, vniY)).containsExactlyInAnyOrder(100, 101);
    // A new controller with an empty state, and a new operator: the VNIs come from the API.
    reconciler.close();
    channel.shutdownNow();
    server.shutdownNow();
    dir = Files.createTempDirectory(dir, "fresh");
    startController();
    reconciler = new NetworkReconciler(client, GrpcControllerClient.over(channel));
    reconciler.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(core.state().networks()).containsKeys("lab/x", "lab/y");
              assertThat(core.state().networks().get("lab/x").vni()).isEqualTo(vniX);
              assertThat(core.state().networks().get("lab/y").vni()).isEqualTo(vniY);
            });
  }

  /** An IDCO (its REST API on a controller core of its own) and this cluster's edge device. */
  final class Idco implements AutoCloseable {
    final ControllerService core;
    final io.l2sm.controller.idco.IdcoApi api;
    final String url;

    Idco() throws Exception {
      Path tokens = dir.resolve("idco-tokens");
      Files.writeString(tokens, "operator-0123456789 write operators\n");
      core =
          new ControllerService(
              new FileStateStore(dir.resolve("idco")), 16, 4095, Duration.ofSeconds(1));
      api =
          new io.l2sm.controller.idco.IdcoApi(
              new java.net.InetSocketAddress("127.0.0.1", 0),
              core,
              io.l2sm.controller.idco.Tokens.read(tokens));
      url = "http://127.0.0.1:" + api.address().getPort();
    }

    @Override
    public void close() {
      api.close();
    }
  }

  static void edgeDevice(String provider, String url) {
    io.l2sm.api.v1.NetworkEdgeDevice d = new io.l2sm.api.v1.NetworkEdgeDevice();
    d.getMetadata().setNamespace("default");
    d.getMetadata().setName("ned-c1");
    d.getSpec().setProvider(new io.l2sm.api.v1.ProviderSpec(provider, List.of(url)));
    d.getSpec().setClusterName("c1");
    d.getSpec()
        .setNodeConfig(new io.l2sm.api.v1.NetworkEdgeDeviceSpec.NodeConfig("n1", "10.99.50.201"));
    client.resource(d).createOr(c -> c.update());
  }

  void restartWithProviderToken(String token) {
    reconciler.close();
    reconciler =
        new NetworkReconciler(
            client, GrpcControllerClient.over(channel), new ProviderClient(token));
    reconciler.start();
  }

  static String providerConfig(String name, String provider) {
    return l2smConfig(name, "vnet").replace("}", ",\"provider\":{\"name\":\"" + provider + "\"}}");
  }

  @Test
  void anInterClusterNetworkTakesItsVniFromTheProviderAndCrossesTheEdgeDevice() throws Exception {
    try (Idco idco = new Idco()) {
      client.resources(io.l2sm.api.v1.NetworkEdgeDevice.class).inAnyNamespace().delete();
      edgeDevice("lab-idco", idco.url);
      restartWithProviderToken("operator-0123456789");
      nad("lab", "net3", providerConfig("net3", "lab-idco"));
      nad("lab", "far", providerConfig("far", "nosuch"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                L2Network n = network("lab", "net3");
                assertThat(ready(n)).isNotNull();
                assertThat(ready(n).getReason()).isEqualTo("NetworkReady");
                assertThat(n.getSpec().getProvider().name()).isEqualTo("lab-idco");
                assertThat(n.getStatus().getVni()).isBetween(16, 4095);
                assertThat(n.getStatus().getProviderConnectivity()).isEqualTo("Unavailable");
                assertThat(reason("lab", "far")).isEqualTo("NoEdgeDevice");
              });
      int vni = network("lab", "net3").getStatus().getVni();
      // The provider holds the network under its name with this cluster as an edge; the cluster's
      // controller holds it with the same VNI and the edge device as its edge.
      assertThat(idco.core.state().networks().get("net3").vni()).isEqualTo(vni);
      assertThat(idco.core.state().networks().get("net3").edges()).containsExactly("c1");
      assertThat(core.state().networks().get("lab/net3").vni()).isEqualTo(vni);
      assertThat(core.state().networks().get("lab/net3").edges()).containsExactly("ned-c1");
      assertThat(ready(network("lab", "far")).getMessage())
          .isEqualTo(
              "no NetworkEdgeDevice of provider nosuch in the cluster: an inter-cluster network"
                  + " crosses one");
      // Deleting the network takes the cluster out at the provider (the last one: it goes).
      client.resources(L2Network.class).inNamespace("lab").withName("net3").delete();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !idco.core.state().networks().containsKey("net3"));
      // A wrong token is refused by the provider; the reason says so.
      restartWithProviderToken("wrong-token-0000000");
      nad("lab", "net4", providerConfig("net4", "lab-idco"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(reason("lab", "net4")).isEqualTo("ProviderRefused");
                assertThat(ready(network("lab", "net4")).getMessage())
                    .isEqualTo("provider refused (401): unknown token");
              });
      assertThat(idco.core.state().networks()).isEmpty();
    }
    // The provider gone: unreachable, retried; the cluster's other networks are not concerned.
    restartWithProviderToken("operator-0123456789");
    nad("lab", "local", l2smConfig("local", "vnet"));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(reason("lab", "net4")).isEqualTo("ProviderUnreachable");
              assertThat(reason("lab", "local")).isEqualTo("NetworkReady");
            });
  }
}
