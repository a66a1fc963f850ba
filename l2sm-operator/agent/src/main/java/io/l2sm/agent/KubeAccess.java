package io.l2sm.agent;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the agent reaches the cluster's API: a kubeconfig file (which may appear later, as in the
 * lab), or {@value #IN_CLUSTER} for the pod's service account (the Helm chart's DaemonSet).
 */
public final class KubeAccess {
  public static final String IN_CLUSTER = "in-cluster";

  private KubeAccess() {}

  /** Whether the configuration can be read now. */
  public static boolean ready(Path kubeconfig) {
    return kubeconfig.toString().equals(IN_CLUSTER) || Files.isReadable(kubeconfig);
  }

  public static Config config(Path kubeconfig) throws IOException {
    if (kubeconfig.toString().equals(IN_CLUSTER)) {
      return Config.autoConfigure(null);
    }
    return Config.fromKubeconfig(Files.readString(kubeconfig));
  }
}
