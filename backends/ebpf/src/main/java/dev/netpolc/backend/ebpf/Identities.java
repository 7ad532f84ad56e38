package dev.netpolc.backend.ebpf;

import com.google.common.collect.ImmutableList;
import dev.netpolc.backend.BackendException;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.incremental.SetRoles;
import dev.netpolc.compiler.ir.Atoms;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.compiler.passes.Passes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The identities np_ident4/np_ident6 give addresses, and the peer class each identity belongs
 * to. An identity value is {@code class << 24 | index}: the index is a stable number
 * ({@link #stableIndexes}) of a part of an address-space partition in which every rule's peer
 * set is a union of parts; the class (0 to {@value #MAX_CLASSES} − 1) groups parts by their
 * membership in the peer sets of the Admin and Baseline rules and is a stable number too, from
 * the names of the rules whose peer sets make it ({@link #classNumbers}), so that a pod event
 * renumbers no class but the pod's own. np_policy entries keyed by the class key
 * {@link #classKey} ({@code ~class}) hold for every identity of the class, so a peer set of the
 * tiers that spans many identities (every monitoring pod, scattered over the cluster's groups)
 * costs entries per class, not per identity.
 *
 * <p>A graph whose rules are all NetworkPolicy allows has one class (0, key {@code 0xffffffff},
 * the first layout's "any peer") and its parts are the compiler's {@link Atoms}. Any other graph
 * partitions by the rules' peer sets only: group and node addresses split no identity, since the
 * datapath finds a pod's group in np_endpoints and its own node by address, not through the
 * identity.
 */
final class Identities {
  /** The bits of an identity value below its class. */
  static final int CLASS_SHIFT = 24;
  /** Classes 0..254; class 255 is not used, so that no identity value equals a class key. */
  static final int MAX_CLASSES = 255;
  /** Identity indexes are below this. */
  static final int MAX_INDEX = 1 << CLASS_SHIFT;
  /**
   * A tier peer set separates classes only when it holds at least this many identities. The
   * entries of a set of one identity cost as much keyed by that identity as by a class key, and
   * every class costs the background entries of each direction where its verdicts differ from
   * the miss value: a class for a set of few identities saves little and makes its old class's
   * background be stated twice. Measured on the generated 5,000-pod cluster with
   * {@code RealisticTiers} (node-0's np_policy): 1 → 8,349 entries, 2 → 8,320, 3 to 16 → 6,999.
   */
  static final int MIN_CLASS_IDENTITIES = 3;

  private final Atoms atoms;
  private final int[] classOf;
  /** The class numbers in use, ascending. */
  private final int[] classes;
  /** Per atom, its identity index: stable under changes that do not touch the atom. */
  private final int[] index;

  /** The atoms by ascending identity value (unsigned). */
  private final ImmutableList<Integer> byValue;

  private Identities(Atoms atoms, int[] classOf, int[] classes, int[] index) {
    this.atoms = atoms;
    this.classOf = classOf;
    this.classes = classes;
    this.index = index;
    Integer[] order = new Integer[atoms.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compareUnsigned(value(a), value(b)));
    this.byValue = ImmutableList.copyOf(order);
  }

  /**
   * The identities and classes of {@code graph}'s maps.
   *
   * @throws BackendException when the partition has {@value #MAX_INDEX} parts or more
   */
  static Identities of(RuleGraph graph) throws BackendException {
    return of(graph, MIN_CLASS_IDENTITIES, MAX_CLASSES);
  }

  /** As {@link #of(RuleGraph)}, with the class parameters of {@link #of(Atoms, Map, int, int, Map)}. */
  static Identities of(RuleGraph graph, int minIdentities, int maxClasses) throws BackendException {
    boolean firstLayout = graph.rules().stream()
        .allMatch(r -> r.tier() == Tier.NETWORK_POLICY && r.action() == Action.ALLOW);
    Atoms atoms = firstLayout ? graph.atoms().orElseGet(() -> Passes.ATOMS.apply(graph).atoms().orElseThrow())
        : Atoms.partition(graph.addressSets());
    if (atoms.size() >= MAX_INDEX) {
      throw new BackendException("ebpf: the address space splits into " + atoms.size()
          + " identities, more than the layout's " + (MAX_INDEX - 1));
    }
    Map<AddressSet, Set<String>> classSets = new LinkedHashMap<>();
    Map<AddressSet, Set<String>> names = new LinkedHashMap<>();
    for (Rule r : graph.rules()) {
      if (r.tier() != Tier.NETWORK_POLICY) {
        // Named by the policy rules it was written in, not by its subject group: the same
        // Admin rule over several groups is one name, and a group coming or going renames nothing.
        Set<String> n = classSets.computeIfAbsent(r.peers(), k -> new TreeSet<>());
        if (r.origins().isEmpty()) {
          n.add(SetRoles.base(r));
        }
        r.origins().forEach(o -> n.add(o.toString()));
      }
      names.computeIfAbsent(r.peers(), k -> new TreeSet<>()).add("rule " + SetRoles.base(r));
    }
    if (firstLayout) { // group and node addresses split this partition too
      for (EndpointGroup g : graph.groups()) {
        names.computeIfAbsent(g.addresses(), k -> new TreeSet<>()).add("group " + g.id());
      }
      graph.nodeAddresses().forEach((n, set) -> names.computeIfAbsent(set, k -> new TreeSet<>()).add("node " + n));
    }
    return of(atoms, classSets, minIdentities, maxClasses, names);
  }

  /**
   * Classes of {@code atoms} by membership in those {@code classSets} (each a union of atoms,
   * with the names of the rules it is the peer set of) that hold at least {@code minIdentities}
   * atoms and not all. The atoms in none of them are class 0; every other class gets a stable
   * number in 1 to {@code maxClasses} − 1 ({@link #classNumbers}).
   */
  static Identities of(Atoms atoms, Map<AddressSet, Set<String>> classSets, int minIdentities, int maxClasses,
      Map<AddressSet, Set<String>> names) {
    List<List<Integer>> memberOf = new ArrayList<>();
    for (int i = 0; i < atoms.size(); i++) {
      memberOf.add(new ArrayList<>());
    }
    // Sets of equal content are one, with the names of both.
    Map<List<AddressRange>, Set<String>> namesByContent = new LinkedHashMap<>();
    Map<List<AddressRange>, AddressSet> byContent = new LinkedHashMap<>();
    classSets.forEach((s, n) -> {
      namesByContent.computeIfAbsent(s.ranges(), k -> new TreeSet<>()).addAll(n);
      byContent.putIfAbsent(s.ranges(), s);
    });
    List<Set<String>> setNames = new ArrayList<>();
    for (Map.Entry<List<AddressRange>, AddressSet> e : byContent.entrySet()) {
      List<Integer> in = atoms.idsOf(e.getValue());
      if (in.size() >= minIdentities && in.size() < atoms.size()) { // one holding every atom splits nothing
        for (int atom : in) {
          memberOf.get(atom).add(setNames.size());
        }
        setNames.add(namesByContent.get(e.getKey()));
      }
    }
    Map<List<Integer>, Integer> bySignature = new LinkedHashMap<>();
    int[] signatureOf = new int[atoms.size()];
    for (int atom = 0; atom < atoms.size(); atom++) {
      signatureOf[atom] = bySignature.computeIfAbsent(memberOf.get(atom), k -> bySignature.size());
    }
    int[] number = classNumbers(new ArrayList<>(bySignature.keySet()), setNames, maxClasses);
    int[] classOf = new int[atoms.size()];
    TreeSet<Integer> used = new TreeSet<>();
    for (int atom = 0; atom < atoms.size(); atom++) {
      classOf[atom] = number[signatureOf[atom]];
      used.add(classOf[atom]);
    }
    return new Identities(atoms, classOf, used.stream().mapToInt(Integer::intValue).toArray(),
        stableIndexes(atoms, names));
  }

  /**
   * Per signature (the indexes of the class-forming sets that hold an atom), its class number:
   * 0 for the empty signature (so a graph without Admin and Baseline peer sets keeps class 0,
   * "any peer"); any other from the names of the rules of its sets ({@link StableNumbers}, slots
   * 1 to {@code maxClasses} − 1), so that a class keeps its number while it stands for the same
   * rules, whatever addresses join or leave it. Past {@code maxClasses} − 1 such classes each takes
   * its home slot and classes that share one merge, which costs entries but never changes a
   * verdict (any grouping of identities into classes is correct, see {@link TierFlattening}).
   */
  private static int[] classNumbers(List<List<Integer>> signatures, List<Set<String>> setNames, int maxClasses) {
    int[] out = new int[signatures.size()];
    List<Integer> named = new ArrayList<>();
    for (int i = 0; i < signatures.size(); i++) {
      if (!signatures.get(i).isEmpty()) {
        named.add(i);
      }
    }
    int slots = maxClasses - 1;
    if (named.isEmpty() || slots < 1) {
      return out; // all 0
    }
    long[] keys = new long[named.size()];
    for (int k = 0; k < keys.length; k++) {
      TreeSet<String> all = new TreeSet<>(); // a name on two of the sets counts once
      for (int set : signatures.get(named.get(k))) {
        all.addAll(setNames.get(set));
      }
      for (String name : all) {
        keys[k] += StableNumbers.hash(name);
      }
    }
    if (keys.length <= slots) {
      int[] slot = StableNumbers.allocate(keys, slots);
      for (int k = 0; k < keys.length; k++) {
        out[named.get(k)] = 1 + slot[k];
      }
    } else {
      for (int k = 0; k < keys.length; k++) {
        out[named.get(k)] = 1 + (int) StableNumbers.home(keys[k], slots);
      }
    }
    return out;
  }

  /**
   * Per atom, an index from the names of the sets that hold it ({@link StableNumbers}): an atom
   * keeps its index while the same named sets hold it, whatever else joins or leaves the
   * partition, so one pod event rewrites the entries of the atoms it touches, not of every atom
   * after it in address order. The key of an atom is the sum of its names' hashes (an atom
   * lies wholly inside or outside each set of the partition, so membership is exact).
   */
  private static int[] stableIndexes(Atoms atoms, Map<AddressSet, Set<String>> names) {
    long[] keys = new long[atoms.size()];
    Map<List<AddressRange>, Long> byContent = new HashMap<>();
    for (Map.Entry<AddressSet, Set<String>> e : names.entrySet()) {
      long sum = 0;
      for (String name : e.getValue()) {
        sum += StableNumbers.hash(name);
      }
      byContent.merge(e.getKey().ranges(), sum, Long::sum);
    }
    Map<List<AddressRange>, AddressSet> sets = new HashMap<>();
    for (AddressSet s : names.keySet()) {
      sets.putIfAbsent(s.ranges(), s);
    }
    byContent.forEach((content, sum) -> {
      for (int atom : atoms.idsOf(sets.get(content))) {
        keys[atom] += sum;
      }
    });
    return StableNumbers.allocate(keys, MAX_INDEX);
  }

  /** The partition the identities number. */
  Atoms atoms() {
    return atoms;
  }

  /** The number of classes in use (at least 1). */
  int classCount() {
    return classes.length;
  }

  /** The class numbers in use, ascending: 0 to {@value #MAX_CLASSES} − 1, not necessarily dense. */
  int[] classes() {
    return classes.clone();
  }

  /**
   * The atoms ordered by identity value: an order that, unlike atom ids (address order), a pod
   * event leaves alone for the atoms it does not touch, for tie-breaks that must not move.
   */
  ImmutableList<Integer> inValueOrder() {
    return byValue;
  }

  /** The class of the identity with index {@code atom}. */
  int classOf(int atom) {
    return classOf[atom];
  }

  /** The identity value of the part with index {@code atom}: class in the top byte, its stable index below. */
  int value(int atom) {
    return classOf[atom] << CLASS_SHIFT | index[atom];
  }

  /** The np_policy peer field that stands for every identity of class {@code peerClass}: {@code ~peerClass}. */
  static int classKey(int peerClass) {
    return ~peerClass;
  }

  /** The class key of an identity value, as the datapath computes it: {@code ~(value >> 24)}. */
  static int classKeyOf(int identityValue) {
    return ~(identityValue >>> CLASS_SHIFT);
  }
}
