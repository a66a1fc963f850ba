package io.l2sm.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.l2sm.api.grpc.v1.AttachRequest;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.CreateNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.api.grpc.v1.DetachRequest;
import io.l2sm.api.grpc.v1.GetNetworkRequest;
import io.l2sm.api.grpc.v1.GetStatusRequest;
import io.l2sm.api.grpc.v1.ListNetworksRequest;
import io.l2sm.api.grpc.v1.RegisterSwitchRequest;
import io.l2sm.api.grpc.v1.SetAdminStateRequest;
import io.l2sm.api.grpc.v1.SetEdgesRequest;
import io.l2sm.api.grpc.v1.SetMirrorRequest;
import io.l2sm.api.grpc.v1.SetPathRequest;
import io.l2sm.api.grpc.v1.SetRateLimitRequest;
import io.l2sm.api.grpc.v1.UnregisterSwitchRequest;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.service.ControllerService;
import io.l2sm.controller.service.FileStateStore;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The controller's gRPC messages as any client may send them: each call of a sequence, its request
 * decoded from fuzzed protobuf bytes, is answered or refused with a status that names the caller's
 * mistake (never UNKNOWN or INTERNAL: a 500), and the desired state stays whole (every attachment
 * on a network that exists, each network's VNI its own). Runs its seeds with the unit tests; {@code
 * scripts/fuzz.sh} fuzzes it.
 */
class GrpcMessagesFuzzTest {
  private static ControllerService core;
  private static ControllerGrpc.ControllerBlockingStub stub;

  private static synchronized ControllerGrpc.ControllerBlockingStub stub() throws Exception {
    if (stub == null) {
      core =
          new ControllerService(
              new FileStateStore(Files.createTempDirectory("l2sm-fuzz-grpc")),
              100,
              163,
              Duration.ofMillis(5));
      String name = InProcessServerBuilder.generateName();
      InProcessServerBuilder.forName(name)
          .directExecutor()
          .addService(new GrpcApi(core))
          .build()
          .start();
      ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
      stub = ControllerGrpc.newBlockingStub(ch);
    }
    return stub;
  }

  /** A method of the service: how to decode its request and call it. */
  private record Call(
      String name, Function<byte[], Message> parse, Function<Message, Object> send) {}

  private static <M extends Message> Call call(
      String name, Parser<M> parser, Function<M, Object> send) {
    return new Call(
        name,
        b -> {
          try {
            return parser.parse(b);
          } catch (InvalidProtocolBufferException e) {
            return null;
          }
        },
        m -> {
          @SuppressWarnings("unchecked")
          M typed = (M) m;
          return send.apply(typed);
        });
  }

  private interface Parser<M> {
    M parse(byte[] b) throws InvalidProtocolBufferException;
  }

  private static final Set<Status.Code> FAULTS = Set.of(Status.Code.UNKNOWN, Status.Code.INTERNAL);

  @FuzzTest(maxDuration = "20s")
  void calls(FuzzedDataProvider data) throws Exception {
    var s = stub().withDeadlineAfter(10, TimeUnit.SECONDS);
    Call[] calls = {
      call("CreateNetwork", CreateNetworkRequest::parseFrom, s::createNetwork),
      call("DeleteNetwork", DeleteNetworkRequest::parseFrom, s::deleteNetwork),
      call("GetNetwork", GetNetworkRequest::parseFrom, s::getNetwork),
      call("ListNetworks", ListNetworksRequest::parseFrom, s::listNetworks),
      call("Attach", AttachRequest::parseFrom, s::attach),
      call("Detach", DetachRequest::parseFrom, s::detach),
      call("RegisterSwitch", RegisterSwitchRequest::parseFrom, s::registerSwitch),
      call("UnregisterSwitch", UnregisterSwitchRequest::parseFrom, s::unregisterSwitch),
      call("SetAdminState", SetAdminStateRequest::parseFrom, s::setAdminState),
      call("SetMirror", SetMirrorRequest::parseFrom, s::setMirror),
      call("SetRateLimit", SetRateLimitRequest::parseFrom, s::setRateLimit),
      call("SetPath", SetPathRequest::parseFrom, s::setPath),
      call("SetEdges", SetEdgesRequest::parseFrom, s::setEdges),
      call("GetStatus", GetStatusRequest::parseFrom, s::getStatus),
    };
    int steps = data.consumeInt(1, 8);
    for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
      Call c = data.pickValue(calls);
      Message m = c.parse().apply(data.consumeBytes(data.consumeInt(0, 200)));
      if (m == null) {
        continue; // not a message of this type: gRPC refuses it before the controller sees it
      }
      try {
        c.send().apply(m);
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode())
            .as(c.name() + " " + m + ": " + e.getStatus().getDescription())
            .isNotIn(FAULTS);
        assertThat(e.getStatus().getDescription()).as(c.name() + " " + m).isNotBlank();
      }
      whole(core.state());
    }
  }

  static void whole(DesiredState st) {
    st.attachments()
        .values()
        .forEach(
            a -> assertThat(st.networks()).as("attachment " + a.id()).containsKey(a.network()));
    st.networks()
        .values()
        .forEach(n -> assertThat(n.vni()).as("network " + n.name()).isBetween(1, 16_777_215));
    assertThat(st.networks().values().stream().map(n -> n.vni()).distinct().count())
        .as("VNIs are unique")
        .isEqualTo(st.networks().size());
  }
}
