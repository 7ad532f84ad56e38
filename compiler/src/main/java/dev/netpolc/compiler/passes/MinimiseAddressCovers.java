package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.function.Function;

/** Replaces every peer set's CIDR list by the minimal CIDR cover of its addresses. */
public final class MinimiseAddressCovers implements Pass {
  /** Creates the pass; {@link Passes} holds the shared instance. */
  public MinimiseAddressCovers() {}

  @Override
  public String name() {
    return "cidr-cover";
  }

  @Override
  public String description() {
    return "represent every address set by its minimal CIDR cover";
  }

  @Override
  public RuleGraph apply(RuleGraph graph) {
    if (graph.addressSets().stream().allMatch(AddressSet::isMinimal)) {
      return graph;
    }
    return graph.mapSets(AddressSet::canonical, Function.identity());
  }
}
