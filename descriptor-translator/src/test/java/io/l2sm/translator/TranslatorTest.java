package io.l2sm.translator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.l2sm.api.v1.NetworkKind;
import io.l2sm.translator.plan.Plan;
import io.l2sm.translator.plan.PlannedAttachment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The translation rules of ARCHITECTURE.md section 6, on small hand-written descriptors. */
class TranslatorTest {
  @TempDir Path tmp;

  /** A KNF with the given KDUs (name or name:helm|juju, optional @cpd service) and data CPs. */
  private Path knf(String id, List<String> kdus, String... cpds) throws IOException {
    StringBuilder y = new StringBuilder("vnfd:\n  id: " + id + "\n  k8s-cluster:\n    nets:\n");
    for (String c : cpds) {
      y.append("    - id: ").append(c).append("-net\n");
    }
    y.append("  ext-cpd:\n");
    for (String c : cpds) {
      y.append("  - id: ").append(c).append("\n    k8s-cluster-net: ").append(c).append("-net\n");
    }
    y.append("  kdu:\n");
    for (String k : kdus) {
      String[] parts = k.split("@");
      String[] nameKind = parts[0].split(":");
      y.append("  - name: ").append(nameKind[0]).append('\n');
      boolean juju = nameKind.length > 1 && nameKind[1].equals("juju");
      y.append(juju ? "    juju-bundle: b\n" : "    helm-chart: c\n");
      if (parts.length > 1) {
        y.append("    service:\n    - name: s\n      external-connection-point-ref: ")
            .append(parts[1])
            .append('\n');
      }
    }
    Path file = tmp.resolve(id + "_vnfd.yaml");
    Files.writeString(file, y.toString());
    return file;
  }

  /**
   * An NSD: vlds as "id" or "id:line" or "id:mgmt"; links as "profile/cpd->vld"; profiles as
   * "profile=vnfd".
   */
  private Path nsd(List<String> vlds, List<String> profiles, List<String> links)
      throws IOException {
    StringBuilder y = new StringBuilder("nsd:\n  nsd:\n  - id: ns\n    virtual-link-desc:\n");
    for (String v : vlds) {
      String[] p = v.split(":");
      y.append("    - id: ").append(p[0]).append('\n');
      if (p.length > 1 && p[1].equals("mgmt")) {
        y.append("      mgmt-network: true\n");
      } else if (p.length > 1) {
        y.append("      connectivity-type:\n        flow-pattern: ").append(p[1]).append('\n');
      }
    }
    y.append("    df:\n    - id: df1\n      vnf-profile:\n");
    for (String profile : profiles) {
      String[] p = profile.split("=");
      y.append("      - id: ").append(p[0]).append("\n        vnfd-id: ").append(p[1]).append('\n');
      y.append("        virtual-link-connectivity:\n");
      for (String link : links) {
        String[] l = link.split("[/]|->");
        if (l[0].equals(p[0])) {
          y.append("        - virtual-link-profile-id: ").append(l[2]).append('\n');
          y.append("          constituent-cpd-id:\n          - constituent-base-element-id: ");
          y.append(l[0]).append("\n            constituent-cpd-id: ").append(l[1]).append('\n');
        }
      }
    }
    Path file = tmp.resolve("ns_nsd.yaml");
    Files.writeString(file, y.toString());
    return file;
  }

  private Plan translate(Path nsd, List<Path> vnfds) throws InvalidInputException {
    return Translator.translate(
        DescriptorResolver.resolve(nsd, vnfds), TranslationOptions.defaults());
  }

  @Test
  @DisplayName("a line with two endpoints is a vlink; a line with three is a vnet with a warning")
  void kindRule() throws Exception {
    Path a = knf("a", List.of("k"), "x", "y");
    Path n =
        nsd(
            List.of("two:line", "three:line", "mesh:mesh"),
            List.of("p=a", "q=a", "r=a"),
            List.of("p/x->two", "q/x->two", "p/y->three", "q/y->three", "r/y->three", "r/x->mesh"));
    Plan plan = translate(n, List.of(a));
    assertThat(plan.networks())
        .extracting(net -> net.vld() + "=" + net.kind())
        .containsExactly(
            "two=" + NetworkKind.VLINK, "three=" + NetworkKind.VNET, "mesh=" + NetworkKind.VNET);
    assertThat(plan.warnings())
        .containsExactly(
            "virtual-link-desc 'three' has flow-pattern line but 3 endpoints; translated as a multipoint vnet");
  }

  @Test
  @DisplayName("management links make no network and no attachment")
  void managementLinks() throws Exception {
    Path a = knf("a", List.of("k"), "m", "d");
    Path n = nsd(List.of("mgmt:mgmt", "data"), List.of("p=a"), List.of("p/m->mgmt", "p/d->data"));
    Plan plan = translate(n, List.of(a));
    assertThat(plan.networks()).extracting(net -> net.name()).containsExactly("ns-data");
    assertThat(plan.attachments()).extracting(PlannedAttachment::cpd).containsExactly("d");
  }

  @Test
  @DisplayName("YANG booleans written as strings or 0/1 are read as OSM's binding reads them")
  void stringBooleans() throws Exception {
    Path a = knf("a", List.of("k"), "m", "d", "e");
    Path n =
        nsd(
            List.of("mgmt:mgmt", "data", "edge"),
            List.of("p=a"),
            List.of("p/m->mgmt", "p/d->data", "p/e->edge"));
    String text = Files.readString(n);
    text = text.replace("      mgmt-network: true\n", "      mgmt-network: 1\n");
    text = text.replace("    - id: data\n", "    - id: data\n      mgmt-network: \"false\"\n");
    text = text.replace("    - id: edge\n", "    - id: edge\n      mgmt-network: 'False'\n");
    Files.writeString(n, text);
    Plan plan = translate(n, List.of(a));
    assertThat(plan.networks()).extracting(net -> net.name()).containsExactly("ns-data", "ns-edge");
    assertThat(plan.warnings()).isEmpty();
    assertThat(DescriptorSchema.booleanProperties()).contains("mgmt-network", "mgmt-service");
  }

  @Test
  @DisplayName("a CP exposed by one KDU's service attaches only that KDU; otherwise every Helm KDU")
  void kduSelection() throws Exception {
    Path a = knf("a", List.of("front@x", "back"), "x", "y");
    Path n = nsd(List.of("l1", "l2"), List.of("p=a"), List.of("p/x->l1", "p/y->l2"));
    Plan plan = translate(n, List.of(a));
    assertThat(plan.attachments())
        .extracting(att -> att.kdu() + ":" + att.network())
        .containsExactly("front:ns-l1", "front:ns-l2", "back:ns-l2");
  }

  @Test
  @DisplayName("interface names are net-<cpd>, cut to 15 characters and unique per pod")
  void interfaceNames() throws Exception {
    Path a = knf("a", List.of("k"), "upstream-one-a", "upstream-one-b", "Odd_Name");
    Path n =
        nsd(
            List.of("l1", "l2", "l3"),
            List.of("p=a"),
            List.of("p/upstream-one-a->l1", "p/upstream-one-b->l2", "p/Odd_Name->l3"));
    Plan plan = translate(n, List.of(a));
    assertThat(plan.attachments())
        .extracting(PlannedAttachment::interfaceName)
        .containsExactly("net-upstream-on", "net-upstream-2", "net-odd-name");
    assertThat(Names.interfaceName("x".repeat(40), java.util.Set.of())).hasSize(15);
  }

  @Test
  @DisplayName("VDU-based VNFDs and Juju KDUs are reported, not attached")
  void notHandled() throws Exception {
    Path a = knf("a", List.of("helm", "charm:juju"), "x");
    Path vdu = tmp.resolve("v_vnfd.yaml");
    Files.writeString(
        vdu,
        "vnfd:\n  id: v\n  vdu:\n  - id: vm\n  ext-cpd:\n  - id: x\n    int-cpd: {vdu-id: vm, cpd: eth0}\n");
    Path n = nsd(List.of("l"), List.of("p=a", "q=v"), List.of("p/x->l", "q/x->l"));
    Plan plan = translate(n, List.of(a, vdu));
    assertThat(plan.attachments()).extracting(PlannedAttachment::kdu).containsExactly("helm");
    assertThat(plan.warnings())
        .anyMatch(w -> w.contains("kdu 'charm' of vnf-profile 'p' is a Juju bundle"))
        .anyMatch(w -> w.contains("vnf-profile 'q' uses VDU-based VNFD 'v'"));
  }

  @Test
  @DisplayName("--df picks a flavour; an unknown one is an error listing those that exist")
  void deploymentFlavours() throws Exception {
    Path a = knf("a", List.of("k"), "x");
    Path n = nsd(List.of("l"), List.of("p=a"), List.of("p/x->l"));
    DescriptorSet input = DescriptorResolver.resolve(n, List.of(a));
    assertThat(
            Translator.translate(input, new TranslationOptions(null, null, "df1", null)).networks())
        .hasSize(1);
    assertThatThrownBy(
            () -> Translator.translate(input, new TranslationOptions(null, null, "big", null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("$.nsd.nsd[0].df: no deployment flavour 'big' (have: df1)");
  }

  @Test
  @DisplayName("--ns-name and --namespace shape names and the plan")
  void naming() throws Exception {
    Path a = knf("a", List.of("k"), "x");
    Path n = nsd(List.of("My_Link"), List.of("p=a"), List.of("p/x->My_Link"));
    Plan plan =
        Translator.translate(
            DescriptorResolver.resolve(n, List.of(a)),
            new TranslationOptions("Shop.Front", "team-a", null, null));
    assertThat(plan.nsName()).isEqualTo("shop-front");
    assertThat(plan.namespace()).isEqualTo("team-a");
    assertThat(plan.networks().get(0).name()).isEqualTo("shop-front-my-link");
  }

  @Test
  @DisplayName("fields outside the schema are kept on the model, and numeric ids read as text")
  void unknownFieldsAndNumericIds() throws Exception {
    Path v = tmp.resolve("v.yaml");
    Files.writeString(
        v,
        "vnfd:\n  id: 7\n  version: 1.0\n  vendor-extension: {x: 1}\n"
            + "  k8s-cluster: {nets: [{id: n}]}\n  ext-cpd: [{id: 1, k8s-cluster-net: n}]\n"
            + "  kdu: [{name: k, helm-chart: c}]\n");
    Path n = nsd(List.of("l"), List.of("p=7"), List.of("p/1->l"));
    DescriptorSet input = DescriptorResolver.resolve(n, List.of(v));
    VnfdInput vnfd = input.vnfds().get("7");
    assertThat(vnfd.vnfd().getVersion()).isEqualTo("1.0");
    assertThat(vnfd.vnfd().getAdditionalProperties()).containsKey("vendor-extension");
    assertThat(Translator.translate(input, TranslationOptions.defaults()).attachments())
        .extracting(PlannedAttachment::cpd)
        .containsExactly("1");
  }

  @Test
  @DisplayName("two (profile, KDU) pairs that would share a values file are refused")
  void valuesFileClash() throws Exception {
    Path a = knf("a", List.of("b-c"), "x");
    Path b = knf("b", List.of("c"), "x");
    Path n = nsd(List.of("l"), List.of("p=a", "p-b=b"), List.of("p/x->l", "p-b/x->l"));
    assertThatThrownBy(() -> translate(n, List.of(a, b)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "$.nsd.nsd[0].df[0].vnf-profile[1].id: vnf-profile/kdu 'p-b/c' and 'p/b-c' would share"
                + " the values file kdu-values/p-b-c.yaml; rename one");
  }

  @Test
  @DisplayName("DNS-1123 normalisation: lower case, runs of other characters become one dash")
  void dnsNames() {
    assertThat(Names.toDnsLabel("Smart_Campus..Net 1")).contains("smart-campus-net-1");
    assertThat(Names.toDnsLabel("--x--")).contains("x");
    assertThat(Names.toDnsLabel("___")).isEmpty();
    assertThat(Names.toDnsLabel("a".repeat(64))).isEmpty();
    assertThat(Names.isDnsLabel("c1")).isTrue();
    assertThat(Names.isDnsLabel("C1")).isFalse();
  }

  @Test
  @DisplayName(
      "positions: every value is found at its line and column; a missing one at its parent")
  void positions() throws Exception {
    LocatedDocument doc =
        LocatedYamlReader.read("f.yaml", "a:\n  b: [1, {c: x}]\n  'd.e': 2\n".getBytes());
    assertThat(doc.problemAt("$.a.b[1].c", "m").format()).isEqualTo("f.yaml:2:14: $.a.b[1].c: m");
    assertThat(doc.problemAt("$.a['d.e']", "m").format()).isEqualTo("f.yaml:3:10: $.a['d.e']: m");
    assertThat(doc.problemAt("$.a.missing", "m").format()).isEqualTo("f.yaml:2:3: $.a.missing: m");
    assertThatThrownBy(() -> LocatedYamlReader.read("g.yaml", "a: 1\n---\nb: 2\n".getBytes()))
        .hasMessage(
            "g.yaml:3:1: $: more than one YAML document; a descriptor file holds exactly one");
  }
}
