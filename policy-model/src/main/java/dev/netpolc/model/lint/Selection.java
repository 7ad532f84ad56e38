package dev.netpolc.model.lint;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.Multimaps;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyRule;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which pods and namespaces the selectors of a policy pick out of the inventory, per
 * SEMANTICS.md: only active pods (an IP, not terminated) take part, and hostNetwork pods never
 * match pod selectors. Pods are indexed by namespace so a selector scans one namespace.
 */
public final class Selection {
  private final Map<String, Namespace> namespaces;
  private final ImmutableListMultimap<String, Pod> podsByNamespace;
  private final List<Pod> pods;
  private final Map<LabelSelector, List<Namespace>> namespacesBySelector = new ConcurrentHashMap<>();
  private final Map<List<Object>, Boolean> anyPodByPeer = new ConcurrentHashMap<>();
  private final Map<List<Object>, List<Pod>> podsBySelector = new ConcurrentHashMap<>();

  /** The selection over {@code cluster}'s inventory. */
  public Selection(Cluster cluster) {
    this.namespaces = cluster.namespacesByName();
    this.pods = cluster.pods().stream().filter(Selection::takesPart).collect(ImmutableList.toImmutableList());
    this.podsByNamespace = Multimaps.index(pods, Pod::namespace);
  }

  /** True for pods that policy selectors can match: active and not on the host network. */
  public static boolean takesPart(Pod pod) {
    return pod.isActive() && !pod.hostNetwork();
  }

  /** Every pod that takes part, in input order. */
  public List<Pod> pods() {
    return pods;
  }

  /** The pods {@code policy} selects (its subjects). */
  public List<Pod> subjects(NetworkPolicy policy) {
    return podsIn(policy.namespace(), policy.podSelector());
  }

  /**
   * The pods of namespace {@code namespace} matching {@code selector}. Computed once per
   * namespace and selector (policies repeat them: 10,000 policies may select the same pods), so
   * equal arguments give the same list instance.
   */
  public List<Pod> podsIn(String namespace, LabelSelector selector) {
    return podsBySelector.computeIfAbsent(List.of(namespace, selector), k -> podsByNamespace.get(namespace).stream()
        .filter(p -> selector.matches(p.labels()))
        .collect(ImmutableList.toImmutableList()));
  }

  /** The namespaces (declared or implicit) matching {@code selector}. */
  public List<Namespace> namespaces(LabelSelector selector) {
    // Many peers repeat the same namespace selector: each is matched against the namespaces once.
    return namespacesBySelector.computeIfAbsent(selector, sel -> namespaces.values().stream()
        .filter(ns -> sel.matches(ns.labels()))
        .collect(ImmutableList.toImmutableList()));
  }

  /**
   * True when {@link #peerPods} is not empty, found without listing the pods: it stops at the
   * first match, and answers each distinct peer (selectors and, without a namespace selector,
   * the policy's namespace) once.
   */
  public boolean peerSelectsAnyPod(NetworkPolicy policy, Peer peer) {
    if (peer.ipBlock().isPresent() || (peer.podSelector().isEmpty() && peer.namespaceSelector().isEmpty())) {
      return false;
    }
    LabelSelector podSelector = peer.podSelector().orElse(LabelSelector.EVERYTHING);
    List<Object> key = peer.namespaceSelector().isPresent()
        ? List.of(peer.namespaceSelector().get(), podSelector) : List.of(policy.namespace(), podSelector);
    return anyPodByPeer.computeIfAbsent(key, k -> {
      List<String> in = peer.namespaceSelector().isPresent()
          ? namespaces(peer.namespaceSelector().get()).stream().map(Namespace::name).toList()
          : List.of(policy.namespace());
      for (String ns : in) {
        for (Pod pod : podsByNamespace.get(ns)) {
          if (podSelector.matches(pod.labels())) {
            return true;
          }
        }
      }
      return false;
    });
  }

  /** The labels of namespace {@code name}; only its name label when undeclared. */
  public Map<String, String> namespaceLabels(String name) {
    Namespace ns = namespaces.get(name);
    return ns != null ? ns.labels() : Namespace.of(name, Map.of()).labels();
  }

  /** The pods a selector peer of {@code policy} matches; empty for an ipBlock peer. */
  public List<Pod> peerPods(NetworkPolicy policy, Peer peer) {
    if (peer.ipBlock().isPresent() || (peer.podSelector().isEmpty() && peer.namespaceSelector().isEmpty())) {
      return List.of();
    }
    LabelSelector pods = peer.podSelector().orElse(LabelSelector.EVERYTHING);
    if (peer.namespaceSelector().isEmpty()) {
      return podsIn(policy.namespace(), pods);
    }
    ImmutableList.Builder<Pod> out = ImmutableList.builder();
    for (Namespace ns : namespaces(peer.namespaceSelector().get())) {
      out.addAll(podsIn(ns.name(), pods));
    }
    return out.build();
  }

  /**
   * True when {@code peer} of {@code policy} matches {@code pod} by selectors (ipBlock peers are
   * judged by address elsewhere).
   */
  public boolean peerMatches(NetworkPolicy policy, Peer peer, Pod pod) {
    if (peer.ipBlock().isPresent() || (peer.podSelector().isEmpty() && peer.namespaceSelector().isEmpty())) {
      return false;
    }
    boolean nsOk = peer.namespaceSelector().isPresent()
        ? peer.namespaceSelector().get().matches(namespaceLabels(pod.namespace()))
        : pod.namespace().equals(policy.namespace());
    return nsOk && peer.podSelector().orElse(LabelSelector.EVERYTHING).matches(pod.labels());
  }

  /**
   * The pods a rule's selector peers match; every pod when the rule has no peers at all. ipBlock
   * peers add nothing here.
   */
  public List<Pod> rulePods(NetworkPolicy policy, PolicyRule rule) {
    if (rule.peers().isEmpty()) {
      return pods;
    }
    ImmutableList.Builder<Pod> out = ImmutableList.builder();
    for (Peer peer : rule.peers()) {
      out.addAll(peerPods(policy, peer));
    }
    return out.build();
  }
}
