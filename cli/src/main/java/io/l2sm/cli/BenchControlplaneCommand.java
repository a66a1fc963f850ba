package io.l2sm.cli;

import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.Status;
import io.l2sm.cli.BenchReport.Figure;
import io.l2sm.controller.flow.FlowCompiler;
import io.l2sm.controller.model.AttachmentState;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.model.Kind;
import io.l2sm.controller.model.NetworkState;
import io.l2sm.controller.service.FileStateStore;
import io.l2sm.controller.service.StateStore;
import io.l2sm.lab.Testbed;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code l2sm bench controlplane}: the controller at scale against real switches: full push, resync
 * after {@code kill -9}, heap, flows per switch, steady-state packet-ins.
 */
@Command(
    name = "controlplane",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Build a testbed of N nodes in a ring (private Open vSwitch each; needs root), give the"
          + " controller many networks and attachments, and measure: the time to compile and"
          + " push every switch's tables from empty, the time to resync after a kill -9 and"
          + " restart (switches keep their flows; nothing should be re-sent), the controller's"
          + " heap after a full GC, flows per switch, packet-ins per second at rest, the time of"
          + " one more attachment (20 samples), and the in-process compile time.",
      "",
      "The attachments are registered with the controller (its state file is written before it"
          + " starts) on port numbers that have no device behind them: this measures the"
          + " control plane; `l2sm bench dataplane` measures real pods."
    })
public class BenchControlplaneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--networks",
      defaultValue = "1000",
      description = "Networks (default: ${DEFAULT-VALUE}).")
  int networks;

  @Option(
      names = "--attachments",
      defaultValue = "2000",
      description = "Attachments, spread over the networks (default: ${DEFAULT-VALUE}).")
  int attachments;

  @Option(
      names = "--nodes",
      defaultValue = "4",
      description = "Nodes, in a ring (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (networks < 1 || attachments < networks || nodes < 2 || nodes > 50) {
      spec.commandLine()
          .getErr()
          .println(
              "controlplane: error: need --networks >= 1, --attachments >= --networks,"
                  + " --nodes 2-50");
      return ExitCodes.INVALID_INPUT;
    }
    if (!BenchReport.testbedReady(spec.commandLine(), "controlplane")) {
      return ExitCodes.FAILURE;
    }
    String[] ring = new String[nodes];
    for (int i = 0; i < nodes; i++) {
      ring[i] = "n" + (i + 1) + "~n" + ((i + 1) % nodes + 1);
    }
    BenchReport report = new BenchReport();
    progress("Building a " + nodes + "-node ring testbed...");
    try (Testbed tb = new Testbed("l2c", 43, "100-16777215", nodes, ring)) {
      tb.killController();
      StateStore store = new FileStateStore(tb.controllerStateDir());
      DesiredState state = populate(store.load());
      store.save(state);
      progress(
          String.format(
              "State: %d networks, %d attachments over %d switches; starting the controller...",
              state.networks().size(), state.attachments().size(), state.switches().size()));

      long t0 = System.nanoTime();
      tb.startController();
      Status s = awaitReconciled(tb);
      double push = (System.nanoTime() - t0) / 1e6;
      int maxFlows = s.getSwitchesList().stream().mapToInt(w -> w.getFlows()).max().orElse(0);
      int minFlows = s.getSwitchesList().stream().mapToInt(w -> w.getFlows()).min().orElse(0);
      progress(
          String.format(
              "Full push done in %.0f ms (%d-%d flows per switch)", push, minFlows, maxFlows));
      report.figure(new Figure("full_push_ms", push, "ms", 1, push, push));
      report.figure(
          new Figure(
              "flows_per_switch",
              s.getSwitchesList().stream().mapToInt(w -> w.getFlows()).average().orElse(0),
              "flows",
              s.getSwitchesCount(),
              minFlows,
              maxFlows));
      int ovsFlows = Testbed.lines(tb.dumpFlows("n1")).size() - 1;
      report.reference(new Figure("ovs_dump_flows_n1", ovsFlows, "flows", 1, ovsFlows, ovsFlows));

      Testbed.sh("jcmd " + tb.controllerPid() + " GC.run");
      double heap = metric(tb, "l2sm_jvm_heap_used_bytes") / (1024.0 * 1024.0);
      report.figure(new Figure("controller_heap_after_gc_mib", heap, "MiB", 1, heap, heap));

      long in0 = (long) metric(tb, "l2sm_packet_ins_total");
      Thread.sleep(5000);
      long in1 = (long) metric(tb, "l2sm_packet_ins_total");
      report.figure(
          new Figure(
              "packet_ins_per_s_at_rest", (in1 - in0) / 5.0, "1/s", 1, in1 - in0, in1 - in0));

      double[] more = new double[20];
      for (int i = 0; i < more.length; i++) {
        long a0 = System.nanoTime();
        tb.grpc()
            .attach(
                AttachRequest.newBuilder()
                    .setId("one-more-" + i)
                    .setNetwork("net-" + (i % networks))
                    .setNode("n1")
                    .setPort(60000 + i)
                    .setMac(String.format("02:ff:00:00:00:%02x", i))
                    .build());
        more[i] = (System.nanoTime() - a0) / 1e6;
      }
      report.figure(Figure.ofSamples("attach_at_scale_ms", "ms", more));

      progress("kill -9 of the controller, then restart...");
      tb.killController();
      long r0 = System.nanoTime();
      tb.startController();
      awaitReconciled(tb);
      double resync = (System.nanoTime() - r0) / 1e6;
      double mods = metric(tb, "l2sm_flow_mods_total");
      progress(String.format("Resync done in %.0f ms, %d flow mods sent", resync, (long) mods));
      report.figure(new Figure("controller_resync_ms", resync, "ms", 1, resync, resync));
      report.figure(new Figure("flow_mods_after_restart", mods, "mods", 1, mods, mods));

      DesiredState loaded = store.load();
      FlowCompiler compiler = new FlowCompiler();
      double[] compile = new double[7];
      for (int i = 0; i < compile.length; i++) {
        long c0 = System.nanoTime();
        compiler.compile(loaded);
        compile[i] = (System.nanoTime() - c0) / 1e6;
      }
      report.figure(Figure.ofSamples("compile_all_ms", "ms", compile));
    }
    report.finish(out, json, "Targets: resync after restart <= 2000 ms; packet-ins at rest 0.");
    return ExitCodes.OK;
  }

  private void progress(String line) {
    out.println(line);
    out.flush();
  }

  /**
   * The registered switches plus the benchmark's networks and attachments. Each network's
   * attachments go to distinct nodes chosen at random (fixed seed), so some networks are carried
   * through transit switches.
   */
  private DesiredState populate(DesiredState registered) {
    List<String> nodeNames = new ArrayList<>(registered.switches().keySet());
    Map<String, NetworkState> nets = new TreeMap<>();
    Map<String, AttachmentState> atts = new TreeMap<>();
    for (int i = 0; i < networks; i++) {
      String name = "net-" + i;
      nets.put(name, new NetworkState(name, Kind.VNET, 100 + i, true, List.of()));
    }
    Random random = new Random(42);
    Map<String, List<String>> used = new TreeMap<>();
    int port = 2000;
    for (int j = 0; j < attachments; j++) {
      String net = "net-" + (j % networks);
      List<String> taken = used.computeIfAbsent(net, k -> new ArrayList<>());
      String node;
      do {
        node = nodeNames.get(random.nextInt(nodeNames.size()));
      } while (taken.contains(node) && taken.size() < nodeNames.size());
      taken.add(node);
      String id = "att-" + j;
      String mac =
          String.format("02:%02x:%02x:%02x:00:01", (j >> 16) & 0xff, (j >> 8) & 0xff, j & 0xff);
      atts.put(id, new AttachmentState(id, net, node, port++, mac, true, 0));
    }
    return DesiredState.of(
        nets, atts, registered.switches(), registered.disabledLinks(), registered.mirrors());
  }

  /** Polls until every switch is connected and holds exactly its desired flows. */
  private static Status awaitReconciled(Testbed tb) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        Status s = tb.grpc().status();
        boolean done =
            s.getSwitchesCount() > 0
                && s.getSwitchesList().stream()
                    .allMatch(
                        w ->
                            w.getConnected()
                                && w.getDesiredFlows() > 0
                                && w.getFlows() == w.getDesiredFlows());
        if (done) {
          return s;
        }
      } catch (io.l2sm.api.grpc.ControllerClient.CallException e) {
        // not serving yet
      }
      Thread.sleep(10);
    }
    throw new Testbed.TestbedException("switches were not reconciled within 120 s");
  }

  private static double metric(Testbed tb, String name) throws IOException {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)")
            .matcher(tb.http("/metrics"));
    if (!m.find()) {
      throw new Testbed.TestbedException("metric " + name + " missing");
    }
    return Double.parseDouble(m.group(1));
  }
}
