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
 * A cluster's Network Edge Device ({@code l2sm.l2sm.k8s.local/v1}; fields compatible with upstream
 * L2S-M's where they overlap): an Open vSwitch at the cluster's edge, controlled by the
 * inter-domain provider (IDCO), with tunnels to the edge devices of neighbour sites and one to the
 * cluster's gateway node. Inter-cluster networks cross it.
 */
@Group(L2Network.GROUP)
@Version("v1")
@Kind("NetworkEdgeDevice")
@Plural("networkedgedevices")
@ShortNames("ned")
@AdditionalPrinterColumn(
    name = "CLUSTER",
    jsonPath = ".spec.clusterName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "PROVIDER",
    jsonPath = ".spec.provider.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "AVAILABILITY",
    jsonPath = ".status.availability",
    type = AdditionalPrinterColumn.Type.STRING)
public class NetworkEdgeDevice
    extends CustomResource<NetworkEdgeDeviceSpec, NetworkEdgeDeviceStatus> implements Namespaced {
  @Override
  protected NetworkEdgeDeviceSpec initSpec() {
    return new NetworkEdgeDeviceSpec();
  }
}
