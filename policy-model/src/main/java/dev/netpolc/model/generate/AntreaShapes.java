package dev.netpolc.model.generate;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The three shapes of Antrea's controller scale tests: every policy has types Ingress+Egress and at
 * most one ingress rule with one peer; pods have one address and a random node; namespace, pod
 * and policy names get random 8-character parts as there.
 */
final class AntreaShapes {
  private static final List<String> BOTH_TYPES = List.of("Ingress", "Egress");

  private final GeneratorSpec spec;
  private final Random random;
  private final AddressPlan addresses;
  private final Set<String> takenNames = new HashSet<>();
  private final List<Namespace> namespaces = new ArrayList<>();
  private final List<Pod> pods = new ArrayList<>();
  private final List<NetworkPolicy> policies = new ArrayList<>();

  AntreaShapes(GeneratorSpec spec, Random random, AddressPlan addresses) {
    this.spec = spec;
    this.random = random;
    this.addresses = addresses;
  }

  Cluster generate() {
    switch (spec.shape()) {
      case ANTREA_SMALL_NAMESPACES:
        smallNamespaces();
        break;
      case ANTREA_ONE_NAMESPACE:
        oneNamespace();
        break;
      case ANTREA_CLUSTER_SCOPED:
        clusterScoped();
        break;
      default:
        throw new IllegalArgumentException("not an Antrea shape: " + spec.shape());
    }
    return new Cluster(namespaces, pods, ClusterGenerator.nodes(spec, addresses), policies);
  }

  private void smallNamespaces() {
    Map<String, String> app1 = Map.of("app-1", "scale-1");
    Map<String, String> app2 = Map.of("app-2", "scale-2");
    for (int i = 0; i < spec.namespaces(); i++) {
      String ns = Names.unique(random, "", 8, takenNames);
      namespaces.add(Namespace.of(ns, Map.of("app", ns)));
      policies.add(policy(ns, "default-deny-all", Map.of(), null, null));
      policies.add(policy(ns, "np-1", app1, app1, null));
      policies.add(policy(ns, "np-2", app2, app2, null));
      pod(ns, "pod1", app1);
      pod(ns, "pod2", app1);
      pod(ns, "pod3", app2);
      pod(ns, "pod4", app2);
    }
  }

  private void oneNamespace() {
    Map<String, String> app1 = Map.of("app-1", "scale-1");
    String ns = Names.unique(random, "", 8, takenNames);
    namespaces.add(Namespace.of(ns, Map.of("app", ns)));
    Set<String> podNames = new HashSet<>();
    Set<String> policyNames = new HashSet<>();
    for (int i = 0; i < Math.max(spec.pods(), spec.policies()); i++) {
      if (i < spec.policies()) {
        policies.add(policy(ns, Names.unique(random, "np-", 8, policyNames), app1, app1, null));
      }
      if (i < spec.pods()) {
        pod(ns, Names.unique(random, "pod-", 8, podNames), app1);
      }
    }
  }

  private void clusterScoped() {
    for (int i = 0; i < spec.namespaces(); i++) {
      String company = "company-" + (i % 100);
      String ns = Names.unique(random, company + "-", 8, takenNames);
      Map<String, String> nsLabels = Map.of("company", company);
      namespaces.add(Namespace.of(ns, nsLabels));
      for (int j = 0; j < 10; j++) {
        Map<String, String> app = Map.of("app", "scale-" + j);
        policies.add(policy(ns, "np-" + j, app, app, nsLabels));
        for (int k = 0; k < 10; k++) {
          pod(ns, "pod-" + j + "-" + k, app);
        }
      }
    }
  }

  /** A policy of types Ingress+Egress; one ingress rule when a peer selector is given. */
  private static NetworkPolicy policy(String ns, String name, Map<String, String> subject,
      Map<String, String> peerPods, Map<String, String> peerNamespaces) {
    List<PolicyRule> ingress = new ArrayList<>();
    if (peerPods != null || peerNamespaces != null) {
      Peer peer = new Peer(Optional.ofNullable(peerPods).map(LabelSelector::ofLabels),
          Optional.ofNullable(peerNamespaces).map(LabelSelector::ofLabels), Optional.empty());
      ingress.add(new PolicyRule(List.of(peer), List.of()));
    }
    return NetworkPolicy.of(ns, name, LabelSelector.ofLabels(subject), BOTH_TYPES, ingress, List.of());
  }

  private void pod(String ns, String name, Map<String, String> labels) {
    String node = "node-" + random.nextInt(spec.nodes());
    pods.add(new Pod(ns, name, labels, addresses.pod(pods.size()), node, false, "Running", List.of(), List.of(),
        SourcePosition.UNKNOWN));
  }
}
