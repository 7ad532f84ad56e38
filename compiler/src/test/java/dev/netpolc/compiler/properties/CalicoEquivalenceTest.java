package dev.netpolc.compiler.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.CalicoClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.reference.CalicoRuleMatch;
import dev.netpolc.compiler.reference.CalicoTierStep;
import dev.netpolc.compiler.reference.DirectionVerdict;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * On generated Calico clusters ({@link CalicoClusterGen}), the compiled graph decides every
 * probed connection as the reference evaluator's calico profile does: without passes, with the
 * default passes, and with each pass alone. The probes are the usual ones (every pod and node
 * address pair and outside addresses over TCP/UDP/SCTP) plus, between the same addresses, the
 * ports the generator's rules name, ICMP/ICMPv6 messages of several types and codes, and
 * protocol 47.
 */
class CalicoEquivalenceTest {
  private static final int SHRINK_CYCLES = 300;

  @Test
  void everyPassSelectionAgreesWithTheReference() {
    qt().withExamples(200).withShrinkCycles(SHRINK_CYCLES).forAll(CalicoClusterGen.clusters())
        .checkAssert(c -> Deciders.assertPassSelectionsAgree(c, SemanticsOptions.DEFAULTS, true,
            ConnectionProbes.withIcmpAndGeneratorPorts(c)));
  }

  @Test
  void theSemanticsOptionsAgreeWithTheReference() {
    List<SemanticsOptions> variants = List.of(
        SemanticsOptions.DEFAULTS.withNodeLocalExemptFromAllTiers(true),
        SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false),
        SemanticsOptions.DEFAULTS.withHostNetworkPodsArePolicyTargets(true));
    for (SemanticsOptions options : variants) {
      qt().withExamples(40).withShrinkCycles(SHRINK_CYCLES).forAll(CalicoClusterGen.clusters())
          .checkAssert(c -> Deciders.assertPassSelectionsAgree(c, options, false,
              ConnectionProbes.withIcmpAndGeneratorPorts(c)));
    }
  }

  /**
   * Log rules log what the reference says they log: for every probe, the IR's trace (after the
   * default passes) names the same Log rules as the reference's explanation — the source's egress
   * tiers, then, when egress allowed, the destination's ingress tiers.
   */
  @Test
  void logRulesLogWhatTheReferenceLogs() {
    qt().withExamples(120).withShrinkCycles(SHRINK_CYCLES).forAll(CalicoClusterGen.clusters()).checkAssert(c -> {
      ReferenceEvaluator ref = new ReferenceEvaluator(c);
      RuleGraphEvaluator ir = new RuleGraphEvaluator(new Compiler().compile(c, CompileOptions.DEFAULTS).graph());
      for (Connection conn : ConnectionProbes.withIcmpAndGeneratorPorts(c)) {
        Explanation e = ref.explain(conn);
        List<String> expected = new ArrayList<>(logged(e.egress()));
        if (e.egress().allowed()) {
          expected.addAll(logged(e.ingress()));
        }
        RuleGraphEvaluator.Trace t = ir.trace(conn);
        assertThat(t.allowed()).as(conn.toString()).isEqualTo(e.allowed());
        assertThat(new java.util.TreeSet<>(t.loggedOrigins().stream().map(Object::toString).toList()))
            .as("Log rules reached by " + conn).isEqualTo(new java.util.TreeSet<>(expected));
      }
    });
  }

  private static List<String> logged(DirectionVerdict v) {
    List<String> out = new ArrayList<>();
    for (CalicoTierStep step : v.calicoTiers()) {
      for (CalicoRuleMatch m : step.logged()) {
        out.add(m.policy().key() + " " + m.path().substring("spec.".length()));
      }
    }
    return out;
  }

  /**
   * The generated corpus decides by rule with every action, by each default, and with Log
   * rules recorded: otherwise the properties above could pass vacuously. A fixed seed.
   */
  @Test
  void theCorpusExercisesEveryOutcome() {
    TreeMap<String, Integer> seen = new TreeMap<>();
    qt().withFixedSeed(20261207L).withExamples(200).forAll(CalicoClusterGen.clusters()).checkAssert(c -> {
      ReferenceEvaluator ref = new ReferenceEvaluator(c);
      for (Connection conn : ConnectionProbes.withIcmpAndGeneratorPorts(c)) {
        Explanation e = ref.explain(conn);
        for (DirectionVerdict v : List.of(e.egress(), e.ingress())) {
          for (CalicoTierStep step : v.calicoTiers()) {
            seen.merge(step.outcome().name(), 1, Integer::sum);
            if (!step.logged().isEmpty()) {
              seen.merge("logged", 1, Integer::sum);
            }
          }
        }
        if (Connection.isIcmpProtocol(conn.protocol()) || conn.protocol() == 47) {
          seen.merge((e.allowed() ? "allowed " : "denied ") + (conn.protocol() == 47 ? "proto 47" : "icmp"), 1,
              Integer::sum);
        }
      }
    });
    assertThat(seen).containsKeys("ALLOW", "DENY", "PASS", "DEFAULT_DENY", "DEFAULT_PASS", "logged",
        "allowed icmp", "denied icmp", "allowed proto 47", "denied proto 47");
  }
}
