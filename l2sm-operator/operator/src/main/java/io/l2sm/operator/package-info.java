/**
 * The Kubernetes operator: reconcilers for networks (NAD and L2Network, VNI and status, held
 * deletion, sharing, inter-cluster networks through a provider) and overlays, the pod webhook,
 * Kubernetes Events, and the operator's client of the controller.
 */
package io.l2sm.operator;
