package io.l2sm.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Shared bits of the long-running commands. */
final class Daemons {
  private Daemons() {}

  /** Long-running processes log at info, with times, unless the user set a level. */
  static void infoLogging() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
  }

  /** Parses {@code HOST:PORT} or {@code :PORT} (all addresses). */
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
