package dev.netpolc.model.calico;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.calico.selector.CalicoSelector;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An entity rule's {@code serviceAccounts}: endpoints whose ServiceAccount is one of
 * {@code names} (when given) and whose ServiceAccount's labels match {@code selector} (when
 * given).
 *
 * @param names    {@code names}: ServiceAccount names (empty: any name)
 * @param selector {@code selector} over the ServiceAccount object's labels
 */
public record ServiceAccountMatch(List<String> names, Optional<CalicoSelector> selector) {
  public ServiceAccountMatch {
    names = ImmutableList.copyOf(names);
    Objects.requireNonNull(selector, "selector");
  }
}
