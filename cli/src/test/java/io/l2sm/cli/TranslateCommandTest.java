package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TranslateCommandTest {
  static final Path EXAMPLES = Path.of("..", "nsd-examples");
  static final Pattern PROBLEM_LINE = Pattern.compile("^.+:\\d+:\\d+: \\$\\S*: .+$");
  static final String NSD = "ping-pong_ns/ping-pong_nsd.yaml";
  static final String PING = "ping_knf/ping_vnfd.yaml";

  @TempDir Path tmp;
  Path pkgs;
  Path out;

  @BeforeEach
  void copyExample() throws IOException {
    pkgs = tmp.resolve("ping-pong");
    copyTree(EXAMPLES.resolve("ping-pong"), pkgs);
    deleteTree(pkgs.resolve("expected"));
    out = tmp.resolve("out");
  }

  @Test
  @DisplayName("a valid package set is translated and the documented files are written")
  void validInput() throws IOException {
    CliRun run = CliRun.of("translate", pkgs.toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("ping-pong-datanet", "ping-pong-p2p", "vlink");
    assertThat(out.resolve("networks.yaml")).exists();
    assertThat(out.resolve("plan.json")).exists();
    assertThat(out.resolve("ns-config.yaml")).exists();
    assertThat(out.resolve("kdu-values/ping-ping.yaml")).exists();
    assertThat(out.resolve("ned-links.yaml")).doesNotExist();
  }

  @Test
  @DisplayName("an NSD file given alone finds its VNF packages beside its package folder")
  void findsVnfdsNextToTheNsd() {
    CliRun run = CliRun.of("translate", pkgs.resolve(NSD).toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  @Test
  @DisplayName("VNFDs named with --vnfd are used, and one that is missing is reported")
  void explicitVnfds() throws IOException {
    Path alone = tmp.resolve("alone.yaml");
    Files.copy(pkgs.resolve(NSD), alone);
    CliRun ok =
        CliRun.of(
            "translate",
            alone.toString(),
            "--vnfd",
            pkgs.resolve("ping_knf").toString(),
            "--vnfd",
            pkgs.resolve("pong_knf/pong_vnfd.yaml").toString(),
            "-o",
            out.toString());
    assertThat(ok.exitCode()).as(ok.err()).isZero();

    Path out2 = tmp.resolve("out2");
    CliRun missing =
        CliRun.of(
            "translate",
            alone.toString(),
            "--vnfd",
            pkgs.resolve("ping_knf").toString(),
            "-o",
            out2.toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("vnfd-id 'pong_knf' names no VNFD");
    assertThat(out2).doesNotExist();
  }

  @Test
  @DisplayName("OSM package tarballs are read like package folders")
  void tarballs() throws IOException {
    Path tars = tmp.resolve("tars");
    Files.createDirectories(tars);
    for (String pkg : List.of("ping-pong_ns", "ping_knf", "pong_knf")) {
      tarGz(pkgs.resolve(pkg), tars.resolve(pkg + ".tar.gz"));
    }
    CliRun run =
        CliRun.of(
            "translate", tars.resolve("ping-pong_ns.tar.gz").toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("ping-pong-p2p");
  }

  static Stream<Arguments> mutations() {
    return Stream.of(
        Arguments.of(
            "malformed YAML",
            NSD,
            "    - id: datanet\n",
            "    - id: [datanet\n",
            "ping-pong_nsd.yaml:",
            "malformed YAML"),
        Arguments.of(
            "wrong type",
            NSD,
            "      mgmt-network: true",
            "      mgmt-network: [true]",
            "ping-pong_nsd.yaml:13:21: $.nsd.nsd[0].virtual-link-desc[0].mgmt-network:",
            "array found, boolean expected"),
        Arguments.of(
            "missing required field",
            NSD,
            "        vnfd-id: ping_knf\n",
            "",
            "$.nsd.nsd[0].df[0].vnf-profile[0]:",
            "required field 'vnfd-id' is missing"),
        Arguments.of(
            "unknown enum value",
            NSD,
            "flow-pattern: line",
            "flow-pattern: ring",
            "$.nsd.nsd[0].virtual-link-desc[2].connectivity-type.flow-pattern:",
            "'ring' does not have a value in the enumeration"),
        Arguments.of(
            "vnf-profile naming a VNFD that is not given",
            NSD,
            "        vnfd-id: pong_knf",
            "        vnfd-id: pang_knf",
            "$.nsd.nsd[0].df[0].vnf-profile[1].vnfd-id:",
            "vnfd-id 'pang_knf' names no VNFD given with --vnfd or found next to the NS package (in "),
        Arguments.of(
            "constituent-cpd-id naming an ext-cpd the VNFD lacks",
            NSD,
            "constituent-cpd-id: p2p-ext",
            "constituent-cpd-id: p2p-extra",
            "$.nsd.nsd[0].df[0].vnf-profile[0].virtual-link-connectivity[2].constituent-cpd-id[0]"
                + ".constituent-cpd-id:",
            "VNFD 'ping_knf' has no ext-cpd 'p2p-extra' (have: data-ext, mgmt-ext, p2p-ext)"),
        Arguments.of(
            "virtual-link-profile-id naming no VLD",
            NSD,
            "virtual-link-profile-id: p2p",
            "virtual-link-profile-id: p2q",
            "$.nsd.nsd[0].df[0].vnf-profile[0].virtual-link-connectivity[2].virtual-link-profile-id:",
            "virtual-link-profile-id 'p2q' names no virtual-link-desc (have: mgmtnet, datanet, p2p)"),
        Arguments.of(
            "constituent-base-element-id naming no vnf-profile, on a data link",
            NSD,
            "constituent-base-element-id: pong\n            constituent-cpd-id: data-ext",
            "constituent-base-element-id: pung\n            constituent-cpd-id: data-ext",
            ".constituent-base-element-id:",
            "'pung' names no vnf-profile of flavour 'default-df' (have: ping, pong)"),
        Arguments.of(
            "duplicate virtual-link-desc id",
            NSD,
            "    - id: p2p\n",
            "    - id: datanet\n",
            "$.nsd.nsd[0].virtual-link-desc[2]:",
            "duplicate virtual-link-desc id 'datanet' (first at $.nsd.nsd[0].virtual-link-desc[1])"),
        Arguments.of(
            "duplicate ext-cpd id",
            PING,
            "  - id: p2p-ext\n",
            "  - id: data-ext\n",
            "ping_vnfd.yaml:20:5: $.vnfd.ext-cpd[2]:",
            "duplicate ext-cpd id 'data-ext'"),
        Arguments.of(
            "ext-cpd bound to no k8s-cluster net",
            PING,
            "    k8s-cluster-net: p2pnet\n",
            "",
            "$.vnfd.ext-cpd[2]:",
            "ext-cpd 'p2p-ext' of a KNF is bound to no k8s-cluster net"),
        Arguments.of(
            "ext-cpd bound to an undeclared net",
            PING,
            "    k8s-cluster-net: p2pnet\n",
            "    k8s-cluster-net: p3pnet\n",
            "$.vnfd.ext-cpd[2].k8s-cluster-net:",
            "bound to k8s-cluster net 'p3pnet', which the VNFD does not declare"),
        Arguments.of(
            "a connection point on two virtual links",
            NSD,
            "          - constituent-base-element-id: pong\n            constituent-cpd-id: p2p-ext",
            "          - constituent-base-element-id: pong\n            constituent-cpd-id: data-ext",
            "$.nsd.nsd[0].df[0].vnf-profile[1].virtual-link-connectivity[2].constituent-cpd-id[0]:",
            "is connected to both 'datanet' and 'p2p'"),
        Arguments.of(
            "VLD id that cannot become a DNS-1123 name",
            NSD,
            "    - id: p2p\n",
            "    - id: p2p\n    - id: " + "x".repeat(60) + "\n",
            "$.nsd.nsd[0].virtual-link-desc[3].id:",
            "cannot become a DNS-1123 label"),
        Arguments.of(
            "VLD ids that collide after normalisation",
            NSD,
            "    - id: p2p\n",
            "    - id: p2p\n    - id: Data_Net\n    - id: DATANET\n",
            "$.nsd.nsd[0].virtual-link-desc[4].id:",
            "virtual-link-desc 'DATANET' and 'datanet' both become network 'ping-pong-datanet'"),
        Arguments.of(
            "NSD id without a DNS-1123 form",
            NSD,
            "  - id: ping-pong\n",
            "  - id: '___'\n",
            "$.nsd.nsd[0].id:",
            "NS name '___' has no DNS-1123 form"),
        Arguments.of(
            "old OSM information model",
            NSD,
            "nsd:\n  nsd:\n",
            "nsd:nsd-catalog:\n  nsd:\n",
            "$['nsd:nsd-catalog']:",
            "old OSM information model"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  @DisplayName("bad descriptors: exit 2, FILE:LINE:COL: PATH: message, nothing written")
  void badDescriptor(
      String name, String file, String search, String replace, String where, String message)
      throws IOException {
    Path target = pkgs.resolve(file);
    String text = Files.readString(target);
    assertThat(text).as("fixture text to mutate").contains(search);
    Files.writeString(
        target, text.replaceFirst(Pattern.quote(search), replace.replace("$", "\\$")));

    CliRun run = CliRun.of("translate", pkgs.toString(), "-o", out.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.errLines()).allMatch(l -> PROBLEM_LINE.matcher(l).matches(), "problem format");
    assertThat(run.errLines()).anyMatch(l -> l.contains(where) && l.contains(message));
    assertNothingWritten();
  }

  @Test
  @DisplayName("every problem is reported in one run, across files, in file and line order")
  void allProblemsInOneRun() throws IOException {
    mutate(NSD, "virtual-link-profile-id: p2p", "virtual-link-profile-id: p2q");
    mutate(
        NSD,
        "constituent-base-element-id: pong\n            constituent-cpd-id: data-ext",
        "constituent-base-element-id: pung\n            constituent-cpd-id: data-ext");
    mutate(PING, "    k8s-cluster-net: datanet\n", "    k8s-cluster-net: p3pnet\n");
    CliRun run = CliRun.of("translate", pkgs.toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(3);
    assertThat(run.errLines().get(0)).contains("ping-pong_nsd.yaml:").contains("p2q");
    assertThat(run.errLines().get(1)).contains("ping-pong_nsd.yaml:").contains("pung");
    assertThat(run.errLines().get(2)).contains("ping_vnfd.yaml:").contains("p3pnet");
    assertNothingWritten();
  }

  static final Pattern WARNING_LINE = Pattern.compile("^.+:\\d+:\\d+: \\$\\S*: warning: .+$");

  /**
   * What public OSM packages write and OSM's NBI onboards: YANG booleans as strings or numbers, a
   * key given twice (the YAML loader keeps the last), and faults on the management link only.
   * Translated, with a located warning for each compromise; {@code --strict} refuses them.
   */
  static Stream<Arguments> lenient() {
    return Stream.of(
        Arguments.of(
            "mgmt-network as a quoted string",
            NSD,
            "      mgmt-network: true",
            "      mgmt-network: 'true'",
            null,
            null),
        Arguments.of(
            "mgmt-network as a capitalised string",
            NSD,
            "    - id: mgmtnet\n      mgmt-network: true",
            "    - id: mgmtnet\n      mgmt-network: \"True\"",
            null,
            null),
        Arguments.of(
            "a duplicated key: the last one is used",
            NSD,
            "    version: '1.0'\n",
            "    version: '1.0'\n    version: '1.1'\n",
            "ping-pong_nsd.yaml:6:5: $.nsd.nsd[0].version:",
            "duplicate key 'version' at lines 5 and 6; the last is used"),
        Arguments.of(
            "a constituent-base-element-id used only on the management link",
            NSD,
            "constituent-base-element-id: pong\n            constituent-cpd-id: mgmt-ext",
            "constituent-base-element-id: pung\n            constituent-cpd-id: mgmt-ext",
            "constituent-base-element-id:",
            "'pung' names no vnf-profile of flavour 'default-df' (have: ping, pong); on management"
                + " link 'mgmtnet'"),
        Arguments.of(
            "a dangling constituent-cpd-id on the management link",
            NSD,
            "constituent-base-element-id: pong\n            constituent-cpd-id: mgmt-ext",
            "constituent-base-element-id: pong\n            constituent-cpd-id: mgmt-extra",
            ".constituent-cpd-id:",
            "VNFD 'pong_knf' has no ext-cpd 'mgmt-extra'"),
        Arguments.of(
            "the management connection point bound to an undeclared k8s-cluster net",
            PING,
            "    k8s-cluster-net: mgmtnet\n",
            "    k8s-cluster-net: mgmt-net\n",
            "ping_vnfd.yaml:17:22: $.vnfd.ext-cpd[0].k8s-cluster-net:",
            "which the VNFD does not declare (k8s-cluster.nets: [datanet, mgmtnet, p2pnet]); it"
                + " joins no data-plane link"),
        Arguments.of(
            "a mgmt-cp naming no ext-cpd",
            PING,
            "  mgmt-cp: mgmt-ext",
            "  mgmt-cp: mgmt",
            "ping_vnfd.yaml:7:12: $.vnfd.mgmt-cp:",
            "mgmt-cp 'mgmt' names no ext-cpd"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lenient")
  @DisplayName("what OSM onboards is translated, with a located warning; --strict refuses it")
  void lenientInput(
      String name, String file, String search, String replace, String where, String message)
      throws IOException {
    mutate(file, search, replace);
    CliRun run = CliRun.of("translate", pkgs.toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    // The data-plane links are made as from the unchanged example.
    assertThat(Files.readString(out.resolve("networks.yaml")))
        .contains("name: ping-pong-datanet", "name: ping-pong-p2p")
        .doesNotContain("ping-pong-mgmtnet");
    if (where == null) {
      assertThat(run.errLines()).isEmpty();
      return;
    }
    assertThat(run.errLines()).allMatch(l -> WARNING_LINE.matcher(l).matches(), "warning format");
    assertThat(run.errLines()).anyMatch(l -> l.contains(where) && l.contains(message));
    deleteTree(out);

    CliRun strict = CliRun.of("translate", pkgs.toString(), "--strict", "-o", out.toString());
    assertThat(strict.exitCode()).isEqualTo(2);
    assertThat(strict.errLines())
        .anyMatch(l -> l.contains(where) && l.contains(message) && !l.contains("warning:"))
        .last()
        .asString()
        .contains("--strict; nothing written");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a duplicated key's last value is the one translated")
  void duplicatedKeyKeepsTheLast() throws IOException {
    mutate(
        NSD,
        "        flow-pattern: mesh\n",
        "        flow-pattern: mesh\n        flow-pattern: line\n");
    CliRun run = CliRun.of("translate", pkgs.toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("warning: duplicate key 'flow-pattern' at lines 17 and 18");
    // line with two endpoints: the datanet is now a vlink.
    assertThat(run.out()).containsPattern("ping-pong-datanet\\s+vlink");
  }

  @Test
  @DisplayName("a boolean that is not one is still a schema error")
  void notABoolean() throws IOException {
    mutate(NSD, "      mgmt-network: true", "      mgmt-network: 'yes please'");
    CliRun run = CliRun.of("translate", pkgs.toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("ping-pong_nsd.yaml:13:21: $.nsd.nsd[0].virtual-link-desc[0].mgmt-network:")
        .contains("string found, boolean expected");
    assertNothingWritten();
  }

  @Test
  @DisplayName("two VNF packages with one VNFD id beside the NS package are refused, naming both")
  void duplicateVnfdOnTheSearchPath() throws IOException {
    copyTree(pkgs.resolve("ping_knf"), pkgs.resolve("ping_knf_copy"));
    Path alone = tmp.resolve("ping-pong").resolve("ping-pong_ns");
    CliRun run = CliRun.of("translate", alone.toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("ping_knf_copy/ping_vnfd.yaml:2:7: $.vnfd.id: VNFD id 'ping_knf' is also in ")
        .contains("ping_knf/ping_vnfd.yaml")
        .contains("OSM refuses a second VNFD with one id");
    assertNothingWritten();
    // Naming the one meant settles it.
    CliRun chosen =
        CliRun.of(
            "translate",
            alone.toString(),
            "--vnfd",
            pkgs.resolve("ping_knf_copy").toString(),
            "-o",
            out.toString());
    assertThat(chosen.exitCode()).as(chosen.err()).isZero();
  }

  @Test
  @DisplayName("a virtual link that only VM-based VNFs join makes no network, with a warning")
  void vmOnlyLinkIsSkipped() throws IOException {
    Path vm = pkgs.resolve("vm_vnf");
    Files.createDirectories(vm);
    Files.writeString(
        vm.resolve("vm_vnfd.yaml"),
        String.join(
            "\n",
            "vnfd:",
            "  id: vm_vnf",
            "  vdu:",
            "  - id: vm",
            "  ext-cpd:",
            "  - id: eth1",
            "    int-cpd: {vdu-id: vm, cpd: eth1}",
            "  - id: eth2",
            "    int-cpd: {vdu-id: vm, cpd: eth2}",
            ""));
    mutate(NSD, "    - pong_knf\n", "    - pong_knf\n    - vm_vnf\n");
    mutate(
        NSD,
        "    virtual-link-desc:\n",
        "    virtual-link-desc:\n    - id: vmnet\n      connectivity-type: {flow-pattern: line}\n");
    Files.writeString(
        pkgs.resolve(NSD),
        Files.readString(pkgs.resolve(NSD))
            + String.join(
                "\n",
                "      - id: vm1",
                "        vnfd-id: vm_vnf",
                "        virtual-link-connectivity:",
                "        - constituent-cpd-id:",
                "          - {constituent-base-element-id: vm1, constituent-cpd-id: eth1}",
                "          virtual-link-profile-id: vmnet",
                "      - id: vm2",
                "        vnfd-id: vm_vnf",
                "        virtual-link-connectivity:",
                "        - constituent-cpd-id:",
                "          - {constituent-base-element-id: vm2, constituent-cpd-id: eth1}",
                "          virtual-link-profile-id: vmnet",
                ""));
    CliRun run = CliRun.of("translate", pkgs.toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err())
        .contains(
            "$.nsd.nsd[0].virtual-link-desc[0]: warning: virtual-link-desc 'vmnet' joins no KNF"
                + " pod (its members [vm1, vm2] are VDU-based VNFs or Juju KDUs); no L2S-M network"
                + " is made for it");
    assertThat(Files.readString(out.resolve("networks.yaml")))
        .doesNotContain("vmnet")
        .contains("ping-pong-datanet");
    assertThat(Files.readString(out.resolve("plan.json"))).doesNotContain("ping-pong-vmnet");
    assertThat(run.out()).doesNotContain("vmnet");
  }

  @Test
  @DisplayName("a tarball that is not an OSM package is refused")
  void tarballWithoutDescriptor() throws IOException {
    Path junk = tmp.resolve("junk");
    Files.createDirectories(junk);
    Files.writeString(junk.resolve("README.md"), "not a package");
    Path tar = tmp.resolve("junk.tar.gz");
    tarGz(junk, tar);
    CliRun run = CliRun.of("translate", tar.toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("junk.tar.gz:0:0: $: not an OSM package");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a file named .tar.gz that is not gzip is refused")
  void notGzip() throws IOException {
    Path fake = tmp.resolve("fake.tar.gz");
    Files.writeString(fake, "plain text");
    CliRun run = CliRun.of("translate", fake.toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("fake.tar.gz:0:0: $: not an OSM package: not a gzip");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a 50 MB descriptor is refused before it is read")
  void hugeFile() throws IOException {
    Path huge = tmp.resolve("huge_nsd.yaml");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(50L * 1024 * 1024);
    }
    CliRun run = CliRun.of("translate", huge.toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "huge_nsd.yaml:0:0: $: file is 50.0 MiB; descriptors larger than 16 MiB are refused");
    assertNothingWritten();
  }

  @Test
  @DisplayName("an empty descriptor file is refused")
  void emptyFile() throws IOException {
    Path empty = tmp.resolve("empty.yaml");
    Files.writeString(empty, "");
    CliRun run = CliRun.of("translate", empty.toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("empty.yaml:0:0: $: empty document");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a missing input path is refused with its name")
  void missingPath() {
    CliRun run = CliRun.of("translate", tmp.resolve("nope").toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nope:0:0: $: no such file or folder");
    assertNothingWritten();
  }

  @Test
  @DisplayName("bad --ns-name or --namespace is a usage error")
  void badNames() {
    CliRun run = CliRun.of("translate", pkgs.toString(), "--ns-name", "___", "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--ns-name '___' has no DNS-1123 form");
    CliRun ns =
        CliRun.of("translate", pkgs.toString(), "--namespace", "Bad_NS", "-o", out.toString());
    assertThat(ns.exitCode()).isEqualTo(2);
    assertThat(ns.err()).contains("--namespace 'Bad_NS' is not a DNS-1123 label");
    assertNothingWritten();
  }

  @Test
  @DisplayName("an unknown option is a usage error with a hint")
  void unknownOption() {
    CliRun run = CliRun.of("translate", pkgs.toString(), "--frobnicate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines().get(0)).isEqualTo("translate: error: Unknown option: '--frobnicate'");
    assertThat(run.errLines().get(1)).isEqualTo("Try 'l2sm translate --help'.");
  }

  @Test
  @DisplayName("cluster maps: unknown profiles and unplaced members are reported at their place")
  void badClusterMap() throws IOException {
    Path map = tmp.resolve("map.yaml");
    Files.writeString(map, "placement:\n  ping: c1\n  pang: c2\n");
    CliRun run =
        CliRun.of(
            "translate", pkgs.toString(), "--cluster-map", map.toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines())
        .containsExactly(
            map + ":2:3: $.placement: vnf-profile 'pong' joins a virtual link but is not placed",
            map
                + ":3:9: $.placement.pang: no vnf-profile 'pang' in flavour 'default-df' (have: ping, pong)");
    Files.writeString(map, "placement:\n  ping: C_1\nextra: 1\n");
    CliRun bad =
        CliRun.of(
            "translate", pkgs.toString(), "--cluster-map", map.toString(), "-o", out.toString());
    assertThat(bad.errLines())
        .containsExactly(
            map + ":2:9: $.placement.ping: cluster 'C_1' is not a DNS-1123 label (e.g. c1)",
            map
                + ":3:8: $.extra: unknown key 'extra' (expected 'placement' and optionally 'provider')");
    assertNothingWritten();
  }

  @Test
  @DisplayName("an output folder holding other files is refused and left untouched")
  void foreignOutputFolder() throws IOException {
    Files.createDirectories(out);
    Files.writeString(out.resolve("thesis.tex"), "precious");
    CliRun run = CliRun.of("translate", pkgs.toString(), "-o", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("output folder holds files l2sm translate did not write (thesis.tex)");
    assertThat(out.resolve("thesis.tex")).hasContent("precious");
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  @DisplayName("a previous output is replaced whole: files of an older translation do not linger")
  void replacesPreviousOutput() throws IOException {
    Path map = tmp.resolve("map.yaml");
    Files.writeString(map, "placement:\n  ping: c1\n  pong: c2\n");
    assertThat(
            CliRun.of(
                    "translate",
                    pkgs.toString(),
                    "--cluster-map",
                    map.toString(),
                    "-o",
                    out.toString())
                .exitCode())
        .isZero();
    assertThat(out.resolve("ned-links.yaml")).exists();
    assertThat(CliRun.of("translate", pkgs.toString(), "-o", out.toString()).exitCode()).isZero();
    assertThat(out.resolve("ned-links.yaml")).doesNotExist();
    assertThat(out.resolve("networks.yaml")).exists();
    try (Stream<Path> siblings = Files.list(tmp)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".out."));
    }
  }

  private void mutate(String file, String search, String replace) throws IOException {
    Path target = pkgs.resolve(file);
    String text = Files.readString(target);
    assertThat(text).contains(search);
    Files.writeString(target, text.replaceFirst(Pattern.quote(search), replace));
  }

  private void assertNothingWritten() {
    assertThat(out).doesNotExist();
    try (Stream<Path> siblings = Files.list(tmp)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .as("no staging folder left behind")
          .noneMatch(n -> n.startsWith(".out."));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static void tarGz(Path folder, Path tarball) throws IOException {
    try (OutputStream file = Files.newOutputStream(tarball);
        GZIPOutputStream gzip = new GZIPOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip);
        Stream<Path> paths = Files.walk(folder)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      String top = folder.getFileName().toString();
      for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
        String name = top + "/" + folder.relativize(p).toString().replace('\\', '/');
        TarArchiveEntry entry = new TarArchiveEntry(p.toFile(), name);
        tar.putArchiveEntry(entry);
        Files.copy(p, tar);
        tar.closeArchiveEntry();
      }
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
