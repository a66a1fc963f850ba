package io.l2sm.translator.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The machine-readable result of a translation ({@code plan.json}), also the post-renderer's input.
 *
 * @param nsName the NS name networks are prefixed with
 * @param namespace the Kubernetes namespace of the NS's networks and pods; null for the installer's
 *     default
 * @param networks one per data-plane virtual link, in NSD order
 * @param attachments one per (KDU, connection point), in NSD order
 * @param kdus every KDU of the flavour's KNF profiles, in NSD order, with or without networks
 * @param warnings what was translated with a compromise or not at all, in the order found
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"nsName", "namespace", "networks", "attachments", "kdus", "warnings"})
public record Plan(
    String nsName,
    String namespace,
    List<PlannedNetwork> networks,
    List<PlannedAttachment> attachments,
    List<PlannedKdu> kdus,
    List<String> warnings) {

  public Plan {
    networks = List.copyOf(networks);
    attachments = List.copyOf(attachments);
    kdus = kdus == null ? List.of() : List.copyOf(kdus); // absent from plans of older versions
    warnings = List.copyOf(warnings);
  }

  /** The attachments of one KDU of one VNF profile, in plan order. */
  public List<PlannedAttachment> attachmentsOf(String vnfProfile, String kdu) {
    return attachments.stream()
        .filter(a -> a.vnfProfile().equals(vnfProfile) && a.kdu().equals(kdu))
        .toList();
  }
}
