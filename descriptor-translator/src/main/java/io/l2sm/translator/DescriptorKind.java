package io.l2sm.translator;

/** What a descriptor document describes, told by its top-level key. */
public enum DescriptorKind {
  /** A network service: top-level {@code nsd} with a list {@code nsd.nsd[]}. */
  NSD("nsd", "NS descriptor"),
  /** A VNF (here usually a KNF): top-level {@code vnfd}. */
  VNFD("vnfd", "VNF descriptor");

  private final String key;
  private final String title;

  DescriptorKind(String key, String title) {
    this.key = key;
    this.title = title;
  }

  /** The document's top-level key. */
  public String key() {
    return key;
  }

  /** A human name for messages. */
  public String title() {
    return title;
  }
}
