package io.l2sm.api.v1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An L2S-M virtual network with its status ({@code l2sm.l2sm.k8s.local/v1}, spec fields compatible
 * with upstream L2S-M 2.x). The operator keeps each L2S-M NetworkAttachmentDefinition and its
 * L2Network of the same name in step, whichever the user created.
 */
@Group(L2Network.GROUP)
@Version("v1")
@Kind("L2Network")
@Plural("l2networks")
@ShortNames("l2net")
@AdditionalPrinterColumn(name = "TYPE", jsonPath = ".spec.type")
@AdditionalPrinterColumn(
    name = "VNI",
    jsonPath = ".status.vni",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "CONNECTED_PODS",
    jsonPath = ".status.connectedPodCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "AVAILABILITY", jsonPath = ".status.internalConnectivity")
@AdditionalPrinterColumn(
    name = "READY",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
public class L2Network extends CustomResource<L2NetworkSpec, L2NetworkStatus>
    implements Namespaced {
  public static final String GROUP = "l2sm.l2sm.k8s.local";
  public static final String API_VERSION = GROUP + "/v1";

  @Override
  protected L2NetworkSpec initSpec() {
    return new L2NetworkSpec();
  }
}
