package io.l2sm.controller.flow;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;

/**
 * One flow entry of the L2S-M pipeline: apply actions, then optionally write metadata and go to a
 * later table. A rule with neither actions nor goto drops.
 *
 * <p>The cookie is a hash of the rule's text, so a rule read back from a switch is recognised by
 * its cookie alone: reconciling a switch is a set difference of cookies.
 */
public record FlowRule(
    int table,
    int priority,
    FlowMatch match,
    Integer meter,
    List<FlowAction> actions,
    Long writeMetadata,
    Integer gotoTable) {

  /** The top byte of every L2S-M cookie ('L'); flows without it are not ours. */
  public static final long COOKIE_TAG = 0x4cL << 56;

  private static final long COOKIE_HASH_MASK = (1L << 56) - 1;

  public FlowRule {
    actions = List.copyOf(actions);
  }

  public static FlowRule drop(int table, int priority, FlowMatch match) {
    return new FlowRule(table, priority, match, null, List.of(), null, null);
  }

  public static FlowRule apply(int table, int priority, FlowMatch match, List<FlowAction> actions) {
    return new FlowRule(table, priority, match, null, actions, null, null);
  }

  /** Nothing done here: on to {@code next}. */
  public static FlowRule next(int table, int priority, FlowMatch match, int next) {
    return new FlowRule(table, priority, match, null, List.of(), null, next);
  }

  public static FlowRule classify(
      int table, int priority, FlowMatch match, Integer meter, long metadata, int next) {
    return new FlowRule(table, priority, match, meter, List.of(), metadata, next);
  }

  public long cookie() {
    long h = Hashing.murmur3_128().hashString(toString(), StandardCharsets.UTF_8).asLong();
    return COOKIE_TAG | (h & COOKIE_HASH_MASK);
  }

  public static boolean isOurs(long cookie) {
    return (cookie & ~COOKIE_HASH_MASK) == COOKIE_TAG;
  }

  /** ovs-ofctl {@code add-flow} syntax (without the cookie). */
  @Override
  public String toString() {
    StringJoiner a = new StringJoiner(",");
    if (meter != null) {
      a.add("meter:" + meter);
    }
    actions.forEach(x -> a.add(x.toString()));
    if (writeMetadata != null) {
      a.add("write_metadata:0x" + Long.toHexString(writeMetadata));
    }
    if (gotoTable != null) {
      a.add("goto_table:" + gotoTable);
    }
    String m = match.toString();
    return "table="
        + table
        + ",priority="
        + priority
        + (m.isEmpty() ? "" : "," + m)
        + ",actions="
        + (a.length() == 0 ? "drop" : a.toString());
  }
}
