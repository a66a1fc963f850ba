package io.l2sm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled C plugin against a real agent socket, for everything the agent decides before it
 * touches Open vSwitch or the controller: versions, configuration and environment errors.
 */
class CniShimTest {
  static final Path SHIM = Path.of("target/classes/io/l2sm/agent/l2sm-cni");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  NodeAgent agent;
  AgentSocketServer server;

  record Run(int exit, JsonNode out) {}

  @BeforeEach
  void start() throws IOException {
    AgentConfig config =
        new AgentConfig(
            "n1",
            "br-l2sm",
            "netdev",
            "unix:" + dir.resolve("no-db.sock"),
            "tcp:127.0.0.1:1",
            "127.0.0.1:1",
            dir.resolve("agent.sock"),
            Map.of(),
            1450,
            0);
    agent = new NodeAgent(config);
    server = new AgentSocketServer(agent, config.socket());
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    agent.close();
  }

  @org.junit.jupiter.api.Test
  void onlyItsOwnerMayConnectToTheAgentsSocket() throws Exception {
    assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("agent.sock")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }

  Run cni(Map<String, String> env, String stdin, Path socket) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(SHIM.toAbsolutePath().toString());
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put("L2SM_AGENT_SOCKET", socket.toString());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The plugin may exit before reading its stdin (agent unreachable), as a kubelet allows.
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return new Run(p.exitValue(), JSON.readTree(out));
  }

  Run add(String ifName, String netns, String config) throws Exception {
    return cni(
        Map.of(
            "CNI_COMMAND", "ADD",
            "CNI_CONTAINERID", "c1",
            "CNI_NETNS", netns,
            "CNI_IFNAME", ifName,
            "CNI_PATH", "/opt/cni/bin"),
        config,
        dir.resolve("agent.sock"));
  }

  static final String GOOD = "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"type\":\"l2sm\"}";

  @Test
  void theShimIsAStaticExecutable() throws IOException {
    assertThat(SHIM).isExecutable();
    assertThat(Files.readAllBytes(SHIM)).startsWith(0x7f, 'E', 'L', 'F');
  }

  @Test
  void versionIsAnsweredWithoutTheAgent() throws Exception {
    Run r = cni(Map.of("CNI_COMMAND", "VERSION"), "", dir.resolve("nobody.sock"));
    assertThat(r.exit()).isZero();
    assertThat(r.out().get("supportedVersions").toString())
        .isEqualTo("[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\"]");
  }

  @Test
  void anUnreachableAgentIsTryAgainLater() throws Exception {
    Run r = cni(Map.of("CNI_COMMAND", "ADD"), GOOD, dir.resolve("nobody.sock"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out().get("code").asInt()).isEqualTo(11);
    assertThat(r.out().get("msg").asText()).isEqualTo("the L2S-M node agent is not reachable");
  }

  @Test
  void everyAnsweredRequestIsTimedByCommandAndOutcome() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    try {
      Path ns = Files.createFile(dir.resolve("netns"));
      assertError(
          add("net1", ns.toString(), "not json"), 6, "the network configuration is not JSON");
      assertError(add("net1", ns.toString(), "{"), 6, "the network configuration is not JSON");
      Timer errors =
          registry.get("l2sm.cni.requests").tag("command", "ADD").tag("outcome", "error").timer();
      assertThat(errors.count()).isEqualTo(2);
      assertThat(errors.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
    } finally {
      Metrics.removeRegistry(registry);
    }
  }

  @Test
  void configurationErrorsHaveTheirSpecCodes() throws Exception {
    Path ns = Files.createFile(dir.resolve("netns"));
    assertError(add("net1", ns.toString(), "not json"), 6, "the network configuration is not JSON");
    assertError(
        add("net1", ns.toString(), "{\"cniVersion\":\"1.0.0\",\"type\":\"l2sm\"}"),
        7,
        "the network configuration has neither 'name' nor 'l2smNetwork'");
    // Without "name" but with the operator's l2smNetwork, the config passes on to the next check.
    assertError(
        add(
            "net1",
            ns.toString(),
            "{\"cniVersion\":\"1.0.0\",\"type\":\"l2sm\",\"l2smNetwork\":\"default/a\","
                + "\"mtu\":100}"),
        7,
        "mtu 100 is not in 576-9000");
    assertError(
        add("net1", ns.toString(), "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"type\":\"bridge\"}"),
        7,
        "the network configuration's type is 'bridge', not 'l2sm'");
    assertError(
        add("net1", ns.toString(), "{\"cniVersion\":\"9.9.9\",\"name\":\"a\",\"type\":\"l2sm\"}"),
        1,
        "CNI version '9.9.9' is not supported");
    assertError(
        add("net1", ns.toString(), GOOD.replace("}", ",\"mtu\":100}")),
        7,
        "mtu 100 is not in 576-9000");
    assertError(
        add(
            "net1",
            ns.toString(),
            GOOD.replace("}", ",\"runtimeConfig\":{\"mac\":\"01:00:5e:00:00:01\"}}")),
        7,
        "MAC '01:00:5e:00:00:01' is not a unicast aa:bb:cc:dd:ee:ff");
    assertError(
        add(
            "net1",
            ns.toString(),
            GOOD.replace("}", ",\"runtimeConfig\":{\"ips\":[\"10.0.0.1\"]}}")),
        7,
        "IP '10.0.0.1' is not an address with a prefix length");
  }

  @Test
  void environmentErrorsHaveTheirSpecCodes() throws Exception {
    Path ns = Files.createFile(dir.resolve("netns"));
    assertError(
        add("bad/name", ns.toString(), GOOD),
        4,
        "CNI_IFNAME 'bad/name' is not a valid interface name");
    assertError(
        add("a-name-longer-than-15", ns.toString(), GOOD),
        4,
        "CNI_IFNAME 'a-name-longer-than-15' is not a valid interface name");
    assertError(
        add("net1", dir.resolve("gone").toString(), GOOD),
        3,
        "network namespace " + dir.resolve("gone") + " does not exist");
    Run r =
        cni(Map.of("CNI_COMMAND", "ADD", "CNI_IFNAME", "net1"), GOOD, dir.resolve("agent.sock"));
    assertError(r, 4, "CNI_CONTAINERID is not set");
    Run bad =
        cni(
            Map.of("CNI_COMMAND", "FOO", "CNI_CONTAINERID", "c", "CNI_IFNAME", "n"),
            GOOD,
            dir.resolve("agent.sock"));
    assertError(bad, 4, "CNI_COMMAND 'FOO' is not one of ADD, DEL, CHECK, VERSION");
  }

  static void assertError(Run r, int code, String msg) {
    assertThat(r.exit()).as("exit of %s", r.out()).isEqualTo(1);
    assertThat(r.out().get("cniVersion").asText()).isNotEmpty();
    assertThat(r.out().get("code").asInt()).as("code of %s", r.out()).isEqualTo(code);
    assertThat(r.out().get("msg").asText()).isEqualTo(msg);
  }
}
