package dev.netpolc.compiler.convert;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.V1alpha1Lowering;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cluster-scoped policies of both versions as v1alpha2 ClusterNetworkPolicies, exact by
 * construction: each v1alpha1 object becomes the ClusterNetworkPolicy it lowers to
 * ({@link V1alpha1Lowering}, SEMANTICS-TIERS.md), and priorities are chosen so that the order
 * within each tier is the source's.
 *
 * <p>The source order within a tier is {@link ClusterNetworkPolicy#ORDER}: priority, then
 * ClusterNetworkPolicy before AdminNetworkPolicy, then name, with the BaselineAdminNetworkPolicy
 * last. Written as ClusterNetworkPolicies only priority and name are left, so each policy keeps its
 * priority unless that would tie it with a policy it did not tie with before (or whose name no
 * longer sorts the same way): then it moves up just past the policy before it. The
 * BaselineAdminNetworkPolicy asks for 1000. When that overflows 1000, the tier is numbered densely
 * from 0; a tier that needs more than 1001 priorities is refused.
 *
 * <p>v1alpha1 allows port entries v1alpha2 cannot write and that match nothing (a protocol other
 * than TCP, UDP or SCTP; a range with start after end): they are left out, a range of one port
 * becomes a number, and a rule left with no protocol entry, which matched nothing, is left out.
 */
final class TieredConversion {
  static final int MAX_PRIORITY = 1000;

  /** The converted policies and the refusals. */
  record Result(List<ConvertedObject> objects, List<Refusal> refusals) {}

  /** One source policy on its way: lowered, with its output name. */
  private record Entry(ClusterNetworkPolicy lowered, Provenance from, SourcePosition position, String name,
      List<String> notes) {
    boolean banp() {
      return lowered.kind() == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY;
    }

    int wantedPriority() {
      return banp() ? MAX_PRIORITY : lowered.priority();
    }
  }

  private TieredConversion() {}

  static Result toClusterPolicies(Cluster c) {
    ObjectNames names = new ObjectNames();
    List<Entry> entries = new ArrayList<>();
    // v1alpha2 names stay as written (the gate has checked them); v1alpha1 names give way on a clash.
    for (ClusterNetworkPolicy p : c.clusterNetworkPolicies()) {
      names.reserve(p.name());
    }
    for (ClusterNetworkPolicy p : c.clusterNetworkPolicies()) {
      entries.add(entry(p, p.position(), p.name()));
    }
    for (AdminNetworkPolicy p : c.adminNetworkPolicies()) {
      entries.add(entry(V1alpha1Lowering.lower(p), p.position(), names.unique(p.name())));
    }
    for (BaselineAdminNetworkPolicy p : c.baselineAdminNetworkPolicies()) {
      entries.add(entry(V1alpha1Lowering.lower(p), p.position(), names.unique(p.name())));
    }
    List<ConvertedObject> out = new ArrayList<>();
    List<Refusal> refusals = new ArrayList<>();
    for (PolicyTier tier : PolicyTier.values()) {
      List<Entry> inTier = new ArrayList<>();
      for (Entry e : entries) {
        if (e.lowered.parsedTier().orElseThrow(() -> new IllegalArgumentException(
            "tier '" + e.lowered.tier() + "' of " + e.from + " (the gate rejects it)")) == tier) {
          inTier.add(e);
        }
      }
      inTier.sort((a, b) -> ClusterNetworkPolicy.ORDER.compare(a.lowered, b.lowered));
      Optional<int[]> priorities = priorities(inTier);
      if (priorities.isEmpty()) {
        Entry last = inTier.get(inTier.size() - 1);
        refusals.add(new Refusal(last.from, last.position, "the " + tier.apiName() + " tier orders " + inTier.size()
            + " policies in more distinct places than ClusterNetworkPolicy's 1001 priorities (0-1000)"));
        continue;
      }
      for (int i = 0; i < inTier.size(); i++) {
        out.add(object(inTier.get(i), priorities.get()[i]));
      }
    }
    return new Result(out, refusals);
  }

  private static Entry entry(ClusterNetworkPolicy lowered, SourcePosition position, String name) {
    Provenance from = Provenance.of(lowered.kind().kindName(), "", lowered.name());
    List<String> notes = new ArrayList<>();
    if (!name.equals(lowered.name())) {
      notes.add("renamed from " + lowered.name() + " (a ClusterNetworkPolicy has that name)");
    }
    ClusterNetworkPolicy cleaned = new ClusterNetworkPolicy(lowered.name(), lowered.tier(), lowered.priority(),
        lowered.subject(), rules(lowered.ingress(), "spec.ingress", notes),
        rules(lowered.egress(), "spec.egress", notes), lowered.kind(), lowered.source(), lowered.suppressedRules());
    return new Entry(cleaned, from, position, name, notes);
  }

  private static ConvertedObject object(Entry e, int priority) {
    List<String> notes = new ArrayList<>(e.notes);
    if (e.banp()) {
      notes.add("priority " + priority + ": after every other Baseline policy, as the BaselineAdminNetworkPolicy was");
    } else if (priority != e.lowered.priority()) {
      notes.add("priority " + e.lowered.priority() + " -> " + priority + " (keeps the source's order in the "
          + e.lowered.tier() + " tier)");
    }
    ClusterNetworkPolicy p = new ClusterNetworkPolicy(e.name, e.lowered.tier(), priority, e.lowered.subject(),
        e.lowered.ingress(), e.lowered.egress(), ClusterPolicyKind.CLUSTER_NETWORK_POLICY, SourceMap.EMPTY,
        e.lowered.suppressedRules());
    return new ConvertedObject.ClusterPolicyObject(p, e.from, Exactness.EXACT, notes);
  }

  /**
   * Priorities for {@code sorted} (one tier, in source order) that give the same order, or empty
   * when 0-1000 cannot hold it.
   */
  static Optional<int[]> priorities(List<Entry> sorted) {
    int n = sorted.size();
    int[] kept = new int[n];
    int[] dense = new int[n];
    for (int i = 0; i < n; i++) {
      Entry e = sorted.get(i);
      if (i == 0) {
        kept[i] = e.wantedPriority();
        dense[i] = 0;
      } else if (tiesAsBefore(sorted.get(i - 1), e)) {
        kept[i] = kept[i - 1];
        dense[i] = dense[i - 1];
      } else {
        kept[i] = Math.max(e.wantedPriority(), kept[i - 1] + 1);
        dense[i] = dense[i - 1] + 1;
      }
    }
    if (n == 0 || kept[n - 1] <= MAX_PRIORITY) {
      return Optional.of(kept);
    }
    return dense[n - 1] <= MAX_PRIORITY ? Optional.of(dense) : Optional.empty();
  }

  /**
   * True when {@code b}, right after {@code a} in source order, may share its priority: they tied
   * before (same kind and priority, ordered by name) and their output names still sort that way.
   */
  private static boolean tiesAsBefore(Entry a, Entry b) {
    return !a.banp() && !b.banp() && a.lowered.kind() == b.lowered.kind()
        && a.lowered.priority() == b.lowered.priority() && a.name.compareTo(b.name) < 0;
  }

  /** The rules v1alpha2 can write, each meaning what it did; what matched nothing is left out. */
  private static List<ClusterPolicyRule> rules(List<ClusterPolicyRule> rules, String path, List<String> notes) {
    List<ClusterPolicyRule> out = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      ClusterPolicyRule r = rules.get(i);
      if (r.protocols().isEmpty()) {
        out.add(r);
        continue;
      }
      List<ClusterPolicyProtocol> kept = new ArrayList<>();
      for (ClusterPolicyProtocol p : r.protocols().get()) {
        protocol(p).ifPresent(kept::add);
      }
      if (kept.isEmpty()) {
        notes.add(path + "[" + i + "] left out: no protocol entry of it can match");
        continue;
      }
      if (kept.size() < r.protocols().get().size()) {
        notes.add(path + "[" + i + "]: port entries that match nothing left out");
      }
      out.add(new ClusterPolicyRule(r.name(), r.action(), r.peers(), Optional.of(kept)));
    }
    return out;
  }

  /** A protocol entry as v1alpha2 writes it, or empty when it matches nothing. */
  private static Optional<ClusterPolicyProtocol> protocol(ClusterPolicyProtocol p) {
    if (p.fieldCount() != 1) {
      return Optional.empty();
    }
    if (p.destinationNamedPort().isPresent()) {
      return Optional.of(p);
    }
    Optional<DestinationPort> port = p.tcp().or(p::udp).or(p::sctp).flatMap(TieredConversion::port);
    if (port.isEmpty()) {
      return Optional.empty();
    }
    if (p.tcp().isPresent()) {
      return Optional.of(ClusterPolicyProtocol.tcp(port.get()));
    }
    return Optional.of(p.udp().isPresent() ? ClusterPolicyProtocol.udp(port.get())
        : ClusterPolicyProtocol.sctp(port.get()));
  }

  private static Optional<DestinationPort> port(DestinationPort d) {
    if (d.range().isEmpty()) {
      return Optional.of(d);
    }
    int start = d.range().get().start();
    int end = d.range().get().end();
    if (start > end) {
      return Optional.empty();
    }
    return Optional.of(start == end ? DestinationPort.number(start) : d);
  }
}
