package io.l2sm.api.v1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Which node switches are joined by VXLAN tunnels ({@code l2sm.l2sm.k8s.local/v1}; fields
 * compatible with upstream L2S-M's Overlay where they overlap). The node agents apply it: each
 * keeps one tunnel per link that names its node, to the peer's InternalIP. Several Overlays add up;
 * with none, each agent keeps the neighbours it was started with.
 */
@Group(L2Network.GROUP)
@Version("v1")
@Kind("Overlay")
@Plural("overlays")
@AdditionalPrinterColumn(
    name = "NODES",
    jsonPath = ".status.nodeCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "LINKS",
    jsonPath = ".status.linkCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
public class Overlay extends CustomResource<OverlaySpec, OverlayStatus> implements Namespaced {
  @Override
  protected OverlaySpec initSpec() {
    return new OverlaySpec();
  }
}
