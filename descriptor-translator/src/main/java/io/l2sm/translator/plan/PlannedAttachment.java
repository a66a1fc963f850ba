package io.l2sm.translator.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One pod interface: the pods of KDU {@code kdu} in VNF profile {@code vnfProfile} join {@code
 * network} through connection point {@code cpd}.
 *
 * @param interfaceName the interface inside the pod, {@code net-<cpd>}, unique per pod
 * @param cluster the cluster the profile is placed in; null without a cluster map
 */
@JsonPropertyOrder({"vnfProfile", "vnfd", "kdu", "cpd", "network", "interface", "cluster"})
public record PlannedAttachment(
    String vnfProfile,
    String vnfd,
    String kdu,
    String cpd,
    String network,
    @com.fasterxml.jackson.annotation.JsonProperty("interface") String interfaceName,
    @JsonInclude(JsonInclude.Include.NON_NULL) String cluster) {}
