package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link TieredGraphGen} reaches what the tiered property tests are meant to exercise: over 200
 * seeded cases, each of these happens in at least a few: per-node and cluster-wide graphs, every
 * lookup mode of the flags (isolated, denies, own-node egress), "any peer" and per-identity
 * entries, all-protocol and port-block entries, IPv6 connections denied and allowed, a Pass rule
 * and a Deny rule deciding some probe, and a denied egress to the pod's own node.
 */
class TieredGraphGenCoverageTest {

  @Test
  void theGeneratorReachesEveryFeature() {
    Random random = new Random(20261206L);
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 0; i < 200; i++) {
      TieredGraphGen.Case c = TieredGraphGen.sample(random);
      EbpfMaps maps = Fixtures.maps(c.graph());
      count(seen, c.graph().node().isPresent() ? "per-node" : "cluster-wide", true);
      for (MapEntry<EndpointKey, EndpointValue> e : maps.endpoints()) {
        int f = e.value().flags();
        count(seen, "flag isolated", (f & (EndpointValue.INGRESS_ISOLATED | EndpointValue.EGRESS_ISOLATED)) != 0);
        count(seen, "flag denies", (f & (EndpointValue.INGRESS_DENIES | EndpointValue.EGRESS_DENIES)) != 0);
        count(seen, "flag own-node egress", (f & EndpointValue.OWN_NODE_EGRESS) != 0);
      }
      for (MapEntry<PolicyKey, PolicyValue> e : maps.policy()) {
        count(seen, "entry any peer", e.key().peer() == PolicyKey.ANY_PEER);
        boolean classKey = ~e.key().peer() > 0 && ~e.key().peer() < Identities.MAX_CLASSES;
        count(seen, "entry per identity", e.key().peer() != PolicyKey.ANY_PEER && !classKey);
        count(seen, "entry per class key other than any peer", classKey);
        count(seen, "entry every protocol", e.key().protocol() == 0);
        count(seen, "entry port block", e.key().protocol() != 0 && e.key().portCount() > 1);
        count(seen, "entry deny", e.value().action() == Action.DENY);
        count(seen, "entry own node", e.key().ownNode());
      }
      RuleGraphEvaluator ref = new RuleGraphEvaluator(c.graph());
      boolean passRule = c.graph().rules().stream().anyMatch(r -> r.action() == Action.PASS);
      boolean adminDeny = c.graph().rules().stream().anyMatch(r -> r.tier() == Tier.ADMIN && r.action() == Action.DENY);
      boolean ipv6Denied = false;
      boolean ipv6Allowed = false;
      boolean nodeDenied = false;
      for (Connection p : c.probes()) {
        boolean ok = ref.allows(p);
        ipv6Denied |= p.source().v6() && !ok;
        ipv6Allowed |= p.source().v6() && ok;
        nodeDenied |= !ok && c.graph().nodeAddresses().values().stream().anyMatch(a -> a.contains(p.destination()))
            && c.graph().endpointAt(p.source()).isPresent();
      }
      count(seen, "graph with a Pass rule", passRule);
      count(seen, "graph with an Admin Deny", adminDeny);
      count(seen, "IPv6 denied", ipv6Denied);
      count(seen, "IPv6 allowed", ipv6Allowed);
      count(seen, "egress to a node denied", nodeDenied);
    }
    System.out.println("tiered graph features over 200 cases: " + seen);
    assertThat(seen).as("features seen in 200 cases").containsOnlyKeys("per-node", "cluster-wide", "flag isolated",
        "flag denies", "flag own-node egress", "entry any peer", "entry per identity",
        "entry per class key other than any peer", "entry every protocol",
        "entry port block", "entry deny", "entry own node", "graph with a Pass rule", "graph with an Admin Deny",
        "IPv6 denied", "IPv6 allowed", "egress to a node denied");
    assertThat(seen.values()).as("%s", seen).allMatch(n -> n >= 5);
  }

  private static void count(Map<String, Integer> seen, String what, boolean happened) {
    if (happened) {
      seen.merge(what, 1, Integer::sum);
    }
  }
}
