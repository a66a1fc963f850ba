package io.l2sm.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Shared bits of the long-running commands. */
final class Daemons {
  private Daemons() {}

  /** Parses {@code HOST:PORT} or {@code :PORT} (all addresses). */
  /** A {@code --vni-range MIN-MAX} within 1-16777215, as {min, max}. */
  static int[] vniRange(CommandSpec spec, String text) {
    String[] range = text.split("-", 2);
    try {
      int min = Integer.parseInt(range[0]);
      int max = Integer.parseInt(range[1]);
      if (min < 1 || max > 16777215 || min > max) {
        throw new NumberFormatException();
      }
      return new int[] {min, max};
    } catch (RuntimeException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--vni-range '" + text + "' is not MIN-MAX within 1-16777215");
    }
  }

  static InetSocketAddress address(CommandSpec spec, String option, String text) {
    int i = text.lastIndexOf(':');
    try {
      int port = Integer.parseInt(text.substring(i + 1));
      if (i < 0 || port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      String host = text.substring(0, i);
      return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      throw new ParameterException(
          spec.commandLine(), option + " '" + text + "' is not HOST:PORT or :PORT");
    }
  }
}
