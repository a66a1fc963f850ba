package io.l2sm.controller.flow;

import io.l2sm.controller.model.Link;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The loop-free part of the overlay that one network uses: the member switches and the links
 * joining them. Flooding along a tree (never back out of the ingress port) delivers each frame
 * exactly once to every member, on any overlay topology, rings and meshes included.
 */
public final class NetworkTree {
  private final SortedMap<String, SortedSet<String>> adjacency = new TreeMap<>();

  private NetworkTree() {}

  /**
   * The union of breadth-first shortest paths from the lowest-named member switch to every other
   * member. Ties break by node name, so every controller computes the same tree. Members the
   * overlay cannot reach stay in the tree, unconnected.
   */
  public static NetworkTree spanning(Collection<String> members, Set<Link> links) {
    return spanning(members, links, Set.of());
  }

  /**
   * As above, where {@code leaves} (switches of another domain) are reached but never crossed: no
   * path goes through one, so the tree never leaves this domain and comes back.
   */
  public static NetworkTree spanning(
      Collection<String> members, Set<Link> links, Set<String> leaves) {
    NetworkTree t = new NetworkTree();
    SortedSet<String> sorted = new TreeSet<>(members);
    sorted.forEach(t::node);
    if (sorted.size() < 2) {
      return t;
    }
    Map<String, SortedSet<String>> graph = new HashMap<>();
    for (Link l : links) {
      graph.computeIfAbsent(l.a(), k -> new TreeSet<>()).add(l.b());
      graph.computeIfAbsent(l.b(), k -> new TreeSet<>()).add(l.a());
    }
    // The lowest-named member of this domain, so that the root is never crossed either.
    String root =
        sorted.stream().filter(m -> !leaves.contains(m)).findFirst().orElse(sorted.first());
    Map<String, String> parent = new HashMap<>();
    parent.put(root, root);
    Deque<String> queue = new ArrayDeque<>(List.of(root));
    while (!queue.isEmpty()) {
      String n = queue.poll();
      if (leaves.contains(n) && (!n.equals(root) || !leaves.containsAll(sorted))) {
        continue;
      }
      for (String next : graph.getOrDefault(n, new TreeSet<>())) {
        if (!parent.containsKey(next)) {
          parent.put(next, n);
          queue.add(next);
        }
      }
    }
    for (String m : sorted) {
      if (!parent.containsKey(m)) {
        continue;
      }
      for (String n = m; !n.equals(root); n = parent.get(n)) {
        t.edge(n, parent.get(n));
      }
    }
    return t;
  }

  /**
   * An explicit path (a vlink's traffic engineering): the listed nodes in order. If a hop is not a
   * usable link the path is cut there and the endpoints stay unconnected: an explicit path is
   * followed or not used at all, never silently replaced.
   */
  public static NetworkTree path(List<String> nodes, Set<Link> links) {
    NetworkTree t = new NetworkTree();
    nodes.forEach(t::node);
    for (int i = 0; i + 1 < nodes.size(); i++) {
      if (!links.contains(new Link(nodes.get(i), nodes.get(i + 1)))) {
        NetworkTree cut = new NetworkTree();
        nodes.forEach(cut::node);
        return cut;
      }
    }
    for (int i = 0; i + 1 < nodes.size(); i++) {
      t.edge(nodes.get(i), nodes.get(i + 1));
    }
    return t;
  }

  private void node(String n) {
    adjacency.computeIfAbsent(n, k -> new TreeSet<>());
  }

  private void edge(String a, String b) {
    node(a);
    node(b);
    adjacency.get(a).add(b);
    adjacency.get(b).add(a);
  }

  /** Switches the network's rules go to: members and transit switches. */
  public Set<String> nodes() {
    return adjacency.keySet();
  }

  /** Tree neighbours of a switch, sorted. */
  public SortedSet<String> neighbours(String node) {
    return adjacency.getOrDefault(node, new TreeSet<>());
  }

  /** The tree neighbour of {@code from} on the way to {@code to}, or null if unreachable. */
  public String nextHop(String from, String to) {
    if (from.equals(to) || !adjacency.containsKey(from)) {
      return null;
    }
    Map<String, String> firstHop = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    for (String n : neighbours(from)) {
      firstHop.put(n, n);
      queue.add(n);
    }
    firstHop.put(from, null);
    while (!queue.isEmpty()) {
      String n = queue.poll();
      if (n.equals(to)) {
        return firstHop.get(n);
      }
      for (String next : neighbours(n)) {
        if (!firstHop.containsKey(next)) {
          firstHop.put(next, firstHop.get(n));
          queue.add(next);
        }
      }
    }
    return null;
  }

  /** Links of the tree, each once. */
  public SortedSet<Link> links() {
    SortedSet<Link> out = new TreeSet<>();
    adjacency.forEach((a, bs) -> bs.forEach(b -> out.add(new Link(a, b))));
    return out;
  }
}
