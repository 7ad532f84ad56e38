package dev.netpolc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendDeciders;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
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
import org.quicktheories.core.Gen;

/**
 * The dialect property tests' shared check: generated clusters compiled, emitted by every
 * backend, read back and simulated decide every probe as the reference evaluator does.
 */
final class DialectBackendEquivalence {
  private static final List<String> OUTSIDE = List.of("8.8.8.8", "203.0.113.5", "2001:db8:ffff::1");
  private static final int[][] ICMP = {{8, 0}, {3, 1}, {0, 0}, {13, 0}};
  private static final int[][] ICMPV6 = {{128, 0}, {1, 4}, {129, 0}};

  private DialectBackendEquivalence() {}

  /**
   * Checks 100 clusters of {@code clusters} on every backend; the probes are
   * {@link #probes(Cluster, boolean, List)} with {@code withNodes} and {@code tcpPorts}.
   */
  static void check(Gen<Cluster> clusters, boolean withNodes, List<Integer> tcpPorts) {
    List<Backend> backends = Backends.load();
    assertThat(backends).extracting(Backend::name).contains("nftables", "iptables", "ebpf");
    qt().withExamples(100).withShrinkCycles(100).forAll(clusters).checkAssert(c -> {
      ReferenceEvaluator ref = new ReferenceEvaluator(c);
      List<Connection> probes = probes(c, withNodes, tcpPorts);
      for (Backend b : backends) {
        ConnectionDecider sim = BackendDeciders.simulate(b, c, SemanticsOptions.DEFAULTS);
        for (Connection conn : probes) {
          assertThat(sim.allows(conn)).as("%s: %s", b.name(), conn).isEqualTo(ref.allows(conn));
        }
      }
    });
  }

  /**
   * The generic probes of the cluster plus ICMP, GRE, TCP ({@code tcpPorts}) and UDP 53 between
   * pods, outside addresses and, with {@code withNodes}, the nodes' addresses.
   */
  static List<Connection> probes(Cluster c, boolean withNodes, List<Integer> tcpPorts) {
    Set<IpAddress> addresses = new LinkedHashSet<>();
    for (Pod p : c.pods()) {
      addresses.addAll(p.ips());
    }
    if (withNodes) {
      for (Node n : c.nodes()) {
        addresses.addAll(n.addresses());
      }
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
        for (int port : tcpPorts) {
          out.add(Connection.of(s, t, Protocol.TCP, port));
        }
        out.add(Connection.of(s, t, Protocol.UDP, 53));
      }
    }
    return out;
  }
}
