package dev.netpolc.model.cilium;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code fromCIDRSet}/{@code toCIDRSet}: a prefix less its {@code except} prefixes,
 * which subtract from this entry only (SEMANTICS-CILIUM.md).
 *
 * @param path                   where it is: {@code spec.egress[0].toCIDRSet[1]}
 * @param cidr                   {@code cidr} as written ("" when absent)
 * @param except                 {@code except} as written
 * @param cidrGroupRefGiven      true when {@code cidrGroupRef} was written (refused: netpolc
 *                               reads no CiliumCIDRGroup objects)
 * @param cidrGroupSelectorGiven true when {@code cidrGroupSelector} was written (refused likewise)
 */
public record CiliumCidrSet(String path, String cidr, List<String> except, boolean cidrGroupRefGiven,
    boolean cidrGroupSelectorGiven) {

  public CiliumCidrSet {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(cidr, "cidr");
    except = ImmutableList.copyOf(except);
  }
}
