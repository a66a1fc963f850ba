package io.l2sm.translator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** plan.json as the post-renderer reads it: this version's, and one written before kdus[]. */
class PlanJsonTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aPlanWrittenBeforeKdusReadsWithNoneAndKeepsItsAttachments() throws Exception {
    String text = Files.readString(Path.of("../nsd-examples/ping-pong/expected/plan.json"));
    Plan now = JSON.readValue(text, Plan.class);
    // Positive control: this version's plan has its KDUs.
    assertThat(now.kdus()).extracting(PlannedKdu::kdu).containsExactly("ping", "pong");
    ObjectNode older = (ObjectNode) JSON.readTree(text);
    older.remove("kdus");
    Plan old = JSON.treeToValue(older, Plan.class);
    assertThat(old.kdus()).isEmpty();
    assertThat(old.attachments()).isEqualTo(now.attachments());
    assertThat(old.networks()).isEqualTo(now.networks());
  }
}
