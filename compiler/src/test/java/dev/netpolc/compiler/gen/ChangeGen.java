package dev.netpolc.compiler.gen;

import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random changes to a cluster, mostly pod events that keep groups (relabel to another pod's
 * labels, add a copy of a pod with a fresh address, remove a pod, move a pod's address), some
 * that do not (policy removed or copied, namespace relabelled), each drawn against the
 * cluster as it is at that step.
 */
public final class ChangeGen {
  private ChangeGen() {}

  /** One change to {@code c}; {@code step} keeps new names unique. */
  public static ClusterChange next(Cluster c, Random r, int step) {
    List<Pod> pods = c.pods();
    int kind = r.nextInt(100);
    if (pods.isEmpty() || kind >= 92) {
      return policyOrNamespace(c, r, step);
    }
    Pod p = pods.get(r.nextInt(pods.size()));
    Pod other = pods.get(r.nextInt(pods.size()));
    if (kind < 30) {
      return new ClusterChange.PodUpserted(withLabels(p, other));
    } else if (kind < 55) {
      Pod copy = new Pod(other.namespace(), "new" + step, other.labels(), List.of(fresh(c, other, r)),
          other.nodeName(), other.hostNetwork(), other.phase(), other.ports(), other.initPorts(), other.position());
      return new ClusterChange.PodUpserted(copy);
    } else if (kind < 75) {
      return new ClusterChange.PodRemoved(p.namespace(), p.name());
    } else {
      List<IpAddress> ips = p.ips().isEmpty() ? List.of() : List.of(fresh(c, p, r));
      return new ClusterChange.PodUpserted(new Pod(p.namespace(), p.name(), p.labels(), ips, p.nodeName(),
          p.hostNetwork(), p.phase(), p.ports(), p.initPorts(), p.position()));
    }
  }

  /**
   * One change to a tiered cluster: a cluster-scoped policy removed, re-prioritised or with a
   * rule's action changed one time in five, else as {@link #next}.
   */
  public static ClusterChange nextTiered(Cluster c, Random r, int step) {
    if (r.nextInt(5) != 0 || !c.hasTieredPolicies()) {
      return next(c, r, step);
    }
    List<dev.netpolc.model.npa.ClusterNetworkPolicy> cnps = c.clusterNetworkPolicies();
    int kind = r.nextInt(4);
    if (kind == 0 || cnps.isEmpty()) {
      if (!c.adminNetworkPolicies().isEmpty() && r.nextBoolean()) {
        return new ClusterChange.ClusterScopedPolicyRemoved(
            dev.netpolc.model.npa.ClusterPolicyKind.ADMIN_NETWORK_POLICY, c.adminNetworkPolicies().get(0).name());
      }
      if (!c.baselineAdminNetworkPolicies().isEmpty() && r.nextBoolean()) {
        return new ClusterChange.ClusterScopedPolicyRemoved(
            dev.netpolc.model.npa.ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY, "default");
      }
      if (cnps.isEmpty()) {
        return next(c, r, step);
      }
      return new ClusterChange.ClusterScopedPolicyRemoved(
          dev.netpolc.model.npa.ClusterPolicyKind.CLUSTER_NETWORK_POLICY, cnps.get(r.nextInt(cnps.size())).name());
    }
    dev.netpolc.model.npa.ClusterNetworkPolicy p = cnps.get(r.nextInt(cnps.size()));
    if (kind == 1) { // a priority change alone
      return new ClusterChange.ClusterNetworkPolicyUpserted(new dev.netpolc.model.npa.ClusterNetworkPolicy(p.name(),
          p.tier(), List.of(0, 5, 10, 1000).get(r.nextInt(4)), p.subject(), p.ingress(), p.egress(), p.kind(),
          p.source(), p.suppressedRules()));
    }
    if (kind == 2) { // the other tier
      return new ClusterChange.ClusterNetworkPolicyUpserted(new dev.netpolc.model.npa.ClusterNetworkPolicy(p.name(),
          p.tier().equals("Admin") ? "Baseline" : "Admin", p.priority(), p.subject(), p.ingress(), p.egress(),
          p.kind(), p.source(), p.suppressedRules()));
    }
    List<dev.netpolc.model.npa.ClusterPolicyRule> ingress = new ArrayList<>(p.ingress());
    if (!ingress.isEmpty()) { // one rule's action changed
      int i = r.nextInt(ingress.size());
      dev.netpolc.model.npa.ClusterPolicyRule old = ingress.get(i);
      ingress.set(i, new dev.netpolc.model.npa.ClusterPolicyRule(old.name(),
          List.of("Accept", "Deny", "Pass").get(r.nextInt(3)), old.peers(), old.protocols()));
    }
    return new ClusterChange.ClusterNetworkPolicyUpserted(new dev.netpolc.model.npa.ClusterNetworkPolicy(p.name(),
        p.tier(), p.priority(), p.subject(), ingress, p.egress(), p.kind(), p.source(), p.suppressedRules()));
  }

  private static ClusterChange policyOrNamespace(Cluster c, Random r, int step) {
    List<NetworkPolicy> pols = c.policies();
    int kind = r.nextInt(3);
    if (kind == 0 && !pols.isEmpty()) {
      NetworkPolicy p = pols.get(r.nextInt(pols.size()));
      return new ClusterChange.PolicyRemoved(p.namespace(), p.name());
    }
    if (kind == 1 && !pols.isEmpty()) {
      NetworkPolicy p = pols.get(r.nextInt(pols.size()));
      return new ClusterChange.PolicyUpserted(new NetworkPolicy(p.namespace(), p.name() + "-copy" + step,
          p.podSelector(), p.policyTypes(), p.ingress(), p.egress(), p.source(), p.suppressedRules()));
    }
    List<Namespace> nss = new ArrayList<>(c.namespacesByName().values());
    if (nss.isEmpty()) {
      return new ClusterChange.PodRemoved("default", "absent");
    }
    Namespace a = nss.get(r.nextInt(nss.size()));
    Namespace b = nss.get(r.nextInt(nss.size()));
    return new ClusterChange.NamespaceUpserted(new Namespace(a.name(), b.labels(), a.position()));
  }

  private static Pod withLabels(Pod p, Pod other) {
    return new Pod(p.namespace(), p.name(), other.labels(), p.ips(), p.nodeName(), p.hostNetwork(), p.phase(),
        p.ports(), p.initPorts(), p.position());
  }

  /** An address near {@code p}'s first (same family), used by no pod or node of {@code c}. */
  private static IpAddress fresh(Cluster c, Pod p, Random r) {
    IpAddress base = p.ips().isEmpty() ? IpAddress.v4(0x0A00_0000L) : p.ips().get(0);
    for (int tries = 0; ; tries++) {
      IpAddress cand = base.plus(1 + r.nextInt(6 + tries)).orElse(base);
      boolean used = c.pods().stream().anyMatch(q -> q.ips().contains(cand))
          || c.nodes().stream().anyMatch(n -> n.addresses().contains(cand));
      if (!used) {
        return cand;
      }
    }
  }
}
