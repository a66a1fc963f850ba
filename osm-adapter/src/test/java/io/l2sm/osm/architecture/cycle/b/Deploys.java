package io.l2sm.osm.architecture.cycle.b;

/** The other half: b uses a. */
public final class Deploys {
  public static String name() {
    return io.l2sm.osm.architecture.cycle.a.Renders.name();
  }
}
