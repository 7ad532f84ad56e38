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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The inventory indexed for selector resolution. Only <em>policy pods</em> are indexed: pods
 * that are active (an IP, not terminated) and, unless {@link SemanticsOptions#hostNetworkPodsArePolicyTargets},
 * not hostNetwork — exactly the pods that policies select and protect. Pods are numbered in
 * pod-key order, namespaces in name order. Every lookup is memoised per distinct argument, so
 * 75,000 policies with a few hundred distinct selectors cost a few hundred resolutions.
 */
public final class ClusterIndex {
  private final ImmutableList<Pod> pods;
  private final ImmutableList<Namespace> namespaces;
  private final Map<String, Integer> namespaceIds = new HashMap<>();
  private final LabelIndex podLabels;
  private final LabelIndex namespaceLabels;
  private final Map<String, int[]> podsByNamespace = new HashMap<>();
  private final Map<String, int[]> podsByPortName = new HashMap<>();
  private final Map<List<Object>, int[]> podSelections = new HashMap<>();
  private final Map<LabelSelector, int[]> namespaceSelections = new HashMap<>();
  private final Map<List<Object>, int[]> peerSelections = new HashMap<>();
  private final ImmutableList<ImmutableList<IpAddress>> ownedIps;

  /** Indexes the policy pods and namespaces of {@code cluster}. */
  public ClusterIndex(Cluster cluster, SemanticsOptions options) {
    Map<String, Pod> byKey = new LinkedHashMap<>();
    for (Pod p : cluster.pods()) {
      if (p.isActive() && (!p.hostNetwork() || options.hostNetworkPodsArePolicyTargets())) {
        byKey.putIfAbsent(p.key(), p); // a repeated key is the same object read twice: first wins
      }
    }
    // Sorted by the keys already built: Pod.key() concatenates on every call.
    List<Map.Entry<String, Pod>> sorted = new ArrayList<>(byKey.entrySet());
    sorted.sort(Map.Entry.comparingByKey());
    this.pods = sorted.stream().map(Map.Entry::getValue).collect(ImmutableList.toImmutableList());
    List<Namespace> nss = new ArrayList<>(cluster.namespacesByName().values());
    nss.sort(Comparator.comparing(Namespace::name));
    this.namespaces = ImmutableList.copyOf(nss);
    List<Map<String, String>> nsLabels = new ArrayList<>();
    for (int i = 0; i < namespaces.size(); i++) {
      namespaceIds.put(namespaces.get(i).name(), i);
      nsLabels.add(namespaces.get(i).labels());
    }
    this.namespaceLabels = new LabelIndex(nsLabels);
    List<Map<String, String>> podLabelList = new ArrayList<>();
    Map<String, List<Integer>> byNs = new HashMap<>();
    Map<String, TreeSet<Integer>> byPortName = new HashMap<>();
    for (int i = 0; i < pods.size(); i++) {
      Pod p = pods.get(i);
      podLabelList.add(p.labels());
      byNs.computeIfAbsent(p.namespace(), k -> new ArrayList<>()).add(i);
      for (ContainerPort cp : p.allPorts()) {
        if (cp.name() != null) {
          byPortName.computeIfAbsent(cp.name(), k -> new TreeSet<>()).add(i);
        }
      }
    }
    this.podLabels = new LabelIndex(podLabelList);
    // An address held by several pods (invalid on a real cluster) belongs to the first by key.
    Map<IpAddress, Integer> owner = new HashMap<>();
    for (int i = 0; i < pods.size(); i++) {
      for (IpAddress ip : pods.get(i).ips()) {
        owner.putIfAbsent(ip, i);
      }
    }
    ImmutableList.Builder<ImmutableList<IpAddress>> owned = ImmutableList.builder();
    for (int i = 0; i < pods.size(); i++) {
      ImmutableList.Builder<IpAddress> mine = ImmutableList.builder();
      for (IpAddress ip : pods.get(i).ips()) {
        if (owner.get(ip) == i) {
          mine.add(ip);
        }
      }
      owned.add(mine.build());
    }
    this.ownedIps = owned.build();
    byNs.forEach((ns, ids) -> podsByNamespace.put(ns, ids.stream().mapToInt(Integer::intValue).toArray()));
    byPortName.forEach((n, ids) -> podsByPortName.put(n, ids.stream().mapToInt(Integer::intValue).toArray()));
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
    return ownedIps.get(id);
  }

  /** The namespaces (declared and implicit), by name; a namespace's id is its index. */
  public ImmutableList<Namespace> namespaces() {
    return namespaces;
  }

  /** Pods in namespace {@code ns} matching {@code selector}, ascending ids. */
  public int[] podsSelected(String ns, LabelSelector selector) {
    return podSelections.computeIfAbsent(List.of(ns, selector), k -> {
      int[] inNs = podsByNamespace.get(ns);
      if (inNs == null) {
        return new int[0];
      }
      return selector.isEmpty() ? inNs : podLabels.select(selector, inNs);
    });
  }

  /** Namespaces matching {@code selector}, ascending ids. */
  public int[] namespacesSelected(LabelSelector selector) {
    return namespaceSelections.computeIfAbsent(selector, namespaceLabels::select);
  }

  /**
   * The pods a selector peer of a policy in {@code policyNamespace} names, ascending ids; empty
   * for an ipBlock peer.
   */
  public int[] peerPods(String policyNamespace, Peer peer) {
    if (peer.ipBlock().isPresent() || (peer.podSelector().isEmpty() && peer.namespaceSelector().isEmpty())) {
      return new int[0];
    }
    List<Object> key = List.of(peer.namespaceSelector().isPresent() ? "" : policyNamespace,
        peer.podSelector().<Object>map(s -> s).orElse(Optional.empty()),
        peer.namespaceSelector().<Object>map(s -> s).orElse(Optional.empty()));
    return peerSelections.computeIfAbsent(key, k -> {
      if (peer.namespaceSelector().isEmpty()) {
        return podsSelected(policyNamespace, peer.podSelector().get());
      }
      LabelSelector podSel = peer.podSelector().orElse(LabelSelector.EVERYTHING);
      List<int[]> parts = new ArrayList<>();
      int total = 0;
      for (int nsId : namespacesSelected(peer.namespaceSelector().get())) {
        int[] part = podsSelected(namespaces.get(nsId).name(), podSel);
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
      return out;
    });
  }

  /** Pods declaring a container port named {@code name}, ascending ids. */
  public int[] podsWithPortName(String name) {
    return podsByPortName.getOrDefault(name, new int[0]);
  }
}
