package dev.netpolc.compiler.incremental;

import com.google.common.base.Suppliers;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cidr;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What one {@link CompilerSession#apply} changed, for a backend's
 * {@code Backend.update(previous, update, options)}.
 *
 * <p>An <em>incremental</em> update ({@link #incremental()} true) changed no rule and no group:
 * only the contents of peer sets ({@link #setChanges()}, as exact changes of each set's minimal
 * CIDR cover, named by {@link SetRoles} key) and the members of existing groups
 * ({@link #memberChanges()}). A backend renders it as set-element or map-entry changes without
 * looking at the whole graph; {@link #next()} is built only when asked for. Otherwise the
 * session recompiled and a backend diffs {@link #next()} against what is installed.
 *
 * <pre>{@code
 * GraphUpdate u = session.apply(List.of(new ClusterChange.PodUpserted(pod)));
 * Delta d = nftables.update(installed, u, BackendOptions.DEFAULTS);
 * installed = nftables.applied(installed, u, d, BackendOptions.DEFAULTS); // what the kernel now holds
 * }</pre>
 */
public final class GraphUpdate {

  /**
   * The change of one peer set: the CIDRs that leave its minimal cover and those that join
   * (disjoint lists; apply the removals first).
   *
   * @param role    the set's {@link SetRoles} key
   * @param removed CIDRs leaving the cover, sorted
   * @param added   CIDRs joining the cover, sorted
   */
  public record SetChange(String role, List<Cidr> removed, List<Cidr> added) {
    public SetChange {
      Objects.requireNonNull(role, "role");
      removed = ImmutableList.sortedCopyOf(removed);
      added = ImmutableList.sortedCopyOf(added);
    }
  }

  /**
   * An endpoint that joins or leaves an existing group.
   *
   * @param groupId        the group
   * @param endpoint       the endpoint, with the addresses it owns
   * @param joined         true when it joins, false when it leaves
   * @param ingressPoliced the group has an ingress chain (isolated or with ingress rules)
   * @param egressPoliced  likewise for egress
   */
  public record MemberChange(String groupId, Endpoint endpoint, boolean joined, boolean ingressPoliced,
      boolean egressPoliced) {
    public MemberChange {
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(endpoint, "endpoint");
    }
  }

  private final boolean incremental;
  private final Supplier<RuleGraph> next;
  private final ImmutableList<SetChange> setChanges;
  private final ImmutableList<MemberChange> memberChanges;
  private final ImmutableSortedSet<String> roleKeys;
  private final ImmutableList<String> groupIds;
  private final ImmutableSortedMap<String, AddressSet> nodeAddresses;
  private final SemanticsOptions semantics;
  private final Optional<String> node;
  private final String fallbackReason;

  GraphUpdate(boolean incremental, Supplier<RuleGraph> next, List<SetChange> setChanges,
      List<MemberChange> memberChanges, ImmutableSortedSet<String> roleKeys, ImmutableList<String> groupIds,
      ImmutableSortedMap<String, AddressSet> nodeAddresses, SemanticsOptions semantics, Optional<String> node,
      String fallbackReason) {
    this.incremental = incremental;
    this.next = Suppliers.memoize(next::get);
    this.setChanges = ImmutableList.copyOf(setChanges);
    this.memberChanges = ImmutableList.copyOf(memberChanges);
    this.roleKeys = roleKeys;
    this.groupIds = groupIds;
    this.nodeAddresses = nodeAddresses;
    this.semantics = semantics;
    this.node = node;
    this.fallbackReason = fallbackReason;
  }

  /** True when only set contents and group members changed (see the class comment). */
  public boolean incremental() {
    return incremental;
  }

  /** Why the session recompiled; empty for an incremental update. */
  public String fallbackReason() {
    return fallbackReason;
  }

  /** The graph after the update (built on first call for an incremental update). */
  public RuleGraph next() {
    return next.get();
  }

  /** The peer-set changes, in role order; empty unless incremental. */
  public ImmutableList<SetChange> setChanges() {
    return setChanges;
  }

  /** The member changes (leaves before joins); empty unless incremental. */
  public ImmutableList<MemberChange> memberChanges() {
    return memberChanges;
  }

  /**
   * Every peer-set key of the graph ({@link SetRoles#keys()}). The same instance across
   * incremental updates, so a backend may cache names derived from it.
   */
  public ImmutableSortedSet<String> roleKeys() {
    return roleKeys;
  }

  /** Every group id of the graph, sorted; the same instance across incremental updates. */
  public ImmutableList<String> groupIds() {
    return groupIds;
  }

  /** Every node's addresses (unchanged by an incremental update). */
  public ImmutableSortedMap<String, AddressSet> nodeAddresses() {
    return nodeAddresses;
  }

  /** The semantics the graph was compiled with. */
  public SemanticsOptions semantics() {
    return semantics;
  }

  /** The node the graph is for; empty for a cluster-wide graph. */
  public Optional<String> node() {
    return node;
  }
}
