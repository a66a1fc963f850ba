package io.l2sm.controller.model;

/** Classes that break the controller's dependency rules, for ControllerArchitectureTest. */
public final class ArchitectureFixtures {
  private ArchitectureFixtures() {}

  /** Uses the Kubernetes model. */
  public static final class KnowsKubernetes {
    public String name(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
      return meta.getName();
    }
  }

  /** Uses a gRPC type in the model. */
  public static final class SpeaksGrpc {
    public io.grpc.Status.Code code() {
      return io.grpc.Status.Code.OK;
    }
  }
}
