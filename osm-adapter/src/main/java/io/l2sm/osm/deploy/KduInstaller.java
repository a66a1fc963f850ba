package io.l2sm.osm.deploy;

import io.l2sm.osm.helm.HelmException;
import java.nio.file.Path;

/** How a KDU's chart gets into the cluster with its network requests. */
public interface KduInstaller {
  /** One line for the user: what installs the charts. */
  String describe();

  /**
   * Installs one KDU's chart as release {@code kdu.release()} in {@code namespace}, its pods
   * joining the networks {@code plan} gives the KDU (through the post-renderer).
   */
  void install(NsDeployer.Kdu kdu, String namespace, Path kubeconfig, Path plan)
      throws HelmException;

  /** Removes a release; nothing when it is not there. */
  void uninstall(String release, String namespace, Path kubeconfig) throws HelmException;
}
