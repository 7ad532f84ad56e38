package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.ir.Origin;
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
 * have narrower policies. Without an inventory the same is decided from the policies alone,
 * for every possible set of pods (see {@link StaticContainment}).
 */
public final class RedundantPolicy extends CompilerRule {
  /** The rule id. */
  public static final String ID = "NP204";

  /** The rule. */
  public RedundantPolicy() {
    super(ID, Severity.WARNING, "a whole policy is redundant, or the whole set changes nothing", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    check(ContainmentAnalysis.of(context), context, sink);
  }

  /** The findings read off {@code analysis} (of {@code context}'s cluster). */
  void check(ContainmentAnalysis analysis, LintContext context, LintSink sink) {
    List<NetworkPolicy> policies = context.cluster().policies();
    if ((analysis.graph.isEmpty() && !analysis.isStatic) || policies.isEmpty()) {
      return; // untranslatable input: the NP1xx findings say why
    }
    if (analysis.changesNothing()) {
      NetworkPolicy first = policies.get(0);
      sink.report(first, new Diagnostic(ID, defaultSeverity(), first.source().find("metadata.name"), "metadata.name",
          "metadata.name: the " + policies.size() + " policies together change nothing: every pod they isolate is "
              + "allowed all traffic in each direction it is isolated in (" + first.key() + ")", List.of()));
      return;
    }
    Map<String, Integer> keyCount = new HashMap<>();
    policies.forEach(p -> keyCount.merge(p.key(), 1, Integer::sum));
    // Later policies (by key) first: of two equal policies the later is the redundant one, and
    // a policy found redundant no longer vouches for the others.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      order.add(i);
    }
    String[] keys = policies.stream().map(NetworkPolicy::key).toArray(String[]::new);
    order.sort(Comparator.comparing((Integer i) -> keys[i]).reversed());
    Set<String> removed = new HashSet<>();
    for (int i : order) {
      NetworkPolicy p = policies.get(i);
      if (analysis.groupsOf(i).isEmpty() || keyCount.get(p.key()) > 1) {
        continue; // selects nothing (NP201) or defined twice (NP107)
      }
      // A policy selecting the whole namespace also covers pods that do not exist yet (the
      // default-deny idiom): only other whole-namespace policies of that namespace can stand in.
      Predicate<NetworkPolicy> eligible = p.podSelector().isEmpty()
          ? q -> q.podSelector().isEmpty() && q.namespace().equals(p.namespace())
          : q -> true;
      if (!analysis.isolationProvidedByOthers(i, removed, eligible)) {
        continue;
      }
      Set<Origin> containers = new TreeSet<>();
      boolean allContained = true;
      for (ContainmentAnalysis.RuleFacts f : analysis.factsOf(p.key())) {
        allContained &= f.containedByOthers(removed, key -> eligible.test(analysis.policiesByKey.get(key)));
        f.otherContainers.stream().filter(c -> !removed.contains(c.policy()))
            .filter(c -> eligible.test(analysis.policiesByKey.get(c.policy()))).forEach(containers::add);
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
}
