package io.l2sm.cli.lab;

import io.l2sm.cli.ControllerCommand;
import io.l2sm.controller.ControllerDaemon;
import io.l2sm.controller.flow.FlowCompiler;
import io.l2sm.controller.flow.FlowMatch;
import io.l2sm.controller.flow.FlowRule;
import io.l2sm.controller.flow.SwitchProgram;
import io.l2sm.controller.model.DesiredState;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A controller with a deliberate fault, for proving that the conformance suite catches a broken
 * build: attachment ports accept any source MAC. Test code only: the shipped product has no such
 * switch. Started in place of {@code l2sm controller} with the same arguments ({@code controller
 * @settings ...}), so the lab finds and stops it like the real one.
 */
public final class BrokenController {
  private BrokenController() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new Broken()).execute(Arrays.copyOfRange(args, 1, args.length)));
  }

  @Command(name = "controller")
  static final class Broken extends ControllerCommand {
    @Override
    protected ControllerDaemon daemon(ControllerDaemon.Config config) throws Exception {
      System.err.println("l2sm controller: WARNING: a test build without source-MAC checks");
      return new ControllerDaemon(config, BrokenController::withoutSourceCheck);
    }
  }

  /** The real compiler's programs with the source MAC dropped from every attachment's match. */
  static SortedMap<String, SwitchProgram> withoutSourceCheck(DesiredState state) {
    SortedMap<String, SwitchProgram> out = new TreeMap<>();
    new FlowCompiler()
        .compile(state)
        .forEach(
            (node, p) -> {
              List<FlowRule> flows =
                  p.flows().stream()
                      .map(
                          r -> {
                            FlowMatch m = r.match();
                            if (r.table() != FlowCompiler.TABLE_CLASSIFY || m.ethSrc() == null) {
                              return r;
                            }
                            FlowMatch loose =
                                new FlowMatch(
                                    m.inPort(), null, m.tunnelId(), m.metadata(), m.ethDst());
                            return new FlowRule(
                                r.table(),
                                r.priority(),
                                loose,
                                r.meter(),
                                r.actions(),
                                r.writeMetadata(),
                                r.gotoTable());
                          })
                      .toList();
              out.put(node, new SwitchProgram(flows, p.meters()));
            });
    return out;
  }
}
