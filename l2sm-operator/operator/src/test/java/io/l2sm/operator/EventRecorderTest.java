package io.l2sm.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventRecorderTest {
  /** kube-apiserver's MicroTime layout: 2006-01-02T15:04:05.000000Z07:00. */
  static final String API_LAYOUT = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

  @Test
  void eventTimesHaveTheSixFractionalDigitsTheApiServerParses() {
    // What Instant.toString gives (nanoseconds, or no fraction at all) is refused by a real API.
    Instant nanos = Instant.parse("2026-12-07T07:46:08.250827062Z");
    assertThat(nanos.toString()).doesNotMatch(API_LAYOUT);
    assertThat(EventRecorder.microTime(nanos).getTime())
        .matches(API_LAYOUT)
        .isEqualTo("2026-12-07T07:46:08.250827Z");
    assertThat(EventRecorder.microTime(Instant.parse("2026-12-07T07:46:08Z")).getTime())
        .isEqualTo("2026-12-07T07:46:08.000000Z");
  }
}
