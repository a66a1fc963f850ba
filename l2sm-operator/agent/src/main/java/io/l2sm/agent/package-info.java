/**
 * The node agent: the node's Open vSwitch bridge and its VXLAN tunnels (BFD liveness) through
 * {@code ovs-vsctl}, pod ports through veth pairs and {@code nsenter}, the unix-socket backend of
 * the CNI shim (an ADD returns only when the port forwards), recovery of a controller that lost its
 * state, and the edge-device role that follows a {@code NetworkEdgeDevice}.
 */
package io.l2sm.agent;
