package io.l2sm.osm.vpls;

import com.fasterxml.jackson.databind.JsonNode;
import io.l2sm.api.v1.NetworkKind;
import io.l2sm.files.AtomicFiles;
import io.l2sm.osm.fabric.Endpoint;
import io.l2sm.osm.fabric.Fabric;
import io.l2sm.osm.fabric.FabricException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter's state: the network-configuration document (the VPLS services) and what was made of
 * each service in the data plane. Every change is serialised here (one lock): the document is
 * validated, written to the state directory, then each changed service is applied to the {@link
 * Fabric}. Services that could not be completed are retried by {@link #retry()}.
 *
 * <p>A VPLS keeps the endpoints it was built with when a later document drops the port interfaces
 * it names but still lists it: a client posting a document that removed another service's
 * interfaces does not break that service.
 */
public final class VplsBook {
  private static final Logger LOG = LoggerFactory.getLogger(VplsBook.class);

  /** BUILD: not made yet (or the controller unreachable); ACTIVE: forwarding; ERROR: see why. */
  public enum Phase {
    BUILD,
    ACTIVE,
    ERROR
  }

  /**
   * One service as it stands.
   *
   * @param name the VPLS name
   * @param vlink point-to-point
   * @param endpoints its interfaces' endpoints, by interface name
   * @param phase BUILD, ACTIVE or ERROR
   * @param cluster the domain it lives in ("" when none)
   * @param vni its VNI (0 when not made)
   * @param problems per endpoint (or "service"), why it is not a member
   * @param updated when it was last applied (epoch ms)
   */
  public record ServiceState(
      String name,
      boolean vlink,
      SortedMap<String, String> endpoints,
      Phase phase,
      String cluster,
      int vni,
      SortedMap<String, String> problems,
      long updated) {}

  private record Stored(JsonNode netcfg, long lastUpdate, Map<String, ServiceState> services) {}

  private final Path file;
  private final Fabric fabric;
  private Netcfg config = Netcfg.empty();
  private long lastUpdate = System.currentTimeMillis();
  private final Map<String, ServiceState> services = new LinkedHashMap<>();

  /** Opens the book kept in {@code stateDir} (created when missing). */
  public VplsBook(Path stateDir, Fabric fabric) {
    this.fabric = fabric;
    this.file = stateDir.resolve("netcfg-state.json");
    try {
      Files.createDirectories(stateDir);
      if (Files.exists(file)) {
        Stored s = Netcfg.JSON.readValue(file.toFile(), Stored.class);
        config = Netcfg.parse(s.netcfg());
        lastUpdate = s.lastUpdate();
        services.putAll(s.services());
        LOG.info("state loaded from {}: {} service(s)", file, services.size());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the adapter state " + file, e);
    } catch (InvalidConfigException e) {
      throw new IllegalStateException("the stored configuration in " + file + " is invalid", e);
    }
  }

  /**
   * The part of the document at {@code at} ({@code GET .../configuration/{subjectClass}[/{subject}
   * [/{configKey}]]}), or null when there is none.
   */
  public synchronized JsonNode view(List<String> at) {
    return config.view(lastUpdate, at);
  }

  /**
   * Applies a posted document at {@code at} as ONOS does (each config it names replaces that one,
   * the others stay); returns once every changed service is applied.
   */
  public synchronized void post(List<String> at, JsonNode body) throws InvalidConfigException {
    replace(config.merge(at, body));
  }

  /** Removes the part of the document at {@code at} (all of it when empty), as ONOS's DELETE. */
  public synchronized void deleteConfig(List<String> at) throws InvalidConfigException {
    replace(config.removed(at));
  }

  public synchronized Map<String, ServiceState> services() {
    return new LinkedHashMap<>(services);
  }

  public synchronized ServiceState service(String name) {
    return services.get(name);
  }

  /** Adds a service (the SDN-assist service's create); returns its name, a new uuid. */
  public synchronized String create(boolean vlink, List<Netcfg.Interface> ifs, String encapsulation)
      throws InvalidConfigException {
    String uuid = UUID.randomUUID().toString();
    put(uuid, vlink, ifs, encapsulation);
    return uuid;
  }

  /** Replaces a service's endpoints (the SDN-assist service's edit). */
  public synchronized void edit(String name, List<Netcfg.Interface> ifs, String encapsulation)
      throws InvalidConfigException {
    Netcfg.Vpls v = config.vpls().get(name);
    if (v == null) {
      throw new InvalidConfigException(404, "no connectivity service " + name);
    }
    put(name, v.vlink(), ifs, encapsulation);
  }

  private void put(String name, boolean vlink, List<Netcfg.Interface> ifs, String encapsulation)
      throws InvalidConfigException {
    if (vlink && ifs.size() != 2) {
      throw new InvalidConfigException(
          "an ELINE connects exactly 2 connection points, not " + ifs.size());
    }
    List<String> names = ifs.stream().map(Netcfg.Interface::name).toList();
    replace(config.withService(new Netcfg.Vpls(name, names, encapsulation, vlink), ifs));
  }

  /** Removes a service (the SDN-assist service's delete). */
  public synchronized void delete(String name) throws InvalidConfigException {
    if (!config.vpls().containsKey(name)) {
      throw new InvalidConfigException(404, "no connectivity service " + name);
    }
    replace(config.without(name));
  }

  /** Removes every service; returns how many there were. */
  public synchronized int clear() throws InvalidConfigException {
    Netcfg next = config;
    for (String n : List.copyOf(config.vpls().keySet())) {
      next = next.without(n);
    }
    int count = config.vpls().size();
    replace(next);
    return count;
  }

  private void replace(Netcfg next) throws InvalidConfigException {
    Map<String, SortedMap<String, String>> members = new LinkedHashMap<>();
    for (Netcfg.Vpls v : next.vpls().values()) {
      SortedMap<String, String> eps = new TreeMap<>();
      ServiceState before = services.get(v.name());
      for (String n : v.interfaces()) {
        Netcfg.Interface f = next.interfaces().get(n);
        if (f != null) {
          eps.put(n, f.endpoint().toString());
        } else if (before != null && before.endpoints().containsKey(n)) {
          eps.put(n, before.endpoints().get(n)); // kept: see the class comment
        } else {
          throw new InvalidConfigException(
              "VPLS '" + v.name() + "': interface '" + n + "' is not defined under ports");
        }
      }
      members.put(v.name(), eps);
    }
    config = next;
    lastUpdate = System.currentTimeMillis();
    // The document is on disk before the data plane changes: a crash in between is repaired by
    // the resync at the next start.
    save();
    for (String gone : List.copyOf(services.keySet())) {
      if (!members.containsKey(gone)) {
        try {
          fabric.remove(gone);
          services.remove(gone);
          LOG.info("service {} removed", gone);
        } catch (FabricException e) {
          LOG.warn("service {}: removal failed, retried later: {}", gone, e.getMessage());
          ServiceState s = services.get(gone);
          services.put(gone, withProblem(s, "removal pending: " + e.getMessage()));
        }
      }
    }
    for (Netcfg.Vpls v : next.vpls().values()) {
      SortedMap<String, String> eps = members.get(v.name());
      ServiceState s = services.get(v.name());
      if (s != null
          && s.phase() == Phase.ACTIVE
          && s.endpoints().equals(eps)
          && s.vlink() == v.vlink()) {
        continue;
      }
      services.put(v.name(), apply(v.name(), v.vlink(), eps));
    }
    save();
  }

  private ServiceState withProblem(ServiceState s, String problem) {
    SortedMap<String, String> p = new TreeMap<>(s.problems());
    p.put("service", problem);
    return new ServiceState(
        s.name(), s.vlink(), s.endpoints(), Phase.BUILD, s.cluster(), s.vni(), p, s.updated());
  }

  private ServiceState apply(String name, boolean vlink, SortedMap<String, String> eps) {
    List<Endpoint> list = new ArrayList<>();
    eps.values().forEach(e -> list.add(Endpoint.parse(e)));
    long now = System.currentTimeMillis();
    try {
      Fabric.Outcome o = fabric.apply(name, vlink ? NetworkKind.VLINK : NetworkKind.VNET, list);
      Phase phase = o.complete() ? Phase.ACTIVE : o.pending() ? Phase.BUILD : Phase.ERROR;
      if (phase == Phase.ACTIVE) {
        LOG.info(
            "service {}: {} endpoint(s) in cluster {}, VNI {}",
            name,
            eps.size(),
            o.domain(),
            o.vni());
      } else {
        LOG.warn("service {}: {}", name, o.problems());
      }
      return new ServiceState(
          name, vlink, eps, phase, o.domain(), o.vni(), new TreeMap<>(o.problems()), now);
    } catch (FabricException e) {
      LOG.warn("service {}: {}", name, e.getMessage());
      return new ServiceState(
          name,
          vlink,
          eps,
          Phase.BUILD,
          "",
          0,
          new TreeMap<>(Map.of("service", e.getMessage())),
          now);
    }
  }

  /**
   * Brings the data plane in line with the book after a start: applies every service again and
   * removes the adapter's networks that no service names (left by a crash in mid-change).
   */
  public synchronized void resync() {
    for (ServiceState s : List.copyOf(services.values())) {
      if (config.vpls().containsKey(s.name())) {
        services.put(s.name(), apply(s.name(), s.vlink(), s.endpoints()));
      }
    }
    for (Netcfg.Vpls v : config.vpls().values()) {
      if (!services.containsKey(v.name())) {
        SortedMap<String, String> eps = new TreeMap<>();
        v.interfaces()
            .forEach(
                n -> {
                  Netcfg.Interface f = config.interfaces().get(n);
                  if (f != null) {
                    eps.put(n, f.endpoint().toString());
                  }
                });
        services.put(v.name(), apply(v.name(), v.vlink(), eps));
      }
    }
    try {
      java.util.Set<String> known = new java.util.HashSet<>();
      services.keySet().forEach(n -> known.addAll(fabric.handles(n)));
      for (String net : fabric.networks()) {
        if (!known.contains(net)) {
          LOG.info("removing network {}: no service names it", net);
          fabric.drop(net);
        }
      }
    } catch (FabricException e) {
      LOG.warn("resync: {}", e.getMessage());
    }
    save();
  }

  /** Applies again every service that is not ACTIVE, and removals that failed. */
  public synchronized void retry() {
    boolean changed = false;
    for (ServiceState s : List.copyOf(services.values())) {
      if (!config.vpls().containsKey(s.name())) {
        try {
          fabric.remove(s.name());
          services.remove(s.name());
          changed = true;
        } catch (FabricException e) {
          LOG.debug("service {}: removal still failing: {}", s.name(), e.getMessage());
        }
      } else if (s.phase() != Phase.ACTIVE) {
        ServiceState now = apply(s.name(), s.vlink(), s.endpoints());
        changed |= !now.equals(s);
        services.put(s.name(), now);
      }
    }
    if (changed) {
      save();
    }
  }

  private void save() {
    try {
      AtomicFiles.replace(
          file,
          Netcfg.JSON.writeValueAsBytes(
              new Stored(config.document(), lastUpdate, new LinkedHashMap<>(services))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the adapter state " + file, e);
    }
  }

  /** What keeps the adapter from carrying services now; null when it can (its readiness). */
  public String notReady() {
    return fabric.unreachable();
  }
}
