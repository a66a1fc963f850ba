package io.l2sm.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The pod webhook's answers to AdmissionReviews in the form kube-apiserver sends them (v1, the pod
 * without a namespace of its own on creation, the namespace in the request), for pods written as
 * upstream L2S-M's examples and users write them.
 */
class PodWebhookTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** An AdmissionReview for the creation of a pod with these annotations (a JSON object). */
  static JsonNode review(String annotations) throws Exception {
    return JSON.readTree(
        """
        {"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
         "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
          "kind": {"group": "", "version": "v1", "kind": "Pod"},
          "resource": {"group": "", "version": "v1", "resource": "pods"},
          "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
          "name": "ping-intra", "namespace": "team-a", "operation": "CREATE",
          "userInfo": {"username": "kubernetes-admin", "groups": ["system:masters"]},
          "object": {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": "ping-intra", "labels": {"app": "ping-pong", "l2sm": "true"},
              "annotations": %s},
            "spec": {"containers": [{"name": "router", "image": "alpine:latest",
              "command": ["/bin/ash", "-c", "trap : TERM INT; sleep infinity & wait"]}]}},
          "oldObject": null, "dryRun": false,
          "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"}}}
        """
            .formatted(annotations));
  }

  static JsonNode patch(JsonNode answer) throws Exception {
    return JSON.readTree(
        Base64.getDecoder().decode(answer.path("response").path("patch").asText()));
  }

  @Test
  void upstreamsPingPongPodGetsItsNetworkInTheAnnotationMultusReads() throws Exception {
    ObjectNode answer =
        PodWebhook.review(
            review(
                "{\"l2sm/networks\": \"[{\\\"name\\\": \\\"ping-network-intra\\\",\\\"ips\\\":"
                    + " [\\\"10.0.0.1/24\\\"]}]\"}"));
    assertThat(answer.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
    JsonNode r = answer.path("response");
    assertThat(r.path("uid").asText()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode p = patch(answer);
    assertThat(p).hasSize(2);
    assertThat(p.get(0).path("op").asText()).isEqualTo("add");
    assertThat(p.get(0).path("path").asText())
        .isEqualTo("/metadata/annotations/k8s.v1.cni.cncf.io~1networks");
    assertThat(JSON.readTree(p.get(0).path("value").asText()))
        .isEqualTo(
            JSON.readTree(
                "[{\"name\": \"ping-network-intra\", \"namespace\": \"team-a\","
                    + " \"interface\": \"net1\", \"ips\": [\"10.0.0.1/24\"]}]"));
    assertThat(p.get(1).path("op").asText()).isEqualTo("remove");
    assertThat(p.get(1).path("path").asText()).isEqualTo("/metadata/annotations/l2sm~1networks");
  }

  /** Interfaces without a name are numbered by position over the list, as Multus numbers them. */
  @Test
  void theCommaFormAndAMultusAnnotationAreMergedInOrder() throws Exception {
    JsonNode p =
        patch(
            PodWebhook.review(
                review(
                    "{\"k8s.v1.cni.cncf.io/networks\": \"other/macvlan-conf@eth5\","
                        + " \"l2sm/networks\": \"net-a, net-b\"}")));
    assertThat(JSON.readTree(p.get(0).path("value").asText()))
        .isEqualTo(
            JSON.readTree(
                "[{\"name\": \"macvlan-conf\", \"namespace\": \"other\", \"interface\": \"eth5\"},"
                    + " {\"name\": \"net-a\", \"namespace\": \"team-a\", \"interface\": \"net2\"},"
                    + " {\"name\": \"net-b\", \"namespace\": \"team-a\", \"interface\":"
                    + " \"net3\"}]"));
  }

  @Test
  void aPodWithoutL2smNetworksIsLeftAsItIs() throws Exception {
    JsonNode r =
        PodWebhook.review(review("{\"k8s.v1.cni.cncf.io/networks\": \"red\"}")).path("response");
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.has("patch")).isFalse();
    JsonNode none = PodWebhook.review(review("{}")).path("response");
    assertThat(none.path("allowed").asBoolean()).isTrue();
    assertThat(none.has("patch")).isFalse();
    // Positive control: the same review with l2sm/networks is patched.
    assertThat(
            PodWebhook.review(review("{\"l2sm/networks\": \"red\"}")).path("response").has("patch"))
        .isTrue();
  }

  @Test
  void aMalformedRequestRefusesThePodSayingWhatIsWrong() throws Exception {
    JsonNode r =
        PodWebhook.review(review("{\"l2sm/networks\": \"[{\\\"name\\\": \\\"ping\\\",\"}"))
            .path("response");
    assertThat(r.path("allowed").asBoolean()).isFalse();
    assertThat(r.path("status").path("code").asInt()).isEqualTo(400);
    assertThat(r.path("status").path("message").asText()).contains("l2sm/networks");
    JsonNode bad =
        PodWebhook.review(review("{\"l2sm/networks\": \"[{\\\"name\\\": \\\"Not_A_Name\\\"}]\"}"))
            .path("response");
    assertThat(bad.path("allowed").asBoolean()).isFalse();
    assertThat(bad.path("status").path("message").asText()).contains("Not_A_Name");
  }
}
