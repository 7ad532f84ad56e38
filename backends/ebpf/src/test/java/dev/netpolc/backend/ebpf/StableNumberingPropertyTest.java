package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.gen.TieredClusterGen;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Identity, peer class, group and rule numbers are stable: on generated tiered clusters, one pod
 * added (a copy of a pod at a fresh address) or removed through a {@link CompilerSession}
 * changes only map entries that involve that pod: np_endpoints and np_hostpods entries of its
 * addresses (and the flags of its group's other members when the group's verdicts change),
 * np_policy entries whose peer is the identity of one of its addresses (before or after), and
 * np_ident entries on the LPM path of its addresses; unrelated identities, peer classes (their
 * class-key entries), groups and rules keep their numbers, and no flattening tie-break moves.
 * Three consequences of the event itself are allowed ({@link Allowed}): an Admin or Baseline
 * peer set crossing the 3-identity threshold of peer classes (its other identities, at most 2,
 * change class), a new or vanished pod identity (its peer class may get another background), and
 * the pod's group gaining or losing its only member on a node (cluster-wide: its own-node
 * entries). The maps after the delta decide every probe as the reference does for the new
 * cluster, and numbering is a function of the graph: the same graph gives byte-identical maps.
 */
class StableNumberingPropertyTest {

  @Test
  void onePodEventTouchesOnlyEntriesOfThatPodOnTieredClusters() {
    AtomicInteger checked = new AtomicInteger();
    AtomicInteger sameShape = new AtomicInteger();
    qt().withExamples(60).forAll(TieredClusterGen.clusters(), integers().between(0, 1_000), booleans().all(),
        booleans().all()).checkAssert((c, pick, add, clusterWide) -> check(c, pick, add, clusterWide, checked,
            sameShape));
    // Random examples: the guard only asks that the case under test occurs (a count at the edge flakes).
    assertThat(sameShape.get()).as("pod events whose group exists among %s", checked.get()).isPositive();
  }

  /** Hundreds of pods in deployments of 20: identities of many addresses, where orders would shift. */
  @Test
  void onePodEventTouchesOnlyEntriesOfThatPodOnLargeClusters() {
    AtomicInteger checked = new AtomicInteger();
    AtomicInteger sameShape = new AtomicInteger();
    qt().withExamples(16).forAll(longs().all(), integers().between(0, 10_000), booleans().all(), booleans().all())
        .checkAssert((seed, pick, add, clusterWide) -> check(LargeClusterGen.generate(seed, 300, 40), pick, add,
            clusterWide, checked, sameShape));
    assertThat(sameShape.get()).as("pod events whose group exists among %s", checked.get()).isPositive();
  }

  private static void check(Cluster c, int pick, boolean add, boolean clusterWide, AtomicInteger checked,
      AtomicInteger sameShape) {
    List<Pod> candidates = c.pods().stream().filter(p -> !p.hostNetwork() && !p.ips().isEmpty()).toList();
    if (candidates.isEmpty()) {
      return;
    }
    Pod p = candidates.get(pick % candidates.size());
    Optional<String> node = clusterWide || p.nodeName() == null ? Optional.empty() : Optional.of(p.nodeName());
    CompileOptions o = node.map(CompileOptions.DEFAULTS::withNode).orElse(CompileOptions.DEFAULTS);
    CompilerSession s = new Compiler().session(c, o);
    Pod changed = add ? copyAtFreshAddress(c, p) : p;
    ClusterChange change = add ? new ClusterChange.PodUpserted(changed)
        : new ClusterChange.PodRemoved(p.namespace(), p.name());
    RuleGraph g1 = s.graph();
    EbpfMaps before = Fixtures.maps(g1);
    GraphUpdate u = s.apply(List.of(change));
    EbpfMaps after = Fixtures.maps(u.next());
    List<MapCommand> delta = MapsDiff.between(before, after);
    checked.incrementAndGet();
    // A pod event whose group exists: same groups, same rules but for their peer sets (the
    // session's incremental path, or a recompile that came out that way).
    if (shape(g1).equals(shape(u.next()))) {
      sameShape.incrementAndGet();
      assertOnlyThePod(before, after, delta, changed.ips(), c, Allowed.of(g1, u.next(), changed.ips()));
    }
    // Same graph, same bytes; and the delta gives maps that decide as the new cluster does.
    assertThat(Fixtures.maps(u.next())).isEqualTo(after);
    assertDecidesLikeReference(s.cluster(), node, MapsDiff.apply(before, delta), changed.ips());
  }

  /** The groups and, per rule, everything but its peer set. */
  private static List<Object> shape(RuleGraph g) {
    List<Object> out = new ArrayList<>();
    g.groups().forEach(x -> out.add(x.id()));
    for (Rule r : g.rules()) {
      out.add(List.of(r.subject(), r.direction(), r.tier(), r.action(), r.priority(), r.ports().canonical(),
          r.origins()));
    }
    return out;
  }

  /**
   * What a pod event may touch besides the pod's own entries, each a consequence of the event and
   * not of numbering:
   *
   * @param reclassified identity values and class keys, before and after, of the identities in an
   *                     Admin or Baseline peer set that the event took across the 3-identity
   *                     threshold of peer classes ({@link Identities#MIN_CLASS_IDENTITIES}): at
   *                     the crossing the set holds at most 2 identities besides the pod's, which
   *                     change class (so value), and of the classes they leave and join; and,
   *                     when the pod's identity came or went, of the pod's peer classes, whose
   *                     background (the cheapest of their largest verdict classes) may move
   * @param ownNodeGroup the number of the pod's group when the event changed the nodes its
   *                     members are on (cluster-wide): its direction-2 (own node) entries follow
   */
  private record Allowed(Set<Integer> reclassified, Optional<Integer> ownNodeGroup) {
    static Allowed of(RuleGraph g1, RuleGraph g2, List<IpAddress> ips) {
      Identities ids1 = identities(g1);
      Identities ids2 = identities(g2);
      Map<String, Rule> rules2 = new HashMap<>();
      g2.rules().forEach(r -> rules2.put(ruleKey(r), r));
      Set<Integer> reclassified = new HashSet<>();
      for (Rule r1 : g1.rules()) {
        Rule r2 = rules2.get(ruleKey(r1));
        if (r1.tier() == Tier.NETWORK_POLICY || r2 == null || formsClasses(ids1, r1) == formsClasses(ids2, r2)) {
          continue;
        }
        for (var side : List.of(Map.entry(ids1, r1), Map.entry(ids2, r2))) {
          Identities ids = side.getKey();
          for (int atom : ids.atoms().idsOf(side.getValue().peers())) {
            reclassified.add(ids.value(atom));
            reclassified.add(Identities.classKey(ids.classOf(atom)));
            // The other members of the classes it leaves and joins: their background may move.
            classMembers(ids, ids.classOf(atom), reclassified);
          }
        }
      }
      if (!values(ids1).equals(values(ids2))) {
        // The pod's identity came or went: its peer classes have one identity more or fewer, and
        // the flattening may choose another background for them (the cheapest of the largest).
        for (IpAddress ip : ips) {
          classMembers(ids1, ids1.classOf(ids1.atoms().idOf(ip)), reclassified);
          classMembers(ids2, ids2.classOf(ids2.atoms().idOf(ip)), reclassified);
        }
      }
      Optional<Integer> ownNodeGroup = Optional.empty();
      Optional<EndpointGroup> in1 = groupOf(g1, ips);
      Optional<EndpointGroup> in2 = groupOf(g2, ips);
      EndpointGroup group = in1.or(() -> in2).orElse(null);
      if (group != null && !nodesOf(g1, group.id()).equals(nodesOf(g2, group.id()))) {
        RuleGraph g = in1.isPresent() ? g1 : g2;
        ownNodeGroup = Optional.of(MapsEmitter.groupNumbers(g)[g.groups().indexOf(group)]);
      }
      return new Allowed(reclassified, ownNodeGroup);
    }

    /** Adds the identity values of class {@code peerClass}'s members and its class key. */
    private static void classMembers(Identities ids, int peerClass, Set<Integer> out) {
      out.add(Identities.classKey(peerClass));
      for (int atom = 0; atom < ids.atoms().size(); atom++) {
        if (ids.classOf(atom) == peerClass) {
          out.add(ids.value(atom));
        }
      }
    }

    private static Set<Integer> values(Identities ids) {
      Set<Integer> out = new HashSet<>();
      for (int atom = 0; atom < ids.atoms().size(); atom++) {
        out.add(ids.value(atom));
      }
      return out;
    }

    private static Identities identities(RuleGraph g) {
      try {
        return Identities.of(g);
      } catch (dev.netpolc.backend.BackendException e) {
        throw new AssertionError(e.getMessage(), e);
      }
    }

    private static String ruleKey(Rule r) {
      return r.subject() + " " + r.direction() + " " + r.tier() + " " + r.action() + " " + r.priority() + " "
          + r.ports().canonical() + " " + r.origins();
    }

    /** As {@link Identities}: a peer set of 3 identities or more, not every one, makes classes. */
    private static boolean formsClasses(Identities ids, Rule r) {
      int n = ids.atoms().idsOf(r.peers()).size();
      return n >= Identities.MIN_CLASS_IDENTITIES && n < ids.atoms().size();
    }

    private static Optional<EndpointGroup> groupOf(RuleGraph g, List<IpAddress> ips) {
      return ips.stream().flatMap(ip -> g.endpointAt(ip).stream()).findFirst()
          .flatMap(e -> g.groupOfPod(e.pod()));
    }

    private static Set<String> nodesOf(RuleGraph g, String groupId) {
      Set<String> nodes = new TreeSet<>();
      g.groups().stream().filter(x -> x.id().equals(groupId))
          .forEach(x -> x.members().forEach(e -> e.node().ifPresent(nodes::add)));
      return nodes;
    }
  }

  private static void assertOnlyThePod(EbpfMaps before, EbpfMaps after, List<MapCommand> delta, List<IpAddress> ips,
      Cluster c, Allowed allowed) {
    Set<Integer> podIdentities = new HashSet<>();
    for (IpAddress ip : ips) {
      identityOf(before, ip).ifPresent(podIdentities::add);
      identityOf(after, ip).ifPresent(podIdentities::add);
    }
    podIdentities.addAll(allowed.reclassified());
    int neighbours = 0;
    for (MapCommand cmd : delta) {
      if (cmd.map() == EbpfMap.IDENT4 || cmd.map() == EbpfMap.IDENT6) {
        // A prefix on the pod's LPM path, or one whose identity (new or old) is the pod's, or a
        // neighbour that the fewest-prefixes table restates when a prefix it shared with the pod
        // changes: at most one per prefix level of the pod's addresses.
        boolean own = ips.stream().anyMatch(ip -> covers(((IdentityKey) cmd.key()).prefix(), ip))
            || cmd instanceof MapCommand.Update up && podIdentities.contains(((IdentityValue) up.value()).identity())
            || before.get(cmd.map(), cmd.key()).map(v -> podIdentities.contains(((IdentityValue) v).identity()))
                .orElse(false);
        neighbours += own ? 0 : 1;
        continue;
      }
      boolean involved = switch (cmd.map()) {
        // Or another member's flags, same group number: the pod joined or left a tier peer set
        // and its group's verdicts changed (isolated / denies), which is no renumbering.
        case ENDPOINTS -> ips.contains(((EndpointKey) cmd.key()).address())
            || cmd instanceof MapCommand.Update up && before.get(cmd.map(), cmd.key())
                .map(v -> ((EndpointValue) v).group() == ((EndpointValue) up.value()).group()).orElse(false);
        case HOST_PODS -> ips.contains(((HostPodKey) cmd.key()).pod());
        case POLICY -> podIdentities.contains(((PolicyKey) cmd.key()).peer()) || ((PolicyKey) cmd.key()).ownNode()
            && allowed.ownNodeGroup().equals(Optional.of(((PolicyKey) cmd.key()).group()));
        case IDENT4, IDENT6 -> true;
      };
      assertThat(involved).as("%s touched by a pod event on %s (identities %s)\n%s", cmd, ips, podIdentities,
          c.pods().size() < 50 ? TieredClusterGen.describe(c) : c.pods().size() + " pods").isTrue();
    }
    int levels = ips.stream().mapToInt(IpAddress::bits).sum();
    assertThat(neighbours).as("neighbouring prefixes restated for a pod event on %s: %s", ips, delta)
        .isLessThanOrEqualTo(levels);
  }

  /**
   * Every probe of a small cluster; of a large one (the verifier's probes grow with the square
   * of the addresses) the pod's connections with every other pod and a sample of other pairs,
   * on each destination's container ports and port 80, TCP and UDP.
   */
  private static void assertDecidesLikeReference(Cluster next, Optional<String> node, EbpfMaps maps,
      List<IpAddress> ips) {
    ReferenceEvaluator ref = new ReferenceEvaluator(next, CompileOptions.DEFAULTS.semantics());
    List<Connection> probes = next.pods().size() < 50 ? ConnectionProbes.of(next) : sampledProbes(next, ips);
    VerifyReport r = Verifier.verify(ref, node, new EbpfSimulator(maps), probes, 1);
    assertThat(r.agrees()).as("%s disagreements after the delta, first:\n%s", r.disagreements(),
        r.agrees() ? "" : r.first().get(0).toText()).isTrue();
  }

  private static List<Connection> sampledProbes(Cluster c, List<IpAddress> ips) {
    List<Connection> out = new ArrayList<>();
    List<Pod> pods = c.pods().stream().filter(p -> !p.ips().isEmpty()).toList();
    for (int i = 0; i < pods.size(); i++) {
      for (int j = 0; j < pods.size(); j++) {
        Pod a = pods.get(i);
        Pod b = pods.get(j);
        boolean involved = !java.util.Collections.disjoint(a.ips(), ips) || !java.util.Collections.disjoint(b.ips(), ips);
        if (i == j || !(involved || (i % 13 == 0 && j % 7 == 0))) {
          continue;
        }
        List<Integer> ports = new ArrayList<>(List.of(80));
        b.ports().forEach(x -> ports.add(x.containerPort()));
        for (int port : ports) {
          for (Protocol proto : List.of(Protocol.TCP, Protocol.UDP)) {
            out.add(Connection.of(a.ips().get(0), b.ips().get(0), proto, port));
          }
        }
      }
    }
    return out;
  }

  /** The identity the maps' longest-prefix match gives {@code ip}. */
  private static Optional<Integer> identityOf(EbpfMaps maps, IpAddress ip) {
    MapEntry<IdentityKey, IdentityValue> best = null;
    for (MapEntry<IdentityKey, IdentityValue> e : ip.v6() ? maps.ident6() : maps.ident4()) {
      if (covers(e.key().prefix(), ip) && (best == null || e.key().prefix().prefix() > best.key().prefix().prefix())) {
        best = e;
      }
    }
    return Optional.ofNullable(best).map(e -> e.value().identity());
  }

  private static boolean covers(Cidr prefix, IpAddress ip) {
    return prefix.address().v6() == ip.v6() && ip.mask(prefix.prefix()).equals(prefix.address());
  }

  /** {@code p} under a new name at the first address below its own that no pod or node has. */
  private static Pod copyAtFreshAddress(Cluster c, Pod p) {
    Set<IpAddress> used = new HashSet<>();
    c.pods().forEach(x -> used.addAll(x.ips()));
    for (Node n : c.nodes()) {
      used.addAll(n.addresses());
    }
    // Below the pod's own address, so that the pod's identity gets a new lowest address: an
    // order by lowest address would renumber.
    IpAddress ip = p.ips().get(0);
    do {
      ip = ip.previous().orElseThrow();
    } while (used.contains(ip));
    return new Pod(p.namespace(), p.name() + "-copy", p.labels(), List.of(ip), p.nodeName(), false, p.phase(),
        p.ports(), p.initPorts(), p.position());
  }
}
