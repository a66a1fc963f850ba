package io.l2sm.controller.flow;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one switch must hold: its flow rules and its meters (meter id to rate in kbit/s; the meter
 * id of an attachment's rate limit is its port number, unique on the switch).
 */
public record SwitchProgram(List<FlowRule> flows, SortedMap<Integer, Long> meters) {
  public SwitchProgram {
    flows = List.copyOf(flows);
    meters = Collections.unmodifiableSortedMap(new TreeMap<>(meters));
  }
}
