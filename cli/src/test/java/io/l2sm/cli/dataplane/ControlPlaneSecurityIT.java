package io.l2sm.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.l2sm.api.grpc.Credentials;
import io.l2sm.api.grpc.GrpcChannels;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.ControllerGrpc.ControllerBlockingStub;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DetachRequest;
import io.l2sm.api.grpc.v1.GetStatusRequest;
import io.l2sm.api.grpc.v1.NetworkKind;
import io.l2sm.api.grpc.v1.RegisterSwitchRequest;
import io.l2sm.api.grpc.v1.SetMirrorRequest;
import io.l2sm.lab.Pki;
import io.l2sm.lab.Testbed;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's control plane lets no one in who has no business there. A two-node testbed runs
 * as every lab does: gRPC and OpenFlow over mutual TLS, credentials from the testbed's CA. Each
 * refusal is shown next to its positive control (the same call made by a role that may make it) and
 * with the state checked unchanged afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneSecurityIT {
  Testbed lab;
  @TempDir Path tmp;

  @BeforeAll
  void up() throws Exception {
    TestLab.requireLab();
    lab = new Testbed("l2t", Testbed.Placement.alone("l2t"), 43, "200-263", 2, List.of(), "n1~n2");
    lab.grpc()
        .createNetwork(
            CreateNetworkRequest.newBuilder().setName("t").setKind(NetworkKind.VNET).build());
  }

  @AfterAll
  void down() {
    if (lab != null) {
      lab.close();
    }
  }

  /** A client of the controller with the credentials in {@code dir}; closed with {@code use}. */
  void as(Path dir, Consumer<ControllerBlockingStub> use) {
    try (Credentials c = Credentials.load(dir)) {
      ManagedChannel ch = GrpcChannels.open("127.0.0.1:" + lab.grpcPort(), c);
      try {
        use.accept(ControllerGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS));
      } finally {
        ch.shutdownNow();
      }
    }
  }

  static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  List<String> networks() {
    return lab.grpc().networks().stream().map(n -> n.getName()).toList();
  }

  static CreateNetworkRequest net(String name) {
    return CreateNetworkRequest.newBuilder().setName(name).setKind(NetworkKind.VNET).build();
  }

  static AttachRequest attach(String id, String node) {
    return AttachRequest.newBuilder()
        .setId(id)
        .setNetwork("t")
        .setNode(node)
        .setPort(4000)
        .setMac("02:00:00:00:43:99")
        .build();
  }

  static SetMirrorRequest mirror() {
    return SetMirrorRequest.newBuilder().setSourceNetwork("t").setMonitorAttachment("x").build();
  }

  @Test
  void bothChannelsAreMutualTlsAndPodsAttachedThroughThemTalk() {
    // The switches dialled ssl: with their node's certificate and are connected.
    var status = lab.grpc().status();
    assertThat(status.getSwitchesList()).hasSize(2).allMatch(s -> s.getConnected());
    assertThat(lab.vsctl("n1", "get-controller br-l2sm").strip()).startsWith("ssl:");
    String p1 = lab.pod("t1");
    String p2 = lab.pod("t2");
    lab.attach("n1", p1, "t", "10.20.0.1/24", "02:00:00:00:20:01");
    lab.attach("n2", p2, "t", "10.20.0.2/24", "02:00:00:00:20:02");
    assertThat(Testbed.received(lab.in(p1, "ping -c 3 -i 0.2 -W 1 10.20.0.2"))).isEqualTo(3);
  }

  @Test
  void aClientWithoutCertificateIsUnauthenticatedOnEveryCall() throws Exception {
    ManagedChannel ch =
        NettyChannelBuilder.forTarget(
                "127.0.0.1:" + lab.grpcPort(),
                TlsChannelCredentials.newBuilder()
                    .trustManager(lab.credentials("admin").resolve(Credentials.CA).toFile())
                    .build())
            .build();
    try {
      var anon = ControllerGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
      assertThat(code(() -> anon.createNetwork(net("anon"))))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(code(() -> anon.attach(attach("anon/1", "n1"))))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(code(() -> anon.setMirror(mirror()))).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(code(() -> anon.getStatus(GetStatusRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
    } finally {
      ch.shutdownNow();
    }
    // Control: the same channel kind with the admin's certificate is served.
    as(
        lab.credentials("admin"),
        s -> assertThat(code(() -> s.createNetwork(net("adm")))).isEqualTo(Status.Code.OK));
    assertThat(networks()).contains("adm").doesNotContain("anon");
    // Plaintext is not even a transport the controller speaks.
    ManagedChannel plain =
        NettyChannelBuilder.forTarget("127.0.0.1:" + lab.grpcPort()).usePlaintext().build();
    try {
      assertThat(
              code(
                  () ->
                      ControllerGrpc.newBlockingStub(plain)
                          .withDeadlineAfter(3, TimeUnit.SECONDS)
                          .createNetwork(net("plain"))))
          .isIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL, Status.Code.DEADLINE_EXCEEDED);
    } finally {
      plain.shutdownNow();
    }
    assertThat(networks()).doesNotContain("plain");
  }

  @Test
  void eachRoleMayDoItsPartOnly() {
    Pki pki = lab.pki();
    Path reader = pki.client("reader", tmp.resolve("reader"));
    Path operator = lab.credentials("operator");
    Path stranger = pki.client("intruder", tmp.resolve("intruder"));
    as(
        reader,
        s -> {
          assertThat(code(() -> s.getStatus(GetStatusRequest.getDefaultInstance())))
              .isEqualTo(Status.Code.OK);
          assertThat(code(() -> s.createNetwork(net("by-reader"))))
              .isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(code(() -> s.attach(attach("r/1", "n1"))))
              .isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(code(() -> s.setMirror(mirror()))).isEqualTo(Status.Code.PERMISSION_DENIED);
        });
    as(
        operator,
        s -> {
          assertThat(code(() -> s.createNetwork(net("by-operator")))).isEqualTo(Status.Code.OK);
          assertThat(code(() -> s.attach(attach("o/1", "n1"))))
              .isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(code(() -> s.setMirror(mirror()))).isEqualTo(Status.Code.PERMISSION_DENIED);
        });
    as(
        stranger,
        s ->
            assertThat(code(() -> s.getStatus(GetStatusRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(networks()).contains("by-operator").doesNotContain("by-reader");
    var attachments =
        lab.grpc().status().getNetworksList().stream()
            .flatMap(n -> n.getAttachmentsList().stream())
            .map(a -> a.getId())
            .toList();
    assertThat(attachments).doesNotContain("r/1", "o/1");
  }

  @Test
  void anAgentActsOnItsOwnNodeOnly() {
    var before =
        lab.grpc().status().getSwitchesList().stream()
            .filter(s -> s.getNode().equals("n2"))
            .findFirst()
            .orElseThrow();
    as(
        lab.credentials("agent-n1"),
        s -> {
          // Control: its own node's port comes and goes.
          assertThat(code(() -> s.attach(attach("own/1", "n1")))).isEqualTo(Status.Code.OK);
          assertThat(code(() -> s.detach(DetachRequest.newBuilder().setId("own/1").build())))
              .isEqualTo(Status.Code.OK);
          assertThat(code(() -> s.attach(attach("other/1", "n2"))))
              .isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(
                  code(
                      () ->
                          s.registerSwitch(
                              RegisterSwitchRequest.newBuilder()
                                  .setNode("n2")
                                  .setDpid(0x4242)
                                  .build())))
              .isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(code(() -> s.setMirror(mirror()))).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(code(() -> s.createNetwork(net("by-agent"))))
              .isEqualTo(Status.Code.PERMISSION_DENIED);
        });
    // n2's attachment made by the admin cannot be detached by n1's agent.
    lab.grpc().attach(attach("n2/held", "n2"));
    as(
        lab.credentials("agent-n1"),
        s ->
            assertThat(code(() -> s.detach(DetachRequest.newBuilder().setId("n2/held").build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED));
    var after = lab.grpc().status();
    assertThat(after.getSwitchesList())
        .filteredOn(s -> s.getNode().equals("n2"))
        .singleElement()
        .satisfies(s -> assertThat(s.getDpid()).isEqualTo(before.getDpid()));
    assertThat(after.getNetworksList().stream().flatMap(n -> n.getAttachmentsList().stream()))
        .extracting(a -> a.getId())
        .contains("n2/held")
        .doesNotContain("other/1", "own/1");
    lab.grpc().detach("n2/held");
  }

  /**
   * A TLS client context that trusts the CA in {@code ca} and presents {@code who} (null: none).
   */
  static SSLContext tls(Path ca, Credentials who) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      trust.setCertificateEntry(
          "ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        who == null ? null : new javax.net.ssl.KeyManager[] {who.keyManager()},
        tmf.getTrustManagers(),
        null);
    return ctx;
  }

  /** Opens TLS to the OpenFlow port; returns the first bytes the controller sends (its HELLO). */
  byte[] openflowHello(Path credentials) throws Exception {
    Credentials c = credentials == null ? null : Credentials.load(credentials);
    try {
      SSLContext ctx = tls(lab.credentials("admin").resolve(Credentials.CA), c);
      try (SSLSocket s =
          (SSLSocket) ctx.getSocketFactory().createSocket(lab.controllerIp(), lab.openflowPort())) {
        s.setSoTimeout(5000);
        s.startHandshake();
        byte[] hello = new byte[8];
        int n = s.getInputStream().readNBytes(hello, 0, 8);
        return java.util.Arrays.copyOf(hello, n);
      }
    } finally {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void openflowTakesOnlySwitchesWithACertificateOfTheCa() throws Exception {
    // Control: with a node's certificate the controller says HELLO (OpenFlow 1.3, type 0).
    byte[] hello = openflowHello(lab.credentials("agent-n1"));
    assertThat(hello).hasSize(8);
    assertThat(hello[0]).isEqualTo((byte) 0x04);
    assertThat(hello[1]).isEqualTo((byte) 0x00);
    // Without one, the handshake fails or the connection is closed before a byte of OpenFlow.
    byte[] none;
    try {
      none = openflowHello(null);
    } catch (java.io.IOException e) {
      none = new byte[0];
    }
    assertThat(none).isEmpty();
  }

  static BigInteger servedSerial(String host, int port, Path ca) throws Exception {
    SSLContext ctx = tls(ca, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(host, port)) {
      javax.net.ssl.SSLParameters p = s.getSSLParameters();
      p.setApplicationProtocols(new String[] {"h2"});
      s.setSSLParameters(p);
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  @Test
  void aRotatedCertificateIsServedWithoutDroppingTraffic() throws Exception {
    String p1 = lab.pod("r1");
    String p2 = lab.pod("r2");
    lab.attach("n1", p1, "t", "10.20.0.11/24", "02:00:00:00:20:11");
    lab.attach("n2", p2, "t", "10.20.0.12/24", "02:00:00:00:20:12");
    Path ca = lab.credentials("admin").resolve(Credentials.CA);
    BigInteger old = servedSerial("127.0.0.1", lab.grpcPort(), ca);
    // 200 pings over 10 s while the controller's certificate is replaced under it.
    Process ping =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                p1,
                "ping",
                "-c",
                "200",
                "-i",
                "0.05",
                "-W",
                "1",
                "10.20.0.12")
            .redirectErrorStream(true)
            .start();
    Thread.sleep(1000);
    lab.pki()
        .server(
            "controller",
            List.of(lab.controllerIp(), "127.0.0.1"),
            List.of("localhost"),
            lab.credentials("controller"));
    BigInteger now = old;
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (now.equals(old) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      now = servedSerial("127.0.0.1", lab.grpcPort(), ca);
    }
    assertThat(now).as("the serial served after the rotation").isNotEqualTo(old);
    // The control plane works across the rotation: a new attachment through the agent.
    String p3 = lab.pod("r3");
    lab.attach("n2", p3, "t", "10.20.0.13/24", "02:00:00:00:20:13");
    assertThat(Testbed.received(lab.in(p1, "ping -c 3 -i 0.2 -W 1 10.20.0.13"))).isEqualTo(3);
    String out = new String(ping.getInputStream().readAllBytes());
    assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Testbed.received(out)).as(out).isEqualTo(200);
    assertThat(lab.grpc().status().getSwitchesList()).allMatch(s -> s.getConnected());
  }

  /** HTTP status and body of a node agent's probe, asked from inside its node. */
  String probe(String node, String path) {
    return lab.in(lab.ns(node), "curl -s -m 5 -w ' %{http_code}' http://127.0.0.1:9653" + path)
        .strip()
        .replaceAll("\\s+", " ");
  }

  @Test
  void theAgentsProbesFollowTheirSwitchsConnection() throws Exception {
    assertThat(probe("n1", "/healthz")).isEqualTo("ok 200");
    assertThat(probe("n1", "/readyz")).isEqualTo("ok 200");
    lab.killController();
    try {
      // Not ready while its controller is gone (live all the same: it still serves CNI).
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(probe("n1", "/readyz"))
                      .startsWith("the controller does not answer")
                      .endsWith(" 503"));
      assertThat(probe("n1", "/healthz")).isEqualTo("ok 200");
    } finally {
      lab.startController();
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(probe("n1", "/readyz")).isEqualTo("ok 200"));
  }

  @Test
  void statusAndMetricsCarryNoKeys() throws Exception {
    String key = Files.readString(lab.credentials("controller").resolve(Credentials.KEY));
    String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    for (String path : List.of("/status", "/metrics")) {
      String body = lab.http(path);
      // Control: the page is the real one, with the switches' data.
      assertThat(body).as(path).contains(path.equals("/status") ? "switches" : "l2sm_networks");
      assertThat(body).as(path).doesNotContain("PRIVATE KEY").doesNotContain(keyBody);
    }
  }

  /**
   * Plays a switch over TLS with the credentials in {@code who}: HELLO, a FEATURES_REPLY with
   * datapath {@code dpid}, then an ECHO_REQUEST. Returns whether the controller answered the echo
   * (the session was taken) rather than closing the connection.
   */
  boolean switchSessionTaken(Path who, long dpid) throws Exception {
    var of =
        org.projectfloodlight.openflow.protocol.OFFactories.getFactory(
            org.projectfloodlight.openflow.protocol.OFVersion.OF_13);
    try (Credentials c = Credentials.load(who)) {
      SSLContext ctx = tls(lab.credentials("admin").resolve(Credentials.CA), c);
      try (SSLSocket s =
          (SSLSocket) ctx.getSocketFactory().createSocket(lab.controllerIp(), lab.openflowPort())) {
        s.setSoTimeout(5000);
        var out = s.getOutputStream();
        var in = new java.io.DataInputStream(s.getInputStream());
        java.util.function.Consumer<org.projectfloodlight.openflow.protocol.OFMessage> send =
            m -> {
              io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
              m.writeTo(b);
              byte[] bytes = new byte[b.readableBytes()];
              b.readBytes(bytes);
              try {
                out.write(bytes);
                out.flush();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            };
        send.accept(of.buildHello().setXid(1).build());
        boolean featuresSent = false;
        try {
          while (true) {
            byte[] header = new byte[8];
            in.readFully(header);
            int type = header[1] & 0xff;
            int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            long xid = java.nio.ByteBuffer.wrap(header, 4, 4).getInt() & 0xffffffffL;
            in.readFully(new byte[length - 8]);
            if (type == 5 && !featuresSent) { // FEATURES_REQUEST
              send.accept(
                  of.buildFeaturesReply()
                      .setXid(xid)
                      .setDatapathId(org.projectfloodlight.openflow.types.DatapathId.of(dpid))
                      .setNBuffers(0)
                      .setNTables((short) 254)
                      .setCapabilities(
                          java.util.EnumSet.noneOf(
                              org.projectfloodlight.openflow.protocol.OFCapabilities.class))
                      .setAuxiliaryId(org.projectfloodlight.openflow.types.OFAuxId.MAIN)
                      .build());
              featuresSent = true;
              Thread.sleep(300);
              send.accept(of.buildEchoRequest().setXid(0x77).build());
            } else if (type == 3 && xid == 0x77) { // ECHO_REPLY to ours
              return true;
            }
          }
        } catch (java.io.EOFException | java.net.SocketException | javax.net.ssl.SSLException e) {
          assertThat(featuresSent).as("the controller closed before asking for features").isTrue();
          return false;
        } catch (java.io.UncheckedIOException e) {
          return false;
        }
      }
    }
  }

  @Test
  void aSwitchSpeaksOnlyForItsOwnNode() throws Exception {
    var before = lab.grpc().status();
    long n2 =
        before.getSwitchesList().stream()
            .filter(x -> x.getNode().equals("n2"))
            .findFirst()
            .orElseThrow()
            .getDpid();
    // Control: n1's certificate holds a session for a datapath no node has.
    assertThat(switchSessionTaken(lab.credentials("agent-n1"), 0x7777)).isTrue();
    // With n1's certificate, claiming n2's datapath is refused, and n2's switch keeps its session.
    assertThat(switchSessionTaken(lab.credentials("agent-n1"), n2)).isFalse();
    var after = lab.grpc().status();
    assertThat(after.getSwitchesList()).allMatch(x -> x.getConnected()).hasSize(2);
    String p1 = lab.pod("s1");
    String p2 = lab.pod("s2");
    lab.attach("n1", p1, "t", "10.20.0.21/24", "02:00:00:00:20:21");
    lab.attach("n2", p2, "t", "10.20.0.22/24", "02:00:00:00:20:22");
    assertThat(Testbed.received(lab.in(p1, "ping -c 3 -i 0.2 -W 1 10.20.0.22"))).isEqualTo(3);
  }
}
