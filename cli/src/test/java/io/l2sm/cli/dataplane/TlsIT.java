package io.l2sm.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.GetStatusRequest;
import io.l2sm.api.grpc.v1.NetworkKind;
import io.l2sm.lab.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller with TLS on both of its channels: two nodes whose Open vSwitch dials it over
 * {@code ssl:} (their own key and certificate, the CA's check of the controller's) and whose agents
 * use its gRPC API over TLS. Pods attached through the CNI path reach each other; a plaintext
 * client is refused.
 */
class TlsIT {
  @TempDir Path pki;

  void openssl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  /** A CA, the controller's certificate (for its addresses) and the switches' certificate. */
  void certificates(String controllerIp) throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=l2sm-test-ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt");
    for (String[] who :
        new String[][] {
          {"controller", "IP:" + controllerIp + ",IP:127.0.0.1"}, {"switch", "DNS:switch"}
        }) {
      openssl(
          "req",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-subj",
          "/CN=" + who[0],
          "-keyout",
          who[0] + ".key",
          "-out",
          who[0] + ".csr");
      Files.writeString(pki.resolve(who[0] + ".ext"), "subjectAltName=" + who[1] + "\n");
      openssl(
          "x509",
          "-req",
          "-in",
          who[0] + ".csr",
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-days",
          "1",
          "-extfile",
          who[0] + ".ext",
          "-out",
          who[0] + ".crt");
    }
    Path sw = Files.createDirectories(pki.resolve("switch-tls"));
    Files.copy(pki.resolve("switch.key"), sw.resolve("tls.key"));
    Files.copy(pki.resolve("switch.crt"), sw.resolve("tls.crt"));
    Files.copy(pki.resolve("ca.crt"), sw.resolve("ca.crt"));
    // PKCS#8 for the controller (gRPC and Netty want it).
    openssl("pkcs8", "-topk8", "-nocrypt", "-in", "controller.key", "-out", "controller.pk8");
  }

  @Test
  void bothChannelsOverTlsCarryANetworkAndPlaintextIsRefused() throws Exception {
    TestLab.requireLab();
    String controllerIp = "10.99.43.254"; // the testbed's controller address for subnet 43
    certificates(controllerIp);
    Testbed.Extras tls =
        new Testbed.Extras(
            List.of(),
            Map.of(),
            Map.of(),
            List.of(
                "controller",
                "--tls-cert",
                pki.resolve("controller.crt").toString(),
                "--tls-key",
                pki.resolve("controller.pk8").toString()));
    try (Testbed lab =
        new Testbed(
            "l2t",
            Testbed.Placement.alone("l2t"),
            tls,
            43,
            "200-263",
            2,
            List.of(
                "--controller-ca",
                pki.resolve("ca.crt").toString(),
                "--switch-tls-dir",
                pki.resolve("switch-tls").toString()),
            "n1~n2")) {
      assertThat(lab.controllerIp()).isEqualTo(controllerIp);
      // Both switches connected over ssl: and registered over TLS gRPC.
      var status = lab.grpc().getStatus(GetStatusRequest.getDefaultInstance());
      assertThat(status.getSwitchesList()).allMatch(s -> s.getConnected()).hasSize(2);
      assertThat(lab.vsctl("n1", "get-controller br-l2sm").strip())
          .startsWith("ssl:" + controllerIp);
      lab.grpc()
          .createNetwork(
              CreateNetworkRequest.newBuilder().setName("t").setKind(NetworkKind.VNET).build());
      String p1 = lab.pod("t1");
      String p2 = lab.pod("t2");
      lab.attach("n1", p1, "t", "10.20.0.1/24", "02:00:00:00:20:01");
      lab.attach("n2", p2, "t", "10.20.0.2/24", "02:00:00:00:20:02");
      assertThat(Testbed.received(lab.in(p1, "ping -c 3 -i 0.2 -W 1 10.20.0.2"))).isEqualTo(3);
      // A client without TLS gets nothing from the controller.
      var plain =
          io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                  "127.0.0.1", lab.grpcPort())
              .usePlaintext()
              .build();
      try {
        assertThatThrownBy(
                () ->
                    ControllerGrpc.newBlockingStub(plain)
                        .withDeadlineAfter(3, java.util.concurrent.TimeUnit.SECONDS)
                        .getStatus(GetStatusRequest.getDefaultInstance()))
            .isInstanceOf(io.grpc.StatusRuntimeException.class);
      } finally {
        plain.shutdownNow();
      }
    }
  }
}
