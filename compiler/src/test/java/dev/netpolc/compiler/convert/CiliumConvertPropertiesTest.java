package dev.netpolc.compiler.convert;

import static dev.netpolc.compiler.convert.ConvertedDecisions.onInventory;
import static dev.netpolc.compiler.convert.ConvertedDecisions.read;
import static dev.netpolc.compiler.convert.ConvertedDecisions.sameDecisions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.CiliumClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.gen.TieredClusterGen;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Conversions with Cilium on either side, on generated clusters ({@link CiliumClusterGen},
 * {@link TieredClusterGen}), checked independently of the converter's proof: the reference
 * evaluator decides every probe ({@link ConnectionProbes}: pods, nodes, outside addresses, every
 * mentioned port and its neighbours, ICMP) on the source and on the converted YAML read back.
 * Accepted and exact ⇒ the same decisions also on the inventory with a new pod beside each pod
 * (same labels and node, a fresh address in the node's pod CIDR); approximate ⇒ never allows a
 * probe the source denies; round trips through both targets decide as the source. Cilium →
 * calico is chained through clusternetworkpolicy and proved against the Cilium source.
 */
class CiliumConvertPropertiesTest {
  private static final SemanticsOptions OPTIONS = SemanticsOptions.DEFAULTS.withDomainNamesMatchNothing(true);

  @Test
  void ciliumClustersConvertToClusterNetworkPolicyWhenAccepted() {
    qt().withExamples(120).forAll(CiliumClusterGen.clusters()).checkAssert(c -> checkAccepted(c,
        ConvertTarget.CLUSTER_NETWORK_POLICY));
  }

  @Test
  void ciliumClustersConvertToNetworkPolicyWhenAccepted() {
    qt().withExamples(60).forAll(CiliumClusterGen.clusters()).checkAssert(c -> checkAccepted(c,
        ConvertTarget.NETWORK_POLICY));
  }

  @Test
  void ciliumClustersConvertToCalicoWhenAccepted() {
    qt().withExamples(80).forAll(CiliumClusterGen.clusters()).checkAssert(c -> checkAccepted(c,
        ConvertTarget.CALICO));
  }

  @Test
  void ciliumRoundTripsThroughCalico() {
    qt().withExamples(40).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      Conversion there = Converter.convert(c, ConvertTarget.CALICO, false, OPTIONS);
      if (!there.accepted()) {
        return;
      }
      Conversion back = Converter.convert(onInventory(c, read(there.yaml())), ConvertTarget.CILIUM, false, OPTIONS);
      if (back.accepted()) {
        sameDecisions(c, read(back.yaml()), false);
      }
    });
  }

  @Test
  void ciliumClustersConvertToCiliumUnchanged() {
    qt().withExamples(40).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      Conversion conv = Converter.convert(c, ConvertTarget.CILIUM, false, OPTIONS);
      assertThat(conv.refusals()).isEmpty();
      assertThat(read(conv.yaml()).cilium().policies()).hasSize(c.cilium().policies().size());
      sameDecisions(c, read(conv.yaml()), false);
    });
  }

  @Test
  void tieredClustersConvertToCiliumWhenAccepted() {
    qt().withExamples(80).forAll(TieredClusterGen.clusters()).checkAssert(c -> checkAccepted(c,
        ConvertTarget.CILIUM));
  }

  /** Tiered policies to Cilium with {@code --approximate}: never a connection allowed that the source denies. */
  @Test
  void tieredClustersConvertToCiliumApproximatelyNeverAllowMore() {
    qt().withExamples(60).forAll(TieredClusterGen.clusters()).checkAssert(c -> {
      Conversion conv = Converter.convert(c, ConvertTarget.CILIUM, true, OPTIONS);
      if (conv.accepted()) {
        sameDecisions(c, read(conv.yaml()), true);
      } else {
        assertThat(conv.yaml()).isEmpty();
      }
    });
  }

  @Test
  void approximateNeverAllowsMore() {
    qt().withExamples(60).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      for (ConvertTarget t : ConvertTarget.values()) {
        Conversion conv = Converter.convert(c, t, true, OPTIONS);
        if (conv.accepted()) {
          sameDecisions(c, read(conv.yaml()), true);
        } else {
          assertThat(conv.yaml()).isEmpty();
        }
      }
    });
  }

  @Test
  void ciliumRoundTripsThroughClusterNetworkPolicy() {
    qt().withExamples(80).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      Conversion there = Converter.convert(c, ConvertTarget.CLUSTER_NETWORK_POLICY, false, OPTIONS);
      if (!there.accepted()) {
        return;
      }
      Cluster mid = onInventory(c, read(there.yaml()));
      Conversion back = Converter.convert(mid, ConvertTarget.CILIUM, false, OPTIONS);
      if (back.accepted()) {
        sameDecisions(c, read(back.yaml()), false);
      }
    });
  }

  /**
   * The generated corpus is converted often enough, and refused often enough, for the properties
   * above not to pass vacuously. A fixed seed.
   */
  @Test
  void theCorpusIsConvertedAndRefused() {
    TreeMap<String, Integer> seen = new TreeMap<>();
    qt().withFixedSeed(20261207L).withExamples(150).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      for (ConvertTarget t : List.of(ConvertTarget.CLUSTER_NETWORK_POLICY, ConvertTarget.NETWORK_POLICY,
          ConvertTarget.CALICO)) {
        Conversion conv = Converter.convert(c, t, false, OPTIONS);
        seen.merge(t.cliName() + (conv.accepted() ? " accepted" : " refused"), 1, Integer::sum);
        if (conv.accepted() && !conv.inventoryDependent() && conv.provedPods() > 0) {
          seen.merge(t.cliName() + " exact", 1, Integer::sum);
        }
      }
    });
    qt().withFixedSeed(20261207L).withExamples(80).forAll(TieredClusterGen.clusters()).checkAssert(c -> {
      Conversion conv = Converter.convert(c, ConvertTarget.CILIUM, false, OPTIONS);
      seen.merge("cilium " + (conv.accepted() ? "accepted" : "refused"), 1, Integer::sum);
      if (conv.accepted() && !conv.inventoryDependent()) {
        seen.merge("cilium exact", 1, Integer::sum);
      }
      if (conv.refusals().stream().anyMatch(r -> r.reason().startsWith("Cilium's denies win"))) {
        seen.merge("cilium refused for deny-wins", 1, Integer::sum);
      }
    });
    System.out.println("Cilium conversions of 150 generated clusters (and cilium of 80 tiered ones): " + seen);
    // No "exact" count is required: this corpus's nodes declare no pod CIDR, so a CIDR carried over
    // is inventory-dependent (ClusterAddresses.futurePodCaveat), and the few accepted conversions all
    // carry one or list today's inventory otherwise (CiliumConversionTest
    // aCidrIsExactOnlyWhereEveryNodeDeclaresItsPodCidr).
    assertThat(seen).containsKeys("clusternetworkpolicy accepted", "clusternetworkpolicy refused",
        "networkpolicy accepted", "networkpolicy refused", "calico accepted", "calico refused", "cilium accepted",
        "cilium refused");
  }

  private static void checkAccepted(Cluster c, ConvertTarget target) {
    Conversion conv = Converter.convert(c, target, false, OPTIONS);
    if (!conv.accepted()) {
      assertThat(conv.yaml()).isEmpty();
      assertThat(conv.refusals()).allMatch(r -> !r.reason().isBlank());
      return;
    }
    Cluster converted = read(conv.yaml());
    sameDecisions(c, converted, false);
    if (!conv.inventoryDependent()) {
      Cluster grown = withNewPods(c);
      sameDecisions(grown, converted, false);
    }
  }

  /** {@code c} with, beside each active pod on a node with a pod CIDR, a copy at a fresh address of that CIDR. */
  static Cluster withNewPods(Cluster c) {
    Set<IpAddress> used = new HashSet<>();
    c.pods().forEach(p -> used.addAll(p.ips()));
    c.nodes().forEach(n -> used.addAll(n.addresses()));
    List<Pod> pods = new ArrayList<>(c.pods());
    for (Pod p : c.pods()) {
      Optional<Node> node = c.nodes().stream().filter(n -> n.name().equals(p.nodeName())).findFirst();
      if (!p.isActive() || p.hostNetwork() || node.isEmpty() || node.get().podCidrs().isEmpty()) {
        continue;
      }
      Cidr cidr = node.get().podCidrs().get(0);
      Optional<IpAddress> fresh = cidr.first().plus(2);
      while (fresh.isPresent() && cidr.contains(fresh.get()) && used.contains(fresh.get())) {
        fresh = fresh.get().plus(1);
      }
      if (fresh.isEmpty() || !cidr.contains(fresh.get())) {
        continue;
      }
      used.add(fresh.get());
      pods.add(new Pod(p.namespace(), p.name() + "-new", p.labels(), List.of(fresh.get()), p.nodeName(), false,
          p.phase(), p.ports(), p.initPorts(), p.position(), p.serviceAccountName()));
    }
    return new Cluster(c.namespaces(), pods, c.nodes(), c.policies(), c.clusterNetworkPolicies(),
        c.adminNetworkPolicies(), c.baselineAdminNetworkPolicies(), c.calico(), c.cilium());
  }

}
