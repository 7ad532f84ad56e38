package dev.netpolc.compiler.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.CalicoClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.passes.Passes;
import dev.netpolc.compiler.reference.CalicoRuleMatch;
import dev.netpolc.compiler.reference.CalicoTierStep;
import dev.netpolc.compiler.reference.DirectionVerdict;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private static final List<String> OUTSIDE = List.of("8.8.8.8", "203.0.113.5", "203.0.113.200", "198.19.0.1",
      "2001:db8:ffff::1", "fd00::3");
  private static final int[][] ICMP = {{8, 0}, {3, 1}, {0, 0}, {3, 0}};
  private static final int[][] ICMPV6 = {{128, 0}, {1, 0}, {3, 1}};
  private static final List<Integer> TCP_UDP_PORTS = List.of(80, 53, 443, 8000, 8080, 8081, 7999, 9090, 81);

  @Test
  void everyPassSelectionAgreesWithTheReference() {
    qt().withExamples(200).withShrinkCycles(SHRINK_CYCLES).forAll(CalicoClusterGen.clusters())
        .checkAssert(c -> check(c, SemanticsOptions.DEFAULTS, true));
  }

  @Test
  void theSemanticsOptionsAgreeWithTheReference() {
    List<SemanticsOptions> variants = List.of(
        SemanticsOptions.DEFAULTS.withNodeLocalExemptFromAllTiers(true),
        SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false),
        SemanticsOptions.DEFAULTS.withHostNetworkPodsArePolicyTargets(true));
    for (SemanticsOptions options : variants) {
      qt().withExamples(40).withShrinkCycles(SHRINK_CYCLES).forAll(CalicoClusterGen.clusters())
          .checkAssert(c -> check(c, options, false));
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
      for (Connection conn : probes(c)) {
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
      for (Connection conn : probes(c)) {
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

  private static void check(Cluster c, SemanticsOptions options, boolean eachPass) {
    CompileOptions base = CompileOptions.DEFAULTS.withSemantics(options);
    Map<String, ConnectionDecider> candidates = new LinkedHashMap<>();
    candidates.put("-O0", Deciders.evaluator(c, base.withoutPasses()));
    candidates.put("default passes", Deciders.evaluator(c, base));
    if (eachPass) {
      for (String pass : Passes.names()) {
        candidates.put("only " + pass, Deciders.evaluator(c, base.withPasses(List.of(pass))));
      }
    }
    Deciders.assertAgree(new ReferenceEvaluator(c, options), "the reference (" + options + ")", candidates,
        probes(c));
  }

  /** The usual probes, plus the Calico ones between every inventory and outside address. */
  static List<Connection> probes(Cluster c) {
    Set<IpAddress> addresses = new LinkedHashSet<>();
    for (Pod p : c.pods()) {
      addresses.addAll(p.ips());
    }
    for (Node n : c.nodes()) {
      addresses.addAll(n.addresses());
    }
    OUTSIDE.forEach(a -> addresses.add(IpAddress.parse(a)));
    List<Connection> out = new ArrayList<>(ConnectionProbes.of(c));
    for (IpAddress s : addresses) {
      for (IpAddress t : addresses) {
        if (s.v6() != t.v6()) {
          continue;
        }
        for (int[] m : s.v6() ? ICMPV6 : ICMP) {
          out.add(Connection.icmp(s, t, m[0], m[1]));
        }
        out.add(new Connection(s, t, 47, 0));
        for (int port : TCP_UDP_PORTS) {
          out.add(Connection.of(s, t, Protocol.TCP, port));
        }
        out.add(Connection.of(s, t, Protocol.UDP, 53));
      }
    }
    return out;
  }
}
