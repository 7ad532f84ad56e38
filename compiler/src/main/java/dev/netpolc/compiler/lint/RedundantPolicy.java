package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintContext;
import dev.netpolc.model.lint.LintSink;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * NP204: a policy whose removal changes nothing — every rule of it is contained in rules of
 * other policies for the same pods (see NP203), and every pod it selects is isolated in its
 * directions by other policies too — or a set of policies that together changes nothing,
 * since every pod they isolate is allowed all traffic in each isolated direction. A policy
 * with {@code podSelector: {}} also guards pods created later, so only other such policies of
 * its namespace make it redundant: a default-deny is never reported because today's pods all
 * have narrower policies.
 */
public final class RedundantPolicy extends CompilerRule {
  /** The rule id. */
  public static final String ID = "NP204";

  /** The rule. */
  public RedundantPolicy() {
    super(ID, Severity.WARNING, "a whole policy is redundant, or the whole set changes nothing", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    ContainmentAnalysis analysis = ContainmentAnalysis.of(context);
    List<NetworkPolicy> policies = context.cluster().policies();
    if (analysis.graph.isEmpty() || policies.isEmpty()) {
      return;
    }
    RuleGraph graph = analysis.graph.get();
    if (graph.groups().stream().noneMatch(g -> g.ingressIsolated() || g.egressIsolated())) {
      return; // no policy selects a pod: NP201's
    }
    if (changesNothing(graph)) {
      NetworkPolicy first = policies.get(0);
      int pods = graph.groups().stream().filter(g -> g.ingressIsolated() || g.egressIsolated())
          .mapToInt(g -> g.members().size()).sum();
      sink.report(first, new Diagnostic(ID, defaultSeverity(), first.source().find("metadata.name"), "metadata.name",
          "metadata.name: the " + policies.size() + " policies together change nothing: every one of the " + pods
              + " pods they isolate is allowed all traffic in each direction it is isolated in (" + first.key() + ")",
          List.of()));
      return;
    }
    Map<String, Integer> keyCount = new HashMap<>();
    policies.forEach(p -> keyCount.merge(p.key(), 1, Integer::sum));
    Map<Integer, List<String>> groupsOf = new HashMap<>();
    analysis.selecting.forEach((g, ps) -> ps.forEach(i -> groupsOf.computeIfAbsent(i, k -> new ArrayList<>()).add(g)));
    // Later policies (by key) first: of two equal policies the later is the redundant one, and
    // a policy found redundant no longer vouches for the others.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing((Integer i) -> policies.get(i).key()).reversed());
    Set<String> removed = new HashSet<>();
    for (int i : order) {
      NetworkPolicy p = policies.get(i);
      List<String> groups = groupsOf.getOrDefault(i, List.of());
      if (groups.isEmpty() || keyCount.get(p.key()) > 1) {
        continue; // selects nothing (NP201) or defined twice (NP107)
      }
      // A policy selecting the whole namespace also covers pods that do not exist yet (the
      // default-deny idiom): only other whole-namespace policies of that namespace can stand in.
      Predicate<NetworkPolicy> eligible = p.podSelector().isEmpty()
          ? q -> q.podSelector().isEmpty() && q.namespace().equals(p.namespace())
          : q -> true;
      if (!isolationProvidedByOthers(p, i, groups, analysis, policies, removed, eligible)) {
        continue;
      }
      Set<Origin> containers = new TreeSet<>();
      boolean allContained = true;
      for (ContainmentAnalysis.RuleFacts f : analysis.facts.values()) {
        if (f.origin.policy().equals(p.key())) {
          allContained &= f.containedByOthers(removed, key -> eligible.test(analysis.policiesByKey.get(key)));
          f.otherContainers.stream().filter(c -> !removed.contains(c.policy()))
              .filter(c -> eligible.test(analysis.policiesByKey.get(c.policy()))).forEach(containers::add);
        }
      }
      if (!allContained) {
        continue;
      }
      removed.add(p.key());
      List<Diagnostic.Related> related = new ArrayList<>();
      containers.forEach(c -> related.add(new Diagnostic.Related(c.position(), "covers its rules: " + c)));
      String why = containers.isEmpty() ? "it allows nothing of its own"
          : "every rule of it is contained in rules of other policies ("
              + sample(containers.stream().map(Origin::toString).toList()) + ")";
      sink.report(p, new Diagnostic(ID, defaultSeverity(), p.source().find("metadata.name"), "metadata.name",
          "metadata.name: this policy changes nothing: " + why + ", and other policies isolate the pods it selects "
              + "as well; removing it allows and denies the same (" + p.key() + ")", related));
    }
  }

  private static boolean isolationProvidedByOthers(NetworkPolicy p, int self, List<String> groups,
      ContainmentAnalysis analysis, List<NetworkPolicy> policies, Set<String> removed,
      Predicate<NetworkPolicy> eligible) {
    for (String g : groups) {
      for (boolean ingress : new boolean[] {true, false}) {
        if (ingress ? !p.isolatesIngress() : !p.isolatesEgress()) {
          continue;
        }
        boolean provided = analysis.selecting.get(g).stream().anyMatch(j -> j != self
            && !removed.contains(policies.get(j).key()) && eligible.test(policies.get(j))
            && (ingress ? policies.get(j).isolatesIngress() : policies.get(j).isolatesEgress()));
        if (!provided) {
          return false;
        }
      }
    }
    return true;
  }

  /** True when every group is allowed everything in each direction it is isolated in. */
  private static boolean changesNothing(RuleGraph graph) {
    for (EndpointGroup g : graph.groups()) {
      for (Direction d : Direction.values()) {
        if (g.isolated(d) && graph.rules(g.id(), d).stream().noneMatch(RedundantPolicy::allowsAll)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean allowsAll(Rule r) {
    return r.tier() == Tier.NETWORK_POLICY && r.action() == Action.ALLOW && r.peers().containsAll(AddressSet.ALL)
        && r.ports().containsAll(PortSet.ALL_PROTOCOLS);
  }
}
