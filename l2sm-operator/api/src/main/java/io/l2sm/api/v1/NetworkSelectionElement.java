package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One element of the NPWG {@code k8s.v1.cni.cncf.io/networks} annotation's JSON form.
 *
 * @param name the network (NAD) name; never null
 * @param namespace the NAD's namespace; null for the pod's own
 * @param interfaceName the interface name inside the pod; null lets the runtime choose ({@code
 *     net1}, ...)
 * @param ips static addresses in CIDR form; empty for none
 * @param mac a static MAC address; null for a generated one
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"name", "namespace", "interface", "ips", "mac"})
public record NetworkSelectionElement(
    String name,
    String namespace,
    @JsonProperty("interface") String interfaceName,
    List<String> ips,
    String mac) {

  public NetworkSelectionElement {
    ips = ips == null ? List.of() : List.copyOf(ips);
  }

  /** An element naming a network and the interface to create for it. */
  public static NetworkSelectionElement of(String name, String namespace, String interfaceName) {
    return new NetworkSelectionElement(name, namespace, interfaceName, List.of(), null);
  }
}
