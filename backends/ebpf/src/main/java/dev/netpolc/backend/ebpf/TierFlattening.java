package dev.netpolc.backend.ebpf;

import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Atoms;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One group's rules in one lookup direction (ingress, egress, or egress to the pod's own node)
 * flattened into np_policy entries whose single four-step lookup gives the final verdict of
 * {@code RuleGraphEvaluator.decide}: tiers in order, first match per tier, PASS to the next tier,
 * the NetworkPolicy tier's default deny when isolated, allow past the last tier.
 *
 * <p>The verdict depends on the peer only through the rules whose peers hold it, so atoms with
 * the same matching rules (in the end: the same verdicts) form one class; and on the port only
 * between the rules' range boundaries, so each protocol the rules name splits into segments. Per
 * class the verdict of every (protocol, segment), and of every other protocol, is computed once.
 * Within each peer class ({@link Identities}: identities grouped by the Admin and Baseline peer
 * sets holding them), one verdict class becomes that peer class's background, stated with
 * entries keyed by the class key: of the three largest, the one giving the fewest entries. The
 * lookup's miss value (the endpoint flags: isolated → deny, else allow) is the one giving the
 * fewest entries in all. Every other verdict class states, per identity, only where it differs
 * from what its peer class's lookups give it: an all-protocol entry when its other-protocol
 * verdict differs, port blocks where the rest differ ({@link PortPrefixes}). Any grouping of
 * identities into peer classes gives the same verdicts (each identity falls through to its own
 * class's entries, which its exceptions were computed against); a grouping that follows the
 * tiers' peer sets gives the fewest entries. Values carry the deciding rule (or
 * {@link PolicyValue#NO_RULE} for the defaults), so entries differ where deciding rules do, and a
 * lookup names the rule the evaluator would.
 */
final class TierFlattening {

  /**
   * How the datapath consults np_policy for the direction.
   */
  enum Mode {
    /** Nothing is looked up: every verdict is allow. */
    NONE,
    /** Looked up; a miss denies (endpoint flag INGRESS_ISOLATED / EGRESS_ISOLATED). */
    ISOLATED,
    /** Looked up; a miss allows (INGRESS_DENIES / EGRESS_DENIES, or OWN_NODE_EGRESS). */
    DENIES
  }

  /**
   * The outcome for one group and lookup direction.
   *
   * @param mode    how the direction is looked up
   * @param entries the np_policy entries, in no particular order
   */
  record Flat(Mode mode, List<MapEntry<PolicyKey, PolicyValue>> entries) {}

  /** How many of the largest classes are tried as the background. */
  private static final int BACKGROUND_CANDIDATES = 3;

  private final int group;
  private final Direction direction;
  private final boolean ownNode;
  private final List<Rule> rules;
  private final int firstRule;
  private final boolean isolated;
  private final Identities ids;
  private final Atoms atoms;
  private final Map<AddressSet, List<Integer>> atomIds;
  /** The tier byte of each tier ({@link PolicyValue#tierBytes}). */
  private final Map<Tier, Integer> tierBytes;
  /** The log set id of a list of LOG rules' indexes in {@code RuleGraph.rules()} (in evaluation order). */
  private final java.util.function.ToIntFunction<List<Integer>> logSet;
  /** The protocols the rules name, each with its segment starts (the first is 0). */
  private final TreeMap<Integer, int[]> segments = new TreeMap<>();

  private TierFlattening(int group, Direction direction, boolean ownNode, List<Rule> rules, int firstRule,
      boolean isolated, Identities ids, Map<AddressSet, List<Integer>> atomIds, Map<Tier, Integer> tierBytes,
      java.util.function.ToIntFunction<List<Integer>> logSet) {
    this.group = group;
    this.logSet = logSet;
    this.direction = direction;
    this.ownNode = ownNode;
    this.rules = rules;
    this.firstRule = firstRule;
    this.isolated = isolated;
    this.ids = ids;
    this.atoms = ids.atoms();
    this.atomIds = atomIds;
    this.tierBytes = tierBytes;
  }

  /**
   * Flattens {@code rules} (one group's in one direction, in evaluation order, the first being
   * {@code RuleGraph.rules()} index {@code firstRule}).
   *
   * @param group     the group's index
   * @param ownNode   egress to the pod's own node: the NetworkPolicy tier is skipped and a miss
   *                  allows
   * @param isolated  the group is isolated in this direction by NetworkPolicy
   * @param ids       the identities (indexes of {@code ids.atoms()}) and their peer classes
   * @param relevant  the identities the datapath can look up in this direction (for
   *                  {@code ownNode} those of the own nodes' addresses), or null for all; the
   *                  others get no entries
   * @param atomIds   a cache of {@code ids.atoms().idsOf}, shared between calls
   * @param tierBytes the tier byte of each tier of the graph ({@link PolicyValue#tierBytes})
   * @param logSet    the log set id ({@link LogSets}) of the LOG rules a verdict passed, given
   *                  as their indexes in {@code RuleGraph.rules()}, in evaluation order (never empty)
   */
  static Flat flatten(int group, Direction direction, boolean ownNode, List<Rule> rules, int firstRule,
      boolean isolated, Identities ids, BitSet relevant, Map<AddressSet, List<Integer>> atomIds,
      Map<Tier, Integer> tierBytes, java.util.function.ToIntFunction<List<Integer>> logSet) {
    return new TierFlattening(group, direction, ownNode, rules, firstRule, isolated, ids, atomIds, tierBytes, logSet)
        .run(relevant);
  }

  /** The atoms of one class and its verdicts. */
  private static final class Cls {
    final List<Integer> atoms = new ArrayList<>();
    /** The rule positions whose peers hold the class's atoms, ascending (every-address rules included). */
    int[] matching;
    PolicyValue other;
    final Map<Integer, PortSteps<PolicyValue>> byProtocol = new LinkedHashMap<>();
  }

  /** The atoms of one verdict class that sit in one peer class. */
  private record Part(Cls cls, List<Integer> atoms) {}

  private Flat run(BitSet relevant) {
    collectSegments();
    // Classes whose verdicts agree everywhere are one: the atoms of both need the same entries.
    Map<List<Object>, Cls> byVerdicts = new LinkedHashMap<>();
    boolean denies = false;
    for (Cls c : classes(relevant)) {
      verdicts(c);
      Cls same = byVerdicts.putIfAbsent(List.of(c.other, c.byProtocol), c);
      if (same != null) {
        same.atoms.addAll(c.atoms);
      }
      // A verdict that logs must be looked up even when it allows.
      denies |= c.other.action() != Action.ALLOW || c.other.logs() != 0
          || c.byProtocol.values().stream().anyMatch(s -> s.valuesIn(0, 65535).stream()
              .anyMatch(v -> v.action() != Action.ALLOW || v.logs() != 0));
    }
    if (!denies) {
      return new Flat(Mode.NONE, List.of()); // no class at all when no atom is looked up
    }
    // Each peer class is stated on its own: its class key's entries, then its identities' exceptions.
    TreeMap<Integer, Map<Cls, List<Integer>>> byPeerClass = new TreeMap<>();
    Cls largest = null;
    for (Cls c : byVerdicts.values()) {
      for (int atom : c.atoms) {
        byPeerClass.computeIfAbsent(ids.classOf(atom), k -> new LinkedHashMap<>())
            .computeIfAbsent(c, k -> new ArrayList<>()).add(atom);
      }
      largest = largest == null || c.atoms.size() > largest.atoms.size() ? c : largest;
    }
    // The miss value: the one with fewer entries; on a tie, the largest verdict class's kind
    // (deny → the isolation deny, as when the whole direction was one background).
    List<PolicyValue> misses = new ArrayList<>();
    if (!ownNode) {
      misses.add(PolicyValue.ISOLATION_DENY);
    }
    misses.add(largest.other.action() != Action.ALLOW ? misses.size() : 0, PolicyValue.DEFAULT_ALLOW);
    Flat best = null;
    for (PolicyValue miss : misses) {
      List<MapEntry<PolicyKey, PolicyValue>> out = new ArrayList<>();
      byPeerClass.forEach((peerClass, parts) -> out.addAll(cheapest(peerClass, parts, miss)));
      if (best == null || out.size() < best.entries().size()) {
        best = new Flat(miss == PolicyValue.ISOLATION_DENY ? Mode.ISOLATED : Mode.DENIES, out);
      }
    }
    return best;
  }

  /**
   * One peer class's entries: the background (its atoms need no entries of their own) is the
   * cheapest of its three largest verdict classes.
   */
  private List<MapEntry<PolicyKey, PolicyValue>> cheapest(int peerClass, Map<Cls, List<Integer>> byCls,
      PolicyValue miss) {
    List<Part> parts = new ArrayList<>();
    byCls.forEach((c, a) -> parts.add(new Part(c, a)));
    List<Part> bySize = new ArrayList<>(parts);
    bySize.sort((a, b) -> Integer.compare(b.atoms().size(), a.atoms().size())); // stable: ties keep the class order
    List<MapEntry<PolicyKey, PolicyValue>> best = null;
    for (Part background : bySize.subList(0, Math.min(BACKGROUND_CANDIDATES, bySize.size()))) {
      List<MapEntry<PolicyKey, PolicyValue>> e = encode(peerClass, parts, background, miss);
      if (best == null || e.size() < best.size()) {
        best = e;
      }
    }
    return best;
  }

  /**
   * The entries of one peer class with {@code background} stated by its class key's lookups and
   * the miss value {@code miss}.
   */
  private List<MapEntry<PolicyKey, PolicyValue>> encode(int peerClass, List<Part> parts, Part background,
      PolicyValue miss) {
    int key = Identities.classKey(peerClass);
    List<MapEntry<PolicyKey, PolicyValue>> out = new ArrayList<>();
    PolicyValue b4 = background.cls().other;
    if (!b4.equals(miss)) {
      out.add(entry(key, 0, new PortBlocks.Block(0, 0), b4));
    }
    // What the class key's port lookups give each protocol's ports: null where no entry covers.
    Map<Integer, PortSteps<PolicyValue>> byClassKey = new HashMap<>();
    for (Map.Entry<Integer, PortSteps<PolicyValue>> p : background.cls().byProtocol.entrySet()) {
      List<Map.Entry<PortBlocks.Block, PolicyValue>> blocks = PortPrefixes.minimal(p.getValue(),
          PortSteps.constant(b4));
      blocks.forEach(b -> out.add(entry(key, p.getKey(), b.getKey(), b.getValue())));
      byClassKey.put(p.getKey(), PortPrefixes.resolve(blocks));
    }
    for (Part part : parts) {
      if (part == background) {
        continue;
      }
      Cls c = part.cls();
      PolicyValue l3 = c.other.equals(b4) ? null : c.other;
      List<MapEntry<PolicyKey, PolicyValue>> perAtom = new ArrayList<>();
      if (l3 != null) {
        perAtom.add(entry(0, 0, new PortBlocks.Block(0, 0), l3));
      }
      PolicyValue below = l3 != null ? l3 : b4;
      for (Map.Entry<Integer, PortSteps<PolicyValue>> p : c.byProtocol.entrySet()) {
        PortSteps<PolicyValue> fallthrough = byClassKey.get(p.getKey()).orElse(below);
        for (Map.Entry<PortBlocks.Block, PolicyValue> b : PortPrefixes.minimal(p.getValue(), fallthrough)) {
          perAtom.add(entry(0, p.getKey(), b.getKey(), b.getValue()));
        }
      }
      for (int atom : part.atoms()) {
        for (MapEntry<PolicyKey, PolicyValue> e : perAtom) {
          PolicyKey k = e.key();
          out.add(new MapEntry<>(new PolicyKey(k.prefixLength(), group, ids.value(atom), direction, ownNode,
              k.protocol(), k.port()), e.value()));
        }
      }
    }
    return out;
  }

  private MapEntry<PolicyKey, PolicyValue> entry(int peer, int protocol, PortBlocks.Block block, PolicyValue v) {
    int prefix = protocol == 0 ? PolicyKey.BASE_PREFIX : PolicyKey.BASE_PREFIX + block.bits();
    return new MapEntry<>(new PolicyKey(prefix, group, peer, direction, ownNode, protocol, block.first()), v);
  }

  /**
   * Per protocol the rules name (an excluded protocol of an other-protocols set too), the values
   * where some rule's range starts or ends: ports, or ICMP's {@code type * 256 + code}.
   */
  private void collectSegments() {
    Map<Integer, TreeSet<Integer>> cuts = new TreeMap<>();
    for (Rule r : rules) {
      if (ownNode && r.tier() == Tier.NETWORK_POLICY) {
        continue;
      }
      r.ports().byProtocol().forEach((proto, ranges) -> {
        TreeSet<Integer> c = cuts.computeIfAbsent(proto, k -> new TreeSet<>(List.of(0)));
        // A protocol whose only value is 0 (GRE, ...) has one segment: the datapath looks it up
        // at port 0, and spreading that verdict over the unused ports makes it one entry.
        if (PortSet.domain(proto).to() == 0) {
          return;
        }
        for (PortRange pr : ranges) {
          c.add(pr.from());
          if (pr.to() < 65535) {
            c.add(pr.to() + 1);
          }
        }
      });
    }
    cuts.forEach((proto, c) -> segments.put(proto, c.stream().mapToInt(Integer::intValue).toArray()));
  }

  /**
   * The classes of atoms with the same matching rules, among {@code relevant} atoms (all when
   * null); the atoms no peer set names form one class. Classes are ordered by their lowest
   * identity value.
   */
  private List<Cls> classes(BitSet relevant) {
    List<Integer> every = new ArrayList<>();
    Map<Integer, List<Integer>> byAtom = new TreeMap<>();
    for (int pos = 0; pos < rules.size(); pos++) {
      Rule r = rules.get(pos);
      if (ownNode && r.tier() == Tier.NETWORK_POLICY) {
        continue; // skipped tier: matches nothing
      }
      if (r.peers().sameAddresses(AddressSet.ALL)) {
        every.add(pos);
        continue;
      }
      for (int atom : atomIds.computeIfAbsent(r.peers(), atoms::idsOf)) {
        if (relevant == null || relevant.get(atom)) {
          byAtom.computeIfAbsent(atom, k -> new ArrayList<>()).add(pos);
        }
      }
    }
    Map<List<Integer>, Cls> bySignature = new LinkedHashMap<>();
    // In identity-value order, not atom (address) order: the first class breaks the ties of the
    // background and miss value, and a pod event must not reorder the classes it leaves alone.
    for (int atom : relevantInValueOrder(relevant)) {
      List<Integer> sig = byAtom.getOrDefault(atom, List.of());
      Cls c = bySignature.get(sig);
      if (c == null) {
        c = new Cls();
        c.matching = merge(every, sig);
        bySignature.put(sig, c);
      }
      c.atoms.add(atom);
    }
    return new ArrayList<>(bySignature.values());
  }

  /** The {@code relevant} atoms (all when null) by identity value. */
  private List<Integer> relevantInValueOrder(BitSet relevant) {
    if (relevant == null) {
      return ids.inValueOrder();
    }
    if (relevant.cardinality() * 16L > atoms.size()) {
      return ids.inValueOrder().stream().filter(relevant::get).toList();
    }
    List<Integer> few = new ArrayList<>();
    relevant.stream().forEach(few::add);
    few.sort((a, b) -> Integer.compareUnsigned(ids.value(a), ids.value(b)));
    return few;
  }

  private static int[] merge(List<Integer> a, List<Integer> b) {
    TreeSet<Integer> all = new TreeSet<>(a);
    all.addAll(b);
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  private void verdicts(Cls c) {
    c.other = decide(c.matching, -1, 0);
    segments.forEach((proto, starts) -> {
      PortSteps.Builder<PolicyValue> b = PortSteps.builder();
      for (int i = 0; i < starts.length; i++) {
        PolicyValue v = decide(c.matching, proto, starts[i]);
        if (starts[i] == 0 && starts.length > 1 && starts[1] == 1
            && Protocol.ofNumber(proto).isPresent()) {
          // Port 0 (no connection uses it; no rule's range holds it) keeps its action, but takes
          // port 1's deciding rule when the actions agree: "every port" is then one block, not 16.
          // Not for ICMP, where 0 is echo reply, nor UDP-Lite, whose connections the datapath
          // and Connection decide at port 0 (the datapath reads no UDP-Lite ports).
          PolicyValue one = decide(c.matching, proto, 1);
          v = one.action() == v.action() && one.logs() == v.logs() ? one : v;
        }
        b.add(starts[i], v);
      }
      c.byProtocol.put(proto, b.build());
    });
  }

  /**
   * The verdict for a peer matched by the rules at {@code matching}, for {@code protocol} and
   * {@code port} ({@code protocol} -1: a protocol no rule names, which a rule matches when its
   * set holds every unlisted protocol); as {@code RuleGraphEvaluator.decide}.
   */
  private PolicyValue decide(int[] matching, int protocol, int port) {
    int i = 0;
    boolean npSeen = false;
    List<Integer> logged = new ArrayList<>(0);
    // One pass per run of matching rules of one tier (in rank order), plus an empty run for the
    // NetworkPolicy tier where none of its rules match, for its isolation.
    while (i < matching.length || !npSeen) {
      Tier tier = i < matching.length ? rules.get(matching[i]).tier() : Tier.NETWORK_POLICY;
      if (!npSeen && tier.compareTo(Tier.NETWORK_POLICY) > 0) {
        tier = Tier.NETWORK_POLICY;
      }
      boolean np = tier.equals(Tier.NETWORK_POLICY);
      npSeen |= np;
      boolean skip = ownNode && np;
      int hit = -1;
      for (; i < matching.length && rules.get(matching[i]).tier().equals(tier); i++) {
        Rule r = rules.get(matching[i]);
        if (hit < 0 && !skip && (protocol < 0 ? r.ports().otherProtocols() : r.ports().matches(protocol, port))) {
          if (r.action() == Action.LOG) {
            logged.add(firstRule + matching[i]); // logs and goes on
          } else {
            hit = matching[i];
          }
        }
      }
      if (hit >= 0 && rules.get(hit).action() != Action.PASS) {
        Rule r = rules.get(hit);
        return withLogs(new PolicyValue(r.action(), tierBytes.get(r.tier()), r.priority(), firstRule + hit), logged);
      }
      if (hit < 0 && !skip && np && isolated) {
        return withLogs(PolicyValue.ISOLATION_DENY, logged);
      }
    }
    return withLogs(PolicyValue.DEFAULT_ALLOW, logged);
  }

  private PolicyValue withLogs(PolicyValue v, List<Integer> logged) {
    return logged.isEmpty() ? v
        : new PolicyValue(v.action(), v.tier(), v.priority(), v.rule(), logSet.applyAsInt(logged));
  }
}
