package io.l2sm.translator;

import io.l2sm.translator.model.Vnfd;

/** A VNF descriptor the NS uses: its typed model and the document it came from. */
public record VnfdInput(LocatedDocument document, Vnfd vnfd) {
  /** JSON path of the VNFD inside its document. */
  public static final String BASE = "$.vnfd";

  /** True when the VNFD deploys Kubernetes workloads (it has KDUs). */
  public boolean isKnf() {
    return !vnfd.getKdu().isEmpty();
  }
}
