package io.l2sm.api.v1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Multus' NetworkAttachmentDefinition ({@code k8s.cni.cncf.io/v1}). An L2S-M network is a NAD whose
 * config carries {@code "device": "l2sm-vNet"}; any other NAD is plain Multus and left alone.
 */
@Group(NetworkAttachmentDefinition.GROUP)
@Version("v1")
@Kind("NetworkAttachmentDefinition")
@Plural("network-attachment-definitions")
@ShortNames("net-attach-def")
public class NetworkAttachmentDefinition
    extends CustomResource<NetworkAttachmentDefinitionSpec, Void> implements Namespaced {
  public static final String GROUP = "k8s.cni.cncf.io";
  public static final String API_VERSION = GROUP + "/v1";

  @Override
  protected NetworkAttachmentDefinitionSpec initSpec() {
    return new NetworkAttachmentDefinitionSpec();
  }
}
