package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The spec of a Multus NetworkAttachmentDefinition: a CNI config as a JSON string. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkAttachmentDefinitionSpec {
  /**
   * The apiVersion and kind of the object this spec belongs to, for code that writes NADs as plain
   * data without the custom resource's class (which needs the Kubernetes client): the translator.
   */
  public static final String API_VERSION = "k8s.cni.cncf.io/v1";

  public static final String KIND = "NetworkAttachmentDefinition";

  private String config;

  public NetworkAttachmentDefinitionSpec() {}

  public NetworkAttachmentDefinitionSpec(String config) {
    this.config = config;
  }

  /** The CNI configuration JSON; null when the NAD names a config file on the node instead. */
  public String getConfig() {
    return config;
  }

  public void setConfig(String config) {
    this.config = config;
  }
}
