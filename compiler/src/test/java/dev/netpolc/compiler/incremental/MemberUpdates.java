package dev.netpolc.compiler.incremental;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.List;

/**
 * Incremental {@link GraphUpdate}s made by hand, for graphs a {@link CompilerSession} cannot make
 * yet (tiered ones): only member changes, between two graphs with the same rules and sets. Lives
 * in the session's package because the update's constructor is package-private.
 */
public final class MemberUpdates {
  private MemberUpdates() {}

  /**
   * The incremental update from a graph to {@code after} by {@code changes} alone (no peer set
   * changes: the endpoints that come or go must be in no peer set).
   */
  public static GraphUpdate of(RuleGraph after, List<GraphUpdate.MemberChange> changes) {
    return new GraphUpdate(true, () -> after, List.of(), changes, SetRoles.of(after).keys(),
        after.groups().stream().map(EndpointGroup::id).collect(ImmutableList.toImmutableList()),
        after.nodeAddresses(), after.options(), after.node(), "");
  }
}
