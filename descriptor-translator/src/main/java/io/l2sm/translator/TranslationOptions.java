package io.l2sm.translator;

/**
 * How to translate.
 *
 * @param nsName the NS name network names are prefixed with; null for the NSD id
 * @param namespace the Kubernetes namespace for networks and pods; null to leave it to the
 *     installer
 * @param deploymentFlavour the NSD {@code df} id to use; null for the first
 * @param clusterMap where each VNF profile runs; null when the NS lives in one cluster
 */
public record TranslationOptions(
    String nsName, String namespace, String deploymentFlavour, ClusterMap clusterMap) {

  /** Defaults: NSD id as NS name, no namespace, the first flavour, one cluster. */
  public static TranslationOptions defaults() {
    return new TranslationOptions(null, null, null, null);
  }
}
