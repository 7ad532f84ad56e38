package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.conformance.ConformanceCase;
import dev.netpolc.compiler.conformance.ConformanceCorpus;
import dev.netpolc.compiler.conformance.MatrixDiff;
import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SCTP enforcement on the real kernel, without SCTP sockets ({@link SctpRawProbe}): for every
 * conformance case (each step of it) with an SCTP probe, each pod sends a crafted SCTP INIT to every other pod on
 * the probed port, and a counter in each destination pod's namespace shows which got through the
 * nodes' nftables rulesets. That observed matrix must equal the case's and the reference's.
 */
@Tag("kernel")
class NftablesSctpRawKernelTest {

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "perl", "sysctl", "nft", "conntrack");
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void craftedSctpInitsFollowTheCases(Topology.Mode mode) throws InterruptedException {
    List<ConformanceCase> cases = ConformanceCorpus.all().stream()
        // NetworkPolicy cases only: the tiered corpus puts hostNetwork pods (the upstream suite's
        // centaurs) among its sources, which this raw sender cannot send from; the simulator checks
        // the tiered cases' SCTP probes in NftablesConformanceKernelTest.
        .filter(c -> c.unsupportedBy(java.util.Set.of()).isEmpty())
        .flatMap(c -> c.steps().stream())
        .filter(c -> c.probes().stream().anyMatch(p -> p.protocol() == Protocol.SCTP)).toList();
    assertThat(cases).as("the corpus has SCTP probes").isNotEmpty();
    Map<KernelLayout, List<ConformanceCase>> byLayout = new LinkedHashMap<>();
    cases.forEach(c -> byLayout.computeIfAbsent(KernelLayout.of(c.toCluster()), k -> new ArrayList<>()).add(c));
    List<String> failures = new ArrayList<>();
    int probes = 0;
    for (Map.Entry<KernelLayout, List<ConformanceCase>> group : byLayout.entrySet()) {
      try (Topology t = group.getKey().build(mode)) {
        for (ConformanceCase c : group.getValue()) {
          probes += run(t, group.getKey(), c, failures);
        }
      }
    }
    System.out.printf("SCTP raw probes (%s): %d cases, %d INIT pairs sent%n", mode, cases.size(), probes);
    assertThat(failures).isEmpty();
  }

  /** Runs every SCTP probe of {@code c}; returns the number of pairs probed. */
  private static int run(Topology t, KernelLayout layout, ConformanceCase c, List<String> failures)
      throws InterruptedException {
    Cluster cluster = c.toCluster();
    NodeRulesets rules = NodeRulesets.compile(cluster, layout);
    rules.load(t);
    ConformanceKernelRun.forgetPreviousCase(t, true);
    List<Pod> pods = KernelLayout.activePods(cluster);
    List<ReachabilityMatrix> expected = c.probes().stream().filter(p -> p.protocol() == Protocol.SCTP).toList();
    // (from, to, probe index) → (source address, destination address, port)
    Map<String, IpAddress[]> sends = new LinkedHashMap<>();
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (int i = 0; i < expected.size(); i++) {
      ReachabilityMatrix m = expected.get(i);
      for (Pod from : pods) {
        for (Pod to : pods) {
          if (from.key().equals(to.key())) {
            continue;
          }
          Optional<Integer> port = m.port().isNamed() ? to.namedPort(m.port().name(), Protocol.SCTP)
              : Optional.of(m.port().number());
          Optional<IpAddress[]> pair = commonFamily(from, to);
          if (port.isPresent() && pair.isPresent()) {
            String key = from.key() + " " + to.key() + " " + i;
            sends.put(key, pair.get());
            ports.put(key, port.get());
          }
        }
      }
    }
    Map<String, List<Map.Entry<IpAddress, Integer>>> counters = new TreeMap<>();
    Map<String, List<Map.Entry<IpAddress, Integer>>> targets = new TreeMap<>();
    Map<String, IpAddress> sourceAddress = new TreeMap<>();
    sends.forEach((key, addrs) -> {
      String[] k = key.split(" ");
      counters.computeIfAbsent(k[1], x -> new ArrayList<>()).add(new AbstractMap.SimpleEntry<>(addrs[0], ports.get(key)));
      targets.computeIfAbsent(k[0], x -> new ArrayList<>()).add(new AbstractMap.SimpleEntry<>(addrs[1], ports.get(key)));
      sourceAddress.put(k[0], addrs[0]);
    });
    SctpRawProbe.installCounters(t, counters);
    targets.forEach((from, list) -> SctpRawProbe.send(t, from, sourceAddress.get(from), list));
    Thread.sleep(300); // veth delivery is immediate; this is margin for a loaded machine
    List<ReachabilityMatrix> observed = observe(t, pods, expected, sends, ports, counters.keySet());
    if (!observed.equals(expected)) {
      // A counter that stayed at 0 may only be late on a loaded machine: read once more before judging.
      Thread.sleep(1000);
      observed = observe(t, pods, expected, sends, ports, counters.keySet());
    }
    ReferenceEvaluator reference = new ReferenceEvaluator(cluster);
    for (int i = 0; i < expected.size(); i++) {
      ReachabilityMatrix want = expected.get(i);
      ReachabilityMatrix ref = MatrixComputer.compute(cluster, reference, want.port(), Protocol.SCTP);
      MatrixDiff.describe(c.name(), want, observed.get(i))
          .forEach(l -> failures.add(t.mode() + " kernel (raw SCTP): " + l));
      MatrixDiff.describe(c.name(), want, ref).forEach(l -> failures.add("reference: " + l));
    }
    return sends.size();
  }

  /** The matrices the destination pods' counters show, one per SCTP probe of the case. */
  private static List<ReachabilityMatrix> observe(Topology t, List<Pod> pods,
      List<ReachabilityMatrix> expected, Map<String, IpAddress[]> sends, Map<String, Integer> ports,
      java.util.Set<String> destinations) {
    Map<String, Map<String, Long>> seen = new TreeMap<>();
    destinations.forEach(pod -> seen.put(pod, SctpRawProbe.counted(t, pod)));
    List<ReachabilityMatrix> out = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      TreeMap<String, List<String>> allowed = new TreeMap<>();
      for (Pod from : pods) {
        List<String> row = allowed.computeIfAbsent(from.key(), x -> new ArrayList<>());
        for (Pod to : pods) {
          String key = from.key() + " " + to.key() + " " + i;
          boolean ok = from.key().equals(to.key()) || (sends.containsKey(key)
              && seen.get(to.key()).getOrDefault(sends.get(key)[0] + "," + ports.get(key), 0L) > 0);
          if (ok) {
            row.add(to.key());
          }
        }
      }
      out.add(new ReachabilityMatrix(expected.get(i).port(), Protocol.SCTP, allowed));
    }
    return out;
  }

  /** The first family both pods have (IPv4 first): (source address, destination address). */
  private static Optional<IpAddress[]> commonFamily(Pod from, Pod to) {
    for (boolean v6 : new boolean[] {false, true}) {
      Optional<IpAddress> a = from.ips().stream().filter(ip -> ip.v6() == v6).findFirst();
      Optional<IpAddress> b = to.ips().stream().filter(ip -> ip.v6() == v6).findFirst();
      if (a.isPresent() && b.isPresent()) {
        return Optional.of(new IpAddress[] {a.get(), b.get()});
      }
    }
    return Optional.empty();
  }
}
