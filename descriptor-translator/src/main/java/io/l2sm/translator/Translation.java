package io.l2sm.translator;

import io.l2sm.translator.plan.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

/**
 * A whole translation run: load and validate the descriptors, translate, render.
 *
 * @param plan the translated plan
 * @param files the rendered files by relative path
 * @param warnings what was accepted with a compromise, each placed in its file (the plan's warnings
 *     are their messages)
 */
public record Translation(Plan plan, SortedMap<String, String> files, List<Problem> warnings) {

  /**
   * Loads the NSD at {@code nsd} with its VNFDs and translates it.
   *
   * @param vnfds VNFDs named explicitly; empty to find them next to the NSD
   * @throws InvalidInputException with every problem found in the input
   */
  public static Translation run(Path nsd, List<Path> vnfds, TranslationOptions options)
      throws InvalidInputException {
    DescriptorSet input = DescriptorResolver.resolve(nsd, vnfds);
    Translator.Outcome outcome = Translator.run(input, options);
    Plan plan = outcome.plan();
    return new Translation(plan, Renderer.render(plan, options.clusterMap()), outcome.warnings());
  }
}
