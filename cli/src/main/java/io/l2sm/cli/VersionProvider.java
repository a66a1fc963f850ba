package io.l2sm.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest ("dev" when run from classes). */
public class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"l2sm " + (version == null ? "dev" : version)};
  }
}
