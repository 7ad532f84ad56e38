package dev.netpolc.e2e;

import dev.netpolc.compiler.gen.CalicoClusterGen;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated Calico clusters ({@link CalicoClusterGen}: tiers with Deny and Pass defaults, ordered
 * policies with Allow/Deny/Pass/Log rules, selectors, network sets, nets/notNets, named ports,
 * protocol/notProtocol, icmp/notICMP, ipVersion, Kubernetes NetworkPolicies beside them) compiled,
 * emitted by every backend, read back and simulated: each simulation decides every probe as the
 * reference evaluator does — pod to pod and to outside addresses, TCP and UDP ports, ICMP and
 * ICMPv6 types and codes, and a protocol without ports (GRE). The compiler module proves
 * reference == rule graph on the same generator; this closes the chain to the backends.
 */
class CalicoBackendEquivalenceTest {
  @Test
  void everyBackendSimulatesWhatTheReferenceDecides() {
    DialectBackendEquivalence.check(CalicoClusterGen.clusters(), false, List.of(80, 53, 443, 8080, 9090, 22));
  }
}
