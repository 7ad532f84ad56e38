package dev.netpolc.compiler.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ClusterYaml;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.LintContext;
import dev.netpolc.model.lint.LintRule;
import dev.netpolc.model.lint.LintSink;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What NP203 and NP204 claim, checked against the reference evaluator on generated clusters:
 * deleting every rule NP203 reports, or every policy NP204 reports, changes no decision, both
 * when the rules see the inventory and when they see the policies alone.
 */
class RemovalSoundnessPropertyTest {
  private static final int SHRINK_CYCLES = 200;
  private static final int EXAMPLES = 150;

  @Test
  void deletingEveryContainedRuleChangesNoDecision() {
    deletingContainedRules(false);
  }

  /** Found from the policies alone, the claim holds for any inventory, so for the generated one. */
  @Test
  void deletingEveryRuleContainedWithoutInventoryChangesNoDecision() {
    deletingContainedRules(true);
  }

  @Test
  void deletingEveryRedundantPolicyChangesNoDecision() {
    deletingRedundantPolicies(false);
  }

  @Test
  void deletingEveryPolicyRedundantWithoutInventoryChangesNoDecision() {
    deletingRedundantPolicies(true);
  }

  /** The cluster the rules look at: {@code c}, or its policies alone. */
  private static Cluster seen(Cluster c, boolean policiesOnly) {
    return policiesOnly ? Cluster.EMPTY.withPolicies(c.policies()) : c;
  }

  private static void deletingContainedRules(boolean policiesOnly) {
    AtomicInteger reported = new AtomicInteger();
    qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(ClusterGen.clusters()).checkAssert(c -> {
      Map<NetworkPolicy, Set<String>> rules = new IdentityHashMap<>();
      for (Found f : run(new RuleContainedInAnother(), seen(c, policiesOnly))) {
        rules.computeIfAbsent(f.policy(), p -> new TreeSet<>()).add(f.finding().path());
        reported.incrementAndGet();
      }
      List<NetworkPolicy> kept = new ArrayList<>();
      for (NetworkPolicy p : c.policies()) {
        Set<String> drop = rules.getOrDefault(p, Set.of());
        kept.add(new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.policyTypes(),
            without(p.ingress(), "spec.ingress", drop), without(p.egress(), "spec.egress", drop), p.source(),
            p.suppressedRules()));
      }
      assertSameDecisions(c, c.withPolicies(kept));
    });
    assertThat(reported.get()).as("NP203 findings over all examples").isPositive();
  }

  private static void deletingRedundantPolicies(boolean policiesOnly) {
    AtomicInteger reported = new AtomicInteger();
    qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(ClusterGen.clusters()).checkAssert(c -> {
      Map<NetworkPolicy, Boolean> drop = new IdentityHashMap<>();
      List<Found> found = run(new RedundantPolicy(), seen(c, policiesOnly));
      boolean wholeSet = found.stream().anyMatch(f -> f.finding().message().contains("together change nothing"));
      found.forEach(f -> drop.put(f.policy(), true));
      reported.addAndGet(found.size());
      List<NetworkPolicy> kept = new ArrayList<>();
      for (NetworkPolicy p : c.policies()) {
        if (!wholeSet && !drop.containsKey(p)) {
          kept.add(p);
        }
      }
      assertSameDecisions(c, c.withPolicies(kept));
    });
    assertThat(reported.get()).as("NP204 findings over all examples").isPositive();
  }

  private record Found(NetworkPolicy policy, Diagnostic finding) {}

  private static List<Found> run(LintRule rule, Cluster c) {
    List<Found> out = new ArrayList<>();
    rule.check(new LintContext(c, LintConfig.DEFAULT), new LintSink() {
      @Override
      public void report(NetworkPolicy policy, Diagnostic finding) {
        out.add(new Found(policy, finding));
      }

      @Override
      public void report(Diagnostic finding) {
        throw new AssertionError("a finding about no policy: " + finding);
      }
    });
    return out;
  }

  private static List<PolicyRule> without(List<PolicyRule> rules, String listPath, Set<String> drop) {
    List<PolicyRule> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      if (!drop.contains(listPath + "[" + i + "]")) {
        out.add(rules.get(i));
      }
    }
    return out;
  }

  private static void assertSameDecisions(Cluster before, Cluster after) {
    ReferenceEvaluator a = new ReferenceEvaluator(before);
    ReferenceEvaluator b = new ReferenceEvaluator(after);
    for (Connection conn : ConnectionProbes.of(before)) {
      boolean expected = a.allows(conn);
      if (b.allows(conn) != expected) {
        assertThat(b.allows(conn)).as("%s after the deletion, in%n%s", conn, ClusterYaml.describe(before))
            .isEqualTo(expected);
      }
    }
  }
}
