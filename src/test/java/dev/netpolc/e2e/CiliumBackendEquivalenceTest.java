package dev.netpolc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendDeciders;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.CiliumClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
  private static final List<String> OUTSIDE = List.of("8.8.8.8", "203.0.113.5", "2001:db8:ffff::1");
  private static final int[][] ICMP = {{8, 0}, {3, 1}, {0, 0}, {13, 0}};
  private static final int[][] ICMPV6 = {{128, 0}, {1, 4}, {129, 0}};
  private static final List<Integer> PORTS = List.of(80, 53, 443, 8000, 8080, 8081, 9090, 22);

  @Test
  void everyBackendSimulatesWhatTheReferenceDecides() {
    List<Backend> backends = Backends.load();
    assertThat(backends).extracting(Backend::name).contains("nftables", "iptables", "ebpf");
    qt().withExamples(100).withShrinkCycles(100).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      ReferenceEvaluator ref = new ReferenceEvaluator(c);
      List<Connection> probes = probes(c);
      for (Backend b : backends) {
        ConnectionDecider sim = BackendDeciders.simulate(b, c, SemanticsOptions.DEFAULTS);
        for (Connection conn : probes) {
          assertThat(sim.allows(conn)).as("%s: %s", b.name(), conn).isEqualTo(ref.allows(conn));
        }
      }
    });
  }

  /** The generic probes of the cluster plus ICMP, GRE, TCP and UDP between pods, nodes and outside addresses. */
  private static List<Connection> probes(Cluster c) {
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
        if (s.v6() != t.v6() || s.equals(t)) {
          continue;
        }
        for (int[] m : s.v6() ? ICMPV6 : ICMP) {
          out.add(Connection.icmp(s, t, m[0], m[1]));
        }
        out.add(new Connection(s, t, 47, 0));
        for (int port : PORTS) {
          out.add(Connection.of(s, t, Protocol.TCP, port));
        }
        out.add(Connection.of(s, t, Protocol.UDP, 53));
      }
    }
    return out;
  }
}
