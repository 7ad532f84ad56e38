package dev.netpolc.model.generate;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.AnpRule;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.PolicyTier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A platform team's cluster-scoped policy set for a generated cluster, as an operator of a
 * multi-team cluster writes it: Admin guard-rails (monitoring may scrape everything, no pod
 * reaches the kubelet API, environments isolated from each other with a Pass to the teams'
 * NetworkPolicies inside an environment, each production team's egress to the corporate range
 * denied, and — still in v1alpha1 — the cloud metadata address blocked), then Baseline defaults
 * (DNS allowed, everything else denied). Deterministic: it depends only on the cluster's
 * namespace labels ({@code team}, {@code env}, as {@link ClusterShape#REALISTIC} writes them).
 */
public final class RealisticTiers {
  private RealisticTiers() {}

  /** {@code cluster} with the tiered policy set added (its own cluster-scoped policies kept). */
  public static Cluster addTo(Cluster cluster) {
    TreeSet<String> envs = new TreeSet<>();
    TreeSet<String> teams = new TreeSet<>();
    for (Namespace ns : cluster.namespaces()) {
      Optional.ofNullable(ns.labels().get("env")).ifPresent(envs::add);
      Optional.ofNullable(ns.labels().get("team")).ifPresent(teams::add);
    }
    List<ClusterNetworkPolicy> cnps = new ArrayList<>(cluster.clusterNetworkPolicies());
    LabelSelector all = LabelSelector.EVERYTHING;
    cnps.add(cnp("allow-monitoring-scrape", PolicyTier.ADMIN, 10, ClusterPolicySubject.namespaces(all),
        List.of(rule("scrape-metrics", "Accept", List.of(ClusterPolicyPeer.namespaces(labels("team", "infra"))),
            Optional.of(List.of(ClusterPolicyProtocol.tcp(DestinationPort.range(9000, 9100)))))),
        List.of()));
    cnps.add(cnp("protect-kubelet", PolicyTier.ADMIN, 20, ClusterPolicySubject.namespaces(all), List.of(),
        List.of(rule("no-kubelet-api", "Deny", List.of(ClusterPolicyPeer.nodes(all)),
            Optional.of(List.of(ClusterPolicyProtocol.tcp(DestinationPort.number(10250))))))));
    for (String env : envs) {
      cnps.add(cnp("isolate-" + env, PolicyTier.ADMIN, 30, ClusterPolicySubject.namespaces(labels("env", env)),
          List.of(
              rule("same-environment", "Pass", List.of(ClusterPolicyPeer.namespaces(labels("env", env))),
                  Optional.empty()),
              rule("cluster-dns-and-system", "Pass",
                  List.of(ClusterPolicyPeer.namespaces(labels(Namespace.NAME_LABEL, "kube-system"))),
                  Optional.empty()),
              rule("other-environments", "Deny", List.of(ClusterPolicyPeer.namespaces(all)), Optional.empty())),
          List.of()));
    }
    for (String team : teams) {
      LabelSelector prodTeam = new LabelSelector(Map.of("team", team, "env", "prod"), List.of());
      cnps.add(cnp("guard-" + team + "-prod-egress", PolicyTier.ADMIN, 40, ClusterPolicySubject.namespaces(prodTeam),
          List.of(), List.of(rule("no-corporate-range", "Deny",
              List.of(ClusterPolicyPeer.networks(List.of("10.0.0.0/8", "172.16.0.0/12"))), Optional.empty()))));
    }
    cnps.add(cnp("allow-dns", PolicyTier.BASELINE, 10, ClusterPolicySubject.namespaces(all), List.of(),
        List.of(rule("cluster-dns", "Accept",
            List.of(ClusterPolicyPeer.pods(labels(Namespace.NAME_LABEL, "kube-system"), labels("k8s-app", "kube-dns"))),
            Optional.of(List.of(ClusterPolicyProtocol.udp(DestinationPort.number(53)),
                ClusterPolicyProtocol.tcp(DestinationPort.number(53))))))));
    LabelSelector tenants = new LabelSelector(Map.of(), List.of(new LabelSelectorRequirement(Namespace.NAME_LABEL,
        "NotIn", List.of("kube-system"))));
    List<AdminNetworkPolicy> anps = new ArrayList<>(cluster.adminNetworkPolicies());
    anps.add(new AdminNetworkPolicy("block-cloud-metadata", 50, ClusterPolicySubject.namespaces(all), List.of(),
        List.of(new AnpRule(Optional.of("no-instance-metadata"), "Deny",
            List.of(ClusterPolicyPeer.networks(List.of("169.254.169.254/32"))), Optional.empty())),
        SourceMap.EMPTY, Set.of()));
    List<BaselineAdminNetworkPolicy> banps = new ArrayList<>(cluster.baselineAdminNetworkPolicies());
    if (banps.isEmpty()) {
      banps.add(new BaselineAdminNetworkPolicy("default", ClusterPolicySubject.namespaces(tenants),
          List.of(new AnpRule(Optional.of("deny-all-ingress"), "Deny", List.of(ClusterPolicyPeer.namespaces(all)),
              Optional.empty())),
          List.of(new AnpRule(Optional.of("deny-all-egress"), "Deny",
              List.of(ClusterPolicyPeer.networks(List.of("0.0.0.0/0", "::/0"))), Optional.empty())),
          SourceMap.EMPTY, Set.of()));
    }
    return cluster.withTieredPolicies(cnps, anps, banps);
  }

  private static ClusterNetworkPolicy cnp(String name, PolicyTier tier, int priority, ClusterPolicySubject subject,
      List<ClusterPolicyRule> ingress, List<ClusterPolicyRule> egress) {
    return new ClusterNetworkPolicy(name, tier.apiName(), priority, subject, ingress, egress,
        ClusterPolicyKind.CLUSTER_NETWORK_POLICY, SourceMap.EMPTY, Set.of());
  }

  private static ClusterPolicyRule rule(String name, String action, List<ClusterPolicyPeer> peers,
      Optional<List<ClusterPolicyProtocol>> protocols) {
    return new ClusterPolicyRule(Optional.of(name), action, peers, protocols);
  }

  private static LabelSelector labels(String key, String value) {
    return LabelSelector.ofLabels(Map.of(key, value));
  }
}
