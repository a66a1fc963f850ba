package io.l2sm.api.k8s;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Reading a status's conditions. */
public final class Conditions {
  private Conditions() {}

  /** The condition of this type, or null (also when there are no conditions). */
  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
