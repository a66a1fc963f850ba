package io.l2sm.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The OCI images a real-Kubernetes lab runs, made by {@code scripts/k8s/images.sh} as tar files (no
 * registry): the pod sandbox, the probe image the tests' pods use, and L2S-M's own image.
 */
public final class Images {
  /** The pod sandbox image every node's containerd uses. */
  public static final String PAUSE = "l2sm.local/pause:1";

  /** The test image: sh, ip, ping, arping, tcpdump, python3 with scapy, iperf3, nginx, ... */
  public static final String PROBE = "l2sm.local/probe:1";

  /** Multus (thick), as {@code scripts/k8s/build.sh} built it. */
  public static final String MULTUS = "l2sm.local/multus:1";

  /** L2S-M's image, made from this checkout's build. */
  public static final String L2SM = "l2sm.local/l2sm:1";

  /** An image's name and the tar file it is imported from. */
  public record Image(String name, Path tar) {}

  private Images() {}

  /**
   * Makes what is missing (the first time: a Debian root file system with debootstrap, about a
   * minute) and returns the images; with {@code withL2sm}, L2S-M's own image too, from the
   * checkout's {@code cli/target} (made again whenever the jar, its libraries or the launcher
   * scripts changed).
   */
  public static List<Image> make(boolean withL2sm, PrintWriter progress)
      throws IOException, InterruptedException {
    Path script =
        Checkout.find("scripts/k8s/images.sh")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "cannot find scripts/k8s/images.sh above this program"));
    Path out =
        Path.of(
            Checkout.runScript(
                script, withL2sm ? List.of("--l2sm") : List.of(), "images:", progress));
    List<Image> images = new ArrayList<>();
    images.add(new Image(PAUSE, out.resolve("pause.tar")));
    images.add(new Image(PROBE, out.resolve("probe.tar")));
    images.add(new Image(MULTUS, out.resolve("multus.tar")));
    if (withL2sm) {
      images.add(new Image(L2SM, out.resolve("l2sm.tar")));
    }
    for (Image i : images) {
      if (!Files.isRegularFile(i.tar())) {
        throw new IllegalStateException(script + " made no " + i.tar());
      }
    }
    return images;
  }
}
