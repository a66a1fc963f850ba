package io.l2sm.osm;

import io.l2sm.osm.fabric.ControllerFabric;
import io.l2sm.osm.fabric.Endpoint;
import io.l2sm.osm.fabric.Fabric;
import io.l2sm.osm.fabric.FabricException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** A data plane in memory: networks of endpoints; switches with known dpids only. */
final class FakeFabric implements Fabric {
  final Map<String, Set<String>> networks = new ConcurrentHashMap<>();
  final Set<Long> dpids = ConcurrentHashMap.newKeySet();
  volatile boolean down;
  int applies;

  FakeFabric(long... known) {
    for (long d : known) {
      dpids.add(d);
    }
  }

  @Override
  public synchronized Outcome apply(
      String name, io.l2sm.api.v1.NetworkKind kind, List<Endpoint> members) {
    if (down) {
      throw new FabricException("cluster c1: UNAVAILABLE: io exception");
    }
    applies++;
    Map<String, String> problems = new TreeMap<>();
    Set<String> in = new TreeSet<>();
    for (Endpoint e : members) {
      if (dpids.contains(e.dpid())) {
        in.add(e.toString());
      } else {
        problems.put(e.toString(), "no switch with datapath id " + e.dpidHex());
      }
    }
    networks.put(networkName(name), in);
    return new Outcome("c1", 100 + networks.size(), problems);
  }

  @Override
  public synchronized void remove(String name) {
    if (down) {
      throw new FabricException("cluster c1: UNAVAILABLE: io exception");
    }
    networks.remove(networkName(name));
  }

  String networkName(String name) {
    return ControllerFabric.network(name);
  }

  @Override
  public Set<String> handles(String name) {
    return Set.of(networkName(name));
  }

  @Override
  public List<String> networks() {
    return new ArrayList<>(networks.keySet());
  }

  @Override
  public void drop(String network) {
    networks.remove(network);
  }

  @Override
  public Map<String, List<String>> switches() {
    if (down) {
      return Map.of("c1", List.of("unreachable: UNAVAILABLE: io exception"));
    }
    return Map.of("c1", dpids.stream().map(d -> String.format("of:%016x", d)).toList());
  }

  @Override
  public void close() {}
}
