package dev.netpolc.backend.ebpf;

import com.google.common.collect.ImmutableList;
import dev.netpolc.backend.BackendException;
import dev.netpolc.compiler.incremental.SetRoles;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Atoms;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a {@link RuleGraph} into {@link EbpfMaps} following the layout in
 * {@code backends/ebpf/README.md}: identities and their peer classes are those of
 * {@link Identities} (for graphs without Admin or Baseline rules the atoms of the compiler's
 * partition, computed here when the {@code atoms} pass did not run), groups are numbered by a
 * hash of their id ({@link #groupNumbers}), and
 * per group and direction either every rule becomes peers × port blocks policy entries (only
 * NetworkPolicy allows) or the tiers are flattened into final verdicts ({@link TierFlattening}).
 * Counts every map against {@link MapLimits} before returning, so nothing is ever truncated.
 */
public final class MapsEmitter {
  /** How many policies a limit error names. */
  private static final int NAMED = 5;
  /** At most this many addresses expanded from one node's address set. */
  private static final long MAX_NODE_ADDRESSES = 65_536;

  private final RuleGraph graph;
  private final Identities ids;
  private final Atoms atoms;
  private final MapLimits limits;
  private final EbpfMaps.Builder out = EbpfMaps.builder();
  private final Map<String, Long> policyEntriesByPolicy = new TreeMap<>();
  /** Per group index, its np_endpoints flags (set by {@link #policies()}). */
  private int[] groupFlags;
  /** Per group index (position in {@code graph.groups()}), the number the maps key it by. */
  private final int[] groupNumber;
  /** Per index of {@code graph.rules()}, the number np_policy values carry. */
  private final int[] ruleNumber;
  /** The tier byte of each tier of the graph ({@link PolicyValue#tierBytes}). */
  private final Map<Tier, Integer> tierBytes;
  /** The log sets the values name. */
  private final LogSets logSets = new LogSets();

  private MapsEmitter(RuleGraph graph, MapLimits limits, Identities ids, Map<Tier, Integer> tierBytes) {
    this.graph = graph;
    this.ids = ids;
    this.atoms = ids.atoms();
    this.limits = limits;
    this.groupNumber = groupNumbers(graph.groups());
    this.ruleNumber = ruleNumbers(graph);
    this.tierBytes = tierBytes;
  }

  /**
   * The number np_endpoints and np_policy give each group of {@code graph.groups()} (by
   * position): from a hash of the group's id, any u32 but {@link EndpointValue#NO_GROUP}, so
   * that adding or removing a group renumbers no other.
   */
  public static int[] groupNumbers(RuleGraph graph) {
    return groupNumbers(graph.groups());
  }

  private static int[] groupNumbers(List<EndpointGroup> groups) {
    long[] keys = new long[groups.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = StableNumbers.hash(groups.get(i).id());
    }
    return StableNumbers.allocate(keys, 0xffff_ffffL);
  }

  /**
   * The {@code rule} number np_policy values give each rule of {@code graph.rules()} (by
   * position), for a datapath that names the deciding rule: from a hash of the rule's group,
   * direction, tier, action, priority, origins and ports, any u32 but
   * {@link PolicyValue#NO_RULE}, so that adding or removing a policy changes the values of the
   * entries its rules decide, not of every entry after it in rule order.
   */
  public static int[] ruleNumbers(RuleGraph graph) {
    List<Rule> rules = graph.rules();
    long[] keys = new long[rules.size()];
    for (int i = 0; i < keys.length; i++) {
      Rule r = rules.get(i);
      keys[i] = StableNumbers.hash(r.subject() + '\n' + r.direction() + '\n' + r.tier() + '\n' + r.action() + '\n'
          + r.priority() + '\n' + SetRoles.base(r) + '\n' + r.ports().canonical());
    }
    return StableNumbers.allocate(keys, 0xffff_ffffL);
  }

  /**
   * The maps of {@code graph}.
   *
   * @throws BackendException when a map would exceed its maximum (the message names the
   *                          policies responsible), a node has too many addresses, or the
   *                          address space splits into too many identities
   */
  public static EbpfMaps emit(RuleGraph graph, MapLimits limits) throws BackendException {
    return emit(graph, limits, Identities.of(graph));
  }

  /** The maps of {@code graph} with the identities and classes {@code ids} (of the graph's peer sets). */
  static EbpfMaps emit(RuleGraph graph, MapLimits limits, Identities ids) throws BackendException {
    return emitWithLogs(graph, limits, ids).maps();
  }

  /**
   * The maps of a graph and the log sets their np_policy values name.
   *
   * @param maps the maps
   * @param logs the log sets (empty for a graph without LOG rules)
   */
  public record Emitted(EbpfMaps maps, LogSets logs) {}

  /**
   * The maps of {@code graph} with the table of their log sets.
   *
   * @throws BackendException as {@link #emit(RuleGraph, MapLimits)}
   */
  public static Emitted emitWithLogs(RuleGraph graph, MapLimits limits) throws BackendException {
    return emitWithLogs(graph, limits, Identities.of(graph));
  }

  static Emitted emitWithLogs(RuleGraph graph, MapLimits limits, Identities ids) throws BackendException {
    MapsEmitter e = new MapsEmitter(graph, limits, ids, PolicyValue.tierBytes(graph.tiers()));
    e.identities();
    try {
      e.policies();
    } catch (TooManyLogSets ex) {
      throw new BackendException("ebpf: " + ex.getMessage() + " (np_policy's log field is a u16)");
    }
    e.endpoints();
    e.checkLimits();
    return new Emitted(e.out.build(), e.logSets);
  }

  /** The log set id of LOG rules given by their indexes in {@code graph.rules()}: by their numbers, ascending. */
  private int logSetOf(List<Integer> ruleIndexes) {
    List<Integer> numbers = new ArrayList<>(ruleIndexes.size());
    ruleIndexes.forEach(i -> numbers.add(ruleNumber[i]));
    numbers.sort(Integer::compareUnsigned);
    try {
      return logSets.idOf(numbers);
    } catch (IllegalStateException ex) {
      throw new TooManyLogSets(ex.getMessage());
    }
  }

  /** Unchecked inside flattening, turned into a {@link BackendException} by {@link #emitWithLogs}. */
  private static final class TooManyLogSets extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooManyLogSets(String message) {
      super(message);
    }
  }

  /** Per family, the fewest nested prefixes that resolve every address to its identity. */
  private void identities() {
    List<Map.Entry<Cidr, Integer>> v4 = new ArrayList<>();
    List<Map.Entry<Cidr, Integer>> v6 = new ArrayList<>();
    for (Map.Entry<Cidr, Integer> e : atoms.lpmEntries()) {
      // Identity values, not atom ids, so that ties between prefixes break on stable numbers.
      (e.getKey().v6() ? v6 : v4).add(Map.entry(e.getKey(), ids.value(e.getValue())));
    }
    for (List<Map.Entry<Cidr, Integer>> family : List.of(v4, v6)) {
      for (Map.Entry<Cidr, Integer> e : IdentityPrefixes.minimal(family)) {
        IdentityKey k = new IdentityKey(e.getKey());
        out.put(k.map(), k, new IdentityValue(e.getValue()));
      }
    }
  }

  private void endpoints() throws BackendException {
    boolean nodeLocal = graph.options().allowNodeToLocalPods();
    List<EndpointGroup> groups = graph.groups();
    for (int i = 0; i < groups.size(); i++) {
      EndpointGroup g = groups.get(i);
      int flags = groupFlags[i];
      for (Endpoint e : g.members()) {
        for (IpAddress ip : ownAddresses(e)) {
          out.put(EbpfMap.ENDPOINTS, new EndpointKey(ip), new EndpointValue(groupNumber[i], flags));
          if (nodeLocal && graph.node().isEmpty() && e.node().isPresent()) {
            // Cluster-wide: a pod and its own node, as pairs (every pod is an endpoint here).
            for (IpAddress host : expand(e.node().get())) {
              if (host.v6() == ip.v6()) {
                out.putIfAbsent(EbpfMap.HOST_PODS, new HostPodKey(host, ip), HostPodValue.PRESENT);
              }
            }
          }
        }
      }
    }
    if (nodeLocal && graph.node().isPresent()) {
      for (IpAddress host : expand(graph.node().get())) {
        EndpointKey k = new EndpointKey(host);
        Optional<MapValue> there = out.get(EbpfMap.ENDPOINTS, k);
        out.replace(EbpfMap.ENDPOINTS, k,
            there.map(v -> ((EndpointValue) v).withHost()).orElse(EndpointValue.host()));
      }
    }
  }

  /** The addresses at which the graph resolves to {@code e} (a shared address goes to one pod). */
  private List<IpAddress> ownAddresses(Endpoint e) {
    List<IpAddress> own = new ArrayList<>();
    for (IpAddress ip : e.ips()) {
      if (!own.contains(ip) && graph.endpointAt(ip).map(x -> x.pod().equals(e.pod())).orElse(false)) {
        own.add(ip);
      }
    }
    return own;
  }

  /** Every address of node {@code name} (node address sets hold single addresses). */
  private List<IpAddress> expand(String name) throws BackendException {
    AddressSet set = graph.nodeAddresses().getOrDefault(name, AddressSet.EMPTY);
    List<IpAddress> all = new ArrayList<>();
    for (AddressRange r : set.ranges()) {
      for (IpAddress ip = r.first(); ; ip = ip.next().orElseThrow()) {
        if (all.size() >= MAX_NODE_ADDRESSES) {
          throw new BackendException("ebpf: node " + name + " has more than " + MAX_NODE_ADDRESSES
              + " addresses; np_endpoints holds one entry per node address");
        }
        all.add(ip);
        if (ip.equals(r.last())) {
          break;
        }
      }
    }
    return all;
  }

  /**
   * Every group's np_policy entries and endpoint flags, per direction: a direction whose rules
   * are all NetworkPolicy allows keeps the per-rule entries of the first layout (byte for byte)
   * with its NetworkPolicy isolation as the flag; any other is flattened ({@link TierFlattening}),
   * as is one with an other-protocols complement ("every protocol but TCP"): its excluded
   * protocols need entries that override the every-protocol entry, which only verdicts give.
   * Egress to the pod's own node gets direction-2 entries when Admin or Baseline rules can deny it.
   */
  private void policies() {
    List<EndpointGroup> groups = graph.groups();
    ImmutableList<Rule> all = graph.rules();
    groupFlags = new int[groups.size()];
    Map<AddressSet, List<Integer>> atomIds = new HashMap<>();
    boolean ownNodeRules = graph.options().allowNodeToLocalPods() && !graph.options().nodeLocalExemptFromAllTiers();
    BitSet looked = lookedUpAtoms();
    int index = 0;
    for (int g = 0; g < groups.size(); g++) {
      EndpointGroup group = groups.get(g);
      for (Direction d : Direction.values()) {
        List<Rule> rules = graph.rules(group.id(), d);
        // graph.rules() lists groups in id order, ingress then egress: the same walk.
        for (int i = 0; i < rules.size(); i++) {
          if (all.get(index + i) != rules.get(i)) {
            throw new IllegalStateException("rule order differs from RuleGraph.rules()");
          }
        }
        if (rules.stream().allMatch(r -> r.tier() == Tier.NETWORK_POLICY && r.action() == Action.ALLOW
            && (r.ports().allProtocols() || !r.ports().otherProtocols()))) {
          perRule(groupNumber[g], d, rules, index);
          groupFlags[g] |= group.isolated(d) ? isolatedFlag(d) : 0;
        } else {
          TierFlattening.Flat flat = TierFlattening.flatten(groupNumber[g], d, false, rules, index, group.isolated(d), ids, looked,
              atomIds, tierBytes, this::logSetOf);
          put(flat, all);
          groupFlags[g] |= flat.mode() == TierFlattening.Mode.ISOLATED ? isolatedFlag(d)
              : flat.mode() == TierFlattening.Mode.DENIES
                  ? (d == Direction.INGRESS ? EndpointValue.INGRESS_DENIES : EndpointValue.EGRESS_DENIES) : 0;
          if (d == Direction.EGRESS && ownNodeRules) {
            BitSet own = ownNodeAtoms(group);
            if (!own.isEmpty()) {
              TierFlattening.Flat toNode = TierFlattening.flatten(groupNumber[g], d, true, rules, index, group.isolated(d), ids,
                  own, atomIds, tierBytes, this::logSetOf);
              put(toNode, all);
              groupFlags[g] |= toNode.mode() == TierFlattening.Mode.NONE ? 0 : EndpointValue.OWN_NODE_EGRESS;
            }
          }
        }
        index += rules.size();
      }
    }
  }

  /**
   * The identities whose ingress and egress lookups can happen: in a per-node artifact with
   * {@code allowNodeToLocalPods} not those made only of the node's own addresses (the datapath
   * passes them, or sends egress to direction 2, before any lookup); else null, every identity.
   */
  private BitSet lookedUpAtoms() {
    if (graph.node().isEmpty() || !graph.options().allowNodeToLocalPods()) {
      return null;
    }
    BitSet out = new BitSet();
    out.set(0, atoms.size());
    AddressSet own = graph.nodeAddresses().get(graph.node().get());
    if (own != null) {
      for (int id : atoms.idsOf(own)) {
        if (own.containsAll(atoms.atom(id))) { // an identity can hold other addresses too (tiered graphs)
          out.clear(id);
        }
      }
    }
    return out;
  }

  private static int isolatedFlag(Direction d) {
    return d == Direction.INGRESS ? EndpointValue.INGRESS_ISOLATED : EndpointValue.EGRESS_ISOLATED;
  }

  /** The first layout's entries: every rule (all NetworkPolicy allows) as peers × port blocks. */
  private void perRule(int g, Direction d, List<Rule> rules, int first) {
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      PolicyValue value = new PolicyValue(r.action(), tierBytes.get(r.tier()), r.priority(), ruleNumber[first + i]);
      // Every address: one entry per class key (one class, "any peer", without tiers).
      List<Integer> peers = new ArrayList<>();
      if (r.peers().sameAddresses(AddressSet.ALL)) {
        for (int c : ids.classes()) {
          peers.add(Identities.classKey(c));
        }
      } else {
        atoms.idsOf(r.peers()).forEach(a -> peers.add(ids.value(a)));
      }
      List<int[]> ports = portBlocks(r.ports());
      long added = 0;
      for (int peer : peers) {
        for (int[] p : ports) {
          PolicyKey k = new PolicyKey(p[2], g, peer, d, p[0], p[1]);
          if (out.putIfAbsent(EbpfMap.POLICY, k, value).isEmpty()) {
            added++;
          }
        }
      }
      count(r, added);
    }
  }

  /** Adds flattened entries, counting each against the policies of its deciding rule. */
  private void put(TierFlattening.Flat flat, List<Rule> all) {
    for (MapEntry<PolicyKey, PolicyValue> e : flat.entries()) {
      PolicyValue v = e.value(); // its rule is the index in all; the maps carry the rule's number
      if (v.rule() != PolicyValue.NO_RULE) {
        count(all.get(v.rule()), 1);
        v = new PolicyValue(v.action(), v.tier(), v.priority(), ruleNumber[v.rule()], v.logs());
      }
      out.put(EbpfMap.POLICY, e.key(), v);
    }
  }

  private void count(Rule r, long entries) {
    for (String policy : r.origins().stream().map(Origin::policy).collect(Collectors.toCollection(TreeSet::new))) {
      policyEntriesByPolicy.merge(policy, entries, Long::sum);
    }
  }

  /**
   * The identities of the addresses that are a member's own node: the compiled node's, and each
   * member's node's (cluster-wide artifacts pair them in np_hostpods).
   */
  private BitSet ownNodeAtoms(EndpointGroup group) {
    TreeSet<String> nodes = new TreeSet<>();
    graph.node().ifPresent(nodes::add);
    for (Endpoint e : group.members()) {
      e.node().ifPresent(nodes::add);
    }
    BitSet out = new BitSet();
    for (String n : nodes) {
      AddressSet addresses = graph.nodeAddresses().get(n);
      if (addresses != null) {
        atoms.idsOf(addresses).forEach(out::set);
      }
    }
    return out;
  }

  /**
   * (protocol, first value, prefix length) per block of {@code ports}, a set without other
   * protocols or of every protocol: port blocks, blocks of ICMP's {@code type * 256 + code}, one
   * prefix-80 entry per whole protocol without ports.
   */
  static List<int[]> portBlocks(PortSet ports) {
    List<int[]> out = new ArrayList<>();
    if (ports.allProtocols()) {
      out.add(new int[] {0, 0, PolicyKey.BASE_PREFIX});
      return out;
    }
    ports.canonical().byProtocol().forEach((proto, ranges) -> {
      if (PortSet.domain(proto).to() == 0) {
        // A whole protocol without ports (GRE, ...): the datapath looks it up at port 0.
        out.add(new int[] {proto, 0, PolicyKey.BASE_PREFIX});
        return;
      }
      for (PortRange r : ranges) {
        for (PortBlocks.Block b : PortBlocks.cover(r.from(), r.to())) {
          out.add(new int[] {proto, b.first(), PolicyKey.BASE_PREFIX + b.bits()});
        }
      }
    });
    return out;
  }

  private void checkLimits() throws BackendException {
    List<String> problems = new ArrayList<>();
    for (EbpfMap m : EbpfMap.values()) {
      int n = out.count(m);
      if (n > limits.of(m)) {
        problems.add("map " + m + " needs " + n + " entries, more than its maximum " + limits.of(m)
            + " (option maxEntries." + m + "); " + responsible(m));
      }
    }
    if (!problems.isEmpty()) {
      throw new BackendException("ebpf: " + String.join("; ", problems));
    }
  }

  private String responsible(EbpfMap m) {
    Map<String, Long> by = switch (m) {
      case POLICY -> policyEntriesByPolicy;
      case IDENT4, IDENT6 -> peerCidrsByPolicy(m == EbpfMap.IDENT6);
      case ENDPOINTS, HOST_PODS -> Map.of();
    };
    if (by.isEmpty()) {
      return m == EbpfMap.POLICY || m == EbpfMap.IDENT4 || m == EbpfMap.IDENT6
          ? "no policy adds entries"
          : "its entries are the addresses of " + graph.node().map(n -> "node " + n + " and its pods")
              .orElse("every pod and node") + ", not policies";
    }
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(by.entrySet());
    sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    String what = m == EbpfMap.POLICY ? "entries" : "peer CIDRs";
    StringBuilder sb = new StringBuilder("the policies with the most " + what + ": ");
    for (int i = 0; i < Math.min(NAMED, sorted.size()); i++) {
      sb.append(i > 0 ? ", " : "").append(sorted.get(i).getKey()).append(" (").append(sorted.get(i).getValue())
          .append(')');
    }
    if (sorted.size() > NAMED) {
      sb.append(" and ").append(sorted.size() - NAMED).append(" more");
    }
    return sb.toString();
  }

  /** Per policy, the CIDRs of one family in its rules' peer sets: what splits the address space. */
  private Map<String, Long> peerCidrsByPolicy(boolean v6) {
    Map<String, Long> by = new TreeMap<>();
    for (Rule r : graph.rules()) {
      long n = r.peers().elements().stream().filter(c -> c.v6() == v6).count();
      if (n > 0) {
        for (String p : r.origins().stream().map(Origin::policy).collect(Collectors.toCollection(TreeSet::new))) {
          by.merge(p, n, Long::sum);
        }
      }
    }
    return by;
  }
}
