package dev.netpolc.e2e;

import dev.netpolc.compiler.gen.CiliumClusterGen;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated Cilium clusters ({@link CiliumClusterGen}: CiliumNetworkPolicies and
 * CiliumClusterwideNetworkPolicies with allow and deny sections, endpoint selectors with
 * namespace and {@code reserved:} keys, CIDRs and CIDR sets with except, entities, ports with
 * names, endPort and ANY, ICMP, {@code enableDefaultDeny: false}, Kubernetes NetworkPolicies
 * beside them) compiled, emitted by every backend, read back and simulated: each simulation
 * decides every probe as the reference evaluator does — pod to pod, pod and node (the own-node
 * exemption that deny rules override), outside addresses, TCP and UDP ports, ICMP and ICMPv6
 * types, and a protocol without ports (GRE). The compiler module proves reference == rule graph
 * on the same generator; this closes the chain to the backends.
 */
class CiliumBackendEquivalenceTest {
  @Test
  void everyBackendSimulatesWhatTheReferenceDecides() {
    DialectBackendEquivalence.check(CiliumClusterGen.clusters(), true,
        List.of(80, 53, 443, 8000, 8080, 8081, 9090, 22));
  }
}
