package dev.netpolc.compiler.passes;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/** Every pass, by name, in the default order. */
public final class Passes {
  /** Share equal-content sets. */
  public static final Pass HASH_CONS = new HashConsSets();
  /** Minimal CIDR covers. */
  public static final Pass CIDR_COVER = new MinimiseAddressCovers();
  /** Merged port ranges. */
  public static final Pass PORT_MERGE = new MergePortRanges();
  /** Endpoint groups by identical treatment. */
  public static final Pass GROUP_ENDPOINTS = new GroupEndpoints();
  /** Rules differing in one set merged. */
  public static final Pass MERGE_RULES = new MergeRules();
  /** Shadowed rules removed. */
  public static final Pass REMOVE_SHADOWED = new RemoveShadowedRules();
  /** Address-space atoms. */
  public static final Pass ATOMS = new PartitionAtoms();

  /**
   * The default pipeline. Normalising first lets hash-consing and merging compare canonical
   * sets; grouping before merging merges each group's rules once; atoms last, over the final sets.
   */
  public static final ImmutableList<Pass> DEFAULT_ORDER = ImmutableList.of(CIDR_COVER, PORT_MERGE, HASH_CONS,
      GROUP_ENDPOINTS, MERGE_RULES, REMOVE_SHADOWED, ATOMS);

  private Passes() {}

  /** The pass named {@code name}. */
  public static Optional<Pass> byName(String name) {
    return DEFAULT_ORDER.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Every pass name in default order. */
  public static ImmutableList<String> names() {
    return DEFAULT_ORDER.stream().map(Pass::name).collect(ImmutableList.toImmutableList());
  }
}
