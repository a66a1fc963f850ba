package io.l2sm.controller.service;

/** A class of the service package that breaks its rule, for ControllerArchitectureTest. */
public final class ArchitectureFixtures {
  private ArchitectureFixtures() {}

  /** Builds an OpenFlow message itself instead of handing the OpenFlow layer a change. */
  public static final class SpeaksOpenFlow {
    public Object barrier() {
      return org.projectfloodlight.openflow.protocol.OFFactories.getFactory(
              org.projectfloodlight.openflow.protocol.OFVersion.OF_13)
          .buildBarrierRequest()
          .build();
    }
  }
}
