package io.l2sm.controller.model;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the flow compiler needs: networks, attachments, switches, shut links and mirrors
 * (keyed by their source). An immutable snapshot; the service builds a new one on every change.
 */
public record DesiredState(
    SortedMap<String, NetworkState> networks,
    SortedMap<String, AttachmentState> attachments,
    SortedMap<String, SwitchState> switches,
    SortedSet<Link> disabledLinks,
    SortedMap<String, MirrorState> mirrors) {

  public DesiredState {
    mirrors = Collections.unmodifiableSortedMap(new TreeMap<>(mirrors));
    networks = Collections.unmodifiableSortedMap(new TreeMap<>(networks));
    attachments = Collections.unmodifiableSortedMap(new TreeMap<>(attachments));
    switches = Collections.unmodifiableSortedMap(new TreeMap<>(switches));
    disabledLinks = Collections.unmodifiableSortedSet(new TreeSet<>(disabledLinks));
  }

  public static DesiredState of(
      Map<String, NetworkState> networks,
      Map<String, AttachmentState> attachments,
      Map<String, SwitchState> switches,
      Set<Link> disabledLinks) {
    return of(networks, attachments, switches, disabledLinks, Map.of());
  }

  public static DesiredState of(
      Map<String, NetworkState> networks,
      Map<String, AttachmentState> attachments,
      Map<String, SwitchState> switches,
      Set<Link> disabledLinks,
      Map<String, MirrorState> mirrors) {
    return new DesiredState(
        new TreeMap<>(networks),
        new TreeMap<>(attachments),
        new TreeMap<>(switches),
        new TreeSet<>(disabledLinks),
        new TreeMap<>(mirrors));
  }

  public static DesiredState empty() {
    return of(Map.of(), Map.of(), Map.of(), Set.of());
  }

  /** Links whose two ends registered a tunnel towards each other, shut or not. */
  public SortedSet<Link> links() {
    SortedSet<Link> out = new TreeSet<>();
    for (SwitchState s : switches.values()) {
      for (String peer : s.tunnels().keySet()) {
        SwitchState p = switches.get(peer);
        if (p != null && p.tunnels().containsKey(s.node())) {
          out.add(new Link(s.node(), peer));
        }
      }
    }
    return out;
  }

  /** Links that can carry traffic: {@link #links()} less the shut ones. */
  public SortedSet<Link> usableLinks() {
    SortedSet<Link> out = links();
    out.removeAll(disabledLinks);
    return out;
  }
}
