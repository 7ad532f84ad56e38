package dev.netpolc.compiler.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The index against its definition, computed the slow way: policy pods ordered and
 * de-duplicated by key string ("ns/name", including namespaces that are prefixes of others and
 * invalid ones holding a '/'), an address held twice owned by the first pod by key, selections
 * as {@link LabelSelector#matches} filters, in namespaces small enough to scan and large enough
 * to be indexed.
 */
class ClusterIndexTest {
  private static final List<String> NAMESPACES = List.of("a", "a-b", "a0", "ab", "b");
  private static final List<String> SLASHED = List.of("a", "a/b", "a-b", "b");
  private static final List<String> VALUES = List.of("x", "y", "z");

  @Test
  void theIndexMatchesItsDefinition() {
    qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      for (SemanticsOptions options : List.of(SemanticsOptions.DEFAULTS,
          SemanticsOptions.DEFAULTS.withHostNetworkPodsArePolicyTargets(true))) {
        check(cluster(r, r.nextInt(4) == 0 ? SLASHED : NAMESPACES, r.nextBoolean() ? 12 : 160), options, r);
      }
    });
  }

  @Test
  void aLargeClusterIndexedOnSeveralCoresMatchesItsDefinition() {
    // Above the size from which buckets are sorted and ownership computed in parallel; two pods
    // share an address, so ownership is decided by key.
    Cluster large = dev.netpolc.compiler.gen.LargeClusterGen.generate(3, 21_000, 0);
    List<Pod> pods = new ArrayList<>(large.pods());
    Pod first = pods.get(0);
    pods.add(new Pod("ns0", "zz-twin", first.labels(), first.ips(), first.nodeName(), false, "Running", List.of(),
        List.of(), SourcePosition.UNKNOWN));
    check(new Cluster(large.namespaces(), pods, large.nodes(), List.of()), SemanticsOptions.DEFAULTS, new Random(1));
  }

  private static Cluster cluster(Random r, List<String> namespaces, int maxPods) {
    List<Namespace> nss = new ArrayList<>();
    for (String ns : namespaces) {
      if (r.nextBoolean()) {
        nss.add(Namespace.of(ns, Map.of("team", VALUES.get(r.nextInt(3)))));
      }
    }
    List<Pod> pods = new ArrayList<>();
    int n = r.nextInt(maxPods + 1);
    for (int i = 0; i < n; i++) {
      String ns = namespaces.get(r.nextInt(namespaces.size()));
      String name = r.nextInt(8) == 0 ? "b/c" : "p" + r.nextInt(maxPods); // repeated keys, '/' in names
      Map<String, String> labels = new TreeMap<>();
      if (r.nextBoolean()) {
        labels.put("app", VALUES.get(r.nextInt(3)));
      }
      if (r.nextBoolean()) {
        labels.put("tier", VALUES.get(r.nextInt(3)));
      }
      List<IpAddress> ips = new ArrayList<>();
      int k = r.nextInt(maxPods + 20); // sometimes shared
      switch (r.nextInt(4)) {
        case 0 -> ips.add(IpAddress.v4(0xC6120000L + k));
        case 1 -> {
          ips.add(IpAddress.v4(0xC6120000L + k));
          ips.add(IpAddress.v6(0xFD00L << 48, k));
        }
        case 2 -> ips.add(IpAddress.v6(0xFD00L << 48, k));
        default -> { }
      }
      List<ContainerPort> ports = r.nextBoolean() ? List.of(new ContainerPort("http", 80, Protocol.TCP),
          new ContainerPort("http", 81, Protocol.UDP)) : List.of();
      List<ContainerPort> initPorts = r.nextInt(5) == 0 ? List.of(new ContainerPort("dns", 53, Protocol.UDP)) : List.of();
      pods.add(new Pod(ns, name, labels, ips, r.nextBoolean() ? "n1" : "n2", r.nextInt(6) == 0,
          r.nextInt(8) == 0 ? "Succeeded" : "Running", ports, initPorts, SourcePosition.UNKNOWN));
    }
    return new Cluster(nss, pods, List.of(), List.of());
  }

  private static LabelSelector selector(Random r) {
    Map<String, String> labels = new TreeMap<>();
    if (r.nextBoolean()) {
      labels.put(r.nextBoolean() ? "app" : "team", VALUES.get(r.nextInt(3)));
    }
    List<LabelSelectorRequirement> reqs = new ArrayList<>();
    if (r.nextBoolean()) {
      LabelSelectorRequirement.Operator op = LabelSelectorRequirement.Operator.values()[r.nextInt(4)];
      boolean values = op == LabelSelectorRequirement.Operator.In || op == LabelSelectorRequirement.Operator.NotIn;
      reqs.add(new LabelSelectorRequirement(r.nextBoolean() ? "tier" : "team", op.name(),
          values ? VALUES.subList(0, 1 + r.nextInt(3)) : List.of()));
    }
    return new LabelSelector(labels, reqs);
  }

  private static void check(Cluster c, SemanticsOptions options, Random r) {
    ClusterIndex index = new ClusterIndex(c, options);
    Map<String, Pod> byKey = new LinkedHashMap<>();
    for (Pod p : c.pods()) {
      if (p.isActive() && (!p.hostNetwork() || options.hostNetworkPodsArePolicyTargets())) {
        byKey.putIfAbsent(p.key(), p);
      }
    }
    List<Pod> expected = new ArrayList<>(new TreeMap<>(byKey).values());
    assertThat(index.pods()).containsExactlyElementsOf(expected);

    Map<IpAddress, Integer> owner = new HashMap<>();
    for (int i = 0; i < expected.size(); i++) {
      for (IpAddress ip : expected.get(i).ips()) {
        owner.putIfAbsent(ip, i);
      }
    }
    for (int i = 0; i < expected.size(); i++) {
      List<IpAddress> mine = new ArrayList<>();
      for (IpAddress ip : expected.get(i).ips()) {
        if (owner.get(ip) == i) {
          mine.add(ip);
        }
        assertThat(index.isPodAddress(ip)).isTrue();
      }
      assertThat(index.ips(i)).containsExactlyElementsOf(mine);
    }
    assertThat(index.isPodAddress(IpAddress.parse("203.0.113.254"))).isFalse(); // used by neither generator
    assertThat(index.isPodAddress(IpAddress.parse("2001:db8:ffff::7"))).isFalse();

    for (String name : List.of("http", "dns", "none")) {
      List<Integer> want = new ArrayList<>();
      for (int i = 0; i < expected.size(); i++) {
        Pod p = expected.get(i);
        if (p.allPorts().stream().anyMatch(cp -> name.equals(cp.name()))) {
          want.add(i);
        }
      }
      assertThat(index.podsWithPortName(name)).containsExactly(want.stream().mapToInt(Integer::intValue).toArray());
    }

    List<String> namespaces = index.namespaces().stream().map(Namespace::name).toList();
    int queries = expected.size() < 1_000 ? 6 : 1; // the slow definition scans every pod per namespace
    for (int q = 0; q < queries; q++) {
      LabelSelector podSel = selector(r);
      LabelSelector nsSel = selector(r);
      for (String ns : namespaces) {
        assertThat(index.podsSelected(ns, podSel)).as("%s in %s", podSel, ns)
            .containsExactly(select(expected, p -> p.namespace().equals(ns) && podSel.matches(p.labels())));
        assertThat(index.peerPods(ns, Peer.pods(podSel)))
            .containsExactly(select(expected, p -> p.namespace().equals(ns) && podSel.matches(p.labels())));
      }
      Map<String, Map<String, String>> nsLabels = new HashMap<>();
      index.namespaces().forEach(ns -> nsLabels.put(ns.name(), ns.labels()));
      Peer both = new Peer(Optional.of(podSel), Optional.of(nsSel), Optional.empty());
      assertThat(index.peerPods("a", both)).as("%s in namespaces %s", podSel, nsSel).containsExactly(
          select(expected, p -> nsSel.matches(nsLabels.get(p.namespace())) && podSel.matches(p.labels())));
    }
  }

  private static int[] select(List<Pod> pods, java.util.function.Predicate<Pod> p) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < pods.size(); i++) {
      if (p.test(pods.get(i))) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
