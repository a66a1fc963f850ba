package io.l2sm.conformance;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * A cluster the suite drives through public interfaces only: its Kubernetes API and commands run in
 * its pods.
 */
public interface Target extends AutoCloseable {
  /** What it is, for the report. */
  String describe();

  KubernetesClient client();

  /** The nodes pods can be placed on, in order. */
  List<String> nodes();

  /** Runs a shell command in a pod's network namespace; returns exit code and output. */
  Exec exec(String namespace, String pod, String command);

  /**
   * Kills a part of the installation ({@code controller}, {@code operator}, {@code agent-<node>},
   * {@code ovs-<node>} (the node's Open vSwitch), {@code idco}) with SIGKILL and starts it again,
   * returning once it runs; false when this target cannot.
   */
  default boolean restart(String part) throws Exception {
    return false;
  }

  /** Takes a node off its network or puts it back; false when this target cannot. */
  default boolean setNodeLinked(String node, boolean linked) throws Exception {
    return false;
  }

  /**
   * Cuts the WAN link between this cluster and {@code other} or restores it; false when this target
   * cannot.
   */
  default boolean setWanUp(Target other, boolean up) throws Exception {
    return false;
  }

  /** The result of a command. */
  record Exec(int exit, String out) {}

  @Override
  void close();
}
