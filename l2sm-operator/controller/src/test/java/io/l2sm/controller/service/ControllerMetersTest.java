package io.l2sm.controller.service;

import static io.l2sm.controller.service.ControllerServiceTest.done;
import static org.assertj.core.api.Assertions.assertThat;

import io.l2sm.controller.model.Kind;
import io.l2sm.controller.openflow.FakeSwitch;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ControllerMeters} read what the controller holds and time the rounds it pushes. */
class ControllerMetersTest {
  @TempDir Path dir;

  @Test
  void metersFollowTheStateAndEveryRoundIsTimed() {
    ControllerService core =
        new ControllerService(new FileStateStore(dir), 100, 103, Duration.ofMillis(500));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new ControllerMeters(core).bindTo(registry);
    Timer rounds = registry.get("l2sm.flow.push").timer();
    assertThat(rounds.count()).isZero();

    FakeSwitch s1 = new FakeSwitch(0x11);
    done(core.registerSwitch("n1", 0x11, Map.of()));
    core.connected(s1.connect());
    done(core.createNetwork("a", Kind.VNET, 0));
    done(core.attach("a1", "a", "n1", 1, "02:00:00:00:00:01"));

    assertThat(registry.get("l2sm.networks").gauge().value()).isEqualTo(1);
    assertThat(registry.get("l2sm.attachments").gauge().value()).isEqualTo(1);
    assertThat(registry.get("l2sm.switches").gauge().value()).isEqualTo(1);
    assertThat(registry.get("l2sm.switches.connected").gauge().value()).isEqualTo(1);
    double flows = registry.get("l2sm.flows").tag("node", "n1").gauge().value();
    assertThat(flows).isPositive().isEqualTo(s1.flows().size());
    assertThat(registry.get("l2sm.flow.mods").functionCounter().count())
        .isPositive()
        .isEqualTo(core.flowMods());
    // The switch's reconcile on connecting, and the attachment's round at least.
    assertThat(rounds.count()).isGreaterThanOrEqualTo(2);
    assertThat(rounds.totalTime(TimeUnit.NANOSECONDS)).isPositive();

    done(core.detach("a1"));
    done(core.unregisterSwitch("n1"));
    assertThat(registry.find("l2sm.flows").tag("node", "n1").gauge()).isNull();
    assertThat(registry.get("l2sm.switches").gauge().value()).isZero();
  }
}
