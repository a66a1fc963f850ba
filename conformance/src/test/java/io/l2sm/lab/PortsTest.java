package io.l2sm.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void portsComeFromBelowTheEphemeralRangeAreDistinctAndCanBeBound() throws Exception {
    int ephemeral = Ports.ephemeralLow();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = Ports.free();
      assertThat(port).isBetween(Ports.LOW, Math.min(30_000, ephemeral) - 1);
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
    }
    // Each can be listened on now (the positive control: binding works at all in this test).
    for (int port : seen.stream().limit(20).toList()) {
      try (ServerSocket s = new ServerSocket(port)) {
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
