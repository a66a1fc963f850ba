package io.l2sm.api.v1;

/** Annotation and label keys that users, Multus and OSM rely on. */
public final class Annotations {
  /** NPWG pod annotation requesting networks (comma list or JSON list). */
  public static final String NETWORKS = "k8s.v1.cni.cncf.io/networks";

  /** NPWG pod annotation reporting the attached networks. */
  public static final String NETWORK_STATUS = "k8s.v1.cni.cncf.io/network-status";

  /** Upstream L2S-M's pod annotation requesting networks. */
  public static final String L2SM_NETWORKS = "l2sm/networks";

  /** Label on objects the descriptor translator made: the NS they belong to. */
  public static final String NS_NAME_LABEL = "l2sm.l2sm.k8s.local/ns-name";

  /** Annotation on a translated network: the NSD virtual-link-desc id it came from. */
  public static final String VLD_ANNOTATION = "l2sm.l2sm.k8s.local/vld";

  /** Annotation on a translated inter-cluster network: the clusters it spans, comma-separated. */
  public static final String CLUSTERS_ANNOTATION = "l2sm.l2sm.k8s.local/clusters";

  /**
   * Label of a node that is an edge device (value {@code "true"}): its own agent joins the cluster
   * to the IDCO's WAN, so the cluster's overlay leaves it out.
   */
  public static final String EDGE_DEVICE_NODE_LABEL = "l2sm.l2sm.k8s.local/edge-device";

  /** Standard label naming the tool that manages an object. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  private Annotations() {}
}
