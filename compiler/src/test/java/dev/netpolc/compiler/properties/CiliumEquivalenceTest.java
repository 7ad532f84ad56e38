package dev.netpolc.compiler.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.CiliumClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.reference.DirectionVerdict;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * On generated Cilium clusters ({@link CiliumClusterGen}), the compiled graph decides every
 * probed connection as the reference evaluator's cilium profile does: without passes, with the
 * default passes, and with each pass alone. Probes: every pod and node address pair and outside
 * addresses over TCP/UDP/SCTP, the ports the generator's rules name, ICMP/ICMPv6 messages of
 * several types, and protocol 47 ({@link ConnectionProbes#withIcmpAndGeneratorPorts}).
 */
class CiliumEquivalenceTest {
  private static final int SHRINK_CYCLES = 300;

  @Test
  void everyPassSelectionAgreesWithTheReference() {
    qt().withExamples(200).withShrinkCycles(SHRINK_CYCLES).forAll(CiliumClusterGen.clusters())
        .checkAssert(c -> Deciders.assertPassSelectionsAgree(c, SemanticsOptions.DEFAULTS, true,
            ConnectionProbes.withIcmpAndGeneratorPorts(c)));
  }

  @Test
  void theSemanticsOptionsAgreeWithTheReference() {
    List<SemanticsOptions> variants = List.of(
        SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false),
        SemanticsOptions.DEFAULTS.withHostNetworkPodsArePolicyTargets(true),
        SemanticsOptions.DEFAULTS.withIpBlockMatchesPodIps(false));
    for (SemanticsOptions options : variants) {
      qt().withExamples(40).withShrinkCycles(SHRINK_CYCLES).forAll(CiliumClusterGen.clusters())
          .checkAssert(c -> Deciders.assertPassSelectionsAgree(c, options, false,
              ConnectionProbes.withIcmpAndGeneratorPorts(c)));
    }
  }

  /**
   * The generated corpus decides by deny rules, by allow rules, by default deny and without any
   * selecting rule, over ICMP and protocol 47 too, and with the own-node exemption: otherwise the
   * properties above could pass vacuously. A fixed seed.
   */
  @Test
  void theCorpusExercisesEveryOutcome() {
    TreeMap<String, Integer> seen = new TreeMap<>();
    qt().withFixedSeed(20261207L).withExamples(200).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      ReferenceEvaluator ref = new ReferenceEvaluator(c);
      for (Connection conn : ConnectionProbes.withIcmpAndGeneratorPorts(c)) {
        Explanation e = ref.explain(conn);
        if (e.shortcut() == Explanation.Shortcut.CILIUM_OWN_NODE) {
          seen.merge("node-local", 1, Integer::sum);
        }
        for (DirectionVerdict v : List.of(e.egress(), e.ingress())) {
          if (v.decidedBy() != DirectionVerdict.DecidedBy.CILIUM) {
            continue;
          }
          String how = v.ciliumMatch().map(m -> m.deny() ? "deny rule" : "allow rule")
              .orElse(v.selecting().isEmpty() ? "no default deny" : "default deny");
          seen.merge(how, 1, Integer::sum);
          if (v.ciliumMatch().isPresent() && !v.ciliumMatch().get().policy().key().startsWith("Cilium")) {
            seen.merge("NetworkPolicy allow", 1, Integer::sum);
          }
        }
        if (Connection.isIcmpProtocol(conn.protocol()) || conn.protocol() == 47) {
          seen.merge((e.allowed() ? "allowed " : "denied ") + (conn.protocol() == 47 ? "proto 47" : "icmp"), 1,
              Integer::sum);
        }
      }
    });
    assertThat(seen).containsKeys("deny rule", "allow rule", "default deny", "no default deny", "node-local",
        "NetworkPolicy allow", "allowed icmp", "denied icmp", "allowed proto 47", "denied proto 47");
  }
}
