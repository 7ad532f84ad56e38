package dev.netpolc.backend.iptables;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.incremental.SetRoles;
import dev.netpolc.compiler.ir.Atoms;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleOrder;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Renders one {@link RuleGraph} as the four files of the iptables backend (see
 * {@code backends/iptables/README.md} for the layout). One instance per emit; not thread-safe.
 * Three passes: collect every address set the rules and the dispatch need (keyed by content),
 * decide which become ipsets within the budget (the rest are rendered inline, one rule per
 * element), then print.
 */
final class ScriptWriter {
  /** At most this many ports per multiport match (a range counts twice). */
  static final int MULTIPORT_MAX = 15;

  private final RuleGraph graph;
  private final BackendOptions options;
  private final String prefix;
  private final int maxIpsets;
  private final int markMask;
  private final String scope;

  /** Set name → set, for every set the graph needs. */
  private final TreeMap<String, SetSpec> sets = new TreeMap<>();
  /** Names of the sets rendered as ipsets; the others are identity-encoded or inlined. */
  private Set<String> asIpset = Set.of();
  /** Over the budget: set name → lookup direction → its mark bit (filled by the mangle table). */
  private Map<String, Map<String, Integer>> markBits = Map.of();
  /** The identity sets that fill those bits. */
  private List<IdentitySet> identitySets = List.of();
  /** While true, lookups are recorded in {@link #usage} (the dry run before choosing). */
  private boolean recording;
  /** Set name → the directions ({@code src}, {@code dst}) its lookups use. */
  private final Map<String, Set<String>> usage = new TreeMap<>();
  /** True while printing a family whose lookups use mark bits: ACCEPT clears them first. */
  private boolean clearing;
  private Map<String, String> groupHashes = Map.of();
  /** Per tier of the graph, the two characters its chains end in ({@link #tierCodes}); set by {@link #write}. */
  private Map<Tier, String> tierCodes = Map.of();
  private Map<String, String> peerHashes = Map.of();
  /** The role of each rule's peer set: peer sets are named by role, so a pod event keeps their names. */
  private SetRoles roles;
  private final Map<Rule, String> roleKeys = new IdentityHashMap<>();
  /** Peer-set content (family and elements) → the role keys whose rules have it, sorted. */
  private final Map<String, TreeSet<String>> rolesByContent = new TreeMap<>();
  /** Peer-set content → its set's name: the hash of its first role. */
  private final Map<String, String> peerSetByContent = new TreeMap<>();
  private Map<String, String> nodeHashes = Map.of();

  /** An address set as ipset would hold it. */
  private record SetSpec(String name, String type, boolean v6, List<String> elements, List<String> inline,
      String comment) {
    AddressSet addresses() {
      return AddressSet.ofCidrs(inline.stream().map(c -> Cidr.parse(c).orElseThrow().cidr()).toList());
    }
  }

  /**
   * A {@code hash:net skbinfo} set whose entries are the atoms of the overflowing sets it
   * encodes, each carrying as {@code skbmark value/field} the bits of the sets holding it.
   *
   * @param name    the set name
   * @param v6      its family
   * @param dir     {@code src} or {@code dst}: the address the mangle table maps with it
   * @param field   the mark bits it writes
   * @param entries atom CIDR → mark value
   * @param members how many overflowing sets it encodes
   */
  private record IdentitySet(String name, boolean v6, String dir, int field, List<Map.Entry<Cidr, Integer>> entries,
      int members) {}

  ScriptWriter(RuleGraph graph, BackendOptions options, String prefix, int maxIpsets, int markMask) {
    this.graph = graph;
    this.options = options;
    this.prefix = prefix;
    this.maxIpsets = maxIpsets;
    this.markMask = markMask;
    this.scope = IptText.sanitize(graph.node().map(n -> "node " + n).orElse("cluster-wide"));
  }

  /** The artifact: apply.sh, ipset.restore, iptables.rules, ip6tables.rules. */
  Artifact write() throws BackendException {
    groupHashes = IptNames.hashes(graph.groups().stream().map(EndpointGroup::id).toList());
    tierCodes = tierCodes(graph);
    roles = SetRoles.of(graph);
    peerHashes = peerHashes(roles.keys());
    // One set per distinct content, named by the first of its roles: a pod event that changes
    // every role of a set alike keeps its name (the fast path's add/del).
    for (EndpointGroup g : graph.groups()) {
      for (Direction d : Direction.values()) {
        for (Rule r : graph.rules(g.id(), d)) {
          for (boolean v6 : new boolean[] {false, true}) {
            List<Cidr> fam = family(r.peers(), v6);
            if (!fam.isEmpty() && !isFull(fam)) {
              rolesByContent.computeIfAbsent(contentKey(fam, v6), k -> new TreeSet<>())
                  .add(roleKeys.computeIfAbsent(r, roles::key));
            }
          }
        }
      }
    }
    rolesByContent.forEach((content, keys) -> peerSetByContent.put(content,
        peerSetName(prefix, peerHashes, keys.first(), content.startsWith("6:"))));
    nodeHashes = IptNames.hashes(podsByNode().keySet());
    collectSets();
    // Dry run with every set as an ipset, to learn which directions each set is looked up in.
    asIpset = sets.keySet();
    recording = true;
    rulesFile(false, new ArrayList<>(), new ArrayList<>());
    rulesFile(true, new ArrayList<>(), new ArrayList<>());
    recording = false;
    chooseIpsets();
    ImmutableSortedMap.Builder<String, String> files = ImmutableSortedMap.naturalOrder();
    files.put(IptablesBackend.IPSET_FILE, ipsetFile());
    List<String> chains4 = new ArrayList<>();
    List<String> chains6 = new ArrayList<>();
    List<String> mangle4 = new ArrayList<>();
    List<String> mangle6 = new ArrayList<>();
    files.put(IptablesBackend.IPTABLES_FILE, rulesFile(false, chains4, mangle4));
    files.put(IptablesBackend.IP6TABLES_FILE, rulesFile(true, chains6, mangle6));
    files.put(IptablesBackend.APPLY_FILE, applyScript(chains4, chains6, mangle4, mangle6));
    return new Artifact(IptablesBackend.NAME, files.build());
  }

  // ---- sets ----

  private void collectSets() {
    for (EndpointGroup g : graph.groups()) {
      if (!needsChain(g, Direction.INGRESS) && !needsChain(g, Direction.EGRESS)) {
        continue;
      }
      for (boolean v6 : new boolean[] {false, true}) {
        List<String> addrs = new ArrayList<>();
        List<String> inline = new ArrayList<>();
        for (IpAddress ip : ownAddresses(g)) {
          if (ip.v6() == v6) {
            addrs.add(ip.toString());
            inline.add(Cidr.host(ip).toString());
          }
        }
        if (!addrs.isEmpty()) {
          String name = groupSetName(g, v6);
          sets.put(name, new SetSpec(name, "hash:ip", v6, addrs, inline, "members of " + groupLabel(g)));
        }
      }
    }
    for (EndpointGroup g : graph.groups()) {
      for (Direction d : Direction.values()) {
        for (Rule r : graph.rules(g.id(), d)) {
          for (boolean v6 : new boolean[] {false, true}) {
            List<Cidr> fam = family(r.peers(), v6);
            if (fam.isEmpty() || isFull(fam)) {
              continue;
            }
            String name = peerSetName(r, v6);
            SetSpec old = sets.get(name);
            if (old == null) {
              sets.put(name, new SetSpec(name, "hash:net", v6, fam.stream().map(ScriptWriter::bare).toList(),
                  fam.stream().map(Cidr::toString).toList(), origins(r)));
            }
          }
        }
      }
    }
    if (graph.node().isEmpty() && graph.options().allowNodeToLocalPods()) {
      for (Map.Entry<String, List<Endpoint>> e : podsByNode().entrySet()) {
        AddressSet nodeAddrs = graph.nodeAddresses().getOrDefault(e.getKey(), AddressSet.EMPTY);
        for (boolean v6 : new boolean[] {false, true}) {
          List<Cidr> fam = family(nodeAddrs, v6);
          List<IpAddress> pods = new ArrayList<>();
          e.getValue().forEach(ep -> ownAddresses(ep).stream().filter(a -> a.v6() == v6).forEach(pods::add));
          if (fam.isEmpty() || pods.isEmpty()) {
            continue;
          }
          String label = "node " + e.getKey();
          String n = nodeSetName(e.getKey(), v6, "N-");
          sets.put(n, new SetSpec(n, "hash:net", v6, fam.stream().map(ScriptWriter::bare).toList(),
              fam.stream().map(Cidr::toString).toList(), "addresses of " + label));
          String p = nodeSetName(e.getKey(), v6, "P-");
          sets.put(p, new SetSpec(p, "hash:ip", v6, pods.stream().map(IpAddress::toString).toList(),
              pods.stream().map(a -> Cidr.host(a).toString()).toList(), "pods on " + label));
        }
      }
    }
  }

  /** Local pods by node, for the node allowance of a cluster-wide graph. */
  private TreeMap<String, List<Endpoint>> podsByNode() {
    TreeMap<String, List<Endpoint>> out = new TreeMap<>();
    for (EndpointGroup g : graph.groups()) {
      for (Endpoint e : g.members()) {
        e.node().ifPresent(n -> out.computeIfAbsent(n, k -> new ArrayList<>()).add(e));
      }
    }
    return out;
  }

  /** A choice within the budget: regular ipsets, mark bits, the rest inline. */
  private record Plan(Set<String> regular, Map<String, Map<String, Integer>> bits, int inlined) {}

  /**
   * Within the budget every set is an ipset. Over it, the largest sets stay ipsets and the rest
   * are encoded densely: each (set, lookup direction) gets one bit of {@link #markMask}, per
   * family, filled by one identity set per family and direction (at most four ipsets); what
   * finds no bit or no identity-set slot is inlined. Tries giving 0 to 4 ipsets to identity
   * sets and keeps the plan with the fewest inlined sets (ties: more regular ipsets).
   */
  private void chooseIpsets() {
    List<SetSpec> bySize = new ArrayList<>(sets.values());
    bySize.sort(Comparator.comparingInt((SetSpec s) -> -s.elements().size()).thenComparing(SetSpec::name));
    if (bySize.size() <= maxIpsets) {
      asIpset = new LinkedHashSet<>(sets.keySet());
      markBits = Map.of();
      identitySets = List.of();
      return;
    }
    Plan best = null;
    for (int regular = maxIpsets; regular >= Math.max(0, maxIpsets - 4); regular--) {
      Plan p = plan(bySize, regular, maxIpsets - regular);
      if (best == null || p.inlined() < best.inlined()) {
        best = p;
      }
    }
    asIpset = best.regular();
    markBits = best.bits();
    identitySets = identitySets(best.bits());
  }

  private Plan plan(List<SetSpec> bySize, int regular, int slots) {
    Set<String> chosen = new LinkedHashSet<>();
    Map<String, Map<String, Integer>> bits = new TreeMap<>();
    Set<String> enabled = new TreeSet<>();
    int[] used = new int[2];
    int inlined = 0;
    int width = Integer.bitCount(markMask);
    for (SetSpec s : bySize) {
      if (chosen.size() < regular) {
        chosen.add(s.name());
        continue;
      }
      Set<String> dirs = usage.getOrDefault(s.name(), Set.of());
      int fam = s.v6() ? 1 : 0;
      Set<String> keys = new TreeSet<>();
      dirs.forEach(d -> keys.add(fam + d));
      Set<String> newKeys = new TreeSet<>(keys);
      newKeys.removeAll(enabled);
      if (dirs.isEmpty() || used[fam] + dirs.size() > width || enabled.size() + newKeys.size() > slots) {
        inlined++;
        continue;
      }
      enabled.addAll(keys);
      Map<String, Integer> byDir = new TreeMap<>();
      for (String d : dirs) {
        byDir.put(d, nthBit(markMask, used[fam]++));
      }
      bits.put(s.name(), byDir);
    }
    return new Plan(chosen, bits, inlined);
  }

  /** The {@code n}-th (0-based, from the least significant) set bit of {@code mask}. */
  static int nthBit(int mask, int n) {
    int m = mask;
    for (int i = 0; i < n; i++) {
      m &= m - 1;
    }
    return Integer.lowestOneBit(m);
  }

  /** One identity set per family and direction that has bits: entries are the atoms of its sets. */
  private List<IdentitySet> identitySets(Map<String, Map<String, Integer>> bits) {
    List<IdentitySet> out = new ArrayList<>();
    for (boolean v6 : new boolean[] {false, true}) {
      for (String dir : List.of("src", "dst")) {
        List<Map.Entry<AddressSet, Integer>> members = new ArrayList<>();
        int field = 0;
        for (Map.Entry<String, Map<String, Integer>> e : bits.entrySet()) {
          SetSpec s = sets.get(e.getKey());
          Integer bit = e.getValue().get(dir);
          if (s.v6() == v6 && bit != null) {
            members.add(Map.entry(s.addresses(), bit));
            field |= bit;
          }
        }
        if (members.isEmpty()) {
          continue;
        }
        Atoms atoms = Atoms.partition(members.stream().map(Map.Entry::getKey).toList());
        int[] value = new int[atoms.size()];
        for (Map.Entry<AddressSet, Integer> m : members) {
          for (int id : atoms.idsOf(m.getKey())) {
            value[id] |= m.getValue();
          }
        }
        List<Map.Entry<Cidr, Integer>> entries = new ArrayList<>();
        for (int id = 0; id < atoms.size(); id++) {
          if (value[id] == 0) {
            continue;
          }
          for (Cidr c : atoms.atom(id).cidrs()) {
            entries.add(Map.entry(c, value[id]));
          }
        }
        entries.sort(Map.Entry.comparingByKey());
        String name = prefix + "ID-" + (dir.equals("src") ? "SRC" : "DST") + (v6 ? "-6" : "-4");
        out.add(new IdentitySet(name, v6, dir, field, entries, members.size()));
      }
    }
    return out;
  }

  /** The mark bits the lookups of one family use (0: none, no mangle rules). */
  private int usedBits(boolean v6) {
    int m = 0;
    for (IdentitySet s : identitySets) {
      if (s.v6() == v6) {
        m |= s.field();
      }
    }
    return m;
  }

  private int inlinedCount() {
    return sets.size() - asIpset.size() - markBits.size();
  }

  private String budgetLine() {
    int needed = sets.size();
    return "# " + IptablesBackend.BUDGET_MARK + " needed=" + needed + " ipsets=" + (asIpset.size() + identitySets.size())
        + " regular=" + asIpset.size() + " identity=" + markBits.size() + " inlined=" + inlinedCount() + " max="
        + maxIpsets + " markMask=" + hex(markMask) + "\n";
  }

  static String hex(int v) {
    return "0x" + Integer.toHexString(v);
  }

  private String ipsetFile() {
    StringBuilder sb = new StringBuilder();
    sb.append("# netpolc ipsets, ").append(scope).append(".\n");
    sb.append("# Load with: ipset restore < ipset.restore (apply.sh does, before the rules).\n");
    sb.append(budgetLine());
    if (asIpset.size() < sets.size()) {
      sb.append("# Over the ipset budget (option maxIpsets): ").append(markBits.size())
          .append(" smaller sets are encoded as mark bits by ").append(identitySets.size())
          .append(" identity sets (hash:net skbinfo, mapped in the mangle table)");
      sb.append(inlinedCount() > 0 ? ", " + inlinedCount() + " rendered inline, one rule per element.\n" : ".\n");
    }
    sb.append("# Each set is filled under a temporary name and swapped in: a live set is never empty.\n");
    peerSetIndex(sb);
    String tmp = prefix + "TMP";
    for (SetSpec s : sets.values()) {
      if (!asIpset.contains(s.name())) {
        continue;
      }
      String create = s.type() + " family " + (s.v6() ? "inet6" : "inet") + maxelem(s.elements().size());
      sb.append("# ").append(IptText.sanitize(IptText.truncate(s.comment(), 200))).append('\n');
      sb.append("create ").append(s.name()).append(' ').append(create).append(" -exist\n");
      sb.append("create ").append(tmp).append(' ').append(create).append('\n');
      for (String e : s.elements()) {
        sb.append("add ").append(tmp).append(' ').append(e).append('\n');
      }
      sb.append("swap ").append(tmp).append(' ').append(s.name()).append('\n');
      sb.append("destroy ").append(tmp).append('\n');
    }
    for (IdentitySet s : identitySets) {
      String create = "hash:net family " + (s.v6() ? "inet6" : "inet") + maxelem(s.entries().size()) + " skbinfo";
      sb.append("# identity set: ").append(s.dir()).append(" address -> mark bits ").append(hex(s.field()))
          .append(" of ").append(s.members()).append(" overflowing sets\n");
      sb.append("create ").append(s.name()).append(' ').append(create).append(" -exist\n");
      sb.append("create ").append(tmp).append(' ').append(create).append('\n');
      for (Map.Entry<Cidr, Integer> e : s.entries()) {
        sb.append("add ").append(tmp).append(' ').append(bare(e.getKey())).append(" skbmark ")
            .append(hex(e.getValue())).append('/').append(hex(s.field())).append('\n');
      }
      sb.append("swap ").append(tmp).append(' ').append(s.name()).append('\n');
      sb.append("destroy ").append(tmp).append('\n');
    }
    return sb.toString();
  }

  /** Sets larger than ipset's default 65536 elements get room; a fixed size keeps -exist valid. */
  static String maxelem(int n) {
    if (n <= 65536) {
      return "";
    }
    return " maxelem " + Integer.highestOneBit(n - 1) * 2;
  }

  // ---- rules files ----

  /**
   * One ip(6)tables-restore file; {@code chains} and {@code mangleChains} receive the chains it
   * declares in the filter and mangle tables.
   */
  private String rulesFile(boolean v6, List<String> chains, List<String> mangleChains) throws BackendException {
    int bits = usedBits(v6);
    clearing = bits != 0;
    TreeMap<String, List<String>> body = new TreeMap<>();
    List<String> order = new ArrayList<>();
    String fwd = prefix + "FORWARD";
    List<String> forward = new ArrayList<>();
    forward.addAll(baseStart(v6));
    for (String node : podsByNode().keySet()) {
      SetSpec n = sets.get(nodeSetName(node, v6, "N-"));
      SetSpec p = sets.get(nodeSetName(node, v6, "P-"));
      if (n == null || p == null) {
        continue;
      }
      String comment = "a pod and its own node are never policed";
      for (String a : matchFragments(n, "src")) {
        for (String b : matchFragments(p, "dst")) {
          forward.add(line(fwd, join(a, b), comment, "ACCEPT"));
        }
      }
      // Pods with Admin or Baseline egress rules first run those towards their own node.
      List<String> local = nodeLocalDispatch(nodeLocalChain(node), v6, nodeLocalGroupsOn(node));
      String toNode = local.isEmpty() ? "ACCEPT" : nodeLocalChain(node);
      String toNodeComment = local.isEmpty() ? comment : "a pod to its own node: its Admin and Baseline tiers";
      for (String a : matchFragments(p, "src")) {
        for (String b : matchFragments(n, "dst")) {
          forward.add(line(fwd, join(a, b), toNodeComment, toNode));
        }
      }
      if (!local.isEmpty()) {
        String l = nodeLocalChain(node);
        local.add(line(l, "", "then allowed, as the node allowance says", "ACCEPT"));
        nodeLocal.put(l, local);
      }
    }
    forward.addAll(dispatch(fwd, v6, Direction.EGRESS));
    forward.addAll(dispatch(fwd, v6, Direction.INGRESS));
    order.add(fwd);
    body.put(fwd, forward);
    if (nodeLocalInput()) {
      String in = prefix + "INPUT";
      List<String> input = new ArrayList<>(baseStart(v6).stream().map(l -> l.replace(fwd, in)).toList());
      input.addAll(nodeLocalDispatch(in, v6, nodeLocalGroupsOn(graph.node().get())));
      order.add(in);
      body.put(in, input);
    }
    if (policesNode()) {
      String in = prefix + "INPUT";
      List<String> input = new ArrayList<>(baseStart(v6).stream().map(l -> l.replace(fwd, in)).toList());
      input.addAll(dispatch(in, v6, Direction.EGRESS));
      order.add(in);
      body.put(in, input);
      String out = prefix + "OUTPUT";
      List<String> output = new ArrayList<>(baseStart(v6).stream().map(l -> l.replace(fwd, out)).toList());
      output.addAll(dispatch(out, v6, Direction.INGRESS));
      order.add(out);
      body.put(out, output);
    }
    if (clearing) {
      // Our bits leave our chains clear: the last rule of each hook chain, and the ACCEPT chain.
      for (String hookChain : List.copyOf(order)) {
        body.get(hookChain).add(rawLine(hookChain, "", "clear netpolc mark bits", clearMark(bits)));
      }
      String accept = prefix + "ACCEPT";
      order.add(accept);
      body.put(accept, List.of(rawLine(accept, "", "clear netpolc mark bits", clearMark(bits)),
          rawLine(accept, "", "accept", "ACCEPT")));
    }
    nodeLocal.forEach((chain, lines) -> {
      order.add(chain);
      body.put(chain, lines);
    });
    nodeLocal.clear();
    for (EndpointGroup g : graph.groups()) {
      if (!hasFamily(g, v6)) {
        continue;
      }
      for (Direction d : Direction.values()) {
        if (needsChain(g, d)) {
          groupChains(g, d, v6, order, body);
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    String tool = v6 ? "ip6tables-restore" : "iptables-restore";
    sb.append("# netpolc ").append(v6 ? "ip6tables" : "iptables").append(" rules, ").append(scope).append(".\n");
    sb.append("# Apply with apply.sh, or after ipset.restore: ").append(tool).append(" --noflush < this file,\n");
    sb.append("# then jump to ").append(fwd).append(" from FORWARD")
        .append(policesNode() ? " (and to " + prefix + "INPUT, " + prefix + "OUTPUT from INPUT, OUTPUT)"
            : nodeLocalInput() ? " (and to " + prefix + "INPUT from INPUT)" : "")
        .append(" once.\n");
    sb.append(budgetLine());
    if (clearing) {
      sb.append(mangleTable(v6, bits, mangleChains));
    }
    sb.append("*filter\n");
    for (String c : order) {
      sb.append(':').append(c).append(" - [0:0]\n");
    }
    for (String c : order) {
      // Declaring a chain flushes it under --noflush already; the explicit flush says so.
      sb.append("-F ").append(c).append('\n');
    }
    for (String c : order) {
      for (String l : body.get(c)) {
        sb.append(l).append('\n');
      }
    }
    sb.append("COMMIT\n");
    chains.addAll(order);
    clearing = false;
    return sb.toString();
  }

  private static String clearMark(int bits) {
    return "MARK --set-xmark 0x0/" + hex(bits);
  }

  /**
   * The mangle table's chains, which fill the mark bits the filter rules test: {@code --map-set}
   * works only in the mangle table, which runs before filter at the same hook. Replies (accepted
   * by the filter's first rule) and IPv6 neighbour discovery skip it.
   */
  private String mangleTable(boolean v6, int bits, List<String> mangleChains) {
    List<String> hooks = hooks();
    StringBuilder sb = new StringBuilder("*mangle\n");
    for (String h : hooks) {
      sb.append(':').append(prefix).append(h).append(" - [0:0]\n");
    }
    for (String h : hooks) {
      sb.append("-F ").append(prefix).append(h).append('\n');
    }
    for (String h : hooks) {
      String c = prefix + h;
      for (String l : baseStart(v6)) {
        sb.append(l.replace(prefix + "FORWARD", c).replace("-j ACCEPT", "-j RETURN")).append('\n');
      }
      sb.append(rawLine(c, "", "clear netpolc mark bits", clearMark(bits))).append('\n');
      for (IdentitySet s : identitySets) {
        if (s.v6() == v6) {
          sb.append(rawLine(c, "", s.dir() + " address to the bits of " + s.members() + " overflowing sets",
              "SET --map-set " + s.name() + " " + s.dir() + " --map-mark")).append('\n');
        }
      }
      mangleChains.add(c);
    }
    sb.append("COMMIT\n");
    return sb.toString();
  }

  private boolean policesNode() {
    return graph.node().isPresent() && !graph.options().allowNodeToLocalPods();
  }

  /** The built-in chains our hook chains are jumped to from: FORWARD, and INPUT/OUTPUT when used. */
  private List<String> hooks() {
    List<String> hooks = new ArrayList<>(List.of("FORWARD"));
    if (policesNode()) {
      hooks.add("INPUT");
      hooks.add("OUTPUT");
    } else if (nodeLocalInput()) {
      hooks.add("INPUT");
    }
    return hooks;
  }

  // ---- node-local egress: a pod to its own node runs its Admin and Baseline tiers ----

  /** Cluster-wide, per node with such pods: the chain its pods' packets to the node go through. */
  private final Map<String, List<String>> nodeLocal = new TreeMap<>();

  /**
   * True when a pod's egress to its own node is decided by its Admin and Baseline tiers
   * (SEMANTICS-TIERS.md): the node allowance is on and does not extend to every tier.
   */
  private boolean nodeLocalTiers() {
    return graph.options().allowNodeToLocalPods() && !graph.options().nodeLocalExemptFromAllTiers();
  }

  /** True when the group's egress to its own node has a chain: it has Admin or Baseline egress rules. */
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

  /** True for a per-node graph whose pods' packets to the node (the INPUT hook) need a chain. */
  private boolean nodeLocalInput() {
    return graph.node().isPresent() && graph.groups().stream().anyMatch(this::hasNodePath);
  }

  /** The groups with a node-local egress chain that have members on {@code node}, in group order. */
  private List<EndpointGroup> nodeLocalGroupsOn(String node) {
    List<EndpointGroup> out = new ArrayList<>();
    for (EndpointGroup g : graph.groups()) {
      if (hasNodePath(g) && g.members().stream().anyMatch(e -> e.node().equals(Optional.of(node)))) {
        out.add(g);
      }
    }
    return out;
  }

  /** Cluster-wide: the chain deciding a pod's packets to its own node {@code node}. */
  private String nodeLocalChain(String node) {
    return prefix + "L-" + nodeHashes.get(node);
  }

  /** In {@code chain}: per group, its members' packets to their node enter its node-local egress chain. */
  private List<String> nodeLocalDispatch(String chain, boolean v6, List<EndpointGroup> groups) {
    List<String> out = new ArrayList<>();
    for (EndpointGroup g : groups) {
      SetSpec s = sets.get(groupSetName(g, v6));
      if (s == null) {
        continue;
      }
      String comment = "egress of " + groupLabel(g) + " to its own node: "
          + (graph.tiers().size() == Tier.standard().size() ? "Admin and Baseline tiers" : "every tier but NetworkPolicy");
      for (String m : matchFragments(s, "src")) {
        out.add(line(chain, m, comment, nodePathTarget(g)));
      }
    }
    return out;
  }

  /**
   * The chain a group's egress to its own node enters: its egress chain when it has no
   * NetworkPolicy tier (the same tiers in the same order), the chain of the tier after it when
   * the NetworkPolicy tier comes first, else its {@code -NL} chain (the tiers before the
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
    return np > 0 ? main + "-NL" : tierChain(main, tiers.get(1));
  }

  /**
   * The first rules of every hook chain: replies of allowed connections; IPv6 neighbour
   * discovery, which is link machinery conntrack leaves untracked and which bridged traffic
   * carries through FORWARD (dropping it would cut isolated pods off from their neighbours).
   */
  private List<String> baseStart(boolean v6) {
    String fwd = prefix + "FORWARD";
    List<String> out = new ArrayList<>();
    out.add(rawLine(fwd, "-m conntrack --ctstate RELATED,ESTABLISHED", "replies of allowed connections", "ACCEPT"));
    if (v6) {
      for (int type = 133; type <= 136; type++) {
        out.add(rawLine(fwd, "-p ipv6-icmp -m icmp6 --icmpv6-type " + type, "IPv6 neighbour discovery", "ACCEPT"));
      }
    }
    return out;
  }

  private List<String> dispatch(String chain, boolean v6, Direction d) {
    List<String> out = new ArrayList<>();
    String dir = d == Direction.INGRESS ? "dst" : "src";
    for (EndpointGroup g : graph.groups()) {
      SetSpec s = sets.get(groupSetName(g, v6));
      if (s == null || !needsChain(g, d)) {
        continue;
      }
      String comment = d.apiName() + " of " + groupLabel(g);
      for (String m : matchFragments(s, dir)) {
        out.add(line(chain, m, comment, chainName(g, d)));
      }
    }
    return out;
  }

  /** A tier's run of rules and whether it ends in the default deny. */
  private record Segment(Tier tier, List<Rule> rules, boolean defaultDeny) {}

  private void groupChains(EndpointGroup g, Direction d, boolean v6, List<String> order,
      Map<String, List<String>> body) throws BackendException {
    List<Rule> rules = RuleOrder.canonical(graph.rules(g.id(), d));
    boolean isolated = g.isolated(d);
    List<Segment> segments = new ArrayList<>();
    int at = 0;
    for (Tier t : graph.segmentTiers(g, d)) {
      int from = at;
      while (at < rules.size() && rules.get(at).tier().equals(t)) {
        at++;
      }
      segments.add(new Segment(t, rules.subList(from, at), t.equals(Tier.NETWORK_POLICY) && isolated));
    }
    String main = chainName(g, d);
    String allow = d == Direction.INGRESS ? "ACCEPT" : "RETURN";
    String peerDir = d == Direction.INGRESS ? "src" : "dst";
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      String name = i == 0 ? main : tierChain(main, s.tier());
      Optional<String> next = i + 1 < segments.size()
          ? Optional.of(tierChain(main, segments.get(i + 1).tier())) : Optional.empty();
      List<String> lines = new ArrayList<>();
      if (i == 0) {
        selfRules(g, d, v6, main, lines, order, body);
      }
      if (i == 0 && isolated) {
        lines.add(line(name, "-m conntrack --ctstate INVALID", "invalid packets of isolated pods", "DROP"));
      }
      tierRules(lines, name, g, s.rules(), v6, peerDir, allow, next.map(n -> "-g " + n).orElse(allow));
      if (s.defaultDeny()) {
        String comment = "default-deny " + g.id();
        logLine(lines, name, "", comment, "np-drop " + g.id());
        lines.add(line(name, "", comment, "DROP"));
      } else if (next.isPresent()) {
        lines.add(line(name, "", "next tier", "-g " + next.get()));
      }
      order.add(name);
      body.put(name, lines);
    }
    if (d == Direction.EGRESS && hasNodePath(g) && nodePathTarget(g).equals(main + "-NL")) {
      // The tiers before the NetworkPolicy tier (Admin) again, each passing (and falling
      // through) to the next, the last to the tier after it (Baseline): the NetworkPolicy tier
      // does not apply to a pod's own node.
      int np = 0;
      while (!segments.get(np).tier().equals(Tier.NETWORK_POLICY)) {
        np++;
      }
      Optional<String> after = np + 1 < segments.size()
          ? Optional.of(tierChain(main, segments.get(np + 1).tier())) : Optional.empty();
      for (int k = 0; k < np; k++) {
        String name = k == 0 ? main + "-NL" : nodeCopyChain(main, segments.get(k).tier());
        Optional<String> next = k + 1 < np ? Optional.of(nodeCopyChain(main, segments.get(k + 1).tier())) : after;
        List<String> lines = new ArrayList<>();
        tierRules(lines, name, g, segments.get(k).rules(), v6, "dst", "RETURN", next.map(n -> "-g " + n).orElse("RETURN"));
        next.ifPresent(b -> lines.add(line(name, "", "next tier", "-g " + b)));
        order.add(name);
        body.put(name, lines);
      }
    }
  }

  /**
   * The rules of one tier's IR rules: {@code allow} for ALLOW, DROP (logged) for DENY, {@code pass}
   * for PASS, and for LOG a {@code -j LOG} line, a non-terminating target, so the packet goes on.
   */
  private void tierRules(List<String> lines, String name, EndpointGroup g, List<Rule> rules, boolean v6,
      String peerDir, String allow, String pass) throws BackendException {
    for (Rule r : rules) {
      if (r.action() == Action.LOG) {
        String target = logRuleTarget(r, g, options.logPrefix());
        for (String peer : peerFragments(r, v6, peerDir)) {
          for (String port : portFragments(r.ports(), v6, r.action())) {
            lines.add(line(name, join(peer, port), origins(r), target));
          }
        }
        continue;
      }
      String target;
      Optional<String> log = Optional.empty();
      if (r.action() == Action.ALLOW) {
        target = allow;
      } else if (r.action() == Action.DENY) {
        target = "DROP";
        log = Optional.of(denyLogText(r, g));
      } else {
        target = pass;
      }
      String comment = origins(r);
      for (String peer : peerFragments(r, v6, peerDir)) {
        for (String port : portFragments(r.ports(), v6, r.action())) {
          String m = join(peer, port);
          log.ifPresent(text -> logLine(lines, name, m, comment, text));
          lines.add(line(name, m, comment, target));
        }
      }
    }
  }

  /**
   * The log text of a DENY: {@code np-drop} and the policy rule that decides
   * ({@code ns/policy egress[2]}, the group when the rule has no origin). xt_LOG keeps 29 bytes,
   * so a long policy name is cut in the middle, keeping the rule's list and index.
   */
  static String denyLogText(Rule r, EndpointGroup g) {
    return logText("np-drop ", r, g);
  }

  /**
   * The {@code LOG} target of a LOG rule: {@code np-log} and the policy rule, cut as
   * {@link #denyLogText}, after the user's {@code logPrefix} when set, sanitised and cut to
   * xt_LOG's 29 bytes by {@link IptText#logPrefix}; level 6 (info), as the drop logs.
   */
  static String logRuleTarget(Rule r, EndpointGroup g, String userPrefix) {
    String text = logText("np-log ", r, g);
    return "LOG --log-prefix " + IptText.logPrefix(userPrefix.isEmpty() ? text : userPrefix + " " + text)
        + " --log-level 6";
  }

  private static String logText(String head, Rule r, EndpointGroup g) {
    if (r.origins().isEmpty()) {
      return head + g.id();
    }
    Origin o = r.origins().get(0);
    String tail = " " + o.rulePath();
    String policy = IptText.sanitize(o.policy());
    int room = IptText.MAX_LOG_PREFIX - 2 - head.length() - tail.length();
    if (policy.length() > room) {
      policy = policy.substring(0, Math.max(0, room - 3)) + "...";
    }
    return head + policy + tail;
  }

  /** At most this many own-address pairs go straight into a group chain; more get a chain. */
  private static final int INLINE_SELF_PAIRS = 4;

  /**
   * A pod talking to its own addresses is never policed. ipset cannot match "source equals
   * destination" (and this kernel lacks hash:net,net), so the group's chain first accepts its
   * members' own address pairs: inline for small groups, else through a chain entered only when
   * the peer is in the group too, so other traffic does not scan the pairs.
   */
  private void selfRules(EndpointGroup g, Direction d, boolean v6, String main, List<String> lines,
      List<String> order, Map<String, List<String>> body) {
    List<String> pairs = new ArrayList<>();
    for (Endpoint e : g.members()) {
      List<IpAddress> own = ownAddresses(e).stream().filter(a -> a.v6() == v6).toList();
      for (IpAddress a : own) {
        for (IpAddress b : own) {
          pairs.add("-s " + Cidr.host(a) + " -d " + Cidr.host(b));
        }
      }
    }
    String comment = "a pod to itself is never policed";
    if (pairs.size() <= INLINE_SELF_PAIRS) {
      pairs.forEach(m -> lines.add(line(main, m, comment, "ACCEPT")));
      return;
    }
    String self = prefix + "S-" + groupHashes.get(g.id());
    String peerDir = d == Direction.INGRESS ? "src" : "dst";
    for (String m : matchFragments(sets.get(groupSetName(g, v6)), peerDir)) {
      lines.add(line(main, m, "peer in the same group", self));
    }
    if (!body.containsKey(self)) {
      order.add(self);
      body.put(self, pairs.stream().map(m -> line(self, m, comment, "ACCEPT")).toList());
    }
  }

  private void logLine(List<String> lines, String chain, String match, String comment, String text) {
    if (options.logDrops()) {
      String p = options.logPrefix().isEmpty() ? text : options.logPrefix() + " " + text;
      lines.add(line(chain, match, comment, "LOG --log-prefix " + IptText.logPrefix(p) + " --log-level 6"));
    }
  }

  /**
   * The address part of each rule for {@code peers} in one family: none when the family is
   * absent, one empty match when the family is complete, else the set match or inline elements.
   */
  private List<String> peerFragments(Rule r, boolean v6, String dir) {
    List<Cidr> fam = family(r.peers(), v6);
    if (fam.isEmpty()) {
      return List.of();
    }
    if (isFull(fam)) {
      return List.of("");
    }
    return matchFragments(sets.get(peerSetName(r, v6)), dir);
  }

  /**
   * A set match; a mark-bit test when the set is identity-encoded; or one {@code -s}/{@code -d}
   * match per element when the set is inlined.
   */
  private List<String> matchFragments(SetSpec s, String dir) {
    if (recording) {
      usage.computeIfAbsent(s.name(), k -> new TreeSet<>()).add(dir);
    }
    if (asIpset.contains(s.name())) {
      return List.of("-m set --match-set " + s.name() + " " + dir);
    }
    Integer bit = markBits.getOrDefault(s.name(), Map.of()).get(dir);
    if (bit != null) {
      return List.of("-m mark --mark " + hex(bit) + "/" + hex(bit));
    }
    String flag = dir.equals("src") ? "-s " : "-d ";
    return s.inline().stream().map(c -> flag + c).toList();
  }

  /** At most this many value ranges per u32 test (the kernel's XT_U32_MAXSIZE + 1). */
  static final int U32_RANGES_MAX = 10;
  /** At most this many rules for one ICMPv6 set (one per whole type or type/code). */
  static final int ICMPV6_RULES_MAX = 1024;

  /**
   * The protocol/value part of each rule for {@code ports} in the IPv4 or IPv6 table, each a
   * disjunct of the set: the IR rule becomes one iptables rule per fragment, all with the same
   * target, next to each other (none may come between, as first-match order needs). A set of
   * port-carrying protocols only (every NetworkPolicy set) renders as ever; see
   * {@link #generalFragments} for the others. Empty when nothing matches.
   */
  static List<String> portFragments(PortSet ports, boolean v6, Action action) throws BackendException {
    if (ports.allProtocols()) {
      return List.of("");
    }
    if (!ports.portProtocolsOnly()) {
      return generalFragments(ports.canonical(), v6, action);
    }
    return portFragments(ports);
  }

  /**
   * The disjuncts of a general set, in a fixed order: the unlisted protocols when
   * {@link PortSet#otherProtocols()} ({@code ! -p P} for one listed protocol; in IPv4 a u32 test
   * of the protocol byte for several; ip6tables has no form for several, an error); each wholly
   * matched protocol ({@code -p 47}); the partly matched port-carrying protocols (multiport, as
   * for NetworkPolicy); ICMP type/code ranges: in IPv4 a u32 test of the ICMP header's first 16
   * bits (exactly {@code type * 256 + code}, so ranges carry over), in IPv6 for ICMPv6
   * {@code -m icmp6 --icmpv6-type} per whole type or type/code (or one negated type or type/code
   * when the complement is that small). ICMP (1) ranges have no IPv6 form: an IPv6 packet with
   * next header 1 is not an ICMP message, so an Allow or Pass omits them and a Deny drops
   * protocol 1 wholly (fail-closed).
   */
  static List<String> generalFragments(PortSet c, boolean v6, Action action) throws BackendException {
    List<String> out = new ArrayList<>();
    List<Integer> listed = List.copyOf(c.byProtocol().keySet());
    if (c.otherProtocols()) {
      if (listed.size() == 1) {
        out.add("! -p " + protoName(listed.get(0)));
      } else if (!v6) {
        List<PortRange> others = new ArrayList<>();
        int from = 0;
        for (int p : listed) {
          if (p > from) {
            others.add(new PortRange(from, p - 1));
          }
          from = p + 1;
        }
        if (from <= 255) {
          others.add(new PortRange(from, 255));
        }
        for (String test : u32Tests("6&0xFF=", others)) {
          out.add("-m u32 --u32 " + test);
        }
      } else {
        throw new BackendException("ip6tables: cannot match every protocol but " + listed.size()
            + " protocols (" + c + "); ip6tables has no set of protocols (use the nftables backend)");
      }
    }
    List<String> partial = new ArrayList<>();
    Map<Integer, List<PortRange>> portPart = new TreeMap<>();
    for (Map.Entry<Integer, ImmutableList<PortRange>> e : c.byProtocol().entrySet()) {
      int proto = e.getKey();
      List<PortRange> ranges = e.getValue();
      if (ranges.isEmpty()) {
        continue;
      }
      if (ranges.equals(List.of(PortSet.domain(proto)))) {
        out.add("-p " + protoName(proto));
      } else if (PortSet.carriesPorts(proto)) {
        portPart.put(proto, ranges);
      } else if (!PortSet.isIcmp(proto)) {
        // A protocol without ports has the single value 0: listed, it is whole or empty.
        throw new IllegalStateException("partial values of protocol " + proto + ": " + c);
      } else if (!v6) {
        for (String test : u32Tests("0>>22&0x3C@0>>16=", ranges)) {
          partial.add("-p " + protoName(proto) + " -m u32 --u32 " + test);
        }
      } else if (proto == 58) {
        partial.addAll(icmpv6Fragments(ranges));
      } else if (action == Action.DENY) {
        partial.add("-p " + protoName(proto));
      }
    }
    if (!portPart.isEmpty()) {
      out.addAll(portFragments(PortSet.of(portPart)));
    }
    out.addAll(partial);
    return out;
  }

  /** u32 tests {@code "<location>=a:b,c,..."} of at most {@link #U32_RANGES_MAX} ranges each, quoted. */
  private static List<String> u32Tests(String location, List<PortRange> ranges) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i += U32_RANGES_MAX) {
      List<String> rs = new ArrayList<>();
      for (PortRange r : ranges.subList(i, Math.min(ranges.size(), i + U32_RANGES_MAX))) {
        rs.add(r.from() == r.to() ? hex(r.from()) : hex(r.from()) + ":" + hex(r.to()));
      }
      out.add("\"" + location + String.join(",", rs) + "\"");
    }
    return out;
  }

  /**
   * ICMPv6 type/code ranges as icmp6 matches: one negated match when the complement (within
   * ICMPv6) is one whole type or one type/code, else one match per whole type and per single
   * type/code of a partly matched type.
   */
  private static List<String> icmpv6Fragments(List<PortRange> ranges) throws BackendException {
    String head = "-p ipv6-icmp -m icmp6 ";
    PortSet complement = PortSet.of(Map.of(58, ranges)).complement();
    List<PortRange> rest = complement.byProtocol().get(58);
    if (rest != null && rest.size() == 1) {
      PortRange r = rest.get(0);
      if (r.from() == r.to()) {
        return List.of(head + "! --icmpv6-type " + (r.from() >> 8) + "/" + (r.from() & 0xFF));
      }
      if ((r.from() & 0xFF) == 0 && r.to() == r.from() + 255) {
        return List.of(head + "! --icmpv6-type " + (r.from() >> 8));
      }
    }
    List<String> out = new ArrayList<>();
    for (PortRange r : ranges) {
      for (int type = r.from() >> 8; type <= r.to() >> 8; type++) {
        int first = Math.max(r.from(), type << 8);
        int last = Math.min(r.to(), (type << 8) | 0xFF);
        if ((first & 0xFF) == 0 && (last & 0xFF) == 0xFF) {
          out.add(head + "--icmpv6-type " + type);
        } else {
          for (int v = first; v <= last; v++) {
            out.add(head + "--icmpv6-type " + type + "/" + (v & 0xFF));
          }
        }
        if (out.size() > ICMPV6_RULES_MAX) {
          throw new BackendException("ip6tables: ICMPv6 type/code ranges " + ranges + " need more than "
              + ICMPV6_RULES_MAX + " rules (use the nftables backend)");
        }
      }
    }
    return out;
  }

  /** The protocol/port part of each rule for a set of port-carrying protocols (NetworkPolicy's). */
  static List<String> portFragments(PortSet ports) throws BackendException {
    if (ports.allProtocols()) {
      return List.of("");
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<Integer, ImmutableList<PortRange>> e : ports.canonical().byProtocol().entrySet()) {
      String proto = protoName(e.getKey());
      if (e.getValue().equals(List.of(PortRange.ALL))) {
        out.add("-p " + proto);
        continue;
      }
      if (!(e.getKey() == 6 || e.getKey() == 17 || e.getKey() == 132)) {
        throw new BackendException("iptables: ports on IP protocol " + e.getKey() + " cannot be matched");
      }
      List<String> chunk = new ArrayList<>();
      int used = 0;
      for (PortRange r : e.getValue()) {
        int cost = r.from() == r.to() ? 1 : 2;
        if (used + cost > MULTIPORT_MAX) {
          out.add("-p " + proto + " -m multiport --dports " + String.join(",", chunk));
          chunk.clear();
          used = 0;
        }
        chunk.add(r.from() == r.to() ? Integer.toString(r.from()) : r.from() + ":" + r.to());
        used += cost;
      }
      out.add("-p " + proto + " -m multiport --dports " + String.join(",", chunk));
    }
    return out;
  }

  /** A rule; while {@link #clearing}, ACCEPT goes through the chain that clears the mark bits. */
  private String line(String chain, String match, String comment, String target) {
    return rawLine(chain, match, comment, clearing && target.equals("ACCEPT") ? prefix + "ACCEPT" : target);
  }

  private static String rawLine(String chain, String match, String comment, String target) {
    StringBuilder sb = new StringBuilder("-A ").append(chain);
    if (!match.isEmpty()) {
      sb.append(' ').append(match);
    }
    sb.append(" -m comment --comment ").append(IptText.comment(comment));
    sb.append(target.startsWith("-g ") ? " " + target : " -j " + target);
    return sb.toString();
  }

  // ---- apply.sh ----

  private String applyScript(List<String> chains4, List<String> chains6, List<String> mangle4,
      List<String> mangle6) {
    StringBuilder sb = new StringBuilder();
    sb.append("#!/usr/bin/env bash\n");
    sb.append("# netpolc iptables apply script, ").append(scope).append(".\n");
    sb.append("# Idempotent: run it again after every compile. Loads the ipsets (each filled under a\n");
    sb.append("# temporary name and swapped in), then the rules (our chains only, atomically per table),\n");
    sb.append("# adds each hook jump only if missing, then removes chains and sets earlier compiles left.\n");
    sb.append("set -euo pipefail\n");
    sb.append("cd \"$(dirname \"$0\")\"\n");
    List<String> keepSets = new ArrayList<>(asIpset);
    identitySets.forEach(s -> keepSets.add(s.name()));
    keepSets.sort(null);
    sb.append("keep_sets=\"").append(String.join(" ", keepSets)).append("\"\n");
    sb.append("stale_sets() {\n");
    sb.append("  ipset list -n | awk 'index($0, \"").append(prefix)
        .append("\") == 1' | { grep -vxF -f <(tr ' ' '\\n' <<<\"$keep_sets\") || true; }\n");
    sb.append("}\n");
    sb.append("# Old sets stay until the new rules are in; drop the ones no rule uses any more first.\n");
    sb.append("for s in $(stale_sets); do ipset destroy \"$s\" 2>/dev/null || true; done\n");
    sb.append("in_use=$(stale_sets | wc -l)\n");
    sb.append("if [ $((in_use + ").append(keepSets.size() + 1).append(")) -gt 256 ]; then\n");
    sb.append("  echo \"apply.sh: $in_use sets of the live rules + ").append(keepSets.size() + 1)
        .append(" new would pass the kernel's 256; lower maxIpsets\" >&2\n");
    sb.append("  exit 1\n");
    sb.append("fi\n");
    sb.append("ipset restore < ipset.restore\n");
    sb.append("iptables-restore --noflush < iptables.rules\n");
    sb.append("ip6tables-restore --noflush < ip6tables.rules\n");
    sb.append("hook() {\n");
    sb.append("  \"$1\" -t \"$2\" -C \"$3\" -j \"$4\" 2>/dev/null || \"$1\" -t \"$2\" -I \"$3\" 1 -j \"$4\"\n");
    sb.append("}\n");
    List<String> hooks = hooks();
    for (String bin : List.of("iptables", "ip6tables")) {
      boolean marks = !(bin.equals("iptables") ? mangle4 : mangle6).isEmpty();
      for (String table : marks ? List.of("mangle", "filter") : List.of("filter")) {
        for (String h : hooks) {
          sb.append("hook ").append(bin).append(' ').append(table).append(' ').append(h).append(' ').append(prefix)
              .append(h).append('\n');
        }
      }
    }
    sb.append("cleanup() {\n");
    sb.append("  local bin=$1 table=$2 keep=$3 c h\n");
    sb.append("  local stale\n");
    sb.append("  stale=$(\"$bin\" -t \"$table\" -S | awk '$1 == \"-N\" && index($2, \"").append(prefix)
        .append("\") == 1 {print $2}' | { grep -vxF -f <(tr ' ' '\\n' <<<\"$keep\") || true; })\n");
    sb.append("  for h in INPUT FORWARD OUTPUT; do\n");
    sb.append("    if grep -qxF \"").append(prefix).append("$h\" <<<\"$stale\"; then\n");
    sb.append("      while \"$bin\" -t \"$table\" -D \"$h\" -j \"").append(prefix)
        .append("$h\" 2>/dev/null; do :; done\n");
    sb.append("    fi\n");
    sb.append("  done\n");
    sb.append("  for c in $stale; do \"$bin\" -t \"$table\" -F \"$c\"; done\n");
    sb.append("  for c in $stale; do \"$bin\" -t \"$table\" -X \"$c\"; done\n");
    sb.append("}\n");
    sb.append("cleanup iptables filter \"").append(String.join(" ", chains4)).append("\"\n");
    sb.append("cleanup ip6tables filter \"").append(String.join(" ", chains6)).append("\"\n");
    sb.append("cleanup iptables mangle \"").append(String.join(" ", mangle4)).append("\"\n");
    sb.append("cleanup ip6tables mangle \"").append(String.join(" ", mangle6)).append("\"\n");
    sb.append("for s in $(stale_sets); do ipset destroy \"$s\" || true; done\n");
    return sb.toString();
  }

  // ---- names ----

  private String nodeSetName(String node, boolean v6, String kind) {
    return prefix + kind + nodeHashes.get(node) + (v6 ? "-6" : "-4");
  }

  private String groupSetName(EndpointGroup g, boolean v6) {
    return prefix + "G-" + groupHashes.get(g.id()) + (v6 ? "-6" : "-4");
  }

  private String peerSetName(Rule r, boolean v6) {
    return peerSetByContent.get(contentKey(family(r.peers(), v6), v6));
  }

  private static String contentKey(List<Cidr> fam, boolean v6) {
    return (v6 ? "6:" : "4:") + fam.stream().map(Cidr::toString).collect(Collectors.joining(","));
  }

  /**
   * The digest of a peer set's content in one family, over its elements as ipset prints them in
   * any order: the fast path compares a changed set's new content with every other set's.
   */
  static String contentDigest(boolean v6, Collection<String> bareElements) {
    List<String> sorted = new ArrayList<>(bareElements);
    sorted.sort(null);
    return com.google.common.hash.Hashing.sha256().hashString((v6 ? "6:" : "4:") + String.join(",", sorted),
        java.nio.charset.StandardCharsets.UTF_8).toString().substring(0, 16);
  }

  /**
   * The index lines of every peer set (ipset, identity-encoded or inline): its roles' hashes and
   * content digest, at most {@link #INDEX_ROLES} roles a line (ipset restore splits long lines).
   */
  private void peerSetIndex(StringBuilder sb) {
    rolesByContent.forEach((content, keys) -> {
      boolean v6 = content.startsWith("6:");
      SetSpec s = sets.get(peerSetByContent.get(content));
      String digest = contentDigest(v6, s.elements());
      List<String> hashes = keys.stream().map(k -> peerHashes.get(peerKey(k, v6))).toList();
      for (int i = 0; i < hashes.size(); i += INDEX_ROLES) {
        sb.append("# ").append(PEER_SET_MARK).append(' ').append(s.name()).append(" roles=")
            .append(String.join(",", hashes.subList(i, Math.min(hashes.size(), i + INDEX_ROLES))))
            .append(" content=").append(digest).append('\n');
      }
    });
  }

  /** Role hashes per index line: 40 × 16 characters stays well within ipset restore's line buffer. */
  private static final int INDEX_ROLES = 40;

  /** The marker of a peer-set index line in the ipset file. */
  static final String PEER_SET_MARK = "netpolc-peer-set";

  /** The name of the peer set of role {@code roleKey} in one family, from {@link #peerHashes(Collection)}. */
  static String peerSetName(String prefix, Map<String, String> hashes, String roleKey, boolean v6) {
    return prefix + "A-" + hashes.get(peerKey(roleKey, v6)) + (v6 ? "-6" : "-4");
  }

  /**
   * The name hash of every peer set of a graph with these {@link SetRoles} keys, in both
   * families: it depends on the keys only, so the fast path derives the same names.
   */
  static Map<String, String> peerHashes(Collection<String> roleKeys) throws BackendException {
    List<String> keys = new ArrayList<>(roleKeys.size() * 2);
    for (String k : roleKeys) {
      keys.add(peerKey(k, false));
      keys.add(peerKey(k, true));
    }
    return IptNames.hashes(keys);
  }

  static String peerKey(String roleKey, boolean v6) {
    return (v6 ? "6:" : "4:") + roleKey;
  }

  private String chainName(EndpointGroup g, Direction d) {
    return prefix + (d == Direction.INGRESS ? "I-" : "E-") + groupHashes.get(g.id());
  }

  private String tierChain(String main, Tier t) {
    return main + "-" + tierCodes.get(t);
  }

  /**
   * The chain of a node-local copy of tier {@code t} that is not the group's first: a Kubernetes
   * graph has none (Admin is the only tier before NetworkPolicy, and its copy is {@code -NL}).
   */
  private String nodeCopyChain(String main, Tier t) {
    String code = tierCodes.get(t);
    // Admin "AD" becomes "NA"; a dialect tier's digit-first code gets a letter from Q to Z.
    return main + "-" + (t.equals(Tier.ADMIN) ? "NA" : (char) ('Q' + (code.charAt(0) - '0')) + code.substring(1));
  }

  /** The most tiers other than the standard ones a graph can have here: codes 00 to 9Z. */
  static final int MAX_DIALECT_TIERS = 360;

  /**
   * The two characters that end each tier's chain names (28 characters in all at most): the
   * standard tiers' {@code AD}, {@code NP}, {@code BL} as ever; every other tier by its position
   * k among them in rank order, a digit (k / 36) and a base-36 digit (k % 36), never from its
   * name. Node-local chains use {@code NL}, {@code NA} and letters Q to Z first.
   *
   * @throws BackendException beyond {@value #MAX_DIALECT_TIERS} such tiers
   */
  static Map<Tier, String> tierCodes(RuleGraph graph) throws BackendException {
    Map<Tier, String> m = new java.util.HashMap<>();
    m.put(Tier.ADMIN, "AD");
    m.put(Tier.NETWORK_POLICY, "NP");
    m.put(Tier.BASELINE, "BL");
    int k = 0;
    for (Tier t : graph.tiers()) {
      if (t.isStandard()) {
        continue;
      }
      if (k == MAX_DIALECT_TIERS) {
        throw new BackendException("iptables: the graph has more than " + MAX_DIALECT_TIERS
            + " tiers besides Admin, NetworkPolicy and Baseline; chain names have room for no more");
      }
      m.put(t, "" + (char) ('0' + k / 36) + Character.toUpperCase(Character.forDigit(k % 36, 36)));
      k++;
    }
    return Map.copyOf(m);
  }

  private static String groupLabel(EndpointGroup g) {
    return g.id() + (g.members().size() > 1 ? " and " + (g.members().size() - 1) + " more pods" : "");
  }

  // ---- helpers ----

  private boolean needsChain(EndpointGroup g, Direction d) {
    return g.isolated(d) || !graph.rules(g.id(), d).isEmpty();
  }

  private boolean hasFamily(EndpointGroup g, boolean v6) {
    return ownAddresses(g).stream().anyMatch(a -> a.v6() == v6);
  }

  private List<IpAddress> ownAddresses(EndpointGroup g) {
    List<IpAddress> out = new ArrayList<>();
    for (Endpoint e : g.members()) {
      out.addAll(ownAddresses(e));
    }
    return out;
  }

  /** The addresses at which the graph resolves to this endpoint (a shared address goes to one pod). */
  private List<IpAddress> ownAddresses(Endpoint e) {
    List<IpAddress> out = new ArrayList<>();
    for (IpAddress ip : e.ips()) {
      if (!out.contains(ip) && graph.endpointAt(ip).map(x -> x.pod().equals(e.pod())).orElse(false)) {
        out.add(ip);
      }
    }
    return out;
  }

  private static String origins(Rule r) {
    if (r.origins().isEmpty()) {
      return "no recorded origin";
    }
    return r.origins().stream().map(Origin::toString).collect(Collectors.joining(", "));
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + " " + b;
  }

  private static List<Cidr> family(AddressSet s, boolean v6) {
    return s.cidrs().stream().filter(c -> c.v6() == v6).toList();
  }

  private static boolean isFull(List<Cidr> cidrs) {
    return cidrs.size() == 1 && cidrs.get(0).prefix() == 0;
  }

  /** A CIDR as ipset prints it: a bare address for a single host. */
  static String bare(Cidr c) {
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
