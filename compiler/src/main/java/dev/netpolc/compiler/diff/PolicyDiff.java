package dev.netpolc.compiler.diff;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.passes.Passes;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes what changes between two policy sets over one inventory ({@link DiffResult}), on
 * equivalence classes instead of every pod pair and port.
 *
 * <p>Both policy sets are compiled cluster-wide over the same inventory. A connection between
 * two pods that is not decided by a shortcut (same pod or address, pod and its own node) is
 * decided by the egress rules of the source's group on the destination address and the
 * ingress rules of the destination's group on the source address; a rule consults an address
 * only through membership in its peer set. So pods that have, in both graphs and for each
 * address family, the same group and the same memberships in the peer sets of one direction
 * behave alike in that role: they form one source class (ingress peer sets) or destination
 * class (egress peer sets). Ports behave alike between consecutive breakpoints of all port
 * sets of both graphs. For each source class × destination class the allowed ports are
 * computed on representatives with the compiler's own {@link RuleGraphEvaluator#decide}, once
 * per (group, membership) and interval, then compared.
 *
 * <p>Shortcuts depend on the pair, not the class: they only involve pods whose address is not
 * their own endpoint's (hostNetwork pods, node addresses, duplicated addresses). Those pods get
 * a class of their own, and their pairs are checked one by one.
 *
 * <pre>{@code
 * DiffResult d = PolicyDiff.compute(inventory, oldPolicies, newPolicies, SemanticsOptions.DEFAULTS);
 * d.newlyAllowed().forEach(b -> System.out.println(b.sourceNamespace() + " -> " + b.destinationNamespace()));
 * }</pre>
 */
public final class PolicyDiff {
  private static final int[] FAMILIES = {0, 1}; // IPv4 first, as netpolc matrix

  private final PodCatalog catalog;
  private final List<Pod> pods;
  private final RuleGraph[] graphs;
  /** First address of each family per pod: [pod][family], null when absent. */
  private final IpAddress[][] addr;
  /** Interned peer-set membership per [graph][direction][family][pod]; -1 when no address. */
  private final int[][][][] membership;
  private final Map<List<Integer>, Integer> membershipIds = new HashMap<>();
  /** Group index per [graph][family][pod] of the endpoint at the pod's address; -1 none. */
  private final int[][][] groupAt;
  private final boolean[][] special;
  private final Map<Protocol, int[]> breakpoints = new EnumMap<>(Protocol.class);
  /**
   * Starts of the value intervals of each protocol without ports that some port set lists (ICMP
   * type/code ranges, a whole other protocol), by protocol number.
   */
  private final Map<Integer, int[]> otherBreakpoints = new TreeMap<>();
  /**
   * A protocol without ports that no port set lists, or -1 when every one is listed: all such
   * protocols are decided alike, as this one with value 0 ({@link PortSpace#portless()}).
   */
  private int unlistedProtocol = -1;
  private final Map<Long, Integer> spaces = new HashMap<>();
  private final Map<PortSpace, Integer> spaceIds = new HashMap<>();
  private final List<PortSpace> spaceList = new ArrayList<>();
  private final Map<Long, Integer> ops = new HashMap<>();
  /**
   * Interned behaviour of one direction of the group at each pod's address, comparable across
   * the two graphs: [graph][direction][family][pod]; -1 when no group decides.
   */
  private final int[][][][] behaviour;
  private final DiffScope scope;

  private PolicyDiff(Cluster inventory, Cluster oldPolicies, Cluster newPolicies, SemanticsOptions options,
      DiffScope scope) {
    this.scope = scope;
    this.catalog = new PodCatalog(inventory);
    this.pods = catalog.pods();
    // Only the passes that shrink the classes cheaply: every pass preserves decisions, and rule
    // merging, shadow removal and atoms cost more on a large cluster than they save here.
    CompileOptions co = CompileOptions.DEFAULTS.withSemantics(options).withPasses(List.of(Passes.CIDR_COVER.name(),
        Passes.PORT_MERGE.name(), Passes.HASH_CONS.name(), Passes.GROUP_ENDPOINTS.name()));
    Compiler compiler = new Compiler();
    this.graphs = new RuleGraph[] {
        compiler.compile(withPoliciesOf(inventory, oldPolicies), co).graph(),
        compiler.compile(withPoliciesOf(inventory, newPolicies), co).graph()};
    int n = pods.size();
    addr = new IpAddress[n][2];
    for (int i = 0; i < n; i++) {
      for (IpAddress ip : pods.get(i).ips()) {
        int f = ip.v6() ? 1 : 0;
        if (addr[i][f] == null) {
          addr[i][f] = ip;
        }
      }
    }
    groupAt = new int[2][2][n];
    special = new boolean[2][n];
    for (int g = 0; g < 2; g++) {
      Map<String, Integer> groupIndex = new HashMap<>();
      for (EndpointGroup grp : graphs[g].groups()) {
        groupIndex.put(grp.id(), groupIndex.size());
      }
      for (int f : FAMILIES) {
        for (int i = 0; i < n; i++) {
          groupAt[g][f][i] = -1;
          if (addr[i][f] == null) {
            continue;
          }
          Optional<Endpoint> e = graphs[g].endpointAt(addr[i][f]);
          if (e.isPresent()) {
            groupAt[g][f][i] = groupIndex.get(graphs[g].groupOfPod(e.get().pod()).orElseThrow().id());
          }
          if (e.isEmpty() || !e.get().pod().equals(pods.get(i).key())) {
            special[f][i] = true;
          }
        }
      }
    }
    membership = new int[2][2][2][];
    for (int g = 0; g < 2; g++) {
      for (Direction d : Direction.values()) {
        computeMembership(g, d);
      }
    }
    computeBreakpoints();
    behaviour = new int[2][2][2][n];
    Map<Behaviour, Integer> behaviourIds = new HashMap<>();
    for (int g = 0; g < 2; g++) {
      for (Direction d : Direction.values()) {
        int[] ofGroup = new int[graphs[g].groups().size()];
        for (int k = 0; k < ofGroup.length; k++) {
          ofGroup[k] = behaviourIds.computeIfAbsent(Behaviour.of(graphs[g], graphs[g].groups().get(k), d),
              b -> behaviourIds.size());
        }
        for (int f : FAMILIES) {
          for (int i = 0; i < n; i++) {
            int group = groupAt[g][f][i];
            behaviour[g][dirIndex(d)][f][i] = group < 0 ? -1 : ofGroup[group];
          }
        }
      }
    }
  }

  /**
   * What {@link RuleGraphEvaluator#decide} reads of one direction of a group: its isolation and
   * its rules in order, without the group's name. Equal behaviours decide every peer, protocol and
   * port alike, whichever graph they come from.
   */
  private record Behaviour(boolean isolated, List<RuleBehaviour> rules) {
    static Behaviour of(RuleGraph graph, EndpointGroup group, Direction d) {
      List<RuleBehaviour> rules = new ArrayList<>();
      for (Rule r : graph.rules(group.id(), d)) {
        if (!r.action().terminates()) {
          continue; // a LOG rule never changes a verdict, and diff compares verdicts
        }
        rules.add(new RuleBehaviour(r.tier(), r.peers(), r.ports(), r.action()));
      }
      return new Behaviour(group.isolated(d), rules);
    }
  }

  private record RuleBehaviour(dev.netpolc.compiler.ir.Tier tier, AddressSet peers, PortSet ports,
      dev.netpolc.compiler.ir.Action action) {}

  /**
   * True when pod i's rules in direction {@code d} differ between the graphs for some family. A
   * pair whose source's egress and destination's ingress are both unchanged is decided alike in
   * both graphs (shortcuts depend on the shared inventory alone), so it cannot change.
   */
  private boolean changed(int i, Direction d) {
    for (int f : FAMILIES) {
      if (behaviour[0][dirIndex(d)][f][i] != behaviour[1][dirIndex(d)][f][i]) {
        return true;
      }
    }
    return false;
  }

  /**
   * What changes when {@code oldPolicies} are replaced by {@code newPolicies} on the inventory
   * (namespaces, pods, nodes) of {@code inventory}; the inventory's own policies are ignored.
   */
  public static DiffResult compute(Cluster inventory, List<NetworkPolicy> oldPolicies,
      List<NetworkPolicy> newPolicies, SemanticsOptions options) {
    return new PolicyDiff(inventory, Cluster.EMPTY.withPolicies(oldPolicies), Cluster.EMPTY.withPolicies(newPolicies),
        options, DiffScope.UNBOUNDED).run();
  }

  /**
   * What changes when the policies of {@code oldPolicies} (NetworkPolicies and cluster-scoped
   * policies of every kind) are replaced by those of {@code newPolicies}, on the inventory of
   * {@code inventory}; the inventory's own policies and the policy clusters' inventories are
   * ignored. A change in any tier, a priority change alone included, shows as the connections it
   * changes.
   */
  public static DiffResult compute(Cluster inventory, Cluster oldPolicies, Cluster newPolicies,
      SemanticsOptions options) {
    return new PolicyDiff(inventory, oldPolicies, newPolicies, options, DiffScope.UNBOUNDED).run();
  }

  /**
   * As {@link #compute(Cluster, Cluster, Cluster, SemanticsOptions)}, for the pairs of
   * {@code scope} only (the whole diff's slice: every pair decided as in the whole diff) and within
   * its budgets.
   *
   * @throws DiffTooLargeException when the diff would decide more class pairs or collect more
   *                               changed blocks than the scope allows
   */
  public static DiffResult compute(Cluster inventory, Cluster oldPolicies, Cluster newPolicies,
      SemanticsOptions options, DiffScope scope) {
    return new PolicyDiff(inventory, oldPolicies, newPolicies, options, scope).run();
  }

  private static Cluster withPoliciesOf(Cluster inventory, Cluster policies) {
    return new Cluster(inventory.namespaces(), inventory.pods(), inventory.nodes(), policies.policies(),
        policies.clusterNetworkPolicies(), policies.adminNetworkPolicies(), policies.baselineAdminNetworkPolicies(),
        policies.calico(), policies.cilium());
  }

  private static int dirIndex(Direction d) {
    return d == Direction.INGRESS ? 0 : 1;
  }

  /** For each pod address, the ids of the peer sets of direction {@code d} of graph g containing it. */
  private void computeMembership(int g, Direction d) {
    List<AddressSet> sets = new ArrayList<>();
    Map<AddressSet, Integer> ids = new LinkedHashMap<>();
    for (Rule r : graphs[g].rules()) {
      if (r.direction() == d && ids.putIfAbsent(r.peers(), ids.size()) == null) {
        sets.add(r.peers());
      }
    }
    int n = pods.size();
    // Every (address, pod, family) sorted by address, so each range finds its members by search.
    List<long[]> entries = new ArrayList<>();
    List<IpAddress> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int f : FAMILIES) {
        if (addr[i][f] != null) {
          keys.add(addr[i][f]);
          entries.add(new long[] {i, f});
        }
      }
    }
    Integer[] order = new Integer[keys.size()];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    Arrays.sort(order, (a, b) -> keys.get(a).compareTo(keys.get(b)));
    IpAddress[] sorted = new IpAddress[order.length];
    for (int k = 0; k < order.length; k++) {
      sorted[k] = keys.get(order[k]);
    }
    @SuppressWarnings("unchecked")
    List<Integer>[][] found = new List[2][n];
    for (int s = 0; s < sets.size(); s++) {
      for (AddressRange range : sets.get(s).ranges()) {
        int k = lowerBound(sorted, range.first());
        for (; k < sorted.length && sorted[k].compareTo(range.last()) <= 0; k++) {
          long[] e = entries.get(order[k]);
          int pod = (int) e[0];
          int f = (int) e[1];
          List<Integer> l = found[f][pod];
          if (l == null) {
            l = new ArrayList<>();
            found[f][pod] = l;
          }
          if (l.isEmpty() || l.get(l.size() - 1) != s) {
            l.add(s);
          }
        }
      }
    }
    int[][] out = new int[2][n];
    for (int f : FAMILIES) {
      for (int i = 0; i < n; i++) {
        if (addr[i][f] == null) {
          out[f][i] = -1;
          continue;
        }
        List<Integer> l = found[f][i] == null ? List.of() : new ArrayList<>(new TreeSet<>(found[f][i]));
        out[f][i] = membershipIds.computeIfAbsent(l, x -> membershipIds.size());
      }
    }
    membership[g][dirIndex(d)] = out;
  }

  private static int lowerBound(IpAddress[] sorted, IpAddress key) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid].compareTo(key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Starts of the value intervals on which every port set of both graphs is constant: per
   * port-carrying protocol, and per other protocol some set lists; and a representative of the
   * protocols no set lists.
   */
  private void computeBreakpoints() {
    Map<Protocol, TreeSet<Integer>> points = new EnumMap<>(Protocol.class);
    for (Protocol p : Protocol.values()) {
      points.put(p, new TreeSet<>(List.of(1)));
    }
    Map<Integer, TreeSet<Integer>> others = new TreeMap<>();
    for (RuleGraph g : graphs) {
      for (PortSet ps : g.portSets()) {
        ps.byProtocol().forEach((proto, ranges) -> {
          Optional<Protocol> carrying = Protocol.ofNumber(proto);
          PortRange dom = PortSet.domain(proto);
          TreeSet<Integer> t = carrying.isPresent() ? points.get(carrying.get())
              : others.computeIfAbsent(proto, k -> new TreeSet<>(List.of(dom.from())));
          for (PortRange r : ranges) {
            t.add(r.from());
            if (r.to() < dom.to()) {
              t.add(r.to() + 1);
            }
          }
        });
      }
    }
    points.forEach((p, t) -> breakpoints.put(p, t.stream().mapToInt(Integer::intValue).toArray()));
    others.forEach((p, t) -> otherBreakpoints.put(p, t.stream().mapToInt(Integer::intValue).toArray()));
    // ICMP first: for NetworkPolicy graphs (which list no such protocol) as before.
    for (int p = -1; p < 256; p++) {
      int proto = p < 0 ? Protocol.ICMP : p;
      if (Protocol.ofNumber(proto).isEmpty() && proto != PortSet.UDPLITE && !others.containsKey(proto)) {
        unlistedProtocol = proto;
        break;
      }
    }
  }

  /**
   * The ports on which direction {@code d} of the group at pod {@code subject}'s address (graph
   * g, family f) lets the peer pod through, as an interned id; every port when no group decides.
   */
  private int space(int g, Direction d, int f, int subject, int peer) {
    int group = groupAt[g][f][subject];
    if (group < 0) {
      return intern(PortSpace.ALL);
    }
    int memb = membership[g][dirIndex(d)][f][peer];
    long key = ((long) (g * 2 + dirIndex(d)) << 60) | ((long) group << 30) | memb;
    Integer cached = spaces.get(key);
    if (cached != null) {
      return cached;
    }
    RuleGraph graph = graphs[g];
    EndpointGroup grp = graph.groups().get(group);
    IpAddress peerAddr = addr[peer][f];
    int id = portSpace((protocol, port) -> RuleGraphEvaluator.decide(graph, grp, d, peerAddr, protocol, port));
    spaces.put(key, id);
    return id;
  }

  /**
   * The interned values {@code allows} lets through, asked once per interval between breakpoints;
   * every protocol without ports that no set lists behaves as {@link #unlistedProtocol} does.
   */
  private int portSpace(java.util.function.BiPredicate<Integer, Integer> allows) {
    Map<Protocol, List<PortRange>> allowed = new EnumMap<>(Protocol.class);
    for (Protocol p : Protocol.values()) {
      int[] starts = breakpoints.get(p);
      List<PortRange> rs = new ArrayList<>();
      for (int k = 0; k < starts.length; k++) {
        int from = starts[k];
        int to = k + 1 < starts.length ? starts[k + 1] - 1 : 65535;
        if (allows.test(p.number(), from)) {
          rs.add(new PortRange(from, to));
        }
      }
      allowed.put(p, rs);
    }
    Map<Integer, List<PortRange>> others = new TreeMap<>();
    otherBreakpoints.forEach((p, starts) -> {
      int last = PortSet.domain(p).to();
      List<PortRange> rs = new ArrayList<>();
      for (int k = 0; k < starts.length; k++) {
        int from = starts[k];
        int to = k + 1 < starts.length ? starts[k + 1] - 1 : last;
        if (allows.test(p, from)) {
          rs.add(new PortRange(from, to));
        }
      }
      others.put(p, rs);
    });
    return intern(PortSpace.of(allowed, others, unlistedProtocol >= 0 && allows.test(unlistedProtocol, 0)));
  }

  private int intern(PortSpace s) {
    Integer id = spaceIds.get(s);
    if (id == null) {
      id = spaceList.size();
      spaceIds.put(s, id);
      spaceList.add(s);
    }
    return id;
  }

  /** {@code a ∩ b} (op 0) or {@code a − b} (op 1) of interned spaces, memoised: few distinct spaces recur. */
  private int op(int op, int a, int b) {
    long key = ((long) op << 62) | ((long) a << 31) | b;
    Integer cached = ops.get(key);
    if (cached != null) {
      return cached;
    }
    PortSpace x = spaceList.get(a);
    PortSpace y = spaceList.get(b);
    int id = intern(op == 0 ? x.intersect(y) : x.minus(y));
    ops.put(key, id);
    return id;
  }

  /** Allowed ports from source pod s to destination pod d over family f in graph g (no shortcut). */
  private int allowed(int g, int f, int s, int d) {
    return op(0, space(g, Direction.EGRESS, f, s, d), space(g, Direction.INGRESS, f, d, s));
  }

  /** The class key of pod i as a source (roleDir = INGRESS: peer sets it is seen through). */
  private List<Object> classKey(int i, Direction seenThrough) {
    List<Object> key = new ArrayList<>();
    boolean isSpecial = false;
    for (int f : FAMILIES) {
      if (addr[i][f] == null) {
        key.add(-2);
        continue;
      }
      for (int g = 0; g < 2; g++) {
        key.add(groupAt[g][f][i]);
        key.add(membership[g][dirIndex(seenThrough)][f][i]);
      }
      isSpecial |= special[f][i];
    }
    if (isSpecial) {
      key.add(pods.get(i).key()); // pair-dependent shortcuts: a class of its own
    }
    return key;
  }

  private List<int[]> classes(Direction seenThrough, java.util.function.Predicate<Pod> include) {
    Map<List<Object>, List<Integer>> m = new LinkedHashMap<>();
    for (int i = 0; i < pods.size(); i++) {
      if (!include.test(pods.get(i))) {
        continue;
      }
      m.computeIfAbsent(classKey(i, seenThrough), k -> new ArrayList<>()).add(i);
    }
    List<int[]> out = new ArrayList<>();
    for (List<Integer> members : m.values()) {
      out.add(members.stream().mapToInt(Integer::intValue).toArray());
    }
    return out;
  }

  private boolean isSpecial(int i) {
    return special[0][i] || special[1][i];
  }

  /** The same decision shortcuts as {@link RuleGraphEvaluator}; equal in both graphs (same inventory). */
  private boolean shortcut(int f, int s, int d) {
    RuleGraph graph = graphs[0];
    IpAddress sa = addr[s][f];
    IpAddress da = addr[d][f];
    if (sa.equals(da)) {
      return true;
    }
    Optional<Endpoint> src = graph.endpointAt(sa);
    Optional<Endpoint> dst = graph.endpointAt(da);
    if (src.isPresent() && dst.isPresent() && src.get().pod().equals(dst.get().pod())) {
      return true;
    }
    return graph.options().allowNodeToLocalPods() && (ownNode(graph, dst, sa)
        || (graph.options().nodeLocalExemptFromAllTiers() && ownNode(graph, src, da)));
  }

  /**
   * True when {@code d}'s address belongs to the node {@code s} runs on and that egress is not a
   * shortcut: it skips only the NetworkPolicy tier, so the class representatives cannot decide
   * it; such pairs are decided one by one ({@link #pairSpace}).
   */
  private boolean ownNodeEgress(int f, int s, int d) {
    RuleGraph graph = graphs[0];
    return graph.options().allowNodeToLocalPods() && !graph.options().nodeLocalExemptFromAllTiers()
        && ownNode(graph, graph.endpointAt(addr[s][f]), addr[d][f]);
  }

  /** The ports graph {@code g} allows from pod s to pod d, decided for this pair alone. */
  private int pairSpace(int g, int f, int s, int d) {
    RuleGraphEvaluator eval = new RuleGraphEvaluator(graphs[g]);
    IpAddress sa = addr[s][f];
    IpAddress da = addr[d][f];
    return portSpace((protocol, port) -> eval.allows(new dev.netpolc.compiler.Connection(sa, da, protocol, port)));
  }

  /** Adds the change of one pair decided alone. */
  private void addPair(BlockBuilder blocks, int f, int s, int d) {
    int before = pairSpace(0, f, s, d);
    int after = pairSpace(1, f, s, d);
    if (before == after) {
      return;
    }
    BitSet src = new BitSet();
    src.set(s);
    BitSet dst = new BitSet();
    dst.set(d);
    blocks.add(Change.NEWLY_ALLOWED, pods.get(s).namespace(), src, pods.get(d).namespace(), dst,
        spaceList.get(op(1, after, before)));
    blocks.add(Change.NEWLY_DENIED, pods.get(s).namespace(), src, pods.get(d).namespace(), dst,
        spaceList.get(op(1, before, after)));
  }

  private static boolean ownNode(RuleGraph graph, Optional<Endpoint> e, IpAddress other) {
    if (e.isEmpty() || e.get().node().isEmpty()) {
      return false;
    }
    AddressSet nodeAddrs = graph.nodeAddresses().get(e.get().node().get());
    return nodeAddrs != null && nodeAddrs.contains(other);
  }

  private DiffResult run() {
    List<int[]> sourceClasses = classes(Direction.INGRESS, scope.sources());
    List<int[]> destinationClasses = classes(Direction.EGRESS, scope.destinations());
    int sourcePods = sourceClasses.stream().mapToInt(c -> c.length).sum();
    int destinationPods = destinationClasses.stream().mapToInt(c -> c.length).sum();
    // Only pairs with a changed side can change: all destinations of a source whose egress
    // changed, and the destinations whose ingress changed for the others.
    List<int[]> changedDestinations = destinationClasses.stream().filter(c -> changed(c[0], Direction.INGRESS))
        .toList();
    long changedSources = sourceClasses.stream().filter(c -> changed(c[0], Direction.EGRESS)).count();
    long classPairs = changedSources * destinationClasses.size()
        + (sourceClasses.size() - changedSources) * changedDestinations.size();
    if (classPairs > scope.maxClassPairs()) {
      throw new DiffTooLargeException(DiffTooLargeException.Budget.CLASS_PAIRS, classPairs, scope.maxClassPairs(),
          sourcePods, destinationPods);
    }
    BlockBuilder blocks = new BlockBuilder(catalog, scope.maxBlocks(), count -> new DiffTooLargeException(
        DiffTooLargeException.Budget.BLOCKS, count, scope.maxBlocks(), sourcePods, destinationPods));
    for (int[] sc : sourceClasses) {
      for (int[] dc : changed(sc[0], Direction.EGRESS) ? destinationClasses : changedDestinations) {
        int s = sc[0];
        int d = dc[0];
        int f = -1;
        for (int fam : FAMILIES) {
          if (addr[s][fam] != null && addr[d][fam] != null) {
            f = fam;
            break;
          }
        }
        if (f < 0) {
          continue; // no common family: never connected
        }
        final int fam = f;
        if (isSpecial(s) || isSpecial(d)) {
          // Pairs whose egress goes to the source's own node: decided one by one.
          for (int x : sc) {
            for (int y : dc) {
              if (x != y && addr[x][f] != null && addr[y][f] != null && ownNodeEgress(f, x, y)
                  && !shortcut(f, x, y)) {
                addPair(blocks, f, x, y);
              }
            }
          }
        }
        int before = allowed(0, f, s, d);
        int after = allowed(1, f, s, d);
        if (before == after) {
          continue;
        }
        PortSpace gained = spaceList.get(op(1, after, before));
        PortSpace lost = spaceList.get(op(1, before, after));
        if (gained.isEmpty() && lost.isEmpty()) {
          continue;
        }
        int[] sources = sc;
        int[] dests = dc;
        if (isSpecial(s) && isSpecial(d)) {
          if (s == d || shortcut(f, s, d) || ownNodeEgress(f, s, d)) {
            continue;
          }
        } else if (isSpecial(s)) {
          dests = Arrays.stream(dc).filter(x -> x != s && !shortcut(fam, s, x) && !ownNodeEgress(fam, s, x)).toArray();
        } else if (isSpecial(d)) {
          sources = Arrays.stream(sc).filter(x -> x != d && !shortcut(fam, x, d) && !ownNodeEgress(fam, x, d))
              .toArray();
        }
        Map<String, BitSet> srcByNs = byNamespace(sources);
        Map<String, BitSet> dstByNs = byNamespace(dests);
        for (Map.Entry<String, BitSet> se : srcByNs.entrySet()) {
          for (Map.Entry<String, BitSet> de : dstByNs.entrySet()) {
            blocks.add(Change.NEWLY_ALLOWED, se.getKey(), se.getValue(), de.getKey(), de.getValue(), gained);
            blocks.add(Change.NEWLY_DENIED, se.getKey(), se.getValue(), de.getKey(), de.getValue(), lost);
          }
        }
      }
    }
    int intervals = 1;
    for (int[] b : breakpoints.values()) {
      intervals += b.length;
    }
    for (int[] b : otherBreakpoints.values()) {
      intervals += b.length;
    }
    DiffStats stats = new DiffStats(pods.size(), sourceClasses.size(), destinationClasses.size(), intervals);
    return new DiffResult(catalog, blocks.build(Change.NEWLY_ALLOWED), blocks.build(Change.NEWLY_DENIED), stats);
  }

  private Map<String, BitSet> byNamespace(int[] members) {
    Map<String, BitSet> out = new TreeMap<>();
    for (int i : members) {
      out.computeIfAbsent(pods.get(i).namespace(), k -> new BitSet()).set(i);
    }
    return out;
  }
}
