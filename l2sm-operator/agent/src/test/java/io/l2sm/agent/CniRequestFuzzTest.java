package io.l2sm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CNI requests as the shim hands them to the agent (the runtime's environment, an empty line, the
 * network configuration Multus built): each is read or refused with a CNI error code, never an
 * exception of another kind. Runs its seeds with the unit tests; {@code scripts/fuzz.sh} fuzzes it.
 */
class CniRequestFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void requests(FuzzedDataProvider data) {
    String request;
    if (data.consumeBoolean()) {
      // Well-framed: the variables a runtime sets, with fuzzed values, and a fuzzed config.
      request =
          "CNI_COMMAND="
              + data.pickValue(List.of("ADD", "DEL", "CHECK", "VERSION", "GC"))
              + "\nCNI_CONTAINERID="
              + data.consumeString(80)
              + "\nCNI_NETNS="
              + data.consumeString(60)
              + "\nCNI_IFNAME="
              + data.consumeString(20)
              + "\nCNI_ARGS="
              + data.consumeString(200)
              + "\n\n"
              + data.consumeRemainingAsString();
    } else {
      request = data.consumeRemainingAsString();
    }
    AgentSocketServer.Envelope e = AgentSocketServer.envelope(request);
    try {
      NodeAgent.CniRequest r = NodeAgent.read(e.env(), e.stdin(), 1450);
      if (r.add() != null) {
        assertThat(r.add().mtu()).isBetween(576, 9000);
        assertThat(r.add().mac()).matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
      }
    } catch (CniException refused) {
      assertThat(refused.code()).isPositive();
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  /** The forms real callers send read as they should: a control for the fuzzed refusals. */
  @Test
  void theFormsMultusSendsAreRead() {
    String env =
        "CNI_COMMAND=ADD\nCNI_CONTAINERID=c1\nCNI_NETNS=/var/run/netns/p1\nCNI_IFNAME=net1\n"
            + "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=p1\n\n";
    // The paper's NAD (Multus has filled in its name) with the operator's l2smNetwork.
    var paper =
        AgentSocketServer.envelope(
            env
                + "{\"cniVersion\":\"0.3.0\",\"name\":\"v-net-1\",\"type\":\"l2sm\","
                + "\"device\":\"l2sm-vNet\",\"kind\":\"vnet\","
                + "\"l2smNetwork\":\"default/v-net-1\","
                + "\"runtimeConfig\":{\"ips\":[\"10.0.0.1/24\"],\"mac\":\"02:AA:00:00:00:01\"}}");
    var r = NodeAgent.read(paper.env(), paper.stdin(), 1450);
    assertThat(r.add())
        .isEqualTo(
            new NodeAgent.AddRequest(
                "/var/run/netns/p1",
                "default/v-net-1",
                1450,
                "02:aa:00:00:00:01",
                List.of("10.0.0.1/24")));
    // Another namespace's network, not shared with this pod's: refused before anything is made.
    var other =
        AgentSocketServer.envelope(
            env + "{\"cniVersion\":\"1.0.0\",\"type\":\"l2sm\",\"l2smNetwork\":\"team-b/net\"}");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> NodeAgent.read(other.env(), other.stdin(), 1450))
        .isInstanceOfSatisfying(
            CniException.class, x -> assertThat(x.code()).isEqualTo(CniException.NOT_PERMITTED));
  }
}
