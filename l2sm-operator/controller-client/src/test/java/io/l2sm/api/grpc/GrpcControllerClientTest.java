package io.l2sm.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.l2sm.api.grpc.ControllerClient.CallException;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import io.l2sm.api.grpc.v1.DeleteNetworkRequest;
import io.l2sm.api.grpc.v1.DeleteNetworkResponse;
import io.l2sm.api.grpc.v1.GetNetworkRequest;
import io.l2sm.api.grpc.v1.GetStatusRequest;
import io.l2sm.api.grpc.v1.Network;
import io.l2sm.api.grpc.v1.WatchEvent;
import io.l2sm.api.grpc.v1.WatchRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one client of the controller's API: answers, refusals, deadlines and who closes what. */
class GrpcControllerClientTest {
  /** A controller that knows network "a", refuses to delete it, and is slow to give its status. */
  static final class Fake extends ControllerGrpc.ControllerImplBase {
    final List<String> deleted = new ArrayList<>();

    @Override
    public void getNetwork(GetNetworkRequest r, StreamObserver<Network> out) {
      if (r.getName().equals("a")) {
        out.onNext(Network.newBuilder().setName("a").setVni(100).build());
        out.onCompleted();
      } else {
        out.onError(Status.NOT_FOUND.withDescription("no network " + r.getName()).asException());
      }
    }

    @Override
    public void deleteNetwork(DeleteNetworkRequest r, StreamObserver<DeleteNetworkResponse> out) {
      if (r.getName().equals("a")) {
        out.onError(
            Status.FAILED_PRECONDITION
                .withDescription("network a has 2 attachments")
                .asException());
        return;
      }
      deleted.add(r.getName());
      out.onError(Status.NOT_FOUND.withDescription("no network " + r.getName()).asException());
    }

    @Override
    public void getStatus(GetStatusRequest r, StreamObserver<io.l2sm.api.grpc.v1.Status> out) {
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.onNext(io.l2sm.api.grpc.v1.Status.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void setRateLimit(
        io.l2sm.api.grpc.v1.SetRateLimitRequest r,
        StreamObserver<io.l2sm.api.grpc.v1.SetRateLimitResponse> out) {
      out.onError(
          Status.UNAVAILABLE.withDescription("the switch of n1 is not connected").asException());
    }

    @Override
    public void watch(WatchRequest r, StreamObserver<WatchEvent> out) {
      out.onNext(WatchEvent.newBuilder().setKind("snapshot").build());
      // then nothing: the stream ends at the caller's deadline
    }
  }

  Fake fake;
  Server server;
  GrpcControllerClient client;

  @BeforeEach
  void start() throws Exception {
    fake = new Fake();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(fake)
            .build()
            .start();
    client = GrpcControllerClient.open("127.0.0.1:" + server.getPort(), null);
  }

  @AfterEach
  void stop() {
    client.close();
    server.shutdownNow();
  }

  @Test
  void anAnswerIsReturnedAndAMissingNetworkIsEmpty() {
    assertThat(client.network("a")).map(Network::getVni).contains(100);
    assertThat(client.network("zz")).isEmpty();
  }

  @Test
  void aRefusalCarriesTheControllersCodeAndWords() {
    assertThatThrownBy(
            () -> client.deleteNetwork(DeleteNetworkRequest.newBuilder().setName("a").build()))
        .isInstanceOfSatisfying(
            CallException.class,
            e -> {
              assertThat(e.code()).isEqualTo("FAILED_PRECONDITION");
              assertThat(e.description()).isEqualTo("network a has 2 attachments");
              assertThat(e.getMessage())
                  .isEqualTo("FAILED_PRECONDITION: network a has 2 attachments");
              assertThat(e.notFound()).isFalse();
              assertThat(e.unanswered()).isFalse();
              assertThat(e.maybeApplied()).isFalse();
            });
    // The controller's own UNAVAILABLE is an answer: it was reached.
    assertThatThrownBy(
            () ->
                client.setRateLimit(
                    io.l2sm.api.grpc.v1.SetRateLimitRequest.newBuilder()
                        .setAttachment("x")
                        .build()))
        .isInstanceOfSatisfying(
            CallException.class,
            e -> {
              assertThat(e.unanswered()).isTrue();
              assertThat(e.notConnected()).isFalse();
            });
    // Deleting what is not there is not an error for deleteNetworkIfExists, and was asked.
    client.deleteNetworkIfExists("gone");
    assertThat(fake.deleted).containsExactly("gone");
    assertThatThrownBy(() -> client.deleteNetworkIfExists("a"))
        .isInstanceOf(CallException.class)
        .hasMessageContaining("2 attachments");
  }

  @Test
  void aCallBeyondItsDeadlineFailsAsUnansweredAndAPatientOneWaitsForIt() {
    assertThatThrownBy(() -> client.within(Duration.ofMillis(200)).status())
        .isInstanceOfSatisfying(
            CallException.class,
            e -> {
              assertThat(e.code()).isEqualTo("DEADLINE_EXCEEDED");
              assertThat(e.unanswered()).isTrue();
              assertThat(e.maybeApplied()).isTrue();
              assertThat(e.notConnected()).isFalse();
            });
    assertThat(client.within(Duration.ofSeconds(5)).status()).isNotNull();
  }

  @Test
  void anUnreachableControllerIsNotConnectedAndAPatientCallWaitsUntilItsDeadline() {
    GrpcControllerClient nowhere = GrpcControllerClient.open("127.0.0.1:1", null);
    try {
      assertThatThrownBy(() -> nowhere.within(Duration.ofSeconds(5)).network("a"))
          .isInstanceOfSatisfying(CallException.class, e -> assertThat(e.notConnected()).isTrue());
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> nowhere.patient(Duration.ofMillis(700)).network("a"))
          .isInstanceOfSatisfying(
              CallException.class, e -> assertThat(e.code()).isEqualTo("DEADLINE_EXCEEDED"));
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .isGreaterThanOrEqualTo(Duration.ofMillis(650));
      assertThat(nowhere.unreachable()).contains("127.0.0.1:1").contains("TRANSIENT_FAILURE");
    } finally {
      nowhere.close();
    }
  }

  @Test
  void aWatchGivesTheSnapshotThenEndsAtItsDeadline() {
    Iterator<WatchEvent> events = client.within(Duration.ofMillis(500)).watch();
    assertThat(events.next().getKind()).isEqualTo("snapshot");
    assertThatThrownBy(events::hasNext)
        .isInstanceOfSatisfying(
            CallException.class, e -> assertThat(e.code()).isEqualTo("DEADLINE_EXCEEDED"));
  }

  @Test
  void onlyTheClientThatOpenedTheConnectionClosesIt() {
    ControllerClient view = client.within(Duration.ofSeconds(2));
    view.close();
    assertThat(client.network("a")).isPresent();
    client.close();
    assertThatThrownBy(() -> view.network("a"))
        .isInstanceOfSatisfying(
            CallException.class, e -> assertThat(e.code()).isEqualTo("UNAVAILABLE"));
  }
}
