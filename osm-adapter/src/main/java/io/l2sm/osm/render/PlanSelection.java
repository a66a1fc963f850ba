package io.l2sm.osm.render;

import io.l2sm.translator.Renderer;
import io.l2sm.translator.plan.Plan;
import io.l2sm.translator.plan.PlannedAttachment;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which attachments of a translator plan a KDU's release gets. */
public final class PlanSelection {
  private PlanSelection() {}

  /**
   * The networks annotation for one KDU of a plan.
   *
   * @param kdu {@code KDU} (when one VNF profile has it) or {@code PROFILE/KDU}
   * @throws IllegalArgumentException naming the KDUs the plan has, when it has no such one or more
   *     than one
   */
  public static String annotation(Plan plan, String kdu) {
    String profile = null;
    String name = kdu;
    int slash = kdu.indexOf('/');
    if (slash >= 0) {
      profile = kdu.substring(0, slash);
      name = kdu.substring(slash + 1);
    }
    Set<String> all = new LinkedHashSet<>();
    Set<String> matching = new LinkedHashSet<>();
    for (PlannedAttachment a : plan.attachments()) {
      String id = a.vnfProfile() + "/" + a.kdu();
      all.add(id);
      if (a.kdu().equals(name) && (profile == null || a.vnfProfile().equals(profile))) {
        matching.add(a.vnfProfile());
      }
    }
    if (matching.isEmpty()) {
      throw new IllegalArgumentException(
          "the plan has no KDU '"
              + kdu
              + "' with networks; its KDUs: "
              + (all.isEmpty() ? "none" : String.join(", ", all)));
    }
    if (matching.size() > 1) {
      throw new IllegalArgumentException(
          "KDU '"
              + kdu
              + "' is in several VNF profiles ("
              + String.join(", ", matching)
              + "): give PROFILE/KDU");
    }
    List<PlannedAttachment> mine = plan.attachmentsOf(matching.iterator().next(), name);
    return Renderer.networksAnnotation(mine);
  }
}
