package dev.netpolc.model.lint;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumLabels;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumRule;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Cilium lint rules (NP266-NP269) share: the pods that take part with the labels
 * Cilium gives them ({@link CiliumLabels#identity}), the pods a rule's selectors pick, and the
 * cluster's own address ranges (pod CIDRs, node and pod addresses), which Cilium's CIDR rules
 * never match (SEMANTICS-CILIUM.md, "The Cilium profile"). One per lint run
 * ({@link LintContext#analysis}).
 */
final class CiliumSelection {
  /**
   * One section rule with the policy and rule it belongs to.
   *
   * @param policy the policy
   * @param rule   the rule ({@code spec} or {@code specs[i]})
   * @param peer   the section rule
   */
  record Section(CiliumPolicy policy, CiliumRule rule, CiliumPeerRule peer) {}

  /**
   * A cluster address range and what it is, for messages.
   *
   * @param cidr the range
   * @param what {@code pod CIDR 10.244.1.0/24 of node n1}, {@code pod shop/web-1 (10.244.1.5)}
   */
  record Known(Cidr cidr, String what) {}

  private final List<Pod> pods;
  private final Map<Pod, Map<String, String>> identities = new IdentityHashMap<>();
  private final List<Known> clusterRanges = new ArrayList<>();

  private CiliumSelection(LintContext context) {
    Cluster cluster = context.cluster();
    Map<String, Namespace> namespaces = cluster.namespacesByName();
    this.pods = context.selection().pods();
    for (Pod pod : pods) {
      Namespace ns = namespaces.getOrDefault(pod.namespace(), Namespace.of(pod.namespace(), Map.of()));
      identities.put(pod, CiliumLabels.identity(pod, ns, CiliumLabels.DEFAULT_CLUSTER));
    }
    for (Node n : cluster.nodes()) {
      n.podCidrs().forEach(c -> clusterRanges.add(new Known(c, "pod CIDR " + c + " of node " + n.name())));
      n.addresses().forEach(a -> clusterRanges.add(new Known(Cidr.host(a), "address " + a + " of node " + n.name())));
    }
    for (Pod pod : cluster.pods()) {
      if (pod.isActive()) {
        String what = pod.hostNetwork() ? "host-network pod " : "pod ";
        pod.ips().forEach(a -> clusterRanges.add(new Known(Cidr.host(a), what + pod.key() + " (" + a + ")")));
      }
    }
  }

  /** The selection of this lint run. */
  static CiliumSelection of(LintContext context) {
    return context.analysis(CiliumSelection.class, CiliumSelection::new);
  }

  /** Every section rule of every Cilium policy, in input order. */
  static List<Section> sections(LintContext context) {
    List<Section> out = new ArrayList<>();
    for (CiliumPolicy p : context.cluster().cilium().policies()) {
      for (CiliumRule r : p.rules()) {
        r.peerRules().forEach(peer -> out.add(new Section(p, r, peer)));
      }
    }
    return out;
  }

  /** The pods {@code rule} of {@code policy} selects; none without an endpointSelector. */
  List<Pod> subjects(CiliumPolicy policy, CiliumRule rule) {
    if (rule.endpointSelector().isEmpty()) {
      return List.of();
    }
    LabelSelector s = CiliumLabels.subjectSelector(policy, rule.endpointSelector().get());
    return pods.stream().filter(p -> s.matches(identities.get(p))).toList();
  }

  /** The pods the {@code fromEndpoints}/{@code toEndpoints} selector {@code selector} of {@code policy} matches. */
  List<Pod> peers(CiliumPolicy policy, LabelSelector selector) {
    LabelSelector s = CiliumLabels.peerSelector(policy, selector);
    return pods.stream().filter(p -> s.matches(identities.get(p))).toList();
  }

  /** True when the peer selector {@code selector} of {@code policy} matches {@code pod}. */
  boolean peerMatches(CiliumPolicy policy, LabelSelector selector, Pod pod) {
    Map<String, String> identity = identities.get(pod);
    return identity != null && CiliumLabels.peerSelector(policy, selector).matches(identity);
  }

  /** The cluster ranges (pod CIDRs, node and pod addresses) that {@code cidr} less {@code except} shares an address with. */
  List<String> clusterRangesIn(Cidr cidr, List<Cidr> except) {
    List<String> hits = new ArrayList<>();
    for (Known k : clusterRanges) {
      if (IpBlockOverlapsPodAddresses.overlaps(cidr, except, k.cidr())) {
        hits.add(k.what());
      }
    }
    return hits;
  }

  /** A Cilium CIDR as written: a prefix, or a single address without one; empty when it does not parse. */
  static Optional<Cidr> cidr(String text) {
    String t = text.contains("/") ? text : text + (text.contains(":") ? "/128" : "/32");
    return Cidr.parse(t).map(Cidr.Parsed::cidr);
  }

  /** The parsable {@code except} entries of a CIDR set. */
  static List<Cidr> except(CiliumCidrSet set) {
    return set.except().stream().map(CiliumSelection::cidr).flatMap(Optional::stream).toList();
  }

  /**
   * True when {@code selector} restricts the namespace: it names {@code io.kubernetes.pod.namespace}
   * or an {@code io.cilium.k8s.namespace.labels.*} key (with any source prefix Cilium reads as a
   * pod label), or selects {@code reserved:} identities rather than pods.
   */
  static boolean namesNamespace(LabelSelector selector) {
    if (CiliumLabels.selectsReserved(selector)) {
      return true;
    }
    LabelSelector plain = CiliumLabels.normalise(selector);
    List<String> keys = new ArrayList<>(plain.matchLabels().keySet());
    plain.matchExpressions().stream().map(LabelSelectorRequirement::key).forEach(keys::add);
    return keys.stream().anyMatch(k -> k.equals(CiliumLabels.POD_NAMESPACE)
        || k.startsWith(CiliumLabels.NAMESPACE_LABELS_PREFIX));
  }
}
