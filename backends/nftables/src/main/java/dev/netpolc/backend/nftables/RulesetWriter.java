package dev.netpolc.backend.nftables;

import com.google.common.collect.ImmutableList;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleOrder;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.compiler.incremental.SetRoles;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinTask;
import java.util.stream.IntStream;

/**
 * Renders one {@link RuleGraph} as an {@code nft -f} script (see {@code backends/nftables/README.md}
 * for the layout). One instance per emit, called by one thread. Three passes: collect the sets every
 * rule needs, name them by hash, then print. Peer sets are keyed by their role ({@link SetRoles}:
 * the policy rules they implement); roles with equal content (per family) share one set, named
 * after the smallest role key of them, so a set keeps its name when pods come and go and an
 * incremental update only adds and deletes its elements ({@link DeltaWriter}, which reads the
 * sharing from {@link #layout()}). Each peer set has up to two parts: single addresses in a hash
 * set ({@code a_<hash>_4}), prefixes in an interval set ({@code a_<hash>_4n}); a part is declared,
 * and gets its rule, only when it holds elements ({@link SetLayout#hasHostPart}), and an update
 * that makes a part appear or disappear takes the full diff. Port sets are keyed by content and
 * the rules using them.
 *
 * <p>A graph of {@link #PARALLEL_FROM} endpoints or more is printed on two threads (the second from
 * the common fork-join pool): pieces printed apart and joined in a fixed order, each reading only
 * state the first thread finished before handing it over, so the script is the one a single
 * thread prints.
 */
final class RulesetWriter {
  private static final String TAB = "\t";

  private final RuleGraph graph;
  private final BackendOptions options;
  private final String table;
  private final String priority;

  /** Port-set key (content) → origins of the rules using it, for the set's comment. */
  private final Map<String, SortedSet<String>> setOrigins = new HashMap<>();
  /** Set key → elements as printed. */
  private final Map<String, List<String>> setElements = new HashMap<>();
  /** Set key → nft key type declaration line. */
  private final Map<String, String> setTypes = new HashMap<>();
  private Map<String, String> setNames = Map.of();
  private Map<String, String> groupHashes = Map.of();
  private SetRoles roles;
  private Map<String, String> roleHashes = Map.of();
  /** Peer-set key ({@code a4:role} or {@code a6:role}) → its addresses. */
  private final Map<String, List<Cidr>> peerCidrs = new HashMap<>();
  /** Peer-set name (hash part) → the key of the role it is named after (the smallest sharing it). */
  private final Map<String, String> peerSetRoles = new HashMap<>();
  /** Peer-set name (hash part) → its single addresses and its prefixes, as printed. */
  private final Map<String, Parts> peerParts = new HashMap<>();
  private SetLayout layout;
  /** Per rule (by identity): its peer families and set keys, computed once in {@link #collect}. */
  private final Map<Rule, PeerKeys> peerKeys = new IdentityHashMap<>();
  /** Per endpoint (by identity): {@link #ownAddresses}, needed by the bypass and the dispatch maps. */
  private final Map<Endpoint, List<IpAddress>> ownAddresses = new IdentityHashMap<>();
  /** Per tier of the graph, the suffix of its chains: admin, np, base, or t0, t1, … for other tiers by rank. */
  private final Map<Tier, String> tierLabels;

  RulesetWriter(RuleGraph graph, BackendOptions options, String priority) {
    this(graph, options, priority, PARALLEL_FROM);
  }

  /** A writer that uses a second thread when the graph has at least {@code parallelFrom} endpoints. */
  RulesetWriter(RuleGraph graph, BackendOptions options, String priority, int parallelFrom) {
    this.graph = graph;
    this.options = options;
    this.table = options.tableName();
    this.priority = priority;
    this.parallelFrom = parallelFrom;
    this.tierLabels = tierLabels(graph);
  }

  /**
   * The chain suffix of each tier of {@code graph}: the standard tiers' as ever, every other
   * tier {@code t<k>} by its position among them in rank order (never from its name).
   */
  static Map<Tier, String> tierLabels(RuleGraph graph) {
    Map<Tier, String> m = new HashMap<>();
    m.put(Tier.ADMIN, "admin");
    m.put(Tier.NETWORK_POLICY, "np");
    m.put(Tier.BASELINE, "base");
    int k = 0;
    for (Tier t : graph.tiers()) {
      if (!t.isStandard()) {
        m.put(t, "t" + k++);
      }
    }
    return Map.copyOf(m);
  }

  /** The whole script. */
  String write() {
    groupHashes = NftNames.hashes(graph.groups().stream().map(EndpointGroup::id).toList());
    int endpoints = endpointCount();
    boolean parallel = endpoints >= parallelFrom;
    // The bypass set and the dispatch maps need only the graph and the group chains' names: on
    // a big graph they are built and printed on a second thread while this one names the sets.
    ForkJoinTask<LocalMaps> localMaps = ForkJoinTask.adapt(() -> localMaps(endpoints));
    if (parallel) {
      localMaps.fork();
    }
    roles = SetRoles.of(graph);
    roleHashes = NftNames.hashes(roles.keys());
    for (EndpointGroup g : graph.groups()) {
      for (Direction d : Direction.values()) {
        for (Rule r : graph.rules(g.id(), d)) {
          collect(r);
        }
      }
    }
    nameSets();
    // From here on the writer's state is only read: the sets and slices of the group chains are
    // printed as separate tasks, the pool's threads taking them from one end of the queue while
    // this thread runs them from the other, and joined in order.
    List<ChainRef> chains = new ArrayList<>();
    for (EndpointGroup g : graph.groups()) {
      for (Direction d : Direction.values()) {
        if (needsChain(g, d)) {
          chains.add(new ChainRef(g, d));
        }
      }
    }
    int slices = parallel ? CHAIN_SLICES : 1;
    List<ForkJoinTask<StringBuilder>> tasks = new ArrayList<>(slices + 1);
    tasks.add(ForkJoinTask.adapt(this::writeHeadAndSets));
    for (int k = 0; k < slices; k++) {
      List<ChainRef> slice = chains.subList(chains.size() * k / slices, chains.size() * (k + 1) / slices);
      tasks.add(ForkJoinTask.adapt(() -> writeGroupChains(slice)));
    }
    StringBuilder[] printed = new StringBuilder[tasks.size()];
    if (parallel) {
      tasks.forEach(ForkJoinTask::fork);
    }
    // Joined in the reverse order of forking: a task no pool thread has started yet is then on
    // top of this thread's submission queue, and join runs it here instead of waiting for the
    // pool (which an embedding application may keep busy).
    for (int k = tasks.size() - 1; k >= 0; k--) {
      printed[k] = parallel ? tasks.get(k).join() : tasks.get(k).invoke();
    }
    LocalMaps local = parallel ? localMaps.join() : localMaps.invoke();
    StringBuilder base = new StringBuilder(4096);
    writeBaseChains(base, local.bypass(), local.maps(), local.node());
    List<StringBuilder> parts = new ArrayList<>(List.of(printed[0], local.text(), base));
    parts.addAll(List.of(printed).subList(1, printed.length));
    int length = 2;
    for (StringBuilder part : parts) {
      length += part.length();
    }
    StringBuilder out = new StringBuilder(length);
    parts.forEach(out::append);
    out.append("}\n");
    return out.toString();
  }

  /** Graphs with at least this many endpoints are written on two threads. */
  static final int PARALLEL_FROM = 5_000;

  /** Tasks the group chains of a large graph are printed in: enough for threads to even out. */
  private static final int CHAIN_SLICES = 16;

  /** The script's head (comments, table) and every set declaration. */
  private StringBuilder writeHeadAndSets() {
    StringBuilder head = new StringBuilder((int) Math.min(64 * 1024 + 20 * peerSetElements() + 200L * peerParts.size(),
        64 << 20));
    String scope = graph.node().map(n -> "node " + n).orElse("cluster-wide");
    head.append("# netpolc nftables ruleset, ").append(NftText.sanitize(scope)).append(".\n");
    head.append("# Apply atomically with: nft -f FILE (replaces table inet ").append(table).append(" only).\n");
    head.append("table inet ").append(table).append('\n');
    head.append("delete table inet ").append(table).append('\n');
    head.append("table inet ").append(table).append(" {\n");
    head.append(TAB).append("comment ").append(NftText.comment("netpolc " + scope)).append('\n');
    writeSets(head);
    return head;
  }

  private final int parallelFrom;

  /** A group chain to print. */
  private record ChainRef(EndpointGroup group, Direction direction) {}

  /** The bypass set and the dispatch maps, printed, with what the base chains need to know of them. */
  private record LocalMaps(StringBuilder text, Bypass bypass, Map<String, DispatchMap> maps, NodeMaps node) {}

  private LocalMaps localMaps(int endpoints) {
    Bypass bypass = bypass();
    Map<String, DispatchMap> maps = dispatchMaps();
    NodeMaps node = nodeMaps();
    StringBuilder sb = new StringBuilder(64 * 1024 + 200 * Math.min(endpoints, 300_000));
    writeBypass(sb, bypass);
    writeMaps(sb, maps);
    writeNodeMaps(sb, node);
    return new LocalMaps(sb, bypass, maps, node);
  }

  private int endpointCount() {
    int n = 0;
    for (EndpointGroup g : graph.groups()) {
      n += g.members().size();
    }
    return n;
  }

  /** The number of elements of the peer sets, for sizing the builder. */
  private long peerSetElements() {
    long elements = 0;
    for (Parts p : peerParts.values()) {
      elements += p.hosts().size() + p.prefixes().size();
    }
    return elements;
  }

  private StringBuilder writeGroupChains(List<ChainRef> chains) {
    StringBuilder sb = new StringBuilder(4096 + 256 * Math.min(chains.size(), 250_000));
    for (ChainRef c : chains) {
      writeGroupChains(sb, c.group(), c.direction());
    }
    return sb;
  }

  // ---- sets ----

  /** Records the peer sets (in {@link #peerCidrs}) and the port set {@code r} needs. */
  private void collect(Rule r) {
    peerKeys(r);
    portKey(namedPortPart(r.ports())).ifPresent(k -> setOrigins.computeIfAbsent(k, x -> new TreeSet<>()).add(origins(r)));
  }

  /**
   * One entry per family the peers hold: empty when the family is entirely in the set (then
   * only the family is matched), else the key of that family's set. No entry at all when the set
   * holds every address of both families (no address match needed).
   */
  private List<Optional<String>> addressKeys(Rule r) {
    return peerKeys(r).keys();
  }

  /** A rule's peers split by family, and {@link #addressKeys}'s answer. */
  private record PeerKeys(boolean hasV4, boolean hasV6, List<Optional<String>> keys) {}

  private PeerKeys peerKeys(Rule r) {
    PeerKeys k = peerKeys.get(r);
    if (k == null) {
      k = computePeerKeys(r);
      peerKeys.put(r, k);
    }
    return k;
  }

  private PeerKeys computePeerKeys(Rule r) {
    ImmutableList<Cidr> all = r.peers().cidrs();
    List<Cidr> v4 = family(all, false);
    List<Cidr> v6 = family(all, true);
    if (isFull(v4) && isFull(v6)) {
      return new PeerKeys(true, true, List.of());
    }
    List<Optional<String>> out = new ArrayList<>(2);
    for (List<Cidr> fam : List.of(v4, v6)) {
      if (fam.isEmpty()) {
        continue;
      }
      if (isFull(fam)) {
        out.add(Optional.empty());
        continue;
      }
      boolean v6Family = fam.get(0).v6();
      String key = (v6Family ? "a6:" : "a4:") + roles.key(r);
      peerCidrs.putIfAbsent(key, fam);
      out.add(Optional.of(key));
    }
    return new PeerKeys(!v4.isEmpty(), !v6.isEmpty(), out);
  }

  /** The key of a port set that needs a named set, if it does. */
  private Optional<String> portKey(PortSet ports) {
    if (ports.allProtocols() || protocolOnly(ports)) {
      return Optional.empty();
    }
    PortSet c = ports.canonical();
    String key = "p:" + c;
    if (!setElements.containsKey(key)) {
      List<String> elems = new ArrayList<>();
      c.byProtocol().forEach((proto, ranges) -> {
        for (PortRange pr : ranges) {
          elems.add(protoName(proto) + " . " + pr);
        }
      });
      setElements.put(key, elems);
      setTypes.put(key, "typeof meta l4proto . th dport");
    }
    return Optional.of(key);
  }

  private static boolean protocolOnly(PortSet ports) {
    for (ImmutableList<PortRange> rs : ports.canonical().byProtocol().values()) {
      if (!rs.equals(List.of(PortRange.ALL))) {
        return false;
      }
    }
    return true;
  }

  private void nameSets() {
    List<String> portKeys = new ArrayList<>(setOrigins.keySet());
    portKeys.sort(null);
    List<String> portIdentities = new ArrayList<>(portKeys.size());
    for (String key : portKeys) {
      portIdentities.add(portIdentity(key));
    }
    Map<String, String> portHashes = NftNames.hashes(portIdentities);
    // Peer-set keys in sorted order ("a4:" keys, then "a6:" keys, each in role order): the
    // first key of each content names the set all of them share.
    List<String> peerSetKeys = new ArrayList<>(peerCidrs.size());
    for (String family : List.of("a4:", "a6:")) {
      for (String role : roles.keys()) {
        String key = family + role;
        if (peerCidrs.containsKey(key)) {
          peerSetKeys.add(key);
        }
      }
    }
    int n = peerSetKeys.size();
    Map<String, String> names = new HashMap<>(2 * (n + portKeys.size()));
    Map<List<Cidr>, String> byContent = new HashMap<>(2 * n);
    Map<String, String> roleSets = new HashMap<>(2 * n);
    Map<String, Integer> sharers = new HashMap<>(2 * n);
    for (String key : portKeys) {
      names.put(key, "p_" + portHashes.get(portIdentity(key)));
    }
    for (String key : peerSetKeys) {
      String owner = byContent.computeIfAbsent(peerCidrs.get(key), c -> key);
      String name = addressSetName(roleHashes.get(owner.substring(3)), key.startsWith("a6:"));
      names.put(key, name);
      roleSets.put(key, name);
      peerSetRoles.putIfAbsent(name, owner);
      sharers.merge(name, 1, Integer::sum);
    }
    setNames = names;
    Map<String, Long> fingerprints = new HashMap<>(2 * peerSetRoles.size());
    Map<String, SetLayout.Sizes> sizes = new HashMap<>(2 * peerSetRoles.size());
    // Each set's parts and fingerprint depend on its content alone: on every core when many.
    List<Map.Entry<String, String>> owners = new ArrayList<>(peerSetRoles.entrySet());
    IntStream indexes = IntStream.range(0, owners.size());
    Parts[] split = (owners.size() >= parallelFrom ? indexes.parallel() : indexes)
        .mapToObj(i -> Parts.of(peerCidrs.get(owners.get(i).getValue()))).toArray(Parts[]::new);
    for (int i = 0; i < split.length; i++) {
      String name = owners.get(i).getKey();
      Parts parts = split[i];
      fingerprints.put(name, parts.fingerprint());
      peerParts.put(name, parts);
      sizes.put(name, new SetLayout.Sizes(parts.hosts().size(), parts.prefixes().size()));
    }
    java.util.Set<String> nodeLocal = new java.util.HashSet<>();
    for (EndpointGroup g : graph.groups()) {
      if (hasNodePath(g)) {
        nodeLocal.add(g.id());
      }
    }
    layout = new SetLayout(roles.keys(), roleSets, sharers, fingerprints, sizes, nodeLocal);
  }

  /** The name of a peer set's hash part (single addresses) from the hash of its role key. */
  static String addressSetName(String roleHash, boolean v6) {
    return "a_" + roleHash + (v6 ? "_6" : "_4");
  }

  /** The name of the interval part (prefixes) of the peer set whose hash part is {@code hashPart}. */
  static String prefixSetName(String hashPart) {
    return hashPart + "n";
  }

  /** Which set each role's peers are in, and the sets' fingerprints; after {@link #write()}. */
  SetLayout layout() {
    return layout;
  }

  /** A port set is named after its content and its users (its comment), so both fix its declaration. */
  private String portIdentity(String key) {
    return key + "\u0000" + String.join(", ", setOrigins.get(key));
  }

  /** A peer set's elements as printed: single addresses (hash part) and prefixes (interval part). */
  private record Parts(List<Cidr> hosts, List<Cidr> prefixes, long fingerprint) {
    static Parts of(List<Cidr> cidrs) {
      List<Cidr> hosts = new ArrayList<>(cidrs.size());
      List<Cidr> prefixes = new ArrayList<>();
      for (Cidr c : cidrs) {
        (isHost(c) ? hosts : prefixes).add(c);
      }
      return new Parts(hosts, prefixes, SetLayout.fingerprint(cidrs));
    }

    boolean hasHostPart() {
      return SetLayout.hasHostPart(hosts.size(), prefixes.size());
    }

    boolean hasPrefixPart() {
      return SetLayout.hasPrefixPart(hosts.size(), prefixes.size());
    }
  }

  private void writeSets(StringBuilder sb) {
    TreeMap<String, Runnable> byName = new TreeMap<>();
    setNames.forEach((key, name) -> {
      if (key.startsWith("p:")) {
        byName.put(name, () -> writeSet(sb, "set", name, List.of(setTypes.get(key), "flags interval"),
            String.join(", ", setOrigins.get(key)), textElements(setElements.get(key))));
      }
    });
    peerSetRoles.forEach((name, owner) -> {
      String type = owner.startsWith("a6:") ? "type ipv6_addr" : "type ipv4_addr";
      String comment = roleComment(owner.substring(3));
      Parts parts = peerParts.get(name);
      if (parts.hasHostPart()) {
        byName.put(name, () -> writeSet(sb, "set", name, List.of(type), comment, cidrElements(parts.hosts())));
      }
      if (parts.hasPrefixPart()) {
        byName.put(prefixSetName(name), () -> writeSet(sb, "set", prefixSetName(name),
            List.of(type, "flags interval"), comment, cidrElements(parts.prefixes())));
      }
    });
    byName.values().forEach(Runnable::run);
  }

  /** A peer set's comment: the policy rules of its role (the role key without any content suffix). */
  private static String roleComment(String roleKey) {
    int cut = roleKey.indexOf(" = ");
    return cut < 0 ? roleKey : roleKey.substring(0, cut);
  }

  /** A set's elements, each printed straight into the script (no text per element). */
  interface Elements {
    int size();

    void append(StringBuilder sb, int i);
  }

  private static Elements textElements(List<String> texts) {
    return elements(texts, StringBuilder::append);
  }

  private static Elements cidrElements(List<Cidr> cidrs) {
    return elements(cidrs, RulesetWriter::appendCidr);
  }

  private static <T> Elements elements(List<T> items, java.util.function.BiConsumer<StringBuilder, T> print) {
    return new Elements() {
      @Override
      public int size() {
        return items.size();
      }

      @Override
      public void append(StringBuilder sb, int i) {
        print.accept(sb, items.get(i));
      }
    };
  }

  private static void writeSet(StringBuilder sb, String kind, String name, List<String> header, String comment,
      Elements elements) {
    sb.append(TAB).append(kind).append(' ').append(name).append(" {\n");
    for (String h : header) {
      sb.append(TAB).append(TAB).append(h).append('\n');
    }
    sb.append(TAB).append(TAB).append("comment ").append(NftText.comment(comment)).append('\n');
    int n = elements.size();
    if (n > 0) {
      sb.append(TAB).append(TAB).append("elements = {\n");
      for (int i = 0; i < n; i++) {
        sb.append(TAB).append(TAB).append(TAB);
        elements.append(sb, i);
        sb.append(i + 1 < n ? ",\n" : "\n");
      }
      sb.append(TAB).append(TAB).append("}\n");
    }
    sb.append(TAB).append("}\n");
  }

  // ---- the bypass sets: same pod, and (cluster-wide) a pod and its own node ----

  /** Source . destination pairs accepted before any policy, per family. */
  private record Bypass(AddressPairs v4, AddressPairs v6) {}

  private Bypass bypass() {
    AddressPairs v4 = new AddressPairs();
    AddressPairs v6 = new AddressPairs();
    boolean nodeLocal = graph.node().isEmpty() && graph.options().allowNodeToLocalPods();
    for (EndpointGroup g : graph.groups()) {
      for (Endpoint e : g.members()) {
        List<IpAddress> own = ownAddresses(e);
        for (IpAddress a : own) {
          for (IpAddress b : own) {
            if (a.v6() == b.v6()) {
              (a.v6() ? v6 : v4).add(a, b);
            }
          }
        }
        if (nodeLocal && e.node().isPresent()) {
          AddressSet node = graph.nodeAddresses().getOrDefault(e.node().get(), AddressSet.EMPTY);
          for (Cidr n : node.cidrs()) {
            for (IpAddress a : own) {
              if (a.v6() == n.v6()) {
                Cidr host = Cidr.host(a);
                (a.v6() ? v6 : v4).add(n, host);
                (a.v6() ? v6 : v4).add(host, n);
              }
            }
          }
        }
      }
    }
    return new Bypass(v4, v6);
  }

  private void writeBypass(StringBuilder sb, Bypass b) {
    String comment = graph.options().allowNodeToLocalPods() && graph.node().isEmpty()
        ? "a pod to itself, and a pod and its own node" : "a pod to itself";
    if (!b.v4().isEmpty()) {
      writeSet(sb, "set", "bypass_4", List.of("type ipv4_addr . ipv4_addr", "flags interval"), comment,
          b.v4().sorted());
    }
    if (!b.v6().isEmpty()) {
      writeSet(sb, "set", "bypass_6", List.of("type ipv6_addr . ipv6_addr", "flags interval"), comment,
          b.v6().sorted());
    }
  }

  /** The addresses at which the graph resolves to this endpoint (a shared address goes to one pod). */
  private List<IpAddress> ownAddresses(Endpoint e) {
    List<IpAddress> out = ownAddresses.get(e);
    if (out == null) {
      out = computeOwnAddresses(e);
      ownAddresses.put(e, out);
    }
    return out;
  }

  private List<IpAddress> computeOwnAddresses(Endpoint e) {
    List<IpAddress> out = new ArrayList<>(e.ips().size());
    for (IpAddress ip : e.ips()) {
      Endpoint owner = graph.endpointAt(ip).orElse(null);
      if (owner != null && (owner == e || owner.pod().equals(e.pod())) && !out.contains(ip)) {
        out.add(ip);
      }
    }
    return out;
  }

  // ---- dispatch maps ----

  private boolean needsChain(EndpointGroup g, Direction d) {
    return g.isolated(d) || !graph.rules(g.id(), d).isEmpty();
  }

  private static String mapName(Direction d, boolean v6) {
    if (d == Direction.INGRESS) {
      return v6 ? "ep_in6" : "ep_in4";
    }
    return v6 ? "ep_out6" : "ep_out4";
  }

  /** Per map name: the local pod addresses of each family and direction, and the chain each jumps to. */
  private Map<String, DispatchMap> dispatchMaps() {
    Map<String, DispatchMap> maps = new TreeMap<>();
    for (Direction d : Direction.values()) {
      maps.put(mapName(d, false), new DispatchMap());
      maps.put(mapName(d, true), new DispatchMap());
    }
    for (EndpointGroup g : graph.groups()) {
      for (Direction d : Direction.values()) {
        if (!needsChain(g, d)) {
          continue;
        }
        String chain = chainName(g, d);
        DispatchMap v4 = maps.get(mapName(d, false));
        DispatchMap v6 = maps.get(mapName(d, true));
        for (Endpoint e : g.members()) {
          for (IpAddress ip : ownAddresses(e)) {
            (ip.v6() ? v6 : v4).put(ip, chain);
          }
        }
      }
    }
    return maps;
  }

  private void writeMaps(StringBuilder sb, Map<String, DispatchMap> maps) {
    maps.forEach((name, entries) -> {
      if (entries.isEmpty()) {
        return;
      }
      boolean v6 = name.endsWith("6");
      String what = name.startsWith("ep_in") ? "ingress" : "egress";
      writeSet(sb, "map", name, List.of(v6 ? "type ipv6_addr : verdict" : "type ipv4_addr : verdict"),
          "local pod address to the " + what + " chain of its group", entries.sorted());
    });
  }

  // ---- node-local egress: a pod to its own node runs its Admin and Baseline tiers ----

  /** The node-local dispatch map of IPv4 and of IPv6. */
  static final String NODE_MAP_4 = "ep_node4";
  static final String NODE_MAP_6 = "ep_node6";

  /**
   * The node-local egress dispatch, per family: per node, local pod address → chain (used in the
   * input hook); cluster-wide, pod address . address of its node → chain (used in forward,
   * before the bypass accepts the pair).
   */
  private record NodeMaps(Optional<DispatchMap> perNode4, Optional<DispatchMap> perNode6,
      Optional<PairDispatchMap> pairs4, Optional<PairDispatchMap> pairs6) {
    boolean isEmpty() {
      return !has(false) && !has(true);
    }

    /** True when the map of that family has elements (else it is neither declared nor used). */
    boolean has(boolean v6) {
      Optional<DispatchMap> single = v6 ? perNode6 : perNode4;
      Optional<PairDispatchMap> pairs = v6 ? pairs6 : pairs4;
      return single.map(m -> !m.isEmpty()).orElse(false) || pairs.map(m -> !m.isEmpty()).orElse(false);
    }

    /** The elements of the map of that family, sorted. */
    Elements sorted(boolean v6) {
      Optional<DispatchMap> single = v6 ? perNode6 : perNode4;
      return single.isPresent() ? single.get().sorted() : (v6 ? pairs6 : pairs4).orElseThrow().sorted();
    }
  }

  /**
   * True when a pod's egress to its own node is decided by its Admin and Baseline tiers
   * (SEMANTICS-TIERS.md): the node allowance is on and does not extend to every tier.
   */
  private boolean nodeLocalTiers() {
    return graph.options().allowNodeToLocalPods() && !graph.options().nodeLocalExemptFromAllTiers();
  }

  /** True when the group's egress to its own node needs a chain: it has Admin or Baseline egress rules. */
  private boolean hasNodePath(EndpointGroup g) {
    if (!nodeLocalTiers()) {
      return false;
    }
    for (Rule r : graph.rules(g.id(), Direction.EGRESS)) {
      if (r.tier() != Tier.NETWORK_POLICY) {
        return true;
      }
    }
    return false;
  }

  /**
   * The chain a group's egress to its own node enters: the group's egress chain when it has no
   * NetworkPolicy tier (the same tiers in the same order), the chain of the tier after it when
   * the NetworkPolicy tier comes first, else its {@code _node} chain (the tiers before the
   * NetworkPolicy tier again, passing on to the tier after it).
   */
  private String nodePathTarget(EndpointGroup g) {
    String main = chainName(g, Direction.EGRESS);
    List<Tier> tiers = graph.segmentTiers(g, Direction.EGRESS);
    int np = tiers.indexOf(Tier.NETWORK_POLICY);
    if (np < 0) {
      return main;
    }
    // hasNodePath: some rule is not of the NetworkPolicy tier, so a tier follows when none precedes.
    return np > 0 ? nodeChain(main) : tierChain(main, tiers.get(1));
  }

  private static String nodeChain(String mainEgress) {
    return mainEgress + "_node";
  }

  private NodeMaps nodeMaps() {
    Optional<DispatchMap> single4 = Optional.empty();
    Optional<DispatchMap> single6 = Optional.empty();
    Optional<PairDispatchMap> pairs4 = Optional.empty();
    Optional<PairDispatchMap> pairs6 = Optional.empty();
    boolean perNode = graph.node().isPresent();
    for (EndpointGroup g : graph.groups()) {
      if (!hasNodePath(g)) {
        continue;
      }
      String chain = nodePathTarget(g);
      for (Endpoint e : g.members()) {
        if (perNode) {
          // Every local pod: the input hook sees only its packets to this node's addresses.
          for (IpAddress ip : ownAddresses(e)) {
            if (ip.v6()) {
              single6 = Optional.of(single6.orElseGet(DispatchMap::new));
              single6.get().put(ip, chain);
            } else {
              single4 = Optional.of(single4.orElseGet(DispatchMap::new));
              single4.get().put(ip, chain);
            }
          }
          continue;
        }
        if (e.node().isEmpty()) {
          continue;
        }
        AddressSet node = graph.nodeAddresses().getOrDefault(e.node().get(), AddressSet.EMPTY);
        for (Cidr n : node.cidrs()) {
          for (IpAddress ip : ownAddresses(e)) {
            if (ip.v6() != n.v6()) {
              continue;
            }
            if (ip.v6()) {
              pairs6 = Optional.of(pairs6.orElseGet(PairDispatchMap::new));
              pairs6.get().put(Cidr.host(ip), n, chain);
            } else {
              pairs4 = Optional.of(pairs4.orElseGet(PairDispatchMap::new));
              pairs4.get().put(Cidr.host(ip), n, chain);
            }
          }
        }
      }
    }
    return new NodeMaps(single4, single6, pairs4, pairs6);
  }

  private void writeNodeMaps(StringBuilder sb, NodeMaps maps) {
    boolean perNode = graph.node().isPresent();
    String comment = perNode ? "local pod address to the egress chain of its group towards this node"
        : "local pod address . address of its node to the egress chain of its group towards that node";
    for (boolean v6 : new boolean[] {false, true}) {
      if (!maps.has(v6)) {
        continue;
      }
      String addr = v6 ? "ipv6_addr" : "ipv4_addr";
      List<String> header = perNode ? List.of("type " + addr + " : verdict")
          : List.of("type " + addr + " . " + addr + " : verdict", "flags interval");
      writeSet(sb, "map", v6 ? NODE_MAP_6 : NODE_MAP_4, header, comment, maps.sorted(v6));
    }
  }

  // ---- base chains ----

  /**
   * IPv6 neighbour discovery is link machinery, not a connection: conntrack leaves it untracked,
   * and with br_netfilter bridged solicitations and advertisements cross the forward hook.
   * Dropping them would cut an isolated pod off from its neighbours for every IPv6 flow, so they
   * pass before any policy, as ARP does for IPv4 (Calico and Cilium do the same).
   */
  private static final String NEIGHBOUR_DISCOVERY = "icmpv6 type { nd-router-solicit, nd-router-advert, "
      + "nd-neighbor-solicit, nd-neighbor-advert } accept comment \"IPv6 neighbour discovery\"";

  private void writeBaseChains(StringBuilder sb, Bypass bypass, Map<String, DispatchMap> maps, NodeMaps node) {
    List<String> forward = new ArrayList<>();
    forward.add("ct state established,related accept comment \"replies of allowed connections\"");
    forward.add(NEIGHBOUR_DISCOVERY);
    if (graph.node().isEmpty()) {
      // Before the bypass, which accepts every pod and its own node: the Admin and Baseline
      // tiers of a pod's egress still apply to its own node.
      forward.addAll(nodeDispatch(node, "ip saddr . ip daddr", "ip6 saddr . ip6 daddr"));
    }
    if (!bypass.v4().isEmpty()) {
      forward.add("ip saddr . ip daddr @bypass_4 accept comment \"never policed\"");
    }
    if (!bypass.v6().isEmpty()) {
      forward.add("ip6 saddr . ip6 daddr @bypass_6 accept comment \"never policed\"");
    }
    forward.addAll(dispatch(maps, Direction.EGRESS));
    forward.addAll(dispatch(maps, Direction.INGRESS));
    writeBaseChain(sb, "forward", "pod traffic routed or bridged through this node", forward);
    if (graph.node().isPresent() && !graph.options().allowNodeToLocalPods()) {
      List<String> input = new ArrayList<>();
      input.add("ct state established,related accept comment \"replies of allowed connections\"");
      input.add(NEIGHBOUR_DISCOVERY);
      input.addAll(dispatch(maps, Direction.EGRESS));
      writeBaseChain(sb, "input", "local pods to this node: their egress policy", input);
      List<String> output = new ArrayList<>();
      output.add("ct state established,related accept comment \"replies of allowed connections\"");
      output.add(NEIGHBOUR_DISCOVERY);
      output.addAll(dispatch(maps, Direction.INGRESS));
      writeBaseChain(sb, "output", "this node to local pods: their ingress policy", output);
    }
    if (graph.node().isPresent() && !node.isEmpty()) {
      List<String> input = new ArrayList<>();
      input.add("ct state established,related accept comment \"replies of allowed connections\"");
      input.add(NEIGHBOUR_DISCOVERY);
      input.addAll(nodeDispatch(node, "ip saddr", "ip6 saddr"));
      writeBaseChain(sb, "input", "local pods to this node: the Admin and Baseline tiers of their egress", input);
    }
  }

  /** The vmap rules sending a local pod's packet to its own node into its group's node-local egress chain. */
  private static List<String> nodeDispatch(NodeMaps node, String key4, String key6) {
    List<String> out = new ArrayList<>(2);
    String comment = " comment \"egress of local pods to their own node: Admin and Baseline tiers\"";
    if (node.has(false)) {
      out.add(key4 + " vmap @" + NODE_MAP_4 + comment);
    }
    if (node.has(true)) {
      out.add(key6 + " vmap @" + NODE_MAP_6 + comment);
    }
    return out;
  }

  /** The vmap rules sending a packet of a local pod to its group's chain for {@code d}. */
  private static List<String> dispatch(Map<String, DispatchMap> maps, Direction d) {
    List<String> out = new ArrayList<>();
    String field = d == Direction.INGRESS ? "daddr" : "saddr";
    String what = d == Direction.INGRESS ? "\"ingress of local pods\"" : "\"egress of local pods\"";
    if (!maps.get(mapName(d, false)).isEmpty()) {
      out.add("ip " + field + " vmap @" + mapName(d, false) + " comment " + what);
    }
    if (!maps.get(mapName(d, true)).isEmpty()) {
      out.add("ip6 " + field + " vmap @" + mapName(d, true) + " comment " + what);
    }
    return out;
  }

  private void writeBaseChain(StringBuilder sb, String name, String comment, List<String> rules) {
    sb.append(TAB).append("chain ").append(name).append(" {\n");
    sb.append(TAB).append(TAB).append("type filter hook ").append(name).append(" priority ").append(priority)
        .append("; policy accept;\n");
    sb.append(TAB).append(TAB).append("comment ").append(NftText.comment(comment)).append('\n');
    for (String r : rules) {
      sb.append(TAB).append(TAB).append(r).append('\n');
    }
    sb.append(TAB).append("}\n");
  }

  // ---- group chains ----

  private String chainName(EndpointGroup g, Direction d) {
    return "g_" + groupHashes.get(g.id()) + (d == Direction.INGRESS ? "_in" : "_out");
  }

  /** A tier's run of rules and where it continues. */
  private record Segment(Tier tier, List<Rule> rules, boolean defaultDeny) {}

  /** The group's tiers that have rules or (NetworkPolicy, when isolated) a default deny, in order. */
  private List<Segment> segments(EndpointGroup g, Direction d) {
    List<Rule> rules = RuleOrder.canonical(graph.rules(g.id(), d));
    boolean isolated = g.isolated(d);
    List<Segment> segments = new ArrayList<>();
    int i = 0;
    for (Tier t : graph.segmentTiers(g, d)) {
      int from = i;
      while (i < rules.size() && rules.get(i).tier().equals(t)) {
        i++;
      }
      boolean np = t.equals(Tier.NETWORK_POLICY);
      segments.add(new Segment(t, rules.subList(from, i), np && isolated));
    }
    return segments;
  }

  private void writeGroupChains(StringBuilder sb, EndpointGroup g, Direction d) {
    List<Segment> segments = segments(g, d);
    boolean isolated = g.isolated(d);
    String main = chainName(g, d);
    String allow = d == Direction.INGRESS ? "accept" : "return";
    String peerField = d == Direction.INGRESS ? "saddr" : "daddr";
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      String name = i == 0 ? main : tierChain(main, s.tier());
      Optional<String> next = i + 1 < segments.size()
          ? Optional.of(tierChain(main, segments.get(i + 1).tier())) : Optional.empty();
      // No member count: pods joining or leaving must not change a chain (incremental updates).
      String comment = d.apiName() + " of group " + g.id() + (i == 0 ? "" : ", " + tierComment(s.tier()));
      sb.append(TAB).append("chain ").append(name).append(" {\n");
      sb.append(TAB).append(TAB).append("comment ").append(NftText.comment(comment)).append('\n');
      if (i == 0 && isolated) {
        sb.append(TAB).append(TAB).append("ct state invalid drop comment \"invalid packets of isolated pods\"\n");
      }
      writeRules(sb, g, s.rules(), allow, next.map(n -> "goto " + n).orElse(allow), peerField);
      if (s.defaultDeny()) {
        appendRuleLine(sb, "", "drop", Optional.of("default-deny " + g.id()), NftText.comment("default-deny " + g.id()));
      } else if (next.isPresent()) {
        sb.append(TAB).append(TAB).append("goto ").append(next.get()).append(" comment \"next tier\"\n");
      }
      sb.append(TAB).append("}\n");
    }
    if (d == Direction.EGRESS && hasNodePath(g) && nodePathTarget(g).equals(nodeChain(main))) {
      writeNodeChain(sb, g, segments, main);
    }
  }

  /**
   * The chains of a group's egress to its own node when the group has rules of tiers before a
   * NetworkPolicy tier (Admin rules, in a Kubernetes graph): the rules of those tiers again, each
   * tier passing (and falling through) to the next, the last to the tier after the NetworkPolicy
   * tier (Baseline) or allowing when there is none, so the NetworkPolicy tier is skipped.
   */
  private void writeNodeChain(StringBuilder sb, EndpointGroup g, List<Segment> segments, String main) {
    int np = 0;
    while (!segments.get(np).tier().equals(Tier.NETWORK_POLICY)) {
      np++;
    }
    Optional<String> after = np + 1 < segments.size()
        ? Optional.of(tierChain(main, segments.get(np + 1).tier())) : Optional.empty();
    boolean standard = segments.stream().allMatch(s -> s.tier().isStandard());
    for (int k = 0; k < np; k++) {
      Segment s = segments.get(k);
      String name = k == 0 ? nodeChain(main) : nodeChain(tierChain(main, s.tier()));
      Optional<String> next = k + 1 < np ? Optional.of(nodeChain(tierChain(main, segments.get(k + 1).tier()))) : after;
      String comment = standard ? "egress of group " + g.id() + " to its own node (admin, base)"
          : "egress of group " + g.id() + " to its own node, " + tierComment(s.tier()) + " (network-policy skipped)";
      sb.append(TAB).append("chain ").append(name).append(" {\n");
      sb.append(TAB).append(TAB).append("comment ").append(NftText.comment(comment)).append('\n');
      writeRules(sb, g, s.rules(), "return", next.map(n -> "goto " + n).orElse("return"), "daddr");
      next.ifPresent(b -> sb.append(TAB).append(TAB).append("goto ").append(b).append(" comment \"next tier\"\n"));
      sb.append(TAB).append("}\n");
    }
  }

  /**
   * The nft rules of one tier's IR rules: {@code allow} for ALLOW, drop for DENY, {@code pass} for
   * PASS, and for LOG a {@code log} statement with no verdict, so evaluation continues.
   */
  private void writeRules(StringBuilder sb, EndpointGroup g, List<Rule> rules, String allow, String pass,
      String peerField) {
    for (Rule r : rules) {
      if (r.action() == Action.LOG) {
        List<String> ms = matches(r, peerField);
        String ruleComment = ms.isEmpty() ? "" : NftText.comment(origins(r));
        for (String match : ms) {
          appendLogLine(sb, match, logRulePrefix(r, g, options.logPrefix()), ruleComment);
        }
        continue;
      }
      String verdict;
      Optional<String> log = Optional.empty();
      if (r.action() == Action.ALLOW) {
        verdict = allow;
      } else if (r.action() == Action.DENY) {
        verdict = "drop";
        log = Optional.of("np-drop " + denyLabel(r, g));
      } else {
        verdict = pass;
      }
      List<String> ms = matches(r, peerField);
      if (!ms.isEmpty()) {
        String ruleComment = NftText.comment(origins(r));
        for (String match : ms) {
          appendRuleLine(sb, match, verdict, log, ruleComment);
        }
      }
    }
  }

  /**
   * The quoted log prefix of a LOG rule: {@code np-log} and the rule's {@link #denyLabel label},
   * after the user's {@code logPrefix} when set; sanitised to nft's safe characters and cut to its
   * 127 bytes by {@link NftText#logPrefix}, so no input can end the string or add a statement.
   */
  static String logRulePrefix(Rule r, EndpointGroup g, String userPrefix) {
    String text = "np-log " + denyLabel(r, g);
    return NftText.logPrefix(userPrefix.isEmpty() ? text : userPrefix + " " + text);
  }

  /**
   * What a DENY's log prefix names: the policy rule that decides ({@code ns/policy egress[2]}),
   * with a count of the others when the IR rule implements several; the group when it has none.
   */
  static String denyLabel(Rule r, EndpointGroup g) {
    if (r.origins().isEmpty()) {
      return g.id();
    }
    String first = r.origins().get(0).toString();
    return r.origins().size() == 1 ? first : first + " and " + (r.origins().size() - 1) + " more";
  }

  private String tierChain(String main, Tier t) {
    return main + "_" + tierLabels.get(t);
  }

  /**
   * A tier as chain comments name it: the standard tiers by their chain suffix, as ever; any
   * other by its validated name ({@link Tier#ordered}) and rank.
   */
  private String tierComment(Tier t) {
    return t.isStandard() ? tierLabels.get(t) : "tier " + t.name() + " (rank " + t.rank() + ")";
  }

  /** The match part of each nft rule for one IR rule: one per address family it needs. */
  private List<String> matches(Rule r, String peerField) {
    List<String> portParts = portMatches(r.ports());
    List<Optional<String>> keys = addressKeys(r);
    if (keys.isEmpty()) {
      return portParts;
    }
    List<String> out = new ArrayList<>(keys.size() + 1);
    PeerKeys pk = peerKeys(r);
    int i = 0;
    for (int f = 0; f < 2; f++) {
      boolean v6 = f == 1;
      if (!(v6 ? pk.hasV6() : pk.hasV4())) {
        continue;
      }
      Optional<String> key = keys.get(i++);
      List<String> addrs = new ArrayList<>(2);
      if (key.isEmpty()) {
        addrs.add("meta nfproto " + (v6 ? "ipv6" : "ipv4"));
      } else {
        String set = setNames.get(key.get());
        String field = (v6 ? "ip6 " : "ip ") + peerField + " @";
        Parts parts = peerParts.get(set);
        if (parts.hasHostPart()) {
          addrs.add(field + set);
        }
        if (parts.hasPrefixPart()) {
          addrs.add(field + prefixSetName(set));
        }
      }
      for (String addr : addrs) {
        for (String ports : portParts) {
          out.add(join(addr, ports));
        }
      }
    }
    return out;
  }

  /**
   * The protocol/value part of each nft rule for {@code ports}: one for a set of port-carrying
   * protocols only (every NetworkPolicy set, printed as ever); for a general set one per kind
   * (see {@link #generalMatches}), each a disjunct of the set, so the IR rule becomes several nft
   * rules with the same verdict, next to each other. Empty when nothing matches.
   */
  private List<String> portMatches(PortSet ports) {
    if (ports.allProtocols() || ports.portProtocolsOnly()) {
      return ports.isEmpty() ? List.of() : List.of(portMatch(ports));
    }
    return generalMatches(ports.canonical());
  }

  /**
   * The disjuncts of a general set, in a fixed order: every unlisted protocol
   * ({@code meta l4proto != { ... }}, when {@link PortSet#otherProtocols()}), the protocols
   * matched wholly ({@code meta l4proto { gre, ... }}), the partly matched port-carrying
   * protocols (a named {@code l4proto . th dport} set, as for NetworkPolicy ports), and per ICMP
   * protocol its type/code ranges as the header's first 16 bits ({@code @th,0,16}, which are
   * exactly type and code, so a range of {@code type * 256 + code} is one interval).
   */
  private List<String> generalMatches(PortSet c) {
    List<String> out = new ArrayList<>(4);
    List<Integer> whole = new ArrayList<>();
    List<String> icmp = new ArrayList<>(2);
    c.byProtocol().forEach((proto, ranges) -> {
      if (ranges.isEmpty()) {
        return;
      }
      if (ranges.equals(List.of(PortSet.domain(proto)))) {
        whole.add(proto);
      } else if (PortSet.isIcmp(proto)) {
        icmp.add("meta l4proto " + protoName(proto) + " @th,0,16 " + valueList(ranges));
      } else if (!PortSet.carriesPorts(proto)) {
        // A protocol without ports has the single value 0: listed, it is whole or empty.
        throw new IllegalStateException("partial values of protocol " + proto + ": " + c);
      }
    });
    if (c.otherProtocols()) {
      out.add("meta l4proto != " + protoList(List.copyOf(c.byProtocol().keySet())));
    }
    if (!whole.isEmpty()) {
      out.add("meta l4proto " + protoList(whole));
    }
    PortSet named = namedPortPart(c);
    if (!named.isEmpty()) {
      out.add(portMatch(named));
    }
    out.addAll(icmp);
    return out;
  }

  /**
   * The part of {@code ports} a {@code meta l4proto . th dport} set renders: all of it for a set
   * of port-carrying protocols, else its partly matched port-carrying protocols (maybe none).
   */
  private static PortSet namedPortPart(PortSet ports) {
    if (ports.allProtocols() || ports.portProtocolsOnly()) {
      return ports;
    }
    Map<Integer, List<PortRange>> part = new TreeMap<>();
    ports.canonical().byProtocol().forEach((proto, ranges) -> {
      if (PortSet.carriesPorts(proto) && !ranges.isEmpty() && !ranges.equals(List.of(PortSet.domain(proto)))) {
        part.put(proto, ranges);
      }
    });
    return PortSet.of(part);
  }

  /** Protocol numbers as one value or an anonymous set. */
  private static String protoList(List<Integer> protos) {
    List<String> names = protos.stream().map(RulesetWriter::protoName).toList();
    return names.size() == 1 ? names.get(0) : "{ " + String.join(", ", names) + " }";
  }

  /** Value ranges as one value or range, or an anonymous interval set. */
  private static String valueList(List<PortRange> ranges) {
    List<String> texts = ranges.stream().map(PortRange::toString).toList();
    return texts.size() == 1 ? texts.get(0) : "{ " + String.join(", ", texts) + " }";
  }

  private String portMatch(PortSet ports) {
    if (ports.allProtocols()) {
      return "";
    }
    if (protocolOnly(ports)) {
      List<String> protos = ports.canonical().byProtocol().keySet().stream().map(RulesetWriter::protoName).toList();
      return "meta l4proto " + (protos.size() == 1 ? protos.get(0) : "{ " + String.join(", ", protos) + " }");
    }
    return "meta l4proto . th dport @" + setNames.get(portKey(ports).orElseThrow());
  }

  /** One rule line of a group chain, indented, printed straight into {@code sb}; {@code comment} is quoted. */
  private void appendRuleLine(StringBuilder sb, String match, String verdict, Optional<String> logText,
      String comment) {
    sb.append(TAB).append(TAB);
    int start = sb.length();
    sb.append(match);
    if (options.counters()) {
      append(sb, start, "counter");
    }
    if (options.logDrops() && logText.isPresent()) {
      String prefix = options.logPrefix().isEmpty() ? logText.get() : options.logPrefix() + " " + logText.get();
      append(sb, start, "log prefix " + NftText.logPrefix(prefix) + " level info");
    }
    append(sb, start, verdict);
    append(sb, start, "comment ");
    sb.append(comment).append('\n');
  }

  /**
   * One LOG rule line: the match, a counter when counters are on, the log statement and no
   * verdict, so the packet goes on to the next rule. Always {@code level info} to syslog, as the
   * drop logs: a LOG rule is the policy's own request, so {@code logDrops} does not gate it.
   */
  private void appendLogLine(StringBuilder sb, String match, String quotedPrefix, String comment) {
    sb.append(TAB).append(TAB);
    int start = sb.length();
    sb.append(match);
    if (options.counters()) {
      append(sb, start, "counter");
    }
    append(sb, start, "log prefix " + quotedPrefix + " level info");
    append(sb, start, "comment ");
    sb.append(comment).append('\n');
  }

  /** Appends {@code part}, after a space unless it is the first thing since {@code start}. */
  private static void append(StringBuilder sb, int start, String part) {
    if (sb.length() > start) {
      sb.append(' ');
    }
    sb.append(part);
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + " " + b;
  }

  /** The rule's origins as one comment text (its role's base). */
  private String origins(Rule r) {
    return roles.baseOf(r);
  }

  // ---- values ----

  /** The CIDRs of one family: a view when the list is IPv4 then IPv6 (as {@link AddressSet#cidrs()} is). */
  private static List<Cidr> family(ImmutableList<Cidr> all, boolean v6) {
    int split = 0;
    while (split < all.size() && !all.get(split).v6()) {
      split++;
    }
    boolean ordered = true;
    for (int i = split; i < all.size() && ordered; i++) {
      ordered = all.get(i).v6();
    }
    if (ordered) {
      return v6 ? all.subList(split, all.size()) : all.subList(0, split);
    }
    List<Cidr> out = new ArrayList<>();
    for (Cidr c : all) {
      if (c.v6() == v6) {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean isFull(List<Cidr> cidrs) {
    return cidrs.size() == 1 && cidrs.get(0).prefix() == 0;
  }

  /** True for a single address (it goes to a peer set's hash part). */
  static boolean isHost(Cidr c) {
    return c.prefix() == c.address().bits();
  }

  /** {@link #cidr} printed straight into {@code sb}. */
  static void appendCidr(StringBuilder sb, Cidr c) {
    appendIp(sb, c.address());
    if (c.prefix() != c.address().bits()) {
      sb.append('/').append(c.prefix());
    }
  }

  /** {@link IpAddress#toString()} printed straight into {@code sb} (IPv4 without any text in between). */
  static void appendIp(StringBuilder sb, IpAddress ip) {
    if (ip.v6()) {
      sb.append(ip);
      return;
    }
    appendIp4(sb, (int) ip.lo());
  }

  /** An IPv4 address, given as its 32 bits, printed straight into {@code sb}. */
  static void appendIp4(StringBuilder sb, int v) {
    appendOctet(sb, v >>> 24);
    sb.append('.');
    appendOctet(sb, (v >>> 16) & 0xFF);
    sb.append('.');
    appendOctet(sb, (v >>> 8) & 0xFF);
    sb.append('.');
    appendOctet(sb, v & 0xFF);
  }

  /** The decimal text of every IPv4 octet value. */
  private static final String[] OCTETS = new String[256];

  static {
    for (int i = 0; i < OCTETS.length; i++) {
      OCTETS[i] = Integer.toString(i);
    }
  }

  private static void appendOctet(StringBuilder sb, int octet) {
    sb.append(OCTETS[octet]);
  }

  /** A CIDR as nft prints it: a bare address for a single host. */
  static String cidr(Cidr c) {
    return c.prefix() == c.address().bits() ? c.address().toString() : c.toString();
  }

  static String protoName(int proto) {
    switch (proto) {
      case 6:
        return "tcp";
      case 17:
        return "udp";
      case 132:
        return "sctp";
      case 1:
        return "icmp";
      case 58:
        return "ipv6-icmp";
      default:
        return Integer.toString(proto);
    }
  }
}
