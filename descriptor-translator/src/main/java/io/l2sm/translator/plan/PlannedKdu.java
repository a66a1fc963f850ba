package io.l2sm.translator.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One KDU the NS deploys: a KDU of the VNFD of a VNF profile of the chosen deployment flavour,
 * whether or not it joins a network; what an installer needs to find its chart.
 *
 * @param helmChart the KDU's {@code helm-chart} as the VNFD gives it ({@code repo/name} or {@code
 *     name}); null for a Juju bundle
 * @param cluster the cluster the profile is placed in; null without a cluster map
 */
@JsonPropertyOrder({"vnfProfile", "vnfd", "kdu", "helmChart", "cluster"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlannedKdu(
    String vnfProfile, String vnfd, String kdu, String helmChart, String cluster) {}
