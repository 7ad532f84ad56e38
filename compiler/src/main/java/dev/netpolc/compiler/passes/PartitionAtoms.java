package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Atoms;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * Partitions the address space into atoms (identities) such that every peer set, every
 * group's endpoint addresses and every node's addresses is a union of atoms, and attaches the
 * partition to the graph ({@link RuleGraph#atoms()}). Rules are unchanged.
 */
public final class PartitionAtoms implements Pass {
  @Override
  public String name() {
    return "atoms";
  }

  @Override
  public String description() {
    return "partition the address space into numbered atoms (identities) for map-keyed backends";
  }

  @Override
  public RuleGraph apply(RuleGraph graph) {
    List<AddressSet> sets = new ArrayList<>(graph.addressSets());
    for (EndpointGroup g : graph.groups()) {
      sets.add(g.addresses());
    }
    sets.addAll(graph.nodeAddresses().values());
    Atoms atoms = Atoms.partition(sets);
    return graph.atoms().equals(java.util.Optional.of(atoms)) ? graph : graph.withAtoms(atoms);
  }
}
