package io.l2sm.translator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a large, valid OSM NS for benchmarks: {@code knfs} KNF packages with {@code cpsPerKnf}
 * data connection points each, and one NS package whose {@code vlds} virtual links each join two
 * connection points of different KNFs (every second one a point-to-point line).
 */
public final class SyntheticNs {
  private SyntheticNs() {}

  /**
   * Writes the packages side by side into {@code folder}.
   *
   * @return the NS package folder
   * @throws IllegalArgumentException when 2 × vlds exceeds knfs × cpsPerKnf
   */
  public static Path write(Path folder, int vlds, int knfs, int cpsPerKnf) throws IOException {
    if (2L * vlds > (long) knfs * cpsPerKnf) {
      throw new IllegalArgumentException("not enough connection points for " + vlds + " links");
    }
    for (int k = 0; k < knfs; k++) {
      Path pkg = folder.resolve("knf" + k + "_knf");
      Files.createDirectories(pkg);
      Files.writeString(
          pkg.resolve("knf" + k + "_vnfd.yaml"), vnfd(k, cpsPerKnf), StandardCharsets.UTF_8);
    }
    Path ns = folder.resolve("synthetic_ns");
    Files.createDirectories(ns);
    Files.writeString(ns.resolve("synthetic_nsd.yaml"), nsd(vlds, knfs), StandardCharsets.UTF_8);
    return ns;
  }

  private static String vnfd(int k, int cps) {
    StringBuilder y = new StringBuilder();
    y.append("vnfd:\n  id: knf").append(k).append("\n  version: '1.0'\n  mgmt-cp: mgmt-ext\n");
    y.append("  k8s-cluster:\n    nets:\n    - id: mgmtnet\n");
    for (int c = 0; c < cps; c++) {
      y.append("    - id: net").append(c).append('\n');
    }
    y.append("  ext-cpd:\n  - id: mgmt-ext\n    k8s-cluster-net: mgmtnet\n");
    for (int c = 0; c < cps; c++) {
      y.append("  - id: cp").append(c).append("\n    k8s-cluster-net: net").append(c).append('\n');
    }
    y.append("  kdu:\n  - name: app\n    helm-chart: app\n");
    return y.toString();
  }

  private static String nsd(int vlds, int knfs) {
    StringBuilder y = new StringBuilder();
    y.append("nsd:\n  nsd:\n  - id: synthetic\n    vnfd-id:\n");
    for (int k = 0; k < knfs; k++) {
      y.append("    - knf").append(k).append('\n');
    }
    y.append("    virtual-link-desc:\n    - id: mgmtnet\n      mgmt-network: true\n");
    for (int v = 0; v < vlds; v++) {
      y.append("    - id: vl").append(v).append('\n');
      y.append("      connectivity-type:\n        flow-pattern: ")
          .append(v % 2 == 0 ? "line" : "mesh")
          .append('\n');
    }
    y.append("    df:\n    - id: default-df\n      vnf-profile:\n");
    // Connection point j belongs to KNF j % knfs as its cp (j / knfs); link v joins j = 2v, 2v+1.
    for (int k = 0; k < knfs; k++) {
      y.append("      - id: p").append(k).append("\n        vnfd-id: knf").append(k).append('\n');
      y.append("        virtual-link-connectivity:\n");
      link(y, k, "mgmt-ext", "mgmtnet");
      for (int j = k; j < 2 * vlds; j += knfs) {
        link(y, k, "cp" + (j / knfs), "vl" + (j / 2));
      }
    }
    return y.toString();
  }

  private static void link(StringBuilder y, int k, String cpd, String vld) {
    y.append("        - virtual-link-profile-id: ").append(vld).append('\n');
    y.append("          constituent-cpd-id:\n");
    y.append("          - constituent-base-element-id: p").append(k).append('\n');
    y.append("            constituent-cpd-id: ").append(cpd).append('\n');
  }
}
