package io.l2sm.osm.fabric;

import io.l2sm.api.grpc.ControllerClient;
import io.l2sm.api.grpc.ControllerClient.CallException;
import io.l2sm.api.grpc.GrpcControllerClient;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.Attachment;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.api.grpc.v1.Network;
import io.l2sm.api.grpc.v1.NetworkKind;
import io.l2sm.api.grpc.v1.Switch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The data plane through the L2S-M controllers' gRPC API: one controller per domain (a cluster). A
 * network lives in the domain whose switches hold its endpoints; its members are port-only
 * attachments with ids {@code osm:<service>/<endpoint>}, in controller network {@code
 * osm/<service>}.
 */
public final class ControllerFabric implements Fabric {
  /** Prefix of the controller networks the adapter owns. */
  public static final String PREFIX = "osm/";

  private static final Pattern PLAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,200}[a-z0-9])?");

  private final Map<String, ControllerClient> domains = new LinkedHashMap<>();
  private final long deadlineMillis;

  /** Per domain: node name by datapath id, refreshed when an unknown dpid is asked for. */
  private final Map<String, Map<Long, String>> nodes = new HashMap<>();

  /**
   * @param targets controller gRPC addresses ({@code host:port}) by domain name
   * @param deadlineMillis per-call deadline
   */
  public ControllerFabric(Map<String, String> targets, long deadlineMillis) {
    this(targets, deadlineMillis, null);
  }

  /**
   * As above, over mutual TLS with the adapter's credentials (identity {@code adapter}) when they
   * are given; the caller keeps them open while the fabric is.
   */
  public ControllerFabric(
      Map<String, String> targets, long deadlineMillis, io.l2sm.api.grpc.Credentials credentials) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no controller given");
    }
    targets.forEach((d, t) -> domains.put(d, GrpcControllerClient.open(t, credentials)));
    this.deadlineMillis = deadlineMillis;
    this.credentials = credentials;
  }

  private final io.l2sm.api.grpc.Credentials credentials;

  private InterCluster interCluster;

  /**
   * Also serves services whose endpoints are edge-device ports: inter-cluster networks, as NADs
   * with the edge device's provider in each cluster.
   *
   * @param clusters a Kubernetes client per cluster (the same names as the controllers')
   * @param idcoController the IDCO's controller (gRPC), where the edge devices register
   * @param namespace where the NADs go
   */
  public ControllerFabric withInterCluster(
      Map<String, io.fabric8.kubernetes.client.KubernetesClient> clusters,
      String idcoController,
      String namespace) {
    this.interCluster =
        new InterCluster(
            clusters,
            GrpcControllerClient.open(idcoController, credentials),
            namespace,
            Duration.ofMillis(deadlineMillis));
    return this;
  }

  @Override
  public Set<String> handles(String service) {
    Set<String> out = new TreeSet<>();
    out.add(network(service));
    if (interCluster != null) {
      interCluster
          .describeClusters()
          .keySet()
          .forEach(c -> out.add("nad/" + c + "/" + InterCluster.k8sName(service)));
    }
    return out;
  }

  @Override
  public void drop(String handle) {
    if (handle.startsWith("nad/")) {
      if (interCluster != null) {
        interCluster.drop(handle);
      }
      return;
    }
    for (String d : domains.keySet()) {
      removeIn(d, handle);
    }
  }

  /** The controller network name of a service: {@code osm/<name>}, made valid when it is not. */
  public static String network(String service) {
    String lower = service.toLowerCase(Locale.ROOT);
    if (lower.equals(service) && PLAIN.matcher(lower).matches()) {
      return PREFIX + lower;
    }
    String cleaned = lower.replaceAll("[^-a-z0-9.]", "-").replaceAll("^[-.]+|[-.]+$", "");
    if (cleaned.length() > 180) {
      cleaned = cleaned.substring(0, 180);
    }
    return PREFIX + (cleaned.isEmpty() ? "x" : cleaned) + "-" + shortHash(service);
  }

  static String attachmentId(String service, Endpoint e) {
    return "osm:" + service + "/" + e;
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private ControllerClient stub(String domain) {
    return domains.get(domain).within(Duration.ofMillis(deadlineMillis));
  }

  private synchronized String locate(Endpoint e, boolean refresh) {
    if (refresh) {
      nodes.clear();
    }
    for (String d : domains.keySet()) {
      Map<Long, String> byDpid = nodes.get(d);
      if (byDpid == null) {
        byDpid = new HashMap<>();
        try {
          for (Switch s : stub(d).status().getSwitchesList()) {
            byDpid.put(s.getDpid(), s.getNode());
          }
          nodes.put(d, byDpid);
        } catch (CallException ex) {
          continue; // unreachable now: asked again next time
        }
      }
      if (byDpid.containsKey(e.dpid())) {
        return d;
      }
    }
    return null;
  }

  private String nodeOf(String domain, Endpoint e) {
    synchronized (this) {
      return nodes.getOrDefault(domain, Map.of()).get(e.dpid());
    }
  }

  @Override
  public Outcome apply(String name, io.l2sm.api.v1.NetworkKind kind, List<Endpoint> members) {
    String net = network(name);
    Map<String, String> problems = new TreeMap<>();
    Map<String, List<Endpoint>> byDomain = new LinkedHashMap<>();
    boolean refreshed = false;
    for (Endpoint e : members) {
      String d = locate(e, false);
      if (d == null && !refreshed) {
        refreshed = true;
        d = locate(e, true);
      }
      if (d == null) {
        problems.put(
            e.toString(),
            "no switch with datapath id "
                + e.dpidHex()
                + " is registered with the controller"
                + (domains.size() > 1 ? "s of " + String.join(", ", domains.keySet()) : ""));
      } else {
        byDomain.computeIfAbsent(d, k -> new ArrayList<>()).add(e);
      }
    }
    if (interCluster != null && byDomain.isEmpty() && !problems.isEmpty()) {
      // None is a port of a cluster's switch: maybe edge-device ports (a WIM service).
      Map<String, String> edgeProblems = new TreeMap<>();
      Map<Endpoint, InterCluster.EdgePort> ports = new java.util.LinkedHashMap<>();
      for (Endpoint e : members) {
        InterCluster.EdgePort p = interCluster.edgePort(e, edgeProblems);
        if (p == null) {
          edgeProblems.put(e.toString(), problems.get(e.toString()));
        } else if (p.cluster() != null) {
          ports.put(e, p);
        }
      }
      if (!edgeProblems.isEmpty() || ports.isEmpty()) {
        return new Outcome("", 0, edgeProblems);
      }
      for (String d : domains.keySet()) {
        removeIn(d, net);
      }
      return interCluster.apply(name, InterCluster.byCluster(ports), new TreeMap<>());
    }
    if (interCluster != null) {
      interCluster.remove(name);
    }
    String home =
        byDomain.entrySet().stream()
            .max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
            .map(Map.Entry::getKey)
            .orElse(null);
    byDomain.forEach(
        (d, eps) -> {
          if (!d.equals(home)) {
            eps.forEach(
                e ->
                    problems.put(
                        e.toString(),
                        "is a port of cluster "
                            + d
                            + " while the service's other endpoints are in "
                            + home
                            + ": a service with pod ports lives in one cluster (across clusters,"
                            + " give the clusters' edge-device ports)"));
          }
        });
    for (String d : domains.keySet()) {
      if (!d.equals(home)) {
        removeIn(d, net);
      }
    }
    if (home == null) {
      return new Outcome("", 0, problems);
    }
    ControllerClient stub = stub(home);
    int vni;
    try {
      vni =
          stub.createNetwork(
                  CreateNetworkRequest.newBuilder()
                      .setName(net)
                      .setKind(
                          kind == io.l2sm.api.v1.NetworkKind.VLINK
                              ? NetworkKind.VLINK
                              : NetworkKind.VNET)
                      .build())
              .getVni();
    } catch (CallException ex) {
      if (!ex.code().equals("ALREADY_EXISTS")) {
        throw failure("cluster " + home + ": network " + net, ex);
      }
      // Made earlier with the other kind: replaced.
      removeIn(home, net);
      return apply(name, kind, members);
    }
    Set<String> wanted = new TreeSet<>();
    Map<String, Endpoint> byId = new TreeMap<>();
    for (Endpoint e : byDomain.get(home)) {
      String id = attachmentId(name, e);
      wanted.add(id);
      byId.put(id, e);
    }
    Network current =
        stub.network(net)
            .orElseThrow(
                () ->
                    new FabricException(
                        "cluster " + home + ": network " + net + " vanished while being set up"));
    Set<String> present = new TreeSet<>();
    for (Attachment a : current.getAttachmentsList()) {
      if (!wanted.contains(a.getId())) {
        try {
          stub.detach(a.getId());
        } catch (CallException ex) {
          if (!ex.notFound()) {
            throw failure("cluster " + home + ": detaching " + a.getId(), ex);
          }
        }
      } else {
        present.add(a.getId());
      }
    }
    for (Map.Entry<String, Endpoint> w : byId.entrySet()) {
      if (present.contains(w.getKey())) {
        continue;
      }
      Endpoint e = w.getValue();
      try {
        stub.attach(
            AttachRequest.newBuilder()
                .setId(w.getKey())
                .setNetwork(net)
                .setNode(nodeOf(home, e))
                .setPort(e.port())
                .build());
      } catch (CallException ex) {
        if (ex.notConnected()) {
          throw failure("cluster " + home, ex);
        }
        problems.put(e.toString(), ex.getMessage());
      }
    }
    return new Outcome(home, vni, problems);
  }

  private void removeIn(String domain, String net) {
    try {
      stub(domain)
          .deleteNetwork(DeleteNetworkRequest.newBuilder().setName(net).setForce(true).build());
    } catch (CallException ex) {
      if (!ex.notFound()) {
        throw failure("cluster " + domain + ": removing network " + net, ex);
      }
    }
  }

  @Override
  public void remove(String name) {
    String net = network(name);
    for (String d : domains.keySet()) {
      removeIn(d, net);
    }
    if (interCluster != null) {
      interCluster.remove(name);
    }
  }

  @Override
  public List<String> networks() {
    List<String> out = new ArrayList<>();
    for (String d : domains.keySet()) {
      try {
        for (Network n : stub(d).networks()) {
          if (n.getName().startsWith(PREFIX)) {
            out.add(n.getName());
          }
        }
      } catch (CallException ex) {
        throw failure("cluster " + d, ex);
      }
    }
    if (interCluster != null) {
      out.addAll(interCluster.networks());
    }
    return out;
  }

  @Override
  public Map<String, List<String>> switches() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String d : domains.keySet()) {
      List<String> l = new ArrayList<>();
      try {
        for (Switch s : stub(d).status().getSwitchesList()) {
          l.add(s.getNode() + " of:" + s.getDpidHex());
        }
      } catch (CallException ex) {
        l.add("unreachable: " + ex.getMessage());
      }
      out.put(d, l);
    }
    return out;
  }

  private static FabricException failure(String what, CallException ex) {
    return new FabricException(what + ": " + ex.getMessage(), ex);
  }

  @Override
  public void close() {
    domains.values().forEach(ControllerClient::close);
    if (interCluster != null) {
      interCluster.close();
    }
  }
}
