package io.l2sm.translator;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Descriptor files as anyone may write them: read, validated against the schema, or refused with
 * {@link InvalidInputException}, never a crash. Runs its seeds with the unit tests; {@code
 * scripts/fuzz.sh} fuzzes it.
 */
class DescriptorReaderFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void descriptorFile(byte[] content) {
    LocatedDocument document;
    try {
      document = LocatedYamlReader.read("fuzz.yaml", content);
    } catch (InvalidInputException expected) {
      return; // refused with its place and reason
    }
    DescriptorSchema.validate(document);
    for (Problem w : document.warnings()) {
      w.formatWarning();
    }
  }
}
