package dev.netpolc.model.generate;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A cluster shaped like real ones. Namespace 0 is {@code kube-system} with the DNS deployment;
 * the others belong to teams and environments. Pods come in deployments of 1 to 20 replicas
 * sharing {@code app}, {@code tier} and {@code pod-template-hash} labels, with named container
 * ports whose numbers differ between tiers. Policies: first a default deny per namespace (a third
 * of them also deny egress and so come with an allow-DNS policy), then allow policies for random
 * deployments: same-namespace pod peers on named ports, pod-and-namespace peers, namespace
 * peers by expression, ipBlocks with excepts and port ranges, ingress+egress with DNS, egress to
 * the internet minus private ranges, and allow-all-in-namespace; policyTypes written or left to
 * defaulting.
 */
final class RealisticShape {
  private static final String[] TEAMS = {"payments", "search", "checkout", "identity", "catalog", "billing",
      "ads", "media", "growth", "data", "infra", "support", "mobile", "web", "risk", "ledger", "notify", "maps",
      "social", "ml"};
  private static final String[] ENVS = {"prod", "staging", "dev"};
  private static final String[] APPS = {"api", "web", "worker", "gateway", "cart", "auth", "cache", "db", "queue",
      "indexer", "render", "export", "report", "sync", "feed"};
  private static final int[] REPLICAS = {1, 2, 2, 3, 3, 3, 5, 5, 10, 20};
  private static final String SYSTEM_NAMESPACE = "kube-system";
  private static final Map<String, String> DNS_LABELS = Map.of("k8s-app", "kube-dns");

  /** A deployment: its namespace, labels and container ports. */
  private record Deployment(String namespace, String app, String tier, Map<String, String> labels,
      List<ContainerPort> ports) {}

  private final GeneratorSpec spec;
  private final Random random;
  private final AddressPlan addresses;
  private final List<Namespace> namespaces = new ArrayList<>();
  private final List<Deployment> deployments = new ArrayList<>();
  private final Map<String, List<Deployment>> deploymentsByNamespace = new LinkedHashMap<>();
  private final List<Pod> pods = new ArrayList<>();
  private final List<NetworkPolicy> policies = new ArrayList<>();

  RealisticShape(GeneratorSpec spec, Random random, AddressPlan addresses) {
    this.spec = spec;
    this.random = random;
    this.addresses = addresses;
  }

  Cluster generate() {
    namespaces();
    podsAndDeployments();
    defaultDenies();
    int counter = 0;
    List<Deployment> apps = deployments.size() > 1 ? deployments.subList(1, deployments.size()) : deployments;
    while (policies.size() < spec.policies()) {
      if (apps.isEmpty()) {
        namespaceWide(namespaces.get(random.nextInt(namespaces.size())).name(), counter++);
      } else {
        allow(apps.get(random.nextInt(apps.size())), counter++);
      }
    }
    return new Cluster(namespaces, pods, ClusterGenerator.nodes(spec, addresses), policies);
  }

  private void namespaces() {
    namespaces.add(Namespace.of(SYSTEM_NAMESPACE, Map.of("team", "infra", "env", "prod")));
    for (int i = 1; i < spec.namespaces(); i++) {
      String team = TEAMS[random.nextInt(TEAMS.length)];
      String env = ENVS[random.nextInt(ENVS.length)];
      namespaces.add(Namespace.of(team + "-" + env + "-" + i, Map.of("team", team, "env", env)));
    }
  }

  private String appNamespace() {
    return namespaces.size() == 1 ? SYSTEM_NAMESPACE : namespaces.get(1 + random.nextInt(namespaces.size() - 1)).name();
  }

  private void podsAndDeployments() {
    int[] nodeOf = nodeAssignment();
    Set<String> podNames = new HashSet<>();
    while (pods.size() < spec.pods()) {
      Deployment d = deployments.isEmpty() ? dnsDeployment() : appDeployment(deployments.size());
      deployments.add(d);
      deploymentsByNamespace.computeIfAbsent(d.namespace(), k -> new ArrayList<>()).add(d);
      int replicas = deployments.size() == 1 ? 2 : REPLICAS[random.nextInt(REPLICAS.length)];
      String hash = d.labels().get("pod-template-hash");
      for (int i = 0; i < replicas && pods.size() < spec.pods(); i++) {
        String name = Names.unique(random, d.app() + "-" + hash + "-", 5, podNames);
        int index = pods.size();
        pods.add(new Pod(d.namespace(), name, d.labels(), addresses.pod(index), "node-" + nodeOf[index], false,
            "Running", d.ports(), List.of(), SourcePosition.UNKNOWN));
      }
    }
  }

  /** Node of each pod: exactly {@code focusNodePods} on node-0 when asked, otherwise uniform. */
  private int[] nodeAssignment() {
    int[] nodeOf = new int[spec.pods()];
    if (spec.focusNodePods() == 0) {
      for (int i = 0; i < nodeOf.length; i++) {
        nodeOf[i] = random.nextInt(spec.nodes());
      }
      return nodeOf;
    }
    int others = spec.nodes() - 1;
    for (int i = 0; i < nodeOf.length; i++) {
      nodeOf[i] = others == 0 ? 0 : 1 + random.nextInt(others);
    }
    // A partial Fisher-Yates shuffle picks which pods run on the focus node.
    int[] order = new int[nodeOf.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = 0; i < spec.focusNodePods(); i++) {
      int j = i + random.nextInt(order.length - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
      nodeOf[order[i]] = 0;
    }
    return nodeOf;
  }

  private Deployment dnsDeployment() {
    Map<String, String> labels = new LinkedHashMap<>(DNS_LABELS);
    labels.put("pod-template-hash", Names.random(random, 10));
    return new Deployment(SYSTEM_NAMESPACE, "coredns", "dns", labels, List.of(
        new ContainerPort("dns", 53, Protocol.UDP), new ContainerPort("dns-tcp", 53, Protocol.TCP),
        new ContainerPort("metrics", 9153, Protocol.TCP)));
  }

  private Deployment appDeployment(int index) {
    String app = APPS[random.nextInt(APPS.length)] + "-" + index;
    String tier;
    List<ContainerPort> ports;
    switch (random.nextInt(5)) {
      case 0:
        tier = "frontend";
        ports = List.of(new ContainerPort("http", 80, Protocol.TCP), new ContainerPort("metrics", 9090, Protocol.TCP));
        break;
      case 1:
        tier = "db";
        ports = List.of(new ContainerPort("postgres", 5432, Protocol.TCP));
        break;
      case 2:
        tier = "cache";
        ports = List.of(new ContainerPort("redis", 6379, Protocol.TCP));
        break;
      default:
        tier = "backend";
        ports = List.of(new ContainerPort("http", 8080, Protocol.TCP), new ContainerPort("grpc", 9000, Protocol.TCP),
            new ContainerPort("metrics", 9090, Protocol.TCP));
        break;
    }
    Map<String, String> labels = Map.of("app", app, "tier", tier, "pod-template-hash", Names.random(random, 10));
    return new Deployment(appNamespace(), app, tier, labels, ports);
  }

  /** One default deny per app namespace; a third deny egress too and get an allow-DNS policy. */
  private void defaultDenies() {
    for (int i = namespaces.size() == 1 ? 0 : 1; i < namespaces.size() && policies.size() < spec.policies(); i++) {
      String ns = namespaces.get(i).name();
      if (random.nextInt(3) == 0) {
        add(NetworkPolicy.of(ns, "default-deny-all", LabelSelector.EVERYTHING, List.of("Ingress", "Egress"),
            List.of(), List.of()));
        add(NetworkPolicy.of(ns, "allow-dns", LabelSelector.EVERYTHING, List.of("Egress"), List.of(),
            List.of(dnsRule())));
      } else {
        add(NetworkPolicy.of(ns, "default-deny-ingress", LabelSelector.EVERYTHING, List.of("Ingress"), List.of(),
            List.of()));
      }
    }
  }

  private void add(NetworkPolicy p) {
    if (policies.size() < spec.policies()) {
      policies.add(p);
    }
  }

  private void allow(Deployment d, int counter) {
    LabelSelector subject = LabelSelector.ofLabels(Map.of("app", d.app()));
    String ns = d.namespace();
    int kind = random.nextInt(20);
    if (kind < 7) {
      // Same-namespace callers on the deployment's first (named) port; types left to defaulting half the time.
      add(NetworkPolicy.of(ns, "allow-" + d.app() + "-from-peers-" + counter, subject,
          random.nextBoolean() ? List.of() : List.of("Ingress"),
          List.of(new PolicyRule(List.of(Peer.pods(sameNamespaceCaller(d))), List.of(namedPort(d)))), List.of()));
    } else if (kind < 10) {
      String team = TEAMS[random.nextInt(TEAMS.length)];
      Peer peer = new Peer(Optional.of(LabelSelector.ofLabels(Map.of("tier", "frontend"))),
          Optional.of(LabelSelector.ofLabels(Map.of("team", team))), Optional.empty());
      add(NetworkPolicy.of(ns, "allow-" + d.app() + "-from-" + team + "-" + counter, subject, List.of("Ingress"),
          List.of(new PolicyRule(List.of(peer), List.of(numericPort(d)))), List.of()));
    } else if (kind < 12) {
      LabelSelector envs = new LabelSelector(Map.of(), List.of(LabelSelectorRequirement.of("env",
          LabelSelectorRequirement.Operator.In, "prod", "staging")));
      add(NetworkPolicy.of(ns, "allow-" + d.app() + "-monitoring-" + counter, subject, List.of("Ingress"),
          List.of(new PolicyRule(List.of(Peer.namespaces(envs)), List.of(namedPort(d)))), List.of()));
    } else if (kind < 14) {
      add(NetworkPolicy.of(ns, "allow-" + d.app() + "-external-" + counter, subject, List.of("Ingress"),
          List.of(new PolicyRule(externalPeers(), List.of(PolicyPort.of(Protocol.TCP, PortValue.of(443), null),
              PolicyPort.of(Protocol.TCP, PortValue.of(8000), 8100)))), List.of()));
    } else if (kind < 18) {
      List<PolicyRule> egress = new ArrayList<>();
      egress.add(dnsRule());
      Deployment callee = sameNamespaceDeployment(d);
      egress.add(new PolicyRule(List.of(Peer.pods(LabelSelector.ofLabels(Map.of("app", callee.app())))),
          List.of(numericPort(callee))));
      add(NetworkPolicy.of(ns, "allow-" + d.app() + "-in-out-" + counter, subject, List.of("Ingress", "Egress"),
          List.of(new PolicyRule(List.of(Peer.pods(sameNamespaceCaller(d))), List.of(namedPort(d)))), egress));
    } else if (kind < 19) {
      add(NetworkPolicy.of(ns, "allow-" + d.app() + "-internet-" + counter, subject, List.of("Egress"), List.of(),
          List.of(new PolicyRule(internetPeers(), List.of(PolicyPort.of(Protocol.TCP, PortValue.of(443), null))))));
    } else {
      namespaceWide(ns, counter);
    }
  }

  /** Every pod of the namespace may reach every other; types left to defaulting. */
  private void namespaceWide(String ns, int counter) {
    add(NetworkPolicy.of(ns, "allow-same-namespace-" + counter, LabelSelector.EVERYTHING, List.of(),
        List.of(new PolicyRule(List.of(Peer.pods(LabelSelector.EVERYTHING)), List.of())), List.of()));
  }

  /** Egress to the cluster DNS on UDP and TCP 53. */
  private static PolicyRule dnsRule() {
    Peer dns = new Peer(Optional.of(LabelSelector.ofLabels(DNS_LABELS)),
        Optional.of(LabelSelector.ofLabels(Map.of(Namespace.NAME_LABEL, SYSTEM_NAMESPACE))), Optional.empty());
    return new PolicyRule(List.of(dns), List.of(PolicyPort.of(Protocol.UDP, PortValue.of(53), null),
        PolicyPort.of(Protocol.TCP, PortValue.of(53), null)));
  }

  /** A load-balancer range with one subnet carved out (and its IPv6 counterpart when dual-stack). */
  private List<Peer> externalPeers() {
    int k = random.nextInt(256);
    List<Peer> peers = new ArrayList<>();
    peers.add(Peer.ipBlock(new IpBlock("172.16.0.0/12", List.of("172.16." + k + ".0/24"))));
    if (spec.dualStack()) {
      peers.add(Peer.ipBlock(new IpBlock("2001:db8::/32", List.of("2001:db8:" + Integer.toHexString(k) + "::/48"))));
    }
    return peers;
  }

  /** Anywhere but the pod, node and metadata ranges. */
  private List<Peer> internetPeers() {
    List<Peer> peers = new ArrayList<>();
    peers.add(Peer.ipBlock(new IpBlock("0.0.0.0/0", List.of(AddressPlan.POD_V4_RANGE, AddressPlan.NODE_V4_RANGE,
        "169.254.169.254/32"))));
    if (spec.dualStack()) {
      peers.add(Peer.ipBlock(new IpBlock("::/0", List.of("fd00::/8"))));
    }
    return peers;
  }

  /** Another deployment's app label in the same namespace, or the frontend tier when there is none. */
  private LabelSelector sameNamespaceCaller(Deployment d) {
    Deployment other = sameNamespaceDeployment(d);
    return other == d ? LabelSelector.ofLabels(Map.of("tier", "frontend"))
        : LabelSelector.ofLabels(Map.of("app", other.app()));
  }

  private Deployment sameNamespaceDeployment(Deployment d) {
    List<Deployment> candidates = deploymentsByNamespace.get(d.namespace());
    return candidates.get(random.nextInt(candidates.size()));
  }

  private static PolicyPort namedPort(Deployment d) {
    ContainerPort p = d.ports().get(0);
    return PolicyPort.of(p.protocol(), PortValue.named(p.name()), null);
  }

  private static PolicyPort numericPort(Deployment d) {
    ContainerPort p = d.ports().get(d.ports().size() - 1);
    return PolicyPort.of(p.protocol(), PortValue.of(p.containerPort()), null);
  }
}
