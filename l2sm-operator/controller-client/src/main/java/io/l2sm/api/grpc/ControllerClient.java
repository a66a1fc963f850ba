package io.l2sm.api.grpc;

import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.Attachment;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.api.grpc.v1.Network;
import io.l2sm.api.grpc.v1.RegisterSwitchRequest;
import io.l2sm.api.grpc.v1.SetAdminStateRequest;
import io.l2sm.api.grpc.v1.SetMirrorRequest;
import io.l2sm.api.grpc.v1.SetPathRequest;
import io.l2sm.api.grpc.v1.SetRateLimitRequest;
import io.l2sm.api.grpc.v1.Status;
import io.l2sm.api.grpc.v1.Switch;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The controller's northbound API as every part calls it (operator, agent, adapter, lab, command
 * line): one method per call of {@code src/main/proto}, each bounded by a deadline, each failure a
 * {@link CallException} naming the status the controller (or the transport) gave. {@link
 * GrpcControllerClient} is the implementation; nothing else builds gRPC stubs of the controller.
 *
 * <p>A client either fails fast when the controller cannot be reached ({@link #within}) or waits
 * for it up to its deadline ({@link #patient}); both return a view sharing the same connection.
 */
public interface ControllerClient extends AutoCloseable {

  /** A refusal of the controller, or a call it never answered. */
  final class CallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final String detail;
    private final boolean local;

    /**
     * @param detail the status's description, null when it has none
     * @param local whether the failure arose on this side (the transport: no connection, a
     *     connection lost) rather than in an answer of the controller
     */
    public CallException(String code, String detail, boolean local, Throwable cause) {
      super(detail == null || detail.isBlank() ? code : code + ": " + detail, cause);
      this.code = code;
      this.detail = detail == null || detail.isBlank() ? null : detail;
      this.local = local;
    }

    /** The gRPC status code's name, e.g. {@code NOT_FOUND}. */
    public String code() {
      return code;
    }

    /** The controller's own words (its status's description), or the code when it gave none. */
    public String description() {
      return detail == null ? code : detail;
    }

    /**
     * The controller was not reached: no connection could be made or kept (unlike its own {@code
     * UNAVAILABLE}, a switch it must program not being connected).
     */
    public boolean notConnected() {
      return code.equals("UNAVAILABLE") && local;
    }

    /** The network, attachment or switch named does not exist. */
    public boolean notFound() {
      return code.equals("NOT_FOUND");
    }

    /** No answer came in time: the controller is unreachable, down, or slower than the deadline. */
    public boolean unanswered() {
      return code.equals("UNAVAILABLE") || code.equals("DEADLINE_EXCEEDED");
    }

    /**
     * Whether the call may have been applied although it failed: its answer was lost (deadline,
     * connection cut, the controller killed while working on it), unlike a refusal.
     */
    public boolean maybeApplied() {
      return switch (code) {
        case "DEADLINE_EXCEEDED", "UNAVAILABLE", "CANCELLED", "UNKNOWN", "INTERNAL" -> true;
        default -> false;
      };
    }
  }

  /** This client failing any call that has no answer within {@code deadline}, reachable or not. */
  ControllerClient within(Duration deadline);

  /** This client waiting up to {@code deadline} for an unreachable controller to come back. */
  ControllerClient patient(Duration deadline);

  /** Why the controller cannot be reached now (its connection failed); null when it can. */
  String unreachable();

  /** Creates a network, or returns it unchanged when one of that name and kind exists. */
  Network createNetwork(CreateNetworkRequest request);

  /** Deletes a network ({@code NOT_FOUND} when there is none). */
  void deleteNetwork(DeleteNetworkRequest request);

  /** Deletes a network if it has no attachments left; does nothing if it does not exist. */
  default void deleteNetworkIfExists(String name) {
    try {
      deleteNetwork(DeleteNetworkRequest.newBuilder().setName(name).build());
    } catch (CallException e) {
      if (!e.notFound()) {
        throw e;
      }
    }
  }

  /** The network of that name, empty when there is none. */
  Optional<Network> network(String name);

  /** Every network with its attachments. */
  List<Network> networks();

  /** Attaches a port; returns once every switch of the network confirmed its flows. */
  Attachment attach(AttachRequest request);

  /** Detaches an attachment ({@code NOT_FOUND} when there is none). */
  void detach(String id);

  /** Registers (or registers again) a node's switch and its tunnel ports. */
  Switch registerSwitch(RegisterSwitchRequest request);

  /** Forgets a node's switch ({@code NOT_FOUND} when it is unknown). */
  void unregisterSwitch(String node);

  void setAdminState(SetAdminStateRequest request);

  void setMirror(SetMirrorRequest request);

  void setRateLimit(SetRateLimitRequest request);

  void setPath(SetPathRequest request);

  /** Replaces where the network continues in other domains; empty clears it. */
  Network setEdges(String network, List<String> edges);

  /** Switches, their tunnels and connection, and every network with its attachments. */
  Status status();

  /**
   * The controller's changes as they happen, starting with a snapshot of its status; the stream
   * ends at this client's deadline (a {@link CallException} {@code DEADLINE_EXCEEDED} from the
   * iterator) or when the controller goes.
   */
  java.util.Iterator<io.l2sm.api.grpc.v1.WatchEvent> watch();

  /** Closes the connection if this client opened it; views and borrowed channels are left open. */
  @Override
  void close();
}
