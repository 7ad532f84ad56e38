package dev.netpolc.backend.ebpf;

import dev.netpolc.backend.BackendException;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.incremental.SetRoles;
import dev.netpolc.compiler.ir.Atoms;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.compiler.passes.Passes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The identities np_ident4/np_ident6 give addresses, and the peer class each identity belongs
 * to. An identity value is {@code class << 24 | index}: the index is a stable number
 * ({@link #stableIndexes}) of a part of an address-space partition in which every rule's peer
 * set is a union of parts, the class (0 to
 * {@value #MAX_CLASSES} − 1) groups parts by their membership in the peer sets of the Admin and
 * Baseline rules. np_policy entries keyed by the class key {@link #classKey} ({@code ~class})
 * hold for every identity of the class, so a peer set of the tiers that spans many identities
 * (every monitoring pod, scattered over the cluster's groups) costs entries per class, not per
 * identity.
 *
 * <p>A graph whose rules are all NetworkPolicy allows has one class (0, key {@code 0xffffffff},
 * the first layout's "any peer") and its parts are the compiler's {@link Atoms}. Any other graph partitions by the rules' peer sets
 * only: group and node addresses split no identity, since the datapath finds a pod's group in
 * np_endpoints and its own node by address, not through the identity.
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
  private final int classCount;
  /** Per atom, its identity index: stable under changes that do not touch the atom. */
  private final int[] index;

  private Identities(Atoms atoms, int[] classOf, int classCount, int[] index) {
    this.atoms = atoms;
    this.classOf = classOf;
    this.classCount = classCount;
    this.index = index;
  }

  /**
   * The identities and classes of {@code graph}'s maps.
   *
   * @throws BackendException when the partition has {@value #MAX_INDEX} parts or more
   */
  static Identities of(RuleGraph graph) throws BackendException {
    return of(graph, MIN_CLASS_IDENTITIES, MAX_CLASSES);
  }

  /** As {@link #of(RuleGraph)}, with the class parameters of {@link #of(Atoms, Collection, int, int)}. */
  static Identities of(RuleGraph graph, int minIdentities, int maxClasses) throws BackendException {
    boolean firstLayout = graph.rules().stream()
        .allMatch(r -> r.tier() == Tier.NETWORK_POLICY && r.action() == Action.ALLOW);
    Atoms atoms = firstLayout ? graph.atoms().orElseGet(() -> Passes.ATOMS.apply(graph).atoms().orElseThrow())
        : Atoms.partition(graph.addressSets());
    if (atoms.size() >= MAX_INDEX) {
      throw new BackendException("ebpf: the address space splits into " + atoms.size()
          + " identities, more than the layout's " + (MAX_INDEX - 1));
    }
    List<AddressSet> classSets = new ArrayList<>();
    Map<AddressSet, Set<String>> names = new LinkedHashMap<>();
    for (Rule r : graph.rules()) {
      if (r.tier() != Tier.NETWORK_POLICY) {
        classSets.add(r.peers());
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
   * Classes of {@code atoms} by membership in those {@code classSets} (each a union of atoms)
   * that hold at least {@code minIdentities} atoms, numbered by their lowest atom (address order); past {@code maxClasses} − 1 every further class shares the
   * last number, which costs entries but never changes a verdict (any grouping of identities
   * into classes is correct, see {@link TierFlattening}).
   */
  static Identities of(Atoms atoms, Collection<AddressSet> classSets, int minIdentities, int maxClasses,
      Map<AddressSet, Set<String>> names) {
    List<List<Integer>> memberOf = new ArrayList<>();
    for (int i = 0; i < atoms.size(); i++) {
      memberOf.add(new ArrayList<>());
    }
    int set = 0;
    for (AddressSet s : new LinkedHashSet<>(classSets)) {
      List<Integer> in = atoms.idsOf(s);
      if (in.size() >= minIdentities && in.size() < atoms.size()) { // one holding every atom splits nothing
        for (int atom : in) {
          memberOf.get(atom).add(set);
        }
      }
      set++;
    }
    Map<List<Integer>, Integer> bySignature = new HashMap<>();
    int[] classOf = new int[atoms.size()];
    for (int atom = 0; atom < atoms.size(); atom++) {
      int c = bySignature.computeIfAbsent(memberOf.get(atom), k -> bySignature.size());
      classOf[atom] = Math.min(c, maxClasses - 1);
    }
    return new Identities(atoms, classOf, Math.min(bySignature.size(), maxClasses), stableIndexes(atoms, names));
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
    Map<List<dev.netpolc.compiler.ir.AddressRange>, Long> byContent = new HashMap<>();
    for (Map.Entry<AddressSet, Set<String>> e : names.entrySet()) {
      long sum = 0;
      for (String name : e.getValue()) {
        sum += StableNumbers.hash(name);
      }
      byContent.merge(e.getKey().ranges(), sum, Long::sum);
    }
    Map<List<dev.netpolc.compiler.ir.AddressRange>, AddressSet> sets = new HashMap<>();
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

  /** The number of classes (at least 1); classes are 0 to this − 1. */
  int classCount() {
    return classCount;
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
