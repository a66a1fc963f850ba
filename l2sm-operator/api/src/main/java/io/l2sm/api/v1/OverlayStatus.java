package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator reports about an {@link Overlay}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OverlayStatus {
  private Long observedGeneration;
  private Integer nodeCount;
  private Integer linkCount;
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getNodeCount() {
    return nodeCount;
  }

  public void setNodeCount(Integer nodeCount) {
    this.nodeCount = nodeCount;
  }

  public Integer getLinkCount() {
    return linkCount;
  }

  public void setLinkCount(Integer linkCount) {
    this.linkCount = linkCount;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }
}
