package io.l2sm.controller.service;

import io.l2sm.metrics.PartMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The controller's meters: what it holds (networks, attachments, switches, flows per switch), what
 * the switches said and were told (packet-ins, flow and meter mods), and how long each round that
 * brings a switch to its program takes, from its start to the switch's barrier reply.
 */
public final class ControllerMeters implements MeterBinder {
  /** The push timer's buckets: from a switch next door to one on the far side of a busy WAN. */
  private static final Duration[] BUCKETS =
      PartMetrics.millis(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000);

  private final ControllerService core;

  public ControllerMeters(ControllerService core) {
    this.core = core;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("l2sm.networks", core, c -> c.state().networks().size())
        .description("Networks the controller holds.")
        .register(registry);
    Gauge.builder("l2sm.attachments", core, c -> c.state().attachments().size())
        .description("Attachments the controller holds.")
        .register(registry);
    Gauge.builder("l2sm.switches", core, c -> c.state().switches().size())
        .description("Switches registered by node agents.")
        .register(registry);
    Gauge.builder("l2sm.switches.connected", core, ControllerService::connectedSwitches)
        .description("Switches connected over OpenFlow.")
        .register(registry);
    FunctionCounter.builder("l2sm.packet.ins", core, ControllerService::packetIns)
        .description("Packet-ins received (0 in steady state).")
        .register(registry);
    FunctionCounter.builder("l2sm.flow.mods", core, ControllerService::flowMods)
        .description("Flow and meter mods sent.")
        .register(registry);
    Gauge.builder(
            "l2sm.jvm.heap.used",
            () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed())
        .description("Heap in use, garbage included.")
        .baseUnit(BaseUnits.BYTES)
        .register(registry);
    core.timeRounds(
        Timer.builder("l2sm.flow.push")
            .description(
                "Rounds that bring a switch to its program: the differences sent, up to the"
                    + " switch's barrier reply.")
            .serviceLevelObjectives(BUCKETS)
            .register(registry));
    core.state().switches().keySet().forEach(node -> meterFlows(registry, node));
    core.watch(
        e -> {
          if (!e.kind().equals("switch")) {
            return;
          }
          if (e.action().equals("removed")) {
            Gauge g = registry.find("l2sm.flows").tag("node", e.name()).gauge();
            if (g != null) {
              registry.remove(g);
            }
          } else if (core.state().switches().containsKey(e.name())) {
            meterFlows(registry, e.name());
          }
        });
  }

  private void meterFlows(MeterRegistry registry, String node) {
    Gauge.builder("l2sm.flows", core, c -> c.installedFlows(node))
        .description("Flows installed on each switch by the controller.")
        .tag("node", node)
        .register(registry);
  }
}
