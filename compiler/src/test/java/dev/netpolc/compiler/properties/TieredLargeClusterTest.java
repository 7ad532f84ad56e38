package dev.netpolc.compiler.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.GeneratorSpec;
import dev.netpolc.model.generate.RealisticTiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A realistic generated cluster of 5,000 pods and 500 NetworkPolicies with a platform team's
 * tiered policy set ({@link RealisticTiers}): the optimised graph, cluster-wide and for one node,
 * agrees with the reference on a fixed-seed sample of connections (pods, nodes, outside
 * addresses, the kubelet and metadata ports), and each tier has rules. {@link #main} prints the
 * sizes; nothing here is timed.
 */
class TieredLargeClusterTest {
  private static final Cluster CLUSTER = RealisticTiers.addTo(
      ClusterGenerator.generate(GeneratorSpec.realistic(42, 100, 5_000, 500, 20)));

  @Test
  void theOptimisedGraphAgreesWithTheReferenceOnASample() {
    CompileResult r = new Compiler().compile(CLUSTER, CompileOptions.DEFAULTS);
    CompileResult node = new Compiler().compile(CLUSTER, CompileOptions.DEFAULTS.withNode("node-0"));
    ReferenceEvaluator ref = new ReferenceEvaluator(CLUSTER);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(r.graph());
    int denied = 0;
    for (Connection c : sample(new Random(7), 3_000)) {
      boolean want = ref.allows(c);
      denied += want ? 0 : 1;
      assertThat(ir.allows(c)).as("%s", c).isEqualTo(want);
    }
    assertThat(denied).as("denied connections in the sample").isBetween(300, 2_700);
    assertThat(r.graph().tiers()).isEqualTo(Tier.standard());
    for (Tier t : Tier.standard()) {
      assertThat(r.graph().rules()).as("rules of tier %s", t).anyMatch(rule -> rule.tier().equals(t));
      assertThat(node.graph().rules()).as("rules of tier %s on node-0", t).anyMatch(rule -> rule.tier().equals(t));
    }
  }

  private static List<Connection> sample(Random random, int n) {
    List<IpAddress> addrs = new ArrayList<>();
    for (Pod p : CLUSTER.pods()) {
      addrs.addAll(p.ips());
    }
    for (Node node : CLUSTER.nodes()) {
      addrs.addAll(node.addresses());
    }
    addrs.addAll(List.of(IpAddress.parse("8.8.8.8"), IpAddress.parse("169.254.169.254"),
        IpAddress.parse("10.1.2.3"), IpAddress.parse("2001:4860:4860::8888")));
    List<Connection> out = new ArrayList<>();
    List<Integer> ports = List.of(80, 53, 443, 8080, 9090, 10250, 5432);
    for (int i = 0; i < n; i++) {
      IpAddress s = addrs.get(random.nextInt(addrs.size()));
      IpAddress d = addrs.get(random.nextInt(addrs.size()));
      if (s.v6() != d.v6()) {
        continue;
      }
      out.add(Connection.of(s, d, Protocol.values()[random.nextInt(3)], ports.get(random.nextInt(ports.size()))));
    }
    return out;
  }

  /** Prints the CompileStats of the tiered cluster, cluster-wide and for node-0. */
  public static void main(String[] args) {
    for (CompileOptions o : List.of(CompileOptions.DEFAULTS, CompileOptions.DEFAULTS.withNode("node-0"))) {
      CompileResult r = new Compiler().compile(CLUSTER, o);
      System.out.println("5,000 pods, 500 NetworkPolicies, " + CLUSTER.tieredPolicies().size()
          + " cluster-scoped policies, " + o.node().orElse("cluster-wide"));
      System.out.println("before: " + r.stats().before());
      System.out.println("after:  " + r.stats().after());
    }
  }
}
