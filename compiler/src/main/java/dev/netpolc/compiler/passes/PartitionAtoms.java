package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.RuleGraph;

/**
 * Partitions the address space into atoms (identities) such that every peer set, every
 * group's endpoint addresses and every node's addresses is a union of atoms, and attaches the
 * partition to the graph ({@link RuleGraph#atoms()}). Rules are unchanged. The partition is
 * computed when a backend first asks for it, so backends that do not use it do not pay for it.
 */
public final class PartitionAtoms implements Pass {
  /** Creates the pass; {@link Passes} holds the shared instance. */
  public PartitionAtoms() {}

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
    return graph.withAtoms();
  }
}
