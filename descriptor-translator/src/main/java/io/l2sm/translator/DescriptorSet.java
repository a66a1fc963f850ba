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
public record DescriptorSet(NsdInput nsd, Map<String, VnfdInput> vnfds, List<String> searched) {}
