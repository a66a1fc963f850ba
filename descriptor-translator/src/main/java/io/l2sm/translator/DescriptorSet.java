package io.l2sm.translator;

import java.util.List;
import java.util.Map;

/**
 * An NSD and the VNFDs available to it.
 *
 * @param nsd the network service
 * @param vnfds VNFDs by id: those named with {@code --vnfd}, then those found next to the NSD
 * @param searched where VNFDs were looked for, for messages about missing ones (empty when all were
 *     given explicitly)
 */
public record DescriptorSet(NsdInput nsd, Map<String, VnfdInput> vnfds, List<String> searched) {

  /** What the reader accepted leniently in the NSD and the VNFDs (duplicated keys), in order. */
  public List<Problem> readWarnings() {
    List<Problem> out = new java.util.ArrayList<>(nsd.document().warnings());
    vnfds.values().forEach(v -> out.addAll(v.document().warnings()));
    return out;
  }
}
