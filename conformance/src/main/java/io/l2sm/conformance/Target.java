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

  /**
   * The fault hooks: what {@link #restart}, {@link #setNodeLinked} and {@link #setWanUp} can do.
   */
  enum Hook {
    /** Restart the controller, operator, agents and IDCO. */
    RESTART_PARTS,
    /** Restart a node's Open vSwitch. */
    RESTART_SWITCH,
    /** Take a node off its network. */
    NODE_LINK,
    /** Cut a WAN link. */
    WAN_LINK
  }

  /** The fault hooks this target has; the suite leaves out the cases that need others. */
  default java.util.Set<Hook> hooks() {
    return java.util.Set.of();
  }

  /**
   * Makes a local file readable in a pod; returns its path there. The default is for targets whose
   * pods share this machine's file system.
   */
  default String stage(String namespace, String pod, java.nio.file.Path file) throws Exception {
    return file.toString();
  }

  /** The result of a command. */
  record Exec(int exit, String out) {}

  @Override
  void close();
}
