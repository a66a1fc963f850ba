package io.l2sm.controller.flow;

/** A class of the flow compiler's package that breaks its rule, for ControllerArchitectureTest. */
public final class ArchitectureFixtures {
  private ArchitectureFixtures() {}

  /** Reaches into the service layer. */
  public static final class UsesTheService {
    public Class<?> service() {
      return io.l2sm.controller.service.ControllerService.class;
    }
  }
}
