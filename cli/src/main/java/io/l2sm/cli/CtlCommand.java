package io.l2sm.cli;

import com.google.protobuf.util.JsonFormat;
import io.l2sm.api.grpc.ControllerClient;
import io.l2sm.api.grpc.GrpcControllerClient;
import io.l2sm.api.grpc.v1.AdminTarget;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.api.grpc.v1.NetworkKind;
import io.l2sm.api.grpc.v1.SetAdminStateRequest;
import io.l2sm.api.grpc.v1.SetPathRequest;
import io.l2sm.api.grpc.v1.Status;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code l2sm ctl}: a thin client of the controller's gRPC API, for operators and scripts. */
@Command(
    name = "ctl",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Talk to a running controller: status, networks, admin state, paths.",
    subcommands = {
      CtlCommand.StatusCmd.class,
      CtlCommand.CreateCmd.class,
      CtlCommand.DeleteCmd.class,
      CtlCommand.AdminCmd.class,
      CtlCommand.PathCmd.class
    })
public class CtlCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--controller",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9650",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "The controller's gRPC address (default: ${DEFAULT-VALUE}).")
  String controller;

  @Option(
      names = "--controller-credentials",
      paramLabel = "DIR",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description =
          "Who this client is: tls.crt and tls.key (common name admin, or reader for status) and"
              + " the ca.crt of the controller's certificate (default: the admin credentials of the"
              + " lab that is up; none: plaintext).")
  java.nio.file.Path credentials;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  <T> T call(Function<ControllerClient, T> f) {
    java.nio.file.Path dir = credentials;
    if (dir == null && io.l2sm.lab.Lab.isUp()) {
      dir =
          io.l2sm.lab.Lab.credentials(
              io.l2sm.api.grpc.Identity.of(io.l2sm.api.grpc.Identity.Role.ADMIN));
    }
    io.l2sm.api.grpc.Credentials who;
    try {
      who = dir == null ? null : io.l2sm.api.grpc.Credentials.load(dir);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--controller-credentials " + e.getMessage());
    }
    try (GrpcControllerClient client = GrpcControllerClient.open(controller, who)) {
      return f.apply(client);
    } catch (ControllerClient.CallException e) {
      throw new IllegalStateException(e.code() + ": " + e.description(), e);
    } finally {
      if (who != null) {
        who.close();
      }
    }
  }

  /** {@code l2sm ctl status}. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Print the status.")
  static class StatusCmd implements Callable<Integer> {
    @ParentCommand CtlCommand ctl;

    @Option(names = "--json", description = "Print the whole status as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Status s = ctl.call(ControllerClient::status);
      if (json) {
        ctl.spec.commandLine().getOut().println(JsonFormat.printer().print(s));
        return ExitCodes.OK;
      }
      List<String[]> sw = new java.util.ArrayList<>();
      sw.add(new String[] {"NODE", "DPID", "CONNECTED", "FLOWS", "TUNNELS"});
      s.getSwitchesList()
          .forEach(
              w ->
                  sw.add(
                      new String[] {
                        w.getNode(),
                        w.getDpidHex(),
                        String.valueOf(w.getConnected()),
                        String.valueOf(w.getFlows()),
                        String.valueOf(w.getTunnelsCount())
                      }));
      List<String[]> nets = new java.util.ArrayList<>();
      nets.add(new String[] {"NETWORK", "KIND", "VNI", "ENABLED", "ATTACHMENTS"});
      s.getNetworksList()
          .forEach(
              n ->
                  nets.add(
                      new String[] {
                        n.getName(),
                        n.getKind().name().toLowerCase(java.util.Locale.ROOT),
                        String.valueOf(n.getVni()),
                        String.valueOf(n.getEnabled()),
                        String.valueOf(n.getAttachmentsCount())
                      }));
      var out = ctl.spec.commandLine().getOut();
      Table.print(out, sw);
      out.println();
      Table.print(out, nets);
      out.println();
      out.println("links: " + String.join(" ", s.getLinksList()));
      out.println("packet-ins: " + s.getPacketIns() + "  flow-mods: " + s.getFlowMods());
      return ExitCodes.OK;
    }
  }

  /** {@code l2sm ctl create NAME}. */
  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a network.")
  static class CreateCmd implements Callable<Integer> {
    @ParentCommand CtlCommand ctl;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--kind", defaultValue = "vnet", description = "vnet or vlink.")
    String kind;

    @Option(names = "--vni", defaultValue = "0", description = "VNI; 0 lets the controller pick.")
    int vni;

    @Override
    public Integer call() {
      NetworkKind k =
          switch (kind) {
            case "vnet" -> NetworkKind.VNET;
            case "vlink" -> NetworkKind.VLINK;
            default ->
                throw new picocli.CommandLine.ParameterException(
                    ctl.spec.commandLine(), "--kind must be vnet or vlink, not " + kind);
          };
      var n =
          ctl.call(
              c ->
                  c.createNetwork(
                      CreateNetworkRequest.newBuilder()
                          .setName(name)
                          .setKind(k)
                          .setVni(vni)
                          .build()));
      ctl.spec.commandLine().getOut().println("network " + n.getName() + " vni " + n.getVni());
      return ExitCodes.OK;
    }
  }

  /** {@code l2sm ctl delete NAME}. */
  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a network.")
  static class DeleteCmd implements Callable<Integer> {
    @ParentCommand CtlCommand ctl;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--force", description = "Also drop its attachments.")
    boolean force;

    @Override
    public Integer call() {
      ctl.call(
          c -> {
            c.deleteNetwork(
                DeleteNetworkRequest.newBuilder().setName(name).setForce(force).build());
            return null;
          });
      return ExitCodes.OK;
    }
  }

  /** {@code l2sm ctl admin port|link|network NAME up|down}. */
  @Command(
      name = "admin",
      mixinStandardHelpOptions = true,
      description = "Shut or re-enable a port (attachment id), a link (nodeA~nodeB) or a network.")
  static class AdminCmd implements Callable<Integer> {
    @ParentCommand CtlCommand ctl;

    @Parameters(index = "0", paramLabel = "TARGET", description = "port, link or network.")
    String target;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Parameters(index = "2", paramLabel = "STATE", description = "up or down.")
    String state;

    @Override
    public Integer call() {
      AdminTarget t =
          switch (target) {
            case "port" -> AdminTarget.PORT;
            case "link" -> AdminTarget.LINK;
            case "network" -> AdminTarget.NETWORK;
            default ->
                throw new picocli.CommandLine.ParameterException(
                    ctl.spec.commandLine(), "TARGET must be port, link or network");
          };
      if (!state.equals("up") && !state.equals("down")) {
        throw new picocli.CommandLine.ParameterException(
            ctl.spec.commandLine(), "STATE must be up or down");
      }
      ctl.call(
          c -> {
            c.setAdminState(
                SetAdminStateRequest.newBuilder()
                    .setTarget(t)
                    .setName(name)
                    .setEnabled(state.equals("up"))
                    .build());
            return null;
          });
      return ExitCodes.OK;
    }
  }

  /** {@code l2sm ctl path NETWORK NODE...}. */
  @Command(
      name = "path",
      mixinStandardHelpOptions = true,
      description = "Set a vlink's explicit path (no nodes: automatic).")
  static class PathCmd implements Callable<Integer> {
    @ParentCommand CtlCommand ctl;

    @Parameters(index = "0", paramLabel = "NETWORK")
    String network;

    @Parameters(index = "1..*", paramLabel = "NODE")
    List<String> nodes = List.of();

    @Override
    public Integer call() {
      ctl.call(
          c -> {
            c.setPath(SetPathRequest.newBuilder().setNetwork(network).addAllNodes(nodes).build());
            return null;
          });
      return ExitCodes.OK;
    }
  }
}
