package dev.netpolc.compiler.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.passes.Pass;
import dev.netpolc.compiler.passes.Passes;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The generated corpus really exercises what the properties claim: every API feature occurs,
 * the reference both allows and denies, and every pass changes some graph. Without this the
 * equivalence properties could pass vacuously.
 */
class GeneratorCoverageTest {

  @Test
  void theCorpusCoversTheApiAndEveryPassDoesSomething() {
    TreeMap<String, Integer> seen = new TreeMap<>();
    int[] count = {0};
    // A fixed seed: this checks what the corpus holds, so it must not depend on the run. hash-cons
    // needs equal addresses written two ways (pod IPs and an ipBlock), which is rare.
    qt().withFixedSeed(20261128L).withExamples(600).forAll(ClusterGen.clusters()).checkAssert(c -> {
      int i = count[0]++;
      features(c).forEach(f -> seen.merge(f, 1, Integer::sum));
      RuleGraph literal = Deciders.compile(c, CompileOptions.DEFAULTS.withoutPasses());
      for (Pass p : Passes.DEFAULT_ORDER) {
        if (!p.apply(literal).equals(literal)) {
          seen.merge("pass " + p.name() + " changed the graph", 1, Integer::sum);
        }
      }
      if (i % 20 == 0) {
        ReferenceEvaluator ref = new ReferenceEvaluator(c);
        for (Connection conn : ConnectionProbes.of(c)) {
          seen.merge(ref.allows(conn) ? "allowed" : "denied", 1, Integer::sum);
        }
      }
    });
    List<String> expected = Stream.concat(Stream.of("allowed", "denied", "hostNetwork pod", "terminated pod",
        "pod without IP", "dual-stack pod", "named container port", "named port in policy", "endPort",
        "ipBlock except v4", "ipBlock except v6", "peer with both selectors", "rule without peers",
        "rule without ports", "port without protocol", "policyTypes absent", "policyTypes both", "empty podSelector",
        "several policies in one namespace", "shared pod address"),
        Stream.concat(Stream.of(LabelSelectorRequirement.Operator.values()).map(o -> "operator " + o),
            Passes.names().stream().map(n -> "pass " + n + " changed the graph"))).toList();
    assertThat(seen.keySet()).as("features seen: %s", seen).containsAll(expected);
  }

  private static List<String> features(Cluster c) {
    List<String> out = new java.util.ArrayList<>();
    java.util.Set<dev.netpolc.model.IpAddress> addresses = new java.util.HashSet<>();
    for (Pod p : c.pods()) {
      if (p.hostNetwork()) {
        out.add("hostNetwork pod");
      }
      if ("Succeeded".equals(p.phase()) || "Failed".equals(p.phase())) {
        out.add("terminated pod");
      }
      if (p.ips().isEmpty()) {
        out.add("pod without IP");
      }
      if (p.ips().size() == 2) {
        out.add("dual-stack pod");
      }
      if (p.allPorts().stream().anyMatch(cp -> cp.name() != null)) {
        out.add("named container port");
      }
      if (!p.hostNetwork() && p.isActive() && p.ips().stream().anyMatch(ip -> !addresses.add(ip))) {
        out.add("shared pod address");
      }
    }
    java.util.Map<String, Integer> perNamespace = new java.util.HashMap<>();
    for (NetworkPolicy np : c.policies()) {
      if (perNamespace.merge(np.namespace(), 1, Integer::sum) == 2) {
        out.add("several policies in one namespace");
      }
      out.add(np.policyTypes().isEmpty() ? "policyTypes absent" : np.policyTypes().size() == 2 ? "policyTypes both" : "x");
      if (np.podSelector().isEmpty()) {
        out.add("empty podSelector");
      }
      np.podSelector().matchExpressions().forEach(r -> out.add("operator " + r.operator()));
      for (PolicyRule r : Stream.concat(np.ingress().stream(), np.egress().stream()).toList()) {
        out.add(r.peers().isEmpty() ? "rule without peers" : "x");
        out.add(r.ports().isEmpty() ? "rule without ports" : "x");
        for (Peer peer : r.peers()) {
          if (peer.podSelector().isPresent() && peer.namespaceSelector().isPresent()) {
            out.add("peer with both selectors");
          }
          peer.ipBlock().filter(b -> !b.except().isEmpty())
              .ifPresent(b -> out.add(b.cidr().contains(":") ? "ipBlock except v6" : "ipBlock except v4"));
        }
        for (PolicyPort pp : r.ports()) {
          if (pp.protocol().isEmpty()) {
            out.add("port without protocol");
          }
          if (pp.endPort().isPresent()) {
            out.add("endPort");
          }
          if (pp.port().isPresent() && pp.port().get().isNamed()) {
            out.add("named port in policy");
          }
        }
      }
    }
    return out;
  }
}
