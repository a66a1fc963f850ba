package io.l2sm.translator.architecture;

/** Breaks the translator's rule on purpose: it names a custom resource's class. */
final class UsesACustomResource {
  private UsesACustomResource() {}

  static io.l2sm.api.v1.NetworkAttachmentDefinition held;
}
