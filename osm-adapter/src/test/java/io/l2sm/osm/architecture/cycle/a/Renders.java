package io.l2sm.osm.architecture.cycle.a;

/** Half of a package cycle the rule must catch: a uses b. */
public final class Renders {
  public static String name() {
    return io.l2sm.osm.architecture.cycle.b.Deploys.class.getSimpleName();
  }
}
