package io.l2sm.translator;

import io.l2sm.api.v1.NetworkKind;
import io.l2sm.translator.model.ConstituentCpdId;
import io.l2sm.translator.model.ExtCpd;
import io.l2sm.translator.model.K8sClusterNet;
import io.l2sm.translator.model.Kdu;
import io.l2sm.translator.model.KduService;
import io.l2sm.translator.model.NsDf;
import io.l2sm.translator.model.Nsd;
import io.l2sm.translator.model.VirtualLinkConnectivity;
import io.l2sm.translator.model.VirtualLinkDesc;
import io.l2sm.translator.model.VnfProfile;
import io.l2sm.translator.model.Vnfd;
import io.l2sm.translator.plan.Plan;
import io.l2sm.translator.plan.PlannedAttachment;
import io.l2sm.translator.plan.PlannedKdu;
import io.l2sm.translator.plan.PlannedNetwork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Turns a validated NSD and its VNFDs into the plan of L2S-M networks and pod attachments.
 *
 * <p>Pure: no I/O. Every reference problem in the input is collected before anything is produced,
 * so a user sees them all in one run. The rules (ARCHITECTURE.md section 6, docs/translation.md):
 *
 * <ul>
 *   <li>each {@code virtual-link-desc} that is not {@code mgmt-network: true} becomes a network
 *       named {@code <ns-name>-<vld-id>} in DNS-1123 form; management links stay on the cluster's
 *       own network;
 *   <li>{@code kind: vlink} when the VLD's flow pattern is {@code line} with exactly two endpoints,
 *       else {@code vnet};
 *   <li>a connection point of a KNF attaches the pods of the KDUs that expose it through {@code
 *       kdu.service[].external-connection-point-ref}, or of every Helm KDU of the KNF when none
 *       does;
 *   <li>a VLD that no KNF pod joins (all its members VDU-based VNFs or Juju KDUs) makes no network,
 *       with a warning;
 *   <li>what OSM itself refuses, and what would break a data-plane link, is an error; an
 *       inconsistency that touches only links L2S-M does not realize (the management link) is a
 *       warning, as OSM onboards such packages.
 * </ul>
 */
public final class Translator {
  private final DescriptorSet input;
  private final TranslationOptions options;
  private final List<Problem> problems = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();

  private String nsName;
  private NsDf df;
  private String dfPath;
  private final Map<String, Vld> vlds = new LinkedHashMap<>();
  private final Map<String, Profile> profiles = new LinkedHashMap<>();
  private final List<Endpoint> endpoints = new ArrayList<>();

  private record Vld(VirtualLinkDesc desc, String path, String networkName) {}

  private record Profile(VnfProfile profile, String path, VnfdInput vnfd) {}

  private record Endpoint(Profile profile, String cpd, String path, Vld vld) {}

  private Translator(DescriptorSet input, TranslationOptions options) {
    this.input = input;
    this.options = options;
  }

  /**
   * A translation's plan and its warnings, each placed in its file.
   *
   * @param plan the plan; its {@code warnings} are the same warnings' messages
   * @param warnings what the reader and the translation accepted with a compromise, in the order
   *     found
   */
  public record Outcome(Plan plan, List<Problem> warnings) {}

  /**
   * Translates {@code input}.
   *
   * @throws InvalidInputException with every reference problem found
   */
  public static Plan translate(DescriptorSet input, TranslationOptions options)
      throws InvalidInputException {
    return run(input, options).plan();
  }

  /** As {@link #translate}, with the warnings placed in their files. */
  public static Outcome run(DescriptorSet input, TranslationOptions options)
      throws InvalidInputException {
    Translator t = new Translator(input, options);
    Plan plan = t.run();
    return new Outcome(plan, List.copyOf(t.warnings));
  }

  private Plan run() throws InvalidInputException {
    Nsd nsd = input.nsd().nsd();
    warnings.addAll(input.readWarnings());
    chooseNsName(nsd);
    selectDeploymentFlavour(nsd);
    indexVirtualLinks(nsd);
    if (df != null) {
      indexProfiles(nsd);
      resolveEndpoints();
      checkUsedVnfds();
      checkPlacement();
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    List<PlannedAttachment> attachments = buildAttachments();
    checkValuesFileNames(attachments);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    List<PlannedNetwork> networks = buildNetworks(attachments);
    return new Plan(
        nsName,
        options.namespace(),
        networks,
        attachments,
        buildKdus(),
        warnings.stream().map(Problem::message).toList());
  }

  /** The NS name: given, or the NSD id; checked as the prefix of every network name. */
  private void chooseNsName(Nsd nsd) {
    String raw = options.nsName() != null ? options.nsName() : nsd.getId();
    nsName = Names.toDnsLabel(raw).orElse(null);
    if (nsName == null) {
      String where = options.nsName() != null ? "$" : NsdInput.BASE + ".id";
      problems.add(
          nsdProblem(
              where,
              "NS name '"
                  + raw
                  + "' has no DNS-1123 form (letters, digits and '-', at most 63); give one"
                  + " with --ns-name"));
    }
  }

  /** The deployment flavour: the one named, or the first. */
  private void selectDeploymentFlavour(Nsd nsd) {
    List<NsDf> dfs = nsd.getDf();
    checkUnique(dfs, NsDf::getId, NsdInput.BASE + ".df", "deployment flavour id");
    String wanted = options.deploymentFlavour();
    for (int i = 0; i < dfs.size(); i++) {
      if (wanted == null || wanted.equals(dfs.get(i).getId())) {
        df = dfs.get(i);
        dfPath = NsdInput.BASE + ".df[" + i + "]";
        break;
      }
    }
    if (df == null) {
      problems.add(
          nsdProblem(
              NsdInput.BASE + ".df",
              "no deployment flavour '"
                  + wanted
                  + "' (have: "
                  + String.join(", ", dfs.stream().map(NsDf::getId).toList())
                  + ")"));
    } else if (wanted == null && dfs.size() > 1) {
      warnings.add(
          nsdProblem(
              NsdInput.BASE + ".df",
              "NSD has "
                  + dfs.size()
                  + " deployment flavours; used the first, '"
                  + df.getId()
                  + "'"));
    }
  }

  /** Every VLD with its network name; names must be valid and distinct. */
  private void indexVirtualLinks(Nsd nsd) {
    List<VirtualLinkDesc> descs = nsd.getVirtualLinkDesc();
    checkUnique(
        descs,
        VirtualLinkDesc::getId,
        NsdInput.BASE + ".virtual-link-desc",
        "virtual-link-desc id");
    Map<String, String> byNetworkName = new HashMap<>();
    for (int i = 0; i < descs.size(); i++) {
      VirtualLinkDesc desc = descs.get(i);
      String path = NsdInput.BASE + ".virtual-link-desc[" + i + "]";
      if (vlds.containsKey(desc.getId())) {
        continue;
      }
      String networkName = null;
      if (!Boolean.TRUE.equals(desc.getMgmtNetwork()) && nsName != null) {
        networkName = Names.toDnsLabel(nsName + "-" + desc.getId()).orElse(null);
        if (networkName == null) {
          problems.add(
              nsdProblem(
                  path + ".id",
                  "network name '"
                      + nsName
                      + "-"
                      + desc.getId()
                      + "' cannot become a DNS-1123 label (at most 63 letters, digits and '-')"));
        } else if (byNetworkName.containsKey(networkName)) {
          problems.add(
              nsdProblem(
                  path + ".id",
                  "virtual-link-desc '"
                      + desc.getId()
                      + "' and '"
                      + byNetworkName.get(networkName)
                      + "' both become network '"
                      + networkName
                      + "'; rename one"));
        } else {
          byNetworkName.put(networkName, desc.getId());
        }
      }
      vlds.put(desc.getId(), new Vld(desc, path, networkName));
    }
  }

  /** VNF profiles of the flavour, each with the VNFD it deploys. */
  private void indexProfiles(Nsd nsd) {
    List<VnfProfile> list = df.getVnfProfile();
    checkUnique(list, VnfProfile::getId, dfPath + ".vnf-profile", "vnf-profile id");
    Set<String> listed = new HashSet<>(nsd.getVnfdId());
    for (int i = 0; i < list.size(); i++) {
      VnfProfile profile = list.get(i);
      String path = dfPath + ".vnf-profile[" + i + "]";
      String vnfdId = profile.getVnfdId();
      if (!listed.isEmpty() && !listed.contains(vnfdId)) {
        problems.add(
            nsdProblem(
                path + ".vnfd-id",
                "vnfd-id '" + vnfdId + "' is not listed in the NSD's vnfd-id " + nsd.getVnfdId()));
      }
      VnfdInput vnfd = input.vnfds().get(vnfdId);
      if (vnfd == null) {
        problems.add(nsdProblem(path + ".vnfd-id", missingVnfdMessage(vnfdId)));
      }
      profiles.putIfAbsent(profile.getId(), new Profile(profile, path, vnfd));
    }
  }

  private String missingVnfdMessage(String vnfdId) {
    String where =
        input.searched().isEmpty()
            ? "given with --vnfd"
            : "given with --vnfd or found next to the NS package (in "
                + String.join(", ", input.searched())
                + ")";
    return "vnfd-id '" + vnfdId + "' names no VNFD " + where;
  }

  /**
   * Internal consistency of each VNFD the flavour uses, checked once per VNFD. A fault in a
   * connection point that joins no data-plane link (the management one, or none) is a warning.
   */
  private void checkUsedVnfds() {
    Map<String, Set<String>> dataCpds = new HashMap<>();
    for (Endpoint e : endpoints) {
      if (!isManagement(e.vld()) && e.profile().vnfd() != null) {
        dataCpds
            .computeIfAbsent(e.profile().vnfd().vnfd().getId(), k -> new HashSet<>())
            .add(e.cpd());
      }
    }
    Set<String> checked = new HashSet<>();
    for (Profile p : profiles.values()) {
      if (p.vnfd() != null && checked.add(p.vnfd().vnfd().getId())) {
        checkVnfd(p.vnfd(), dataCpds.getOrDefault(p.vnfd().vnfd().getId(), Set.of()));
      }
    }
  }

  /** An error when the connection point is on a data-plane link, else a warning saying so. */
  private void cpdFault(VnfdInput vnfd, String cpd, Set<String> dataCpds, String path, String m) {
    Problem p = vnfd.document().problemAt(path, m);
    if (dataCpds.contains(cpd)) {
      problems.add(p);
    } else {
      warnings.add(withMessage(p, m + "; it joins no data-plane link, so L2S-M does not use it"));
    }
  }

  private static Problem withMessage(Problem p, String message) {
    return new Problem(p.source(), p.line(), p.column(), p.jsonPath(), message);
  }

  private static boolean isManagement(Vld vld) {
    return Boolean.TRUE.equals(vld.desc().getMgmtNetwork());
  }

  private void checkVnfd(VnfdInput input, Set<String> dataCpds) {
    Vnfd vnfd = input.vnfd();
    String base = VnfdInput.BASE;
    List<ExtCpd> cpds = vnfd.getExtCpd();
    checkUnique(input, cpds, ExtCpd::getId, base + ".ext-cpd", "ext-cpd id");
    checkUnique(input, vnfd.getKdu(), Kdu::getName, base + ".kdu", "kdu name");
    List<K8sClusterNet> nets =
        vnfd.getK8sCluster() == null ? List.of() : vnfd.getK8sCluster().getNets();
    checkUnique(
        input, nets, K8sClusterNet::getId, base + ".k8s-cluster.nets", "k8s-cluster net id");
    Set<String> netIds = new TreeSet<>();
    nets.forEach(n -> netIds.add(n.getId()));
    Set<String> cpdIds = new TreeSet<>();
    cpds.forEach(c -> cpdIds.add(c.getId()));
    boolean knf = input.isKnf();
    for (int i = 0; i < cpds.size(); i++) {
      ExtCpd cpd = cpds.get(i);
      String path = base + ".ext-cpd[" + i + "]";
      if (cpd.getK8sClusterNet() != null) {
        if (!netIds.contains(cpd.getK8sClusterNet())) {
          cpdFault(
              input,
              cpd.getId(),
              dataCpds,
              path + ".k8s-cluster-net",
              "ext-cpd '"
                  + cpd.getId()
                  + "' is bound to k8s-cluster net '"
                  + cpd.getK8sClusterNet()
                  + "', which the VNFD does not declare (k8s-cluster.nets: "
                  + netIds
                  + ")");
        }
      } else if (knf && cpd.getIntCpd() == null && cpd.getIntVirtualLinkDesc() == null) {
        cpdFault(
            input,
            cpd.getId(),
            dataCpds,
            path,
            "ext-cpd '"
                + cpd.getId()
                + "' of a KNF is bound to no k8s-cluster net (add k8s-cluster-net)");
      }
    }
    if (vnfd.getMgmtCp() != null && !cpdIds.contains(vnfd.getMgmtCp())) {
      // The management connection point: never an L2S-M link.
      warnings.add(
          input
              .document()
              .problemAt(
                  base + ".mgmt-cp",
                  "mgmt-cp '"
                      + vnfd.getMgmtCp()
                      + "' names no ext-cpd (have: "
                      + cpdIds
                      + "); L2S-M does not use the management connection point"));
    }
    List<Kdu> kdus = vnfd.getKdu();
    for (int i = 0; i < kdus.size(); i++) {
      checkKdu(input, kdus.get(i), base + ".kdu[" + i + "]", cpdIds);
    }
  }

  private void checkKdu(VnfdInput input, Kdu kdu, String path, Set<String> cpdIds) {
    boolean helm = kdu.getHelmChart() != null;
    boolean juju = kdu.getJujuBundle() != null;
    if (helm == juju) {
      problems.add(
          input
              .document()
              .problemAt(
                  path,
                  "kdu '"
                      + kdu.getName()
                      + "' needs exactly one of helm-chart and juju-bundle"
                      + (helm ? ", not both" : "")));
    }
    List<KduService> services = kdu.getService();
    for (int j = 0; j < services.size(); j++) {
      String ref = services.get(j).getExternalConnectionPointRef();
      if (ref != null && !cpdIds.contains(ref)) {
        problems.add(
            input
                .document()
                .problemAt(
                    path + ".service[" + j + "].external-connection-point-ref",
                    "'" + ref + "' names no ext-cpd of the VNFD (have: " + cpdIds + ")"));
      }
    }
  }

  /** The connection points each VLD joins, from the flavour's virtual-link-connectivity. */
  private void resolveEndpoints() {
    Map<String, Endpoint> byCp = new HashMap<>();
    for (Profile owner : profiles.values()) {
      List<VirtualLinkConnectivity> links = owner.profile().getVirtualLinkConnectivity();
      for (int i = 0; i < links.size(); i++) {
        VirtualLinkConnectivity link = links.get(i);
        String linkPath = owner.path() + ".virtual-link-connectivity[" + i + "]";
        Vld vld = vlds.get(link.getVirtualLinkProfileId());
        if (vld == null) {
          problems.add(
              nsdProblem(
                  linkPath + ".virtual-link-profile-id",
                  "virtual-link-profile-id '"
                      + link.getVirtualLinkProfileId()
                      + "' names no virtual-link-desc (have: "
                      + String.join(", ", vlds.keySet())
                      + ")"));
          continue;
        }
        List<ConstituentCpdId> cps = link.getConstituentCpdId();
        for (int j = 0; j < cps.size(); j++) {
          resolveEndpoint(cps.get(j), linkPath + ".constituent-cpd-id[" + j + "]", vld, byCp);
        }
      }
    }
  }

  private void resolveEndpoint(
      ConstituentCpdId cp, String path, Vld vld, Map<String, Endpoint> byCp) {
    Profile profile = profiles.get(cp.getConstituentBaseElementId());
    if (profile == null) {
      referenceFault(
          vld,
          path + ".constituent-base-element-id",
          "'"
              + cp.getConstituentBaseElementId()
              + "' names no vnf-profile of flavour '"
              + df.getId()
              + "' (have: "
              + String.join(", ", profiles.keySet())
              + ")");
      return;
    }
    if (profile.vnfd() == null) {
      return; // the missing VNFD is already reported
    }
    Set<String> cpdIds = new TreeSet<>();
    profile.vnfd().vnfd().getExtCpd().forEach(c -> cpdIds.add(c.getId()));
    if (!cpdIds.contains(cp.getConstituentCpdId())) {
      referenceFault(
          vld,
          path + ".constituent-cpd-id",
          "VNFD '"
              + profile.vnfd().vnfd().getId()
              + "' has no ext-cpd '"
              + cp.getConstituentCpdId()
              + "' (have: "
              + String.join(", ", cpdIds)
              + ")");
      return;
    }
    String key = profile.profile().getId() + "\u0000" + cp.getConstituentCpdId();
    Endpoint previous = byCp.get(key);
    if (previous != null) {
      if (previous.vld() != vld) {
        problems.add(
            nsdProblem(
                path,
                "connection point '"
                    + cp.getConstituentCpdId()
                    + "' of vnf-profile '"
                    + profile.profile().getId()
                    + "' is connected to both '"
                    + previous.vld().desc().getId()
                    + "' and '"
                    + vld.desc().getId()
                    + "'; a connection point joins one virtual link"));
      }
      return;
    }
    Endpoint endpoint = new Endpoint(profile, cp.getConstituentCpdId(), path, vld);
    byCp.put(key, endpoint);
    endpoints.add(endpoint);
  }

  /**
   * A dangling reference in a VLD's membership: an error on a data-plane link; a warning on the
   * management link, which L2S-M does not realize (OSM onboards such packages).
   */
  private void referenceFault(Vld vld, String path, String message) {
    if (isManagement(vld)) {
      warnings.add(
          nsdProblem(
              path,
              message
                  + "; on management link '"
                  + vld.desc().getId()
                  + "', which L2S-M does not realize"));
    } else {
      problems.add(nsdProblem(path, message));
    }
  }

  /** With a cluster map: every profile it names exists, every attached profile is placed. */
  private void checkPlacement() {
    ClusterMap map = options.clusterMap();
    if (map == null) {
      return;
    }
    for (String profile : map.placement().keySet()) {
      if (!profiles.containsKey(profile)) {
        problems.add(
            map.document()
                .problemAt(
                    ClusterMap.placementPath(profile),
                    "no vnf-profile '"
                        + profile
                        + "' in flavour '"
                        + df.getId()
                        + "' (have: "
                        + String.join(", ", profiles.keySet())
                        + ")"));
      }
    }
    Set<String> unplaced = new LinkedHashSet<>();
    for (Endpoint e : endpoints) {
      if (isDataPlane(e) && !map.placement().containsKey(e.profile().profile().getId())) {
        unplaced.add(e.profile().profile().getId());
      }
    }
    for (String profile : unplaced) {
      problems.add(
          map.document()
              .problemAt(
                  "$.placement",
                  "vnf-profile '" + profile + "' joins a virtual link but is not placed"));
    }
  }

  private static boolean isDataPlane(Endpoint e) {
    return e.vld().networkName() != null
        && e.profile().vnfd() != null
        && e.profile().vnfd().isKnf();
  }

  /** Every KDU of the flavour's KNF profiles, in profile then VNFD order. */
  private List<PlannedKdu> buildKdus() {
    List<PlannedKdu> kdus = new ArrayList<>();
    ClusterMap map = options.clusterMap();
    for (Profile p : profiles.values()) {
      if (p.vnfd() == null || !p.vnfd().isKnf()) {
        continue;
      }
      String id = p.profile().getId();
      ClusterMap.Placement placed = map == null ? null : map.placement().get(id);
      for (Kdu kdu : p.vnfd().vnfd().getKdu()) {
        kdus.add(
            new PlannedKdu(
                id,
                p.vnfd().vnfd().getId(),
                kdu.getName(),
                kdu.getHelmChart(),
                placed == null ? null : placed.cluster()));
      }
    }
    return kdus;
  }

  /** One attachment per (KDU, connection point) of the KNFs on data-plane links. */
  private List<PlannedAttachment> buildAttachments() {
    List<PlannedAttachment> attachments = new ArrayList<>();
    Map<String, Set<String>> interfacesByPod = new HashMap<>();
    Set<String> reportedVdu = new HashSet<>();
    Set<String> reportedJuju = new HashSet<>();
    for (Endpoint e : endpoints) {
      if (e.vld().networkName() == null) {
        continue; // management link: the pod's own eth0
      }
      VnfdInput vnfd = e.profile().vnfd();
      String profileId = e.profile().profile().getId();
      if (!vnfd.isKnf()) {
        if (reportedVdu.add(profileId)) {
          warnings.add(
              nsdProblem(
                  e.profile().path() + ".vnfd-id",
                  "vnf-profile '"
                      + profileId
                      + "' uses VDU-based VNFD '"
                      + vnfd.vnfd().getId()
                      + "'; KNF translation does not handle it, so its connection points get no"
                      + " L2S-M attachment"));
        }
        continue;
      }
      for (Kdu kdu : kdusExposing(vnfd.vnfd(), e.cpd())) {
        if (kdu.getHelmChart() == null) {
          if (reportedJuju.add(profileId + "/" + kdu.getName())) {
            warnings.add(
                vnfd.document()
                    .problemAt(
                        VnfdInput.BASE + ".kdu[" + vnfd.vnfd().getKdu().indexOf(kdu) + "]",
                        "kdu '"
                            + kdu.getName()
                            + "' of vnf-profile '"
                            + profileId
                            + "' is a Juju bundle; only Helm KDUs get pod attachments"));
          }
          continue;
        }
        Set<String> taken =
            interfacesByPod.computeIfAbsent(
                profileId + "\u0000" + kdu.getName(), k -> new HashSet<>());
        String ifName = Names.interfaceName(e.cpd(), taken);
        taken.add(ifName);
        attachments.add(
            new PlannedAttachment(
                profileId,
                vnfd.vnfd().getId(),
                kdu.getName(),
                e.cpd(),
                e.vld().networkName(),
                ifName,
                clusterOf(profileId)));
      }
    }
    return attachments;
  }

  /** Each attached KDU gets its own values file: no two (profile, KDU) pairs may share a name. */
  private void checkValuesFileNames(List<PlannedAttachment> attachments) {
    Map<String, String> owners = new HashMap<>();
    for (PlannedAttachment a : attachments) {
      String pod = a.vnfProfile() + "/" + a.kdu();
      String other = owners.putIfAbsent(Renderer.valuesStem(a.vnfProfile(), a.kdu()), pod);
      if (other != null && !other.equals(pod)) {
        problems.add(
            nsdProblem(
                profiles.get(a.vnfProfile()).path() + ".id",
                "vnf-profile/kdu '"
                    + pod
                    + "' and '"
                    + other
                    + "' would share the values file kdu-values/"
                    + Renderer.valuesStem(a.vnfProfile(), a.kdu())
                    + ".yaml; rename one"));
      }
    }
  }

  /** The KDUs whose services name the connection point, or all KDUs when none does. */
  private static List<Kdu> kdusExposing(Vnfd vnfd, String cpd) {
    List<Kdu> exposing =
        vnfd.getKdu().stream()
            .filter(
                k ->
                    k.getService().stream()
                        .anyMatch(s -> cpd.equals(s.getExternalConnectionPointRef())))
            .toList();
    return exposing.isEmpty() ? vnfd.getKdu() : exposing;
  }

  private String clusterOf(String profileId) {
    ClusterMap map = options.clusterMap();
    if (map == null) {
      return null;
    }
    ClusterMap.Placement placement = map.placement().get(profileId);
    return placement == null ? null : placement.cluster();
  }

  /**
   * One network per data-plane VLD that a KNF pod joins, with its kind and the clusters its members
   * sit in.
   */
  private List<PlannedNetwork> buildNetworks(List<PlannedAttachment> attachments) {
    List<PlannedNetwork> networks = new ArrayList<>();
    for (Vld vld : vlds.values()) {
      if (vld.networkName() == null) {
        continue;
      }
      long endpointCount = endpoints.stream().filter(e -> e.vld() == vld).count();
      if (endpointCount > 0
          && attachments.stream().noneMatch(a -> a.network().equals(vld.networkName()))) {
        Set<String> members = new TreeSet<>();
        endpoints.stream()
            .filter(e -> e.vld() == vld)
            .forEach(e -> members.add(e.profile().profile().getId()));
        warnings.add(
            nsdProblem(
                vld.path(),
                "virtual-link-desc '"
                    + vld.desc().getId()
                    + "' joins no KNF pod (its members "
                    + members
                    + " are VDU-based VNFs or Juju KDUs); no L2S-M network is made for it, VIM"
                    + " or SDN-assist networking connects VMs"));
        continue;
      }
      boolean line =
          vld.desc().getConnectivityType() != null
              && vld.desc().getConnectivityType().getFlowPattern() != null
              && "line".equals(vld.desc().getConnectivityType().getFlowPattern().value());
      NetworkKind kind = line && endpointCount == 2 ? NetworkKind.VLINK : NetworkKind.VNET;
      if (line && endpointCount != 2) {
        warnings.add(
            nsdProblem(
                vld.path() + ".connectivity-type.flow-pattern",
                "virtual-link-desc '"
                    + vld.desc().getId()
                    + "' has flow-pattern line but "
                    + endpointCount
                    + " endpoints; translated as a multipoint vnet"));
      }
      if (endpointCount == 0) {
        warnings.add(
            nsdProblem(
                vld.path(),
                "virtual-link-desc '" + vld.desc().getId() + "' connects no connection point"));
      }
      TreeSet<String> clusters = new TreeSet<>();
      attachments.stream()
          .filter(a -> a.network().equals(vld.networkName()) && a.cluster() != null)
          .forEach(a -> clusters.add(a.cluster()));
      networks.add(
          new PlannedNetwork(
              vld.networkName(),
              vld.desc().getId(),
              kind,
              clusters.size() > 1,
              List.copyOf(clusters)));
    }
    return networks;
  }

  private <T> void checkUnique(
      List<T> items, Function<T, String> id, String listPath, String what) {
    checkUnique(null, items, id, listPath, what);
  }

  private <T> void checkUnique(
      VnfdInput vnfd, List<T> items, Function<T, String> id, String listPath, String what) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String key = id.apply(items.get(i));
      Integer first = seen.putIfAbsent(key, i);
      if (first != null) {
        String path = listPath + "[" + i + "]";
        String message =
            "duplicate " + what + " '" + key + "' (first at " + listPath + "[" + first + "])";
        problems.add(
            vnfd == null ? nsdProblem(path, message) : vnfd.document().problemAt(path, message));
      }
    }
  }

  private Problem nsdProblem(String path, String message) {
    return input.nsd().document().problemAt(path, message);
  }
}
