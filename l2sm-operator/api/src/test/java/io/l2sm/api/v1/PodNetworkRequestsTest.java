package io.l2sm.api.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.l2sm.api.v1.PodNetworkRequests.Request;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodNetworkRequestsTest {
  static List<Request> parse(String key, String value) {
    return PodNetworkRequests.parse(Map.of(key, value), "lab");
  }

  @Test
  void theCommaFormTakesNamespacesAndInterfaces() {
    assertThat(parse(Annotations.NETWORKS, "net-a, other/net-b@eth7 ,net-c"))
        .containsExactly(
            new Request("lab", "net-a", "net1", List.of(), null, Annotations.NETWORKS),
            new Request("other", "net-b", "eth7", List.of(), null, Annotations.NETWORKS),
            new Request("lab", "net-c", "net3", List.of(), null, Annotations.NETWORKS));
  }

  @Test
  void theJsonFormTakesIpsAndMacs() {
    assertThat(
            parse(
                Annotations.NETWORKS,
                "[{\"name\":\"net-a\",\"ips\":[\"10.0.0.1/24\"],\"mac\":\"02:00:00:00:00:01\"},"
                    + "{\"name\":\"net-b\",\"namespace\":\"x\",\"interface\":\"data0\","
                    + "\"default-route\":[\"10.0.0.254\"]}]"))
        .containsExactly(
            new Request(
                "lab",
                "net-a",
                "net1",
                List.of("10.0.0.1/24"),
                "02:00:00:00:00:01",
                Annotations.NETWORKS),
            new Request("x", "net-b", "data0", List.of(), null, Annotations.NETWORKS));
  }

  @Test
  void upstreamL2smAnnotationsWorkInBothForms() {
    assertThat(
            parse(
                Annotations.L2SM_NETWORKS,
                "[{\"name\": \"ping-network\",\"ips\": [\"10.0.0.1/24\"]}]"))
        .containsExactly(
            new Request(
                "lab",
                "ping-network",
                "net1",
                List.of("10.0.0.1/24"),
                null,
                Annotations.L2SM_NETWORKS));
    assertThat(parse(Annotations.L2SM_NETWORKS, "net-a, net-b"))
        .extracting(Request::name, Request::interfaceName)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("net-a", "net1"),
            org.assertj.core.groups.Tuple.tuple("net-b", "net2"));
  }

  @Test
  void bothAnnotationsTogetherNumberInterfacesAcrossThem() {
    List<Request> r =
        PodNetworkRequests.parse(
            Map.of(Annotations.NETWORKS, "a", Annotations.L2SM_NETWORKS, "b"), "lab");
    assertThat(r)
        .extracting(Request::key, Request::interfaceName)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("lab/a", "net1"),
            org.assertj.core.groups.Tuple.tuple("lab/b", "net2"));
    assertThat(PodNetworkRequests.present(Map.of("other", "x"))).isFalse();
    assertThat(PodNetworkRequests.present(Map.of(Annotations.L2SM_NETWORKS, "b"))).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[{\"name\": | annotation k8s.v1.cni.cncf.io/networks is not valid JSON: Unexpected end-of-input within/between Object entries",
        "{\"name\":\"a\"} | annotation k8s.v1.cni.cncf.io/networks must be a JSON list, not an object",
        "[{\"namespace\":\"x\"}] | annotation k8s.v1.cni.cncf.io/networks, element 1 has no name",
        "[\"a\"] | annotation k8s.v1.cni.cncf.io/networks, element 1 is not an object",
        "[{\"name\":\"a\",\"ips\":\"10.0.0.1/24\"}] | annotation k8s.v1.cni.cncf.io/networks, element 1: ips must be a list of address/prefix",
        "[{\"name\":\"a\",\"ips\":[\"10.0.0.1\"]}] | annotation k8s.v1.cni.cncf.io/networks, element 1: IP '10.0.0.1' is not an address/prefix",
        "[{\"name\":\"a\",\"mac\":\"zz\"}] | annotation k8s.v1.cni.cncf.io/networks, element 1: MAC 'zz' is not aa:bb:cc:dd:ee:ff",
        "Net_A | annotation k8s.v1.cni.cncf.io/networks, item 1: 'Net_A' is not a valid network name",
        "a,,b | annotation k8s.v1.cni.cncf.io/networks, item 2 is empty",
        "a@bad/if | annotation k8s.v1.cni.cncf.io/networks, item 1: 'bad/if' is not a valid interface name",
        "Bad_NS/a | annotation k8s.v1.cni.cncf.io/networks, item 1: 'Bad_NS' is not a valid namespace",
        "a@net2,b | interface net2 is requested twice",
      })
  void malformedAnnotationsAreRefusedWithTheReason(String value, String message) {
    assertThatThrownBy(() -> parse(Annotations.NETWORKS, value))
        .isInstanceOf(PodNetworkRequests.InvalidAnnotation.class)
        .hasMessage(message);
  }
}
