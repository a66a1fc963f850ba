/**
 * The lab ({@code l2sm lab}): clusters on one machine, nodes as network namespaces with their own
 * Open vSwitch, either on the mock API server with the lab's kubelet or on real Kubernetes (etcd,
 * kube-apiserver, kubelets with containerd, Multus, the chart installed by Helm); edge devices, the
 * WAN and the IDCO; images without a registry; restart and teardown that leave nothing behind.
 */
package io.l2sm.lab;
