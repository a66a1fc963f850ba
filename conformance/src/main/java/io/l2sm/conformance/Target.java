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

  /** The result of a command. */
  record Exec(int exit, String out) {}

  @Override
  void close();
}
