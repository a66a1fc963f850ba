package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What is known of an edge device: whether it is up at its provider, and its live neighbours. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkEdgeDeviceStatus {
  private String availability;
  private List<String> connectedNeighbors = new ArrayList<>();
  private String openflowId;
  private List<Condition> conditions = new ArrayList<>();

  public String getAvailability() {
    return availability;
  }

  public void setAvailability(String availability) {
    this.availability = availability;
  }

  public List<String> getConnectedNeighbors() {
    return connectedNeighbors;
  }

  public void setConnectedNeighbors(List<String> connectedNeighbors) {
    this.connectedNeighbors = connectedNeighbors == null ? new ArrayList<>() : connectedNeighbors;
  }

  public String getOpenflowId() {
    return openflowId;
  }

  public void setOpenflowId(String openflowId) {
    this.openflowId = openflowId;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }
}
