package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.GeneratorSpec;
import dev.netpolc.model.generate.Preset;
import dev.netpolc.model.generate.RealisticTiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The entry counts of the README, checked and printed (no timing): every map for examples/demo
 * per node and cluster-wide, and for the generated 5,000-pod, 500-policy cluster (seed 42),
 * which must fit the default maximum of every map; and the same with tiers: the hand-built
 * {@link TieredFixture} with and without its Admin/Baseline rules, and the large cluster with an
 * administrator's typical tiered rules added to every group ({@link #withTiers}), and the
 * cluster {@code netpolc generate} writes with and without {@code --tiers}.
 */
class ScaleFiguresTest {

  @Test
  void demo() throws BackendException {
    Map<EbpfMap, Integer> a = report("examples/demo node-a", Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-a"));
    report("examples/demo node-b", Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-b"));
    Map<EbpfMap, Integer> all = report("examples/demo cluster-wide", Fixtures.demo(), CompileOptions.DEFAULTS);
    // Per node: no host pairs (the HOST flag instead); cluster-wide: one per pod address and node address.
    assertThat(a.get(EbpfMap.HOST_PODS)).isZero();
    assertThat(all.get(EbpfMap.HOST_PODS)).isPositive();
    assertThat(a.get(EbpfMap.POLICY)).isPositive();
  }

  /** Minutes on a shared 2-core machine: run with -Dnetpolc.scaleFigures=true. */
  @Test
  void largeCluster() throws BackendException {
    Assumptions.assumeTrue(Boolean.getBoolean("netpolc.scaleFigures"),
        "large-cluster figures skipped: run with -Dnetpolc.scaleFigures=true");
    Cluster large = LargeClusterGen.generate(42, 5000, 500);
    report("generated 5000 pods / 500 policies (seed 42) cluster-wide", large, CompileOptions.DEFAULTS);
    for (String node : large.nodes().stream().map(n -> n.name()).sorted().limit(3).toList()) {
      report("generated 5000 pods / 500 policies (seed 42) node " + node, large, CompileOptions.DEFAULTS.withNode(node));
    }
  }

  @Test
  void tieredFixture() throws BackendException {
    for (Optional<String> node : List.of(Optional.of("node-a"), Optional.<String>empty())) {
      String scope = node.map(n -> "node " + n).orElse("cluster-wide");
      Map<EbpfMap, Integer> plain = report("tiered fixture without tiers, " + scope, TieredFixture.graph(node, true));
      Map<EbpfMap, Integer> tiered = report("tiered fixture, " + scope, TieredFixture.graph(node, false));
      assertThat(tiered.get(EbpfMap.POLICY)).isGreaterThan(plain.get(EbpfMap.POLICY));
    }
  }

  /** Minutes on a shared 2-core machine: run with -Dnetpolc.scaleFigures=true. */
  @Test
  void largeClusterWithTiers() throws BackendException {
    Assumptions.assumeTrue(Boolean.getBoolean("netpolc.scaleFigures"),
        "large-cluster figures skipped: run with -Dnetpolc.scaleFigures=true");
    Cluster large = LargeClusterGen.generate(42, 5000, 500);
    List<CompileOptions> scopes = new ArrayList<>(List.of(CompileOptions.DEFAULTS));
    large.nodes().stream().map(n -> n.name()).sorted().limit(2).forEach(n -> scopes.add(CompileOptions.DEFAULTS
        .withNode(n)));
    for (CompileOptions o : scopes) {
      String scope = o.node().map(n -> "node " + n).orElse("cluster-wide");
      RuleGraph g = Fixtures.compile(large, o);
      report("generated 5000 pods / 500 policies (seed 42) " + scope, large, o);
      report("same with tiers " + scope, withTiers(g, true));
      report("same with tiers but no quarantine " + scope, withTiers(g, false));
    }
  }

  /**
   * The cluster of {@code netpolc generate --pods 5000 --namespaces 100 --policies 500 --nodes 20
   * --seed 42}, without and with {@code --tiers} ({@link RealisticTiers}: monitoring scrapes every
   * pod, the kubelet port denied, environments isolated with a Pass inside them, Baseline DNS and
   * deny-all), for node-0 and cluster-wide: every map within its default maximum. The monitoring
   * peer set (every pod of the infra team, in most groups' identities) is what peer classes are
   * for: keyed by identity it alone needed 32,700 of node-0's entries.
   */
  @Test
  void generatedClusterWithRealisticTiers() throws BackendException {
    Assumptions.assumeTrue(Boolean.getBoolean("netpolc.scaleFigures"),
        "large-cluster figures skipped: run with -Dnetpolc.scaleFigures=true");
    Cluster plain = ClusterGenerator.generate(GeneratorSpec.realistic(42, 100, 5000, 500, 20));
    Cluster tiered = RealisticTiers.addTo(plain);
    for (CompileOptions o : List.of(CompileOptions.DEFAULTS.withNode("node-0"), CompileOptions.DEFAULTS)) {
      String scope = o.node().map(n -> "node " + n).orElse("cluster-wide");
      Map<EbpfMap, Integer> without = report("generate 5000/100/500/20 seed 42, " + scope, plain, o);
      Map<EbpfMap, Integer> with = report("same with --tiers, " + scope, tiered, o);
      assertThat(with.get(EbpfMap.POLICY)).isGreaterThan(0);
      assertThat(without.get(EbpfMap.POLICY)).isGreaterThan(0);
    }
  }

  /**
   * Every preset of {@code netpolc generate} (100,000 pods; seed 1 as {@code bench/run}) emits at
   * the default maximums for {@link ClusterGenerator#FOCUS_NODE} and cluster-wide, except
   * node-agent cluster-wide, whose np_policy alone is over its default and refused naming the option.
   */
  @Test
  void presetsFitTheDefaults() throws BackendException {
    Assumptions.assumeTrue(Boolean.getBoolean("netpolc.scaleFigures"),
        "preset figures skipped: run with -Dnetpolc.scaleFigures=true");
    for (Preset p : Preset.values()) {
      Cluster c = ClusterGenerator.generate(p.spec(1));
      for (CompileOptions o : List.of(CompileOptions.DEFAULTS.withNode(ClusterGenerator.FOCUS_NODE),
          CompileOptions.DEFAULTS)) {
        String label = p.cliName() + " " + o.node().orElse("cluster-wide");
        RuleGraph g = Fixtures.compile(c, o);
        Map<EbpfMap, Integer> counts = report(label, g);
        if (p == Preset.NODE_AGENT && o.node().isEmpty()) {
          assertThat(counts.get(EbpfMap.POLICY)).isGreaterThan(EbpfMap.POLICY.defaultMaxEntries());
          assertThatThrownBy(() -> new EbpfBackend().maps(g, BackendOptions.DEFAULTS))
              .hasMessageContaining("map np_policy needs " + counts.get(EbpfMap.POLICY) + " entries")
              .hasMessageContaining("option maxEntries.np_policy");
          continue;
        }
        assertThat(new EbpfBackend().maps(g, BackendOptions.DEFAULTS).counts()).isEqualTo(counts);
      }
    }
  }

  /**
   * {@code g} with an administrator's typical tiered rules for every group (in the generated
   * cluster pods are 198.18.0.0/15 and fd00::/64, nodes 192.0.2.0/24): Admin Deny of ingress from
   * a quarantined /20 of pods (when {@code quarantined}), Admin Allow of DNS to the first 16 pod addresses, Admin Deny of
   * the kubelet port on every node, Admin Pass of ingress from every pod (to NetworkPolicy),
   * Baseline Deny of every other ingress and of SMTP egress.
   */
  static RuleGraph withTiers(RuleGraph g, boolean quarantined) {
    RuleGraph.Builder b = g.toBuilder();
    AddressSet quarantine = AddressSet.ofCidrs(List.of(Cidr.of("198.18.16.0/20")));
    AddressSet dns = AddressSet.ofCidrs(List.of(Cidr.of("198.18.0.0/28")));
    AddressSet nodes = AddressSet.ofCidrs(List.of(Cidr.of("192.0.2.0/24")));
    AddressSet pods = AddressSet.ofCidrs(List.of(Cidr.of("198.18.0.0/15"), Cidr.of("fd00::/64")));
    PortSet dnsPorts = PortSet.of(Map.of(Protocol.TCP.number(), List.of(PortRange.of(53)), Protocol.UDP.number(),
        List.of(PortRange.of(53))));
    for (EndpointGroup grp : g.groups()) {
      String id = grp.id();
      if (quarantined) {
        b.addRule(tierRule(Direction.INGRESS, Tier.ADMIN, 10, id, quarantine, PortSet.ALL_PROTOCOLS, Action.DENY));
      }
      b.addRule(tierRule(Direction.EGRESS, Tier.ADMIN, 20, id, dns, dnsPorts, Action.ALLOW));
      b.addRule(tierRule(Direction.EGRESS, Tier.ADMIN, 30, id, nodes, PortSet.of(Protocol.TCP, PortRange.of(10250)),
          Action.DENY));
      b.addRule(tierRule(Direction.INGRESS, Tier.ADMIN, 40, id, pods, PortSet.ALL_PROTOCOLS, Action.PASS));
      b.addRule(tierRule(Direction.INGRESS, Tier.BASELINE, 0, id, AddressSet.ALL, PortSet.ALL_PROTOCOLS, Action.DENY));
      b.addRule(tierRule(Direction.EGRESS, Tier.BASELINE, 1, id, AddressSet.ALL,
          PortSet.of(Protocol.TCP, PortRange.of(25)), Action.DENY));
    }
    return b.build();
  }

  private static Rule tierRule(Direction d, Tier tier, int priority, String group, AddressSet peers, PortSet ports,
      Action action) {
    return new Rule(d, tier, priority, group, peers, ports, action,
        List.of(new Origin("admin/" + tier.name().toLowerCase(java.util.Locale.ROOT) + "-" + priority, d, 0,
            SourcePosition.UNKNOWN)));
  }

  /** As {@link #report(String, RuleGraph)}, and every map must fit its default maximum. */
  private static Map<EbpfMap, Integer> report(String label, Cluster c, CompileOptions options) throws BackendException {
    Map<EbpfMap, Integer> counts = report(label, Fixtures.compile(c, options));
    for (EbpfMap map : EbpfMap.values()) {
      assertThat(counts.get(map)).isLessThanOrEqualTo(map.defaultMaxEntries());
    }
    return counts;
  }

  /** Counts with every maximum at the ceiling; prints which maps exceed the default maximum. */
  private static Map<EbpfMap, Integer> report(String label, RuleGraph g) throws BackendException {
    BackendOptions unlimited = BackendOptions.DEFAULTS;
    for (EbpfMap map : EbpfMap.values()) {
      unlimited = unlimited.with("maxEntries." + map.mapName(), Integer.toString(MapLimits.CEILING));
    }
    EbpfMaps m = new EbpfBackend().maps(g, unlimited);
    for (EbpfMap map : EbpfMap.values()) {
      if (m.count(map) > map.defaultMaxEntries()) {
        System.out.printf("%s: %s needs %d entries, more than the default maximum%n", label, map, m.count(map));
      }
    }
    long bytes = 0;
    for (EbpfMap map : EbpfMap.values()) {
      bytes += (long) m.count(map) * (map.keySize() + map.valueSize());
    }
    Identities ids = Identities.of(g);
    System.out.printf("%s: %s; %d key+value bytes; %d identities in %d peer classes; IR %s%n", label, m.counts(), bytes,
        ids.atoms().size(), ids.classCount(), g.size());
    return m.counts();
  }
}
