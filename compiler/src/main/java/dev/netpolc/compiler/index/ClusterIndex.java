package dev.netpolc.compiler.index;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The inventory indexed for selector resolution. Only <em>policy pods</em> are indexed: pods
 * that are active (an IP, not terminated) and, unless {@link SemanticsOptions#hostNetworkPodsArePolicyTargets},
 * not hostNetwork — exactly the pods that policies select and protect. Pods are numbered in
 * pod-key order, namespaces in name order. Every lookup is memoised per distinct argument, so
 * 75,000 policies with a few hundred distinct selectors cost a few hundred resolutions.
 *
 * <p>Construction only orders the pods (by namespace, then name within each namespace: no
 * per-pod key string) and numbers them; everything else is built on first use, per namespace
 * where it can be: a node agent compiling for one node touches a small part of a large cluster.
 */
public final class ClusterIndex {
  /** Namespaces with at most this many pods are resolved by matching each pod, without an index. */
  private static final int SCAN_LIMIT = 48;
  private static final int[] NONE = new int[0];
  /** From this many policy pods on, independent parts of the index are built on several cores. */
  private static final int PARALLEL_FROM = 20_000;

  private final Cluster cluster;
  private final ImmutableList<Pod> pods;
  private final Map<String, int[]> podsByNamespace;
  private final Map<String, LabelIndex> podLabelsByNamespace = new HashMap<>();
  private final Map<String, Map<LabelSelector, int[]>> podSelections = new HashMap<>();
  private final Map<LabelSelector, int[]> namespaceSelections = new HashMap<>();
  private final Map<List<Object>, int[]> peerSelections = new HashMap<>();
  private ImmutableList<Namespace> namespaces;
  private LabelIndex namespaceLabels;
  private Map<String, int[]> podsByPortName;
  private CompletableFuture<Ownership> ownership;

  /** Indexes the policy pods and namespaces of {@code cluster}. */
  public ClusterIndex(Cluster cluster, SemanticsOptions options) {
    this.cluster = cluster;
    Map<String, List<Pod>> byNs = new HashMap<>();
    boolean slashInNamespace = false;
    List<Pod> policyPods = new ArrayList<>(cluster.pods().size());
    for (Pod p : cluster.pods()) {
      if (p.isActive() && (!p.hostNetwork() || options.hostNetworkPodsArePolicyTargets())) {
        policyPods.add(p);
        List<Pod> bucket = byNs.get(p.namespace());
        if (bucket == null) {
          bucket = new ArrayList<>();
          byNs.put(p.namespace(), bucket);
          slashInNamespace |= p.namespace().indexOf('/') >= 0;
        }
        bucket.add(p);
      }
    }
    List<Pod> sorted = new ArrayList<>(policyPods.size());
    this.podsByNamespace = new HashMap<>(byNs.size() * 2);
    if (!slashInNamespace) {
      // Without a '/' in any namespace, key order ("ns/name") is namespace order by "ns/", then
      // name order, and equal keys are equal (namespace, name) pairs.
      List<String> names = new ArrayList<>(byNs.keySet());
      Map<String, String> sortKeys = new HashMap<>(names.size() * 2);
      names.forEach(n -> sortKeys.put(n, n + "/"));
      names.sort(Comparator.comparing(sortKeys::get));
      // Stable: of pods with one key, the first read wins. Buckets are independent, so a large
      // cluster sorts them on every core.
      Comparator<Pod> byName = (a, b) -> a.name().compareTo(b.name());
      if (policyPods.size() >= PARALLEL_FROM) {
        names.parallelStream().forEach(ns -> byNs.get(ns).sort(byName));
      } else {
        names.forEach(ns -> byNs.get(ns).sort(byName));
      }
      for (String ns : names) {
        List<Pod> bucket = byNs.get(ns);
        int start = sorted.size();
        for (Pod p : bucket) {
          if (sorted.size() == start || !sorted.get(sorted.size() - 1).name().equals(p.name())) {
            sorted.add(p);
          }
        }
        int[] ids = new int[sorted.size() - start];
        Arrays.setAll(ids, i -> start + i);
        podsByNamespace.put(ns, ids);
      }
    } else {
      // A '/' in a namespace (invalid input) makes keys ambiguous: order and de-duplicate by key.
      String[] keys = new String[policyPods.size()];
      Integer[] order = new Integer[keys.length];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = policyPods.get(i).key();
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparing(i -> keys[i]));
      String last = null;
      Map<String, IntList> ids = new HashMap<>();
      for (int i : order) {
        if (!keys[i].equals(last)) {
          Pod p = policyPods.get(i);
          ids.computeIfAbsent(p.namespace(), k -> new IntList()).add(sorted.size());
          sorted.add(p);
          last = keys[i];
        }
      }
      ids.forEach((ns, list) -> podsByNamespace.put(ns, list.toArray()));
    }
    this.pods = ImmutableList.copyOf(sorted);
    // Address ownership is needed by every build, but not right away: on a large cluster it is
    // computed on another core while the caller matches policies.
    this.ownership = pods.size() >= PARALLEL_FROM ? CompletableFuture.supplyAsync(() -> new Ownership(pods)) : null;
  }

  /** The policy pods, in pod-key order; a pod's id is its index. */
  public ImmutableList<Pod> pods() {
    return pods;
  }

  /**
   * The addresses of pod {@code id} that are its own: all of them, except an address an
   * earlier pod (by key) also has.
   */
  public ImmutableList<IpAddress> ips(int id) {
    ImmutableList<IpAddress> shared = ownership().owned.get(id);
    return shared != null ? shared : ImmutableList.copyOf(pods.get(id).ips());
  }

  /** True when {@code ip} is an address of a policy pod. */
  public boolean isPodAddress(IpAddress ip) {
    return ownership().contains(ip);
  }

  /** The policy pods on node {@code node}, ascending ids. */
  public int[] podsOnNode(String node) {
    IntList out = new IntList();
    for (int i = 0; i < pods.size(); i++) {
      if (node.equals(pods.get(i).nodeName())) {
        out.add(i);
      }
    }
    return out.toArray();
  }

  /** The policy pods of namespace {@code ns}, ascending ids (empty when it has none). */
  public int[] podsInNamespace(String ns) {
    return podsByNamespace.getOrDefault(ns, NONE);
  }

  /** The namespaces (declared and implicit), by name; a namespace's id is its index. */
  public ImmutableList<Namespace> namespaces() {
    if (namespaces == null) {
      List<Namespace> nss = new ArrayList<>(cluster.namespacesByName().values());
      nss.sort(Comparator.comparing(Namespace::name));
      namespaces = ImmutableList.copyOf(nss);
    }
    return namespaces;
  }

  /** Pods in namespace {@code ns} matching {@code selector}, ascending ids. */
  public int[] podsSelected(String ns, LabelSelector selector) {
    int[] inNs = podsByNamespace.get(ns);
    if (inNs == null) {
      return NONE;
    }
    if (selector.isEmpty()) {
      return inNs;
    }
    Map<LabelSelector, int[]> memo = podSelections.computeIfAbsent(ns, k -> new HashMap<>());
    int[] hit = memo.get(selector);
    if (hit == null) {
      hit = select(ns, inNs, selector);
      memo.put(selector, hit);
    }
    return hit;
  }

  private int[] select(String ns, int[] inNs, LabelSelector selector) {
    if (inNs.length <= SCAN_LIMIT) {
      int[] out = new int[inNs.length];
      int n = 0;
      for (int id : inNs) {
        if (selector.matches(pods.get(id).labels())) {
          out[n++] = id;
        }
      }
      return Arrays.copyOf(out, n);
    }
    LabelIndex labels = podLabelsByNamespace.computeIfAbsent(ns, k -> {
      List<Map<String, String>> l = new ArrayList<>(inNs.length);
      for (int id : inNs) {
        l.add(pods.get(id).labels());
      }
      return new LabelIndex(l);
    });
    int[] local = labels.select(selector);
    int[] out = new int[local.length];
    for (int i = 0; i < local.length; i++) {
      out[i] = inNs[local[i]];
    }
    return out;
  }

  /** Namespaces matching {@code selector}, ascending ids. */
  public int[] namespacesSelected(LabelSelector selector) {
    if (namespaceLabels == null) {
      List<Map<String, String>> nsLabels = new ArrayList<>();
      for (Namespace ns : namespaces()) {
        nsLabels.add(ns.labels());
      }
      namespaceLabels = new LabelIndex(nsLabels);
    }
    return namespaceSelections.computeIfAbsent(selector, namespaceLabels::select);
  }

  /**
   * The pods a selector peer of a policy in {@code policyNamespace} names, ascending ids; empty
   * for an ipBlock peer.
   */
  public int[] peerPods(String policyNamespace, Peer peer) {
    if (peer.ipBlock().isPresent() || (peer.podSelector().isEmpty() && peer.namespaceSelector().isEmpty())) {
      return NONE;
    }
    if (peer.namespaceSelector().isEmpty()) {
      return podsSelected(policyNamespace, peer.podSelector().get());
    }
    List<Object> key = List.of(peer.podSelector().<Object>map(s -> s).orElse(Optional.empty()),
        peer.namespaceSelector().get());
    int[] hit = peerSelections.get(key);
    if (hit == null) {
      LabelSelector podSel = peer.podSelector().orElse(LabelSelector.EVERYTHING);
      List<int[]> parts = new ArrayList<>();
      int total = 0;
      for (int nsId : namespacesSelected(peer.namespaceSelector().get())) {
        int[] part = podsSelected(namespaces().get(nsId).name(), podSel);
        parts.add(part);
        total += part.length;
      }
      int[] out = new int[total];
      int n = 0;
      for (int[] part : parts) {
        System.arraycopy(part, 0, out, n, part.length);
        n += part.length;
      }
      Arrays.sort(out); // namespaces are disjoint, so no duplicates
      hit = out;
      peerSelections.put(key, hit);
    }
    return hit;
  }

  /** Pods declaring a container port named {@code name}, ascending ids. */
  public int[] podsWithPortName(String name) {
    if (podsByPortName == null) {
      Map<String, IntList> byName = new HashMap<>();
      for (int i = 0; i < pods.size(); i++) {
        Pod p = pods.get(i);
        addPortNames(byName, p.ports(), i);
        addPortNames(byName, p.initPorts(), i);
      }
      Map<String, int[]> m = new HashMap<>(byName.size() * 2);
      byName.forEach((n, ids) -> m.put(n, ids.toArray()));
      podsByPortName = m;
    }
    return podsByPortName.getOrDefault(name, NONE);
  }

  private static void addPortNames(Map<String, IntList> byName, List<ContainerPort> ports, int id) {
    for (ContainerPort cp : ports) {
      if (cp.name() != null) {
        IntList ids = byName.computeIfAbsent(cp.name(), k -> new IntList());
        if (ids.size == 0 || ids.values[ids.size - 1] != id) {
          ids.add(id);
        }
      }
    }
  }

  private Ownership ownership() {
    if (ownership == null) {
      ownership = CompletableFuture.completedFuture(new Ownership(pods));
    }
    return ownership.join();
  }

  /**
   * Which pod owns each address (an address held by several pods, invalid on a real cluster,
   * belongs to the first by key) and the set of all addresses, in primitive hash tables: the map
   * from address to owner is only built when some address repeats.
   */
  private static final class Ownership {
    /** Pods that lose an address to an earlier pod: their own addresses. Usually empty. */
    final Map<Integer, ImmutableList<IpAddress>> owned = new HashMap<>();
    private final AddressTable v4;
    private final AddressTable v6;

    Ownership(List<Pod> pods) {
      int n4 = 0;
      int n6 = 0;
      for (int i = 0; i < pods.size(); i++) {
        List<IpAddress> ips = pods.get(i).ips();
        for (int k = 0; k < ips.size(); k++) {
          if (ips.get(k).v6()) {
            n6++;
          } else {
            n4++;
          }
        }
      }
      this.v4 = new AddressTable(n4);
      this.v6 = new AddressTable(n6);
      // An address held twice (by two pods, or listed twice by one) is the only case where the
      // owner must be looked up.
      boolean repeated = false;
      for (int i = 0; i < pods.size(); i++) {
        List<IpAddress> ips = pods.get(i).ips();
        for (int k = 0; k < ips.size(); k++) {
          IpAddress ip = ips.get(k);
          repeated |= !(ip.v6() ? v6 : v4).add(ip.hi(), ip.lo());
        }
      }
      if (repeated) {
        assignRepeated(pods);
      }
    }

    /** The owner of every address, by the first pod holding it; then the pods that lost one. */
    private void assignRepeated(List<Pod> pods) {
      Map<IpAddress, Integer> owner = new HashMap<>();
      List<Integer> losers = new ArrayList<>();
      for (int i = 0; i < pods.size(); i++) {
        for (IpAddress ip : pods.get(i).ips()) {
          if (owner.putIfAbsent(ip, i) != null && owner.get(ip) != i) {
            losers.add(i);
          }
        }
      }
      for (int i : losers) {
        ImmutableList.Builder<IpAddress> mine = ImmutableList.builder();
        for (IpAddress ip : pods.get(i).ips()) {
          if (owner.get(ip) == i) {
            mine.add(ip);
          }
        }
        owned.put(i, mine.build());
      }
    }

    boolean contains(IpAddress ip) {
      return (ip.v6() ? v6 : v4).contains(ip.hi(), ip.lo());
    }
  }

  /** A set of 128-bit values (an address's two halves), open addressing on primitive arrays. */
  private static final class AddressTable {
    private final long[] hi;
    private final long[] lo;
    private final boolean[] used;
    private final int mask;

    AddressTable(int expected) {
      int size = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) * 2;
      hi = new long[size];
      lo = new long[size];
      used = new boolean[size];
      mask = size - 1;
    }

    /** Adds the value; false when it was already there. */
    boolean add(long h, long l) {
      int i = slot(h, l);
      while (used[i]) {
        if (hi[i] == h && lo[i] == l) {
          return false;
        }
        i = (i + 1) & mask;
      }
      used[i] = true;
      hi[i] = h;
      lo[i] = l;
      return true;
    }

    boolean contains(long h, long l) {
      for (int i = slot(h, l); used[i]; i = (i + 1) & mask) {
        if (hi[i] == h && lo[i] == l) {
          return true;
        }
      }
      return false;
    }

    private int slot(long h, long l) {
      long x = h * 0x9E3779B97F4A7C15L ^ l;
      x = (x ^ (x >>> 32)) * 0xBF58476D1CE4E5B9L;
      return (int) (x ^ (x >>> 29)) & mask;
    }
  }

  /** A growable list of ints, without boxing. */
  static final class IntList {
    int[] values = new int[8];
    int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
