package io.l2sm.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The inter-domain provider (IDCO) that joins a network across clusters. Field names follow
 * upstream L2S-M's {@code ProviderSpec}.
 *
 * @param name the provider's name, as registered in each cluster (never null)
 * @param domain the provider's addresses; empty when the cluster knows it by name alone
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"name", "domain"})
public record ProviderSpec(String name, List<String> domain) {
  public ProviderSpec {
    domain = domain == null ? List.of() : List.copyOf(domain);
  }

  /** A provider known by name only. */
  public static ProviderSpec named(String name) {
    return new ProviderSpec(name, List.of());
  }
}
