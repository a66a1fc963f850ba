/**
 * The Kubernetes object model of L2S-M: the CRDs ({@code L2Network}, {@code Overlay}, {@code
 * NetworkEdgeDevice}), the NetworkAttachmentDefinition and its L2S-M CNI configuration, what a pod
 * asks for in either NPWG annotation form or {@code l2sm/networks}, and every annotation key. Plain
 * data and parsing; no calls to any API.
 */
package io.l2sm.api.v1;
