package io.l2sm.osm.deploy;

import io.l2sm.osm.helm.HelmBinary;
import io.l2sm.osm.helm.HelmException;
import java.nio.file.Path;
import java.util.List;

/**
 * Installs with the {@code helm} program: {@code helm install --post-renderer l2sm
 * --post-renderer-args post-render ...}, as OSM's LCM installs KDUs.
 */
public final class BinaryInstaller implements KduInstaller {
  private final HelmBinary helm;
  private final Path helmPath;
  private final String launcher;

  /**
   * @param launcher the {@code l2sm} launcher Helm runs as post-renderer
   */
  public BinaryInstaller(Path helmPath, HelmBinary helm, String launcher) {
    this.helmPath = helmPath;
    this.helm = helm;
    this.launcher = launcher;
  }

  @Override
  public String describe() {
    return "helm (" + helmPath + ") with post-renderer " + launcher;
  }

  @Override
  public void install(NsDeployer.Kdu kdu, String namespace, Path kubeconfig, Path plan)
      throws HelmException {
    List<String> post =
        kdu.joinsNetworks()
            ? List.of(
                launcher,
                "post-render",
                "--plan=" + plan.toAbsolutePath(),
                "--kdu=" + kdu.profile() + "/" + kdu.kdu())
            : List.of();
    helm.install(kdu.chart(), kdu.release(), namespace, kubeconfig, List.of(), post);
  }

  @Override
  public void uninstall(String release, String namespace, Path kubeconfig) throws HelmException {
    try {
      helm.uninstall(release, namespace, kubeconfig);
    } catch (HelmException e) {
      if (!e.getMessage().contains("not found")) {
        throw e;
      }
    }
  }
}
