package dev.netpolc.backend.nftables;

import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.model.Cidr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one emitted ruleset stores its peer sets: which set holds each role's addresses (roles
 * with equal content share a set), how many roles share each set, and a fingerprint of each
 * set's content. The incremental fast path ({@link DeltaWriter#fast}) needs it to know that an
 * update keeps the sharing exactly as a full compile of the new graph would have it.
 *
 * <p>Immutable; built by {@link RulesetWriter} and kept per emitted artifact in {@link LayoutCache}.
 */
final class SetLayout {
  private final ImmutableSortedSet<String> roleKeys;
  private final Map<String, String> roleSets;
  private final Map<String, Integer> sharers;
  private final Map<String, Long> fingerprints;
  private final Map<String, Sizes> sizes;
  private final java.util.Set<String> nodeLocalGroups;
  private final Map<Long, List<String>> byFingerprint = new HashMap<>();
  /** The last other instance of the same role keys seen (a memo: the answer never depends on it). */
  private volatile Collection<String> verified;

  /**
   * @param roleKeys     the role keys of the graph ({@code SetRoles.keys()})
   * @param roleSets     {@code a4:<role>} or {@code a6:<role>} → the name of its set (hash part)
   * @param sharers      set name → the number of role keys using it
   * @param fingerprints set name → {@link #fingerprint(Collection)} of its addresses
   * @param sizes        set name → the number of its single addresses and of its prefixes
   * @param nodeLocalGroups the groups whose egress to their own node has a dispatch entry per
   *     member ({@code ep_node4}/{@code ep_node6}: they have Admin or Baseline egress rules)
   *     <p>The maps are taken over, not copied (they can hold 100,000 entries): the caller must
   *     not change them afterwards.
   */
  SetLayout(ImmutableSortedSet<String> roleKeys, Map<String, String> roleSets, Map<String, Integer> sharers,
      Map<String, Long> fingerprints, Map<String, Sizes> sizes, java.util.Set<String> nodeLocalGroups) {
    this.roleKeys = roleKeys;
    this.roleSets = Collections.unmodifiableMap(roleSets);
    this.sharers = Collections.unmodifiableMap(sharers);
    this.fingerprints = Collections.unmodifiableMap(fingerprints);
    this.sizes = Collections.unmodifiableMap(sizes);
    this.nodeLocalGroups = Collections.unmodifiableSet(nodeLocalGroups);
    fingerprints.forEach((name, fp) -> byFingerprint.computeIfAbsent(fp, k -> new ArrayList<>()).add(name));
  }

  /**
   * True when {@code keys} are the role keys of the graph the ruleset was emitted from. A session
   * hands the same instance to each update, so the (linear) comparison runs once per instance.
   */
  boolean hasRoles(Collection<String> keys) {
    if (keys == roleKeys || keys == verified) {
      return true;
    }
    if (!roleKeys.equals(keys)) {
      return false;
    }
    verified = keys;
    return true;
  }

  /**
   * The layout after a fast-path delta changed the content of some peer sets but not which roles
   * share them: the same roles, sets and sharing, the new fingerprints and sizes of the changed
   * sets. Costs a copy of the per-set maps (one entry per peer set), not a render.
   */
  SetLayout after(Map<String, Long> newFingerprints, Map<String, Sizes> newSizes) {
    if (newFingerprints.isEmpty() && newSizes.isEmpty()) {
      return this;
    }
    Map<String, Long> fps = new HashMap<>(fingerprints);
    fps.putAll(newFingerprints);
    Map<String, Sizes> sz = new HashMap<>(sizes);
    sz.putAll(newSizes);
    SetLayout next = new SetLayout(roleKeys, roleSets, sharers, fps, sz, nodeLocalGroups);
    next.verified = verified;
    return next;
  }

  /** The set (hash part) holding {@code role}'s addresses of one family, if it has one. */
  Optional<String> set(String role, boolean v6) {
    return Optional.ofNullable(roleSets.get((v6 ? "a6:" : "a4:") + role));
  }

  /**
   * True when members of group {@code groupId} have node-local egress dispatch entries (the
   * group has Admin or Baseline egress rules): a member change of it takes the full diff.
   */
  boolean nodeLocal(String groupId) {
    return nodeLocalGroups.contains(groupId);
  }

  /** The number of role keys sharing set {@code name}. */
  int sharers(String name) {
    return sharers.getOrDefault(name, 0);
  }

  /** The fingerprint of set {@code name}'s content. */
  long fingerprint(String name) {
    return fingerprints.get(name);
  }

  /**
   * How many single addresses (hash part) and prefixes (interval part) a peer set holds.
   *
   * @param hosts    elements of the hash part
   * @param prefixes elements of the interval part
   */
  record Sizes(int hosts, int prefixes) {
    /** True when the hash part is declared (and has its rule). */
    boolean hostPart() {
      return hasHostPart(hosts, prefixes);
    }

    /** True when the interval part is declared (and has its rule). */
    boolean prefixPart() {
      return hasPrefixPart(hosts, prefixes);
    }
  }

  /** The sizes of set {@code name}'s parts. */
  Sizes sizes(String name) {
    return sizes.get(name);
  }

  /**
   * True when a peer set with {@code hosts} single addresses and {@code prefixes} prefixes
   * declares its hash part: when that part has elements, or when the set is empty altogether
   * (then both parts stay declared, empty: a rule matching nothing, never a missing set).
   */
  static boolean hasHostPart(int hosts, int prefixes) {
    return hosts > 0 || prefixes == 0;
  }

  /** True when such a set declares its interval part (see {@link #hasHostPart}). */
  static boolean hasPrefixPart(int hosts, int prefixes) {
    return prefixes > 0 || hosts == 0;
  }

  /** The sets whose fingerprint is {@code fp}. */
  List<String> withFingerprint(long fp) {
    return byFingerprint.getOrDefault(fp, List.of());
  }

  /** The names of the peer sets (hash parts), sorted. */
  java.util.SortedSet<String> sets() {
    return new java.util.TreeSet<>(fingerprints.keySet());
  }

  /**
   * A 64-bit fingerprint of a set of CIDRs: the sum of a hash of each, so that it follows element
   * additions and deletions. Equal sets have equal fingerprints; unequal sets rarely do, and then
   * the fast path only falls back to the full diff.
   */
  static long fingerprint(Collection<Cidr> cidrs) {
    long sum = 0;
    for (Cidr c : cidrs) {
      sum += hash(c);
    }
    return sum;
  }

  /** A well-mixed 64-bit hash of one CIDR (family, address bits, prefix length). */
  static long hash(Cidr c) {
    long h = mix(c.address().hi() ^ (c.v6() ? 0x9e3779b97f4a7c15L : 0));
    h = mix(h ^ c.address().lo());
    return mix(h ^ c.prefix());
  }

  /** The finaliser of MurmurHash3 (64-bit). */
  private static long mix(long x) {
    long h = x;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
