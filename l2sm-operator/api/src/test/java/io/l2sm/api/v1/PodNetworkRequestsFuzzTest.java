package io.l2sm.api.v1;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashMap;
import java.util.Map;

/**
 * Pod network annotations as anyone may write them (both NPWG forms and upstream's l2sm/networks),
 * and NAD configs as Multus hands them on: each is read or refused with {@link
 * PodNetworkRequests.InvalidAnnotation}, never a crash. Runs its seeds with the unit tests; {@code
 * scripts/fuzz.sh} fuzzes it.
 */
class PodNetworkRequestsFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void annotations(FuzzedDataProvider data) {
    Map<String, String> annotations = new HashMap<>();
    if (data.consumeBoolean()) {
      annotations.put(Annotations.NETWORKS, data.consumeString(400));
    }
    if (data.consumeBoolean()) {
      annotations.put(Annotations.L2SM_NETWORKS, data.consumeString(400));
    }
    String namespace = data.consumeBoolean() ? "default" : data.consumeString(70);
    try {
      PodNetworkRequests.parse(annotations, namespace);
    } catch (PodNetworkRequests.InvalidAnnotation expected) {
      // refused with a message: what bad input gets
    }
    NetworkAttachmentDefinition nad = new NetworkAttachmentDefinition();
    nad.getMetadata().setName("n");
    nad.getSpec().setConfig(data.consumeRemainingAsString());
    nad.cniConfig();
  }
}
