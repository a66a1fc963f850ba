package io.l2sm.controller.flow;

import java.util.Set;

/**
 * A flow as a switch reports it, in L2S-M's terms: what the controller needs of a flow it finds on
 * a switch (one it inherits after losing its state, or one it compares with its program).
 *
 * @param cookie the flow's cookie ({@link FlowRule#isOurs} tells whether L2S-M made it)
 * @param ports the ports it names: its in_port and the ports it outputs to
 * @param classifies the attachment port it classifies frames of (table {@link
 *     FlowCompiler#TABLE_CLASSIFY}, matching a port and no tunnel), or null
 * @param vnis the VNIs it names: tunnel ids matched or set, and the metadata, which holds the VNI
 */
public record InstalledFlow(
    long cookie, Set<Integer> ports, Integer classifies, Set<Integer> vnis) {
  public InstalledFlow {
    ports = Set.copyOf(ports);
    vnis = Set.copyOf(vnis);
  }
}
