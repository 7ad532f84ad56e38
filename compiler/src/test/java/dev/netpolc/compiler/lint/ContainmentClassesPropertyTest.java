package dev.netpolc.compiler.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ClusterYaml;
import dev.netpolc.compiler.gen.Draw;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.LintContext;
import dev.netpolc.model.lint.LintSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * NP203 and NP204 read off the class-based containment analysis report exactly what they report
 * read off the rule-by-rule oracle ({@link PairwiseContainment}), on generated clusters with
 * many duplicated policies and rules: copies next to the original, copies whose names sort
 * before it, copies at the end of the input, copies widened to every peer and rules repeated
 * inside one policy.
 */
class ContainmentClassesPropertyTest {
  private static final int EXAMPLES = 200;

  @Test
  void classesReportWhatPairwiseComparisonReports() {
    classesMatchPairwise(withDuplicates(), EXAMPLES / 2, EXAMPLES / 4);
  }

  /** The same without an inventory: containment decided from the policies alone, per namespace. */
  @Test
  void withoutInventoryClassesReportWhatPairwiseComparisonReports() {
    Gen<Cluster> policiesOnly = withDuplicates().map(c -> Cluster.EMPTY.withPolicies(c.policies()));
    classesMatchPairwise(policiesOnly.describedAs(ClusterYaml::describe), EXAMPLES / 2, EXAMPLES / 10);
  }

  /**
   * Classes against the oracle on {@code clusters}; the minimums guard against generators that
   * stop producing findings (the seed is random: a run once gave 188 NP203 findings in 200).
   */
  private static void classesMatchPairwise(Gen<Cluster> clusters, int minimumContained, int minimumRedundant) {
    AtomicInteger contained = new AtomicInteger();
    AtomicInteger redundant = new AtomicInteger();
    qt().withExamples(EXAMPLES).withShrinkCycles(200).forAll(clusters).checkAssert(c -> {
      LintContext context = new LintContext(c, LintConfig.DEFAULT);
      ContainmentAnalysis classes = ContainmentAnalysis.of(context);
      ContainmentAnalysis pairwise = PairwiseContainment.of(c);
      List<String> np203 = run((a, s) -> new RuleContainedInAnother().check(a, context, s), classes);
      List<String> np204 = run((a, s) -> new RedundantPolicy().check(a, context, s), classes);
      assertThat(np203).as("NP203 in%n%s", ClusterYaml.describe(c))
          .isEqualTo(run((a, s) -> new RuleContainedInAnother().check(a, context, s), pairwise));
      assertThat(np204).as("NP204 in%n%s", ClusterYaml.describe(c))
          .isEqualTo(run((a, s) -> new RedundantPolicy().check(a, context, s), pairwise));
      contained.addAndGet(np203.size());
      redundant.addAndGet(np204.size());
    });
    // the comparison is only worth something if the rules had findings to compare
    assertThat(contained.get()).as("NP203 findings over all examples").isGreaterThan(minimumContained);
    assertThat(redundant.get()).as("NP204 findings over all examples").isGreaterThan(minimumRedundant);
  }

  /** The shared analysis is the context's own: one per context, none shared across contexts. */
  @Test
  void analysisLivesOnTheContext() {
    Cluster c = LargeClusterGen.generate(7, 50, 10);
    LintContext one = new LintContext(c, LintConfig.DEFAULT);
    LintContext two = new LintContext(c, LintConfig.DEFAULT);
    assertThat(ContainmentAnalysis.of(one)).isSameAs(ContainmentAnalysis.of(one));
    assertThat(ContainmentAnalysis.of(one)).isNotSameAs(ContainmentAnalysis.of(two));
  }

  private interface Rules {
    void check(ContainmentAnalysis analysis, LintSink sink);
  }

  /** Every finding, rendered with its policy, path, message and related locations. */
  private static List<String> run(Rules rules, ContainmentAnalysis analysis) {
    List<String> out = new ArrayList<>();
    rules.check(analysis, new LintSink() {
      @Override
      public void report(NetworkPolicy policy, Diagnostic finding) {
        out.add(policy.key() + " " + finding);
      }

      @Override
      public void report(Diagnostic finding) {
        out.add(finding.toString());
      }
    });
    return out;
  }

  /** Generated clusters whose policies and rules are copied, up to a few times each. */
  private static Gen<Cluster> withDuplicates() {
    Gen<Cluster> g = in -> {
      Cluster c = ClusterGen.clusters().generate(in);
      Draw d = Draw.of(in);
      List<NetworkPolicy> out = new ArrayList<>();
      List<NetworkPolicy> atEnd = new ArrayList<>();
      for (NetworkPolicy p : c.policies()) {
        p = d.chance(25) ? withRepeatedRule(p, d) : p;
        out.add(p);
        int copies = d.between(0, 4);
        for (int j = 0; j < copies; j++) {
          // "0-" sorts before the generated names, "zz-" after: NP204 goes by key order
          String name = d.pick(List.of(p.name() + "-copy" + j, "0-" + p.name() + j, "zz-" + p.name() + j));
          // some copies allow every peer: strictly broader than the original's rules
          NetworkPolicy copy = d.chance(20) ? widened(renamed(p, name)) : renamed(p, name);
          (d.chance(30) ? atEnd : out).add(copy);
        }
      }
      out.addAll(atEnd);
      return c.withPolicies(out);
    };
    return g.describedAs(ClusterYaml::describe);
  }

  private static NetworkPolicy renamed(NetworkPolicy p, String name) {
    return new NetworkPolicy(p.namespace(), name, p.podSelector(), p.policyTypes(), p.ingress(), p.egress(),
        p.source(), p.suppressedRules());
  }

  /** {@code p} with every rule's peers dropped (each then allows every peer on its ports). */
  private static NetworkPolicy widened(NetworkPolicy p) {
    return new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.policyTypes(), anyPeer(p.ingress()),
        anyPeer(p.egress()), p.source(), p.suppressedRules());
  }

  private static List<PolicyRule> anyPeer(List<PolicyRule> rules) {
    return rules.stream().map(r -> new PolicyRule(List.of(), r.ports())).toList();
  }

  /** {@code p} with one of its rules repeated at the end of its list. */
  private static NetworkPolicy withRepeatedRule(NetworkPolicy p, Draw d) {
    boolean ingress = d.chance(50) ? !p.ingress().isEmpty() : p.egress().isEmpty();
    List<PolicyRule> rules = new ArrayList<>(ingress ? p.ingress() : p.egress());
    if (rules.isEmpty()) {
      return p;
    }
    rules.add(rules.get(d.between(0, rules.size() - 1)));
    return new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.policyTypes(),
        ingress ? rules : p.ingress(), ingress ? p.egress() : rules, p.source(), p.suppressedRules());
  }
}
