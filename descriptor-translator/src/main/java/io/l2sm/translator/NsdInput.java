package io.l2sm.translator;

import io.l2sm.translator.model.Nsd;

/** The network service to translate: its typed model and the document it came from. */
public record NsdInput(LocatedDocument document, Nsd nsd) {
  /** JSON path of the NSD inside its document. */
  public static final String BASE = "$.nsd.nsd[0]";
}
