package dev.netpolc.compiler.convert;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.EndpointSlice;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumDirection;
import dev.netpolc.model.cilium.CiliumEntity;
import dev.netpolc.model.cilium.CiliumLabels;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumPort;
import dev.netpolc.model.cilium.CiliumPortRule;
import dev.netpolc.model.cilium.CiliumRule;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.RuleAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cilium policies as NetworkPolicies and ClusterNetworkPolicies (SEMANTICS-CILIUM.md →
 * SEMANTICS.md and SEMANTICS-TIERS.md). Each Cilium rule ({@code spec} or {@code specs[i]}) is
 * converted on its own, per direction:
 * <ul>
 *   <li>deny sections → an Admin-tier ClusterNetworkPolicy of Deny rules at priority
 *       {@value #DENY_PRIORITY}: Cilium's deny beats every allow, and the Admin tier decides before
 *       everything else;</li>
 *   <li>ingress allows of a CiliumNetworkPolicy rule that puts its subjects in ingress default deny
 *       → a NetworkPolicy of the same namespace and selector: NetworkPolicy allows union like
 *       Cilium's, and its ingress isolation is Cilium's default deny (addresses outside the cluster
 *       included, the own node exempt in both);</li>
 *   <li>allows that do not isolate ({@code enableDefaultDeny: false}) → Admin Accept rules at
 *       priority {@value #ACCEPT_PRIORITY}, after every Deny;</li>
 *   <li>an egress default deny (of either kind) → Admin Accept for the rule's egress allows and a
 *       Baseline Deny of all egress for its subjects (Baseline decides only where no NetworkPolicy
 *       isolates the pod, and there Cilium's allows are the Admin Accepts already passed). Not
 *       NetworkPolicy egress isolation: that exempts the pod's own node, Cilium's does not. A
 *       CiliumClusterwideNetworkPolicy's ingress default deny is refused: ClusterNetworkPolicy
 *       ingress peers are pods only, so addresses outside the cluster would stay allowed.</li>
 * </ul>
 * Peers: endpoint selectors split into a namespace part ({@code io.kubernetes.pod.namespace},
 * {@code io.cilium.k8s.namespace.labels.*}) and a pod part; entities {@code all}, {@code cluster}
 * (egress), {@code host}+{@code remote-node} together (egress), {@code kube-apiserver} (its
 * addresses, inventory-dependent), {@code world} (NetworkPolicy only: every address but today's
 * pods' and nodes', inventory-dependent); CIDRs only where they overlap no pod, node or pod CIDR (Cilium's
 * never match those, the targets' do). ICMP, service-account and cluster keys, {@code reserved:}
 * selectors and the rest are refused, naming the rule and why. The NetworkPolicy target takes only
 * the NetworkPolicy-shaped part: no denies, no non-isolating allows, no cluster-wide policies.
 */
final class CiliumSourceConversion {
  static final int DENY_PRIORITY = 0;
  static final int ACCEPT_PRIORITY = 1;
  static final int BASELINE_PRIORITY = 0;
  private static final int MAX_NETWORKS = 25;
  private static final String KIND_PREFIX = "cilium.io ";
  private static final List<String> ALL_NETWORKS = List.of("0.0.0.0/0", "::/0");

  private final Cluster input;
  private final ConvertTarget target;
  private final ClusterAddresses addresses;
  private final List<ConvertedObject> objects = new ArrayList<>();
  private final List<Refusal> refusals = new ArrayList<>();
  private final ObjectNames clusterNames = new ObjectNames();
  private final Map<String, ObjectNames> npNames = new HashMap<>();

  /** Refusal of one rule part: thrown inside, collected per rule. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final String path;

    Refused(String path, String why) {
      super(why, null, false, false);
      this.path = path;
    }
  }

  private CiliumSourceConversion(Cluster input, ConvertTarget target, List<ConvertedObject> existing) {
    this.input = input;
    this.target = target;
    this.addresses = new ClusterAddresses(input);
    for (ConvertedObject o : existing) {
      if (o.namespace().isEmpty()) {
        clusterNames.reserve(o.name());
      } else {
        npNames.computeIfAbsent(o.namespace(), n -> new ObjectNames()).reserve(o.name());
      }
    }
  }

  /**
   * The Cilium policies of {@code input} in {@code target} (networkpolicy or clusternetworkpolicy),
   * named clear of {@code existing}'s names.
   */
  static TieredConversion.Result convert(Cluster input, ConvertTarget target, List<ConvertedObject> existing) {
    CiliumSourceConversion c = new CiliumSourceConversion(input, target, existing);
    List<CiliumPolicy> policies = new ArrayList<>(input.cilium().policies());
    policies.sort(Comparator.comparing((CiliumPolicy p) -> p.kind()).thenComparing(CiliumPolicy::namespace)
        .thenComparing(CiliumPolicy::name));
    for (CiliumPolicy p : policies) {
      List<CiliumRule> rules = p.rules();
      for (int i = 0; i < rules.size(); i++) {
        c.rule(p, rules.get(i), rules.size() == 1 ? p.name() : p.name() + "-" + i);
      }
    }
    // Output order: NetworkPolicies by namespace and name, then cluster policies by tier, priority, name.
    List<ConvertedObject> out = new ArrayList<>(c.objects);
    out.sort(Comparator.comparing((ConvertedObject o) -> o.namespace().isEmpty())
        .thenComparing(o -> o instanceof ConvertedObject.ClusterPolicyObject cp ? cp.policy().tier() : "")
        .thenComparingInt(o -> o instanceof ConvertedObject.ClusterPolicyObject cp ? cp.policy().priority() : 0)
        .thenComparing(ConvertedObject::namespace).thenComparing(ConvertedObject::name));
    return new TieredConversion.Result(out, c.refusals);
  }

  private static Provenance from(CiliumPolicy p) {
    return Provenance.of(KIND_PREFIX + p.kind().kindName(), p.clusterwide() ? "" : p.namespace(), p.name());
  }

  private void refuse(CiliumPolicy p, String path, String why) {
    SourcePosition at = p.source().has(path) ? p.source().find(path) : p.position();
    refusals.add(new Refusal(from(p).rule(path), at, why));
  }

  private void rule(CiliumPolicy p, CiliumRule r, String baseName) {
    Provenance from = from(p).rule(r.path());
    int before = refusals.size();
    Selectors subject;
    try {
      subject = subject(p, r);
    } catch (Refused e) {
      refuse(p, e.path, e.getMessage());
      return;
    }
    List<ClusterPolicyRule> denyIn = new ArrayList<>();
    List<ClusterPolicyRule> denyOut = new ArrayList<>();
    List<ClusterPolicyRule> acceptIn = new ArrayList<>();
    List<ClusterPolicyRule> acceptOut = new ArrayList<>();
    List<PolicyRule> npIn = new ArrayList<>();
    List<String> npTypes = new ArrayList<>();
    boolean baselineEgressDeny = false;
    // What each object takes from today's inventory (empty: exact).
    Set<String> npWhy = new TreeSet<>();
    Set<String> denyWhy = new TreeSet<>();
    Set<String> acceptWhy = new TreeSet<>();
    for (CiliumDirection d : CiliumDirection.values()) {
      boolean in = d == CiliumDirection.INGRESS;
      List<CiliumPeerRule> denies = in ? r.ingressDeny() : r.egressDeny();
      List<CiliumPeerRule> allows = in ? r.ingress() : r.egress();
      boolean isolates = r.defaultDeny(d);
      for (CiliumPeerRule pr : denies) {
        if (target == ConvertTarget.NETWORK_POLICY) {
          refuse(p, pr.path(), "NetworkPolicy has no deny rules (Cilium's deny beats every allow)");
          continue;
        }
        clusterRule(p, pr, RuleAction.DENY, denyWhy).ifPresent((in ? denyIn : denyOut)::add);
      }
      if (isolates && in && !p.clusterwide()) {
        // Ingress default deny is NetworkPolicy isolation: outside addresses denied, the own node exempt.
        npTypes.add("Ingress");
        if (!subject.namespace.equals(LabelSelector.EVERYTHING)) {
          refuse(p, r.path() + ".endpointSelector", "the NetworkPolicy that carries this rule's default deny cannot"
              + " select pods by their namespace's labels (io.cilium.k8s.namespace.labels keys)");
          continue;
        }
        for (CiliumPeerRule pr : allows) {
          networkPolicyRule(p, pr, npWhy).ifPresent(npIn::add);
        }
        continue;
      }
      if (target == ConvertTarget.NETWORK_POLICY) {
        if (isolates || !allows.isEmpty()) {
          refuse(p, allows.isEmpty() ? r.path() : allows.get(0).path(), p.clusterwide()
              ? "a cluster-wide policy has no NetworkPolicy counterpart (NetworkPolicies are namespaced)"
              : isolates ? "an egress default deny has no NetworkPolicy counterpart: NetworkPolicy exempts egress to"
                  + " the pod's own node, Cilium's default deny does not"
              : "an allow that puts no pod in default deny (enableDefaultDeny false) has no NetworkPolicy counterpart"
                  + " (a NetworkPolicy always isolates the pods it selects)");
        }
        continue;
      }
      if (isolates && in) {
        refuse(p, r.path(), "a cluster-wide ingress default deny has no ClusterNetworkPolicy counterpart: its"
            + " ingress peers are pods only, so addresses outside the cluster would stay allowed");
        continue;
      }
      // Egress default deny: the allows as Admin Accepts, then a Baseline Deny of everything, which
      // (unlike NetworkPolicy isolation) covers the pod's own node as Cilium's default deny does.
      baselineEgressDeny |= isolates;
      for (CiliumPeerRule pr : allows) {
        clusterRule(p, pr, RuleAction.ACCEPT, acceptWhy).ifPresent((in ? acceptIn : acceptOut)::add);
      }
    }
    if (refusals.size() > before) {
      return;
    }
    if (!npTypes.isEmpty()) {
      String name = npNames.computeIfAbsent(p.namespace(), n -> new ObjectNames()).unique(baseName);
      NetworkPolicy np = NetworkPolicy.of(p.namespace(), name, subject.pods, npTypes, npIn, List.of());
      objects.add(new ConvertedObject.NetworkPolicyObject(np, from, exactness(npWhy), List.copyOf(npWhy)));
    }
    ClusterPolicySubject cnpSubject = subject.pods.equals(LabelSelector.EVERYTHING)
        ? ClusterPolicySubject.namespaces(subject.namespaceSelector(p))
        : ClusterPolicySubject.pods(subject.namespaceSelector(p), subject.pods);
    if (!denyIn.isEmpty() || !denyOut.isEmpty()) {
      ClusterNetworkPolicy cnp = ClusterNetworkPolicy.of(clusterNames.unique(baseName + "-deny"), PolicyTier.ADMIN,
          DENY_PRIORITY, cnpSubject, denyIn, denyOut);
      objects.add(new ConvertedObject.ClusterPolicyObject(cnp, from, exactness(denyWhy), List.copyOf(denyWhy)));
    }
    if (!acceptIn.isEmpty() || !acceptOut.isEmpty()) {
      ClusterNetworkPolicy cnp = ClusterNetworkPolicy.of(clusterNames.unique(baseName + "-allow"), PolicyTier.ADMIN,
          ACCEPT_PRIORITY, cnpSubject, acceptIn, acceptOut);
      objects.add(new ConvertedObject.ClusterPolicyObject(cnp, from, exactness(acceptWhy), List.copyOf(acceptWhy)));
    }
    if (baselineEgressDeny) {
      ClusterPolicyRule denyAll = new ClusterPolicyRule(Optional.of("default-deny"), RuleAction.DENY.apiName(),
          List.of(ClusterPolicyPeer.networks(ALL_NETWORKS)), Optional.empty());
      ClusterNetworkPolicy cnp = ClusterNetworkPolicy.of(clusterNames.unique(baseName + "-default-deny"),
          PolicyTier.BASELINE, BASELINE_PRIORITY, cnpSubject, List.of(), List.of(denyAll));
      // Exact only together with the Accepts it stands behind.
      objects.add(new ConvertedObject.ClusterPolicyObject(cnp, from, exactness(acceptWhy), List.copyOf(acceptWhy)));
    }
  }

  private static Exactness exactness(Set<String> why) {
    return why.isEmpty() ? Exactness.EXACT : Exactness.INVENTORY_DEPENDENT;
  }

  /** A selector split into its namespace part and its pod part (plain Kubernetes keys). */
  private record Selectors(LabelSelector namespace, LabelSelector pods, boolean anyNamespace) {
    /** The subjects' namespaces: a CiliumNetworkPolicy's are in its own namespace. */
    LabelSelector namespaceSelector(CiliumPolicy p) {
      return p.clusterwide() ? namespace : and(namespace, Namespace.NAME_LABEL, p.namespace());
    }
  }

  private static LabelSelector and(LabelSelector s, String key, String value) {
    Map<String, String> labels = new LinkedHashMap<>(s.matchLabels());
    if (labels.containsKey(key) && !labels.get(key).equals(value)) {
      // Both cannot hold: keep the contradiction as written, it selects nothing.
      List<LabelSelectorRequirement> exprs = new ArrayList<>(s.matchExpressions());
      exprs.add(LabelSelectorRequirement.of(key, LabelSelectorRequirement.Operator.In, value));
      return new LabelSelector(labels, exprs);
    }
    labels.put(key, value);
    return new LabelSelector(labels, s.matchExpressions());
  }

  private Selectors subject(CiliumPolicy p, CiliumRule r) throws Refused {
    String path = r.path() + ".endpointSelector";
    if (r.endpointSelector().isEmpty()) {
      throw new Refused(r.path(), "a rule without endpointSelector (host policies) is not converted");
    }
    return split(r.endpointSelector().get(), path, !p.clusterwide());
  }

  /**
   * Splits a Cilium selector. {@code ignorePodNamespace}: a CiliumNetworkPolicy's endpointSelector,
   * where namespace requirements are ignored.
   */
  private static Selectors split(LabelSelector cilium, String path, boolean ignorePodNamespace) throws Refused {
    if (CiliumLabels.selectsReserved(cilium)) {
      throw new Refused(path, "reserved: labels select Cilium identities that have no Kubernetes selector");
    }
    LabelSelector plain = CiliumLabels.normalise(cilium);
    Map<String, String> nsLabels = new LinkedHashMap<>();
    Map<String, String> podLabels = new LinkedHashMap<>();
    List<LabelSelectorRequirement> nsExprs = new ArrayList<>();
    List<LabelSelectorRequirement> podExprs = new ArrayList<>();
    boolean namedNamespace = false;
    for (Map.Entry<String, String> e : plain.matchLabels().entrySet()) {
      Optional<String> ns = namespaceKey(e.getKey(), path);
      if (ns.isPresent()) {
        namedNamespace = true;
        if (!(ignorePodNamespace && e.getKey().equals(CiliumLabels.POD_NAMESPACE))) {
          nsLabels.put(ns.get(), e.getValue());
        }
      } else {
        podLabels.put(e.getKey(), e.getValue());
      }
    }
    for (LabelSelectorRequirement q : plain.matchExpressions()) {
      Optional<String> ns = namespaceKey(q.key(), path);
      if (ns.isPresent()) {
        namedNamespace = true;
        if (!(ignorePodNamespace && q.key().equals(CiliumLabels.POD_NAMESPACE))) {
          nsExprs.add(new LabelSelectorRequirement(ns.get(), q.operator(), q.values()));
        }
      } else {
        podExprs.add(q);
      }
    }
    return new Selectors(new LabelSelector(nsLabels, nsExprs), new LabelSelector(podLabels, podExprs),
        !namedNamespace);
  }

  /** The namespace label a Cilium key stands for, empty for a pod label; refused for keys with no counterpart. */
  private static Optional<String> namespaceKey(String key, String path) throws Refused {
    if (key.equals(CiliumLabels.POD_NAMESPACE)) {
      return Optional.of(Namespace.NAME_LABEL);
    }
    if (key.startsWith(CiliumLabels.NAMESPACE_LABELS_PREFIX)) {
      return Optional.of(key.substring(CiliumLabels.NAMESPACE_LABELS_PREFIX.length()));
    }
    if (key.equals(CiliumLabels.SERVICE_ACCOUNT) || key.equals(CiliumLabels.CLUSTER) || key.contains(":")) {
      throw new Refused(path, "the key " + key + " is a Cilium identity label with no Kubernetes selector counterpart");
    }
    return Optional.empty();
  }

  /** The namespace part of a peer selector, with the implicit restriction of a CiliumNetworkPolicy. */
  private static LabelSelector peerNamespaces(CiliumPolicy p, Selectors s) {
    if (s.anyNamespace && !p.clusterwide()) {
      return LabelSelector.ofLabels(Map.of(Namespace.NAME_LABEL, p.namespace()));
    }
    return s.namespace;
  }

  private Optional<ClusterPolicyRule> clusterRule(CiliumPolicy p, CiliumPeerRule pr, RuleAction action,
      Set<String> inventoryDependent) {
    try {
      boolean in = pr.direction() == CiliumDirection.INGRESS;
      List<ClusterPolicyPeer> peers = new ArrayList<>();
      if (!pr.hasL3() || pr.entities().map(l -> l.contains(CiliumEntity.ALL.text())).orElse(false)) {
        if (in) {
          throw new Refused(pr.path(), "it matches every source, and ClusterNetworkPolicy ingress peers are pods only"
              + " (addresses outside the cluster and nodes cannot be named)");
        }
        peers.add(ClusterPolicyPeer.networks(ALL_NETWORKS));
      } else {
        for (LabelSelector s : pr.endpoints().orElse(List.of())) {
          Selectors split = split(s, pr.fieldPath("Endpoints"), false);
          LabelSelector ns = peerNamespaces(p, split);
          peers.add(split.pods.equals(LabelSelector.EVERYTHING) ? ClusterPolicyPeer.namespaces(ns)
              : ClusterPolicyPeer.pods(ns, split.pods));
        }
        List<String> cidrs = cidrs(pr, false);
        cidrs.forEach(c -> addresses.futurePodCaveat(c).ifPresent(inventoryDependent::add));
        if (!cidrs.isEmpty()) {
          if (in) {
            throw new Refused(pr.fieldPath("CIDR"), "ClusterNetworkPolicy ingress peers cannot name addresses");
          }
          peers.add(ClusterPolicyPeer.networks(cidrs));
        }
        Set<CiliumEntity> entities = entities(pr);
        if (entities.contains(CiliumEntity.WORLD) || entities.contains(CiliumEntity.WORLD_IPV4)
            || entities.contains(CiliumEntity.WORLD_IPV6)) {
          throw new Refused(pr.fieldPath("Entities"), "world (every address but pods' and nodes') has no"
              + " ClusterNetworkPolicy counterpart: its networks match pods and nodes too and have no except");
        }
        if (entities.contains(CiliumEntity.CLUSTER)) {
          if (in) {
            throw new Refused(pr.fieldPath("Entities"), "cluster includes nodes, and ClusterNetworkPolicy ingress"
                + " peers are pods only");
          }
          peers.add(ClusterPolicyPeer.namespaces(LabelSelector.EVERYTHING));
          peers.add(ClusterPolicyPeer.nodes(LabelSelector.EVERYTHING));
        }
        boolean host = entities.contains(CiliumEntity.HOST);
        boolean remote = entities.contains(CiliumEntity.REMOTE_NODE);
        if (host || remote) {
          if (in || host != remote) {
            throw new Refused(pr.fieldPath("Entities"), in
                ? "ClusterNetworkPolicy ingress peers cannot name nodes"
                : "ClusterNetworkPolicy nodes peers cannot tell the pod's own node (host) from the others"
                    + " (remote-node); only both together convert");
          }
          peers.add(ClusterPolicyPeer.nodes(LabelSelector.EVERYTHING));
        }
        if (entities.contains(CiliumEntity.KUBE_APISERVER)) {
          if (in) {
            throw new Refused(pr.fieldPath("Entities"), "ClusterNetworkPolicy ingress peers cannot name addresses");
          }
          List<String> api = apiServer(pr);
          if (!api.isEmpty()) {
            peers.add(ClusterPolicyPeer.networks(api));
          }
          inventoryDependent.add("kube-apiserver as today's API server addresses");
        }
        if (peers.isEmpty()) {
          return Optional.empty(); // selects no peer: the rule matches nothing
        }
      }
      Optional<List<ClusterPolicyProtocol>> protocols = protocols(pr, inventoryDependent);
      if (protocols.isPresent() && protocols.get().isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new ClusterPolicyRule(Optional.empty(), action.apiName(), peers, protocols));
    } catch (Refused e) {
      refuse(p, e.path, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<PolicyRule> networkPolicyRule(CiliumPolicy p, CiliumPeerRule pr,
      Set<String> inventoryDependent) {
    try {
      List<Peer> peers = new ArrayList<>();
      if (pr.hasL3() && !pr.entities().map(l -> l.contains(CiliumEntity.ALL.text())).orElse(false)) {
        for (LabelSelector s : pr.endpoints().orElse(List.of())) {
          Selectors split = split(s, pr.fieldPath("Endpoints"), false);
          if (split.anyNamespace) {
            peers.add(Peer.pods(split.pods));
          } else {
            peers.add(new Peer(Optional.of(split.pods), Optional.of(split.namespace), Optional.empty()));
          }
        }
        for (String c : cidrs(pr, true)) {
          addresses.futurePodCaveat(c).ifPresent(inventoryDependent::add);
          peers.add(Peer.ipBlock(ipBlock(pr, c)));
        }
        Set<CiliumEntity> entities = entities(pr);
        if (entities.contains(CiliumEntity.CLUSTER)) {
          peers.add(Peer.namespaces(LabelSelector.EVERYTHING));
        }
        if (entities.contains(CiliumEntity.HOST) || entities.contains(CiliumEntity.REMOTE_NODE)
            || entities.contains(CiliumEntity.CLUSTER)) {
          // Ingress only (NetworkPolicies carry ingress here): from the pod's own node it is allowed in
          // both dialects anyway, so host and remote-node are both the nodes' addresses.
          inventoryDependent.add("host, remote-node and cluster as today's node addresses");
          for (IpAddress a : ClusterAddresses.nodeAddresses(input)) {
            peers.add(Peer.ipBlock(new IpBlock(a + (a.v6() ? "/128" : "/32"), List.of())));
          }
        }
        boolean world4 = entities.contains(CiliumEntity.WORLD) || entities.contains(CiliumEntity.WORLD_IPV4);
        boolean world6 = entities.contains(CiliumEntity.WORLD) || entities.contains(CiliumEntity.WORLD_IPV6);
        if (world4 || world6) {
          // Every address but the cluster's: today's nodes' pod CIDRs and addresses are excepted.
          inventoryDependent.add("world as every address but today's pods' and nodes'");
          if (world4) {
            peers.add(Peer.ipBlock(world(false)));
          }
          if (world6) {
            peers.add(Peer.ipBlock(world(true)));
          }
        }
        if (entities.contains(CiliumEntity.KUBE_APISERVER)) {
          inventoryDependent.add("kube-apiserver as today's API server addresses");
          for (String a : apiServer(pr)) {
            peers.add(Peer.ipBlock(new IpBlock(a, List.of())));
          }
        }
        if (peers.isEmpty()) {
          return Optional.empty();
        }
      }
      List<PolicyPort> ports = new ArrayList<>();
      if (!pr.icmps().isEmpty()) {
        throw new Refused(pr.path() + ".icmps", "NetworkPolicy cannot match ICMP types");
      }
      for (CiliumPortRule r : pr.toPorts()) {
        if (r.ports().isEmpty()) {
          for (String proto : CiliumPort.ANY_PROTOCOLS) {
            ports.add(new PolicyPort(Optional.of(proto), Optional.empty(), Optional.empty()));
          }
        }
        for (CiliumPort port : r.ports()) {
          if (!port.named() && port.number() > 0 && port.endPort().isPresent()
              && port.endPort().getAsInt() < port.number()) {
            continue; // an empty range matches nothing
          }
          for (String proto : port.protocols()) {
            if (Protocol.parse(proto).isEmpty()) {
              throw new Refused(port.path(), "NetworkPolicy has no protocol " + proto);
            }
            Optional<PortValue> value = port.named() ? Optional.of(PortValue.named(port.port()))
                : port.number() == 0 ? Optional.empty() : Optional.of(PortValue.of(port.number()));
            boolean range = port.endPort().isPresent() && !port.named() && port.number() != 0
                && port.endPort().getAsInt() > port.number();
            Optional<Integer> end = range ? Optional.of(port.endPort().getAsInt()) : Optional.empty();
            ports.add(new PolicyPort(Optional.of(proto), value, end));
          }
        }
      }
      if (pr.hasL4() && ports.isEmpty()) {
        return Optional.empty(); // every port entry matches nothing, so does the rule (no ports would be all)
      }
      return Optional.of(new PolicyRule(peers, ports));
    } catch (Refused e) {
      refuse(p, e.path, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Every address of a family but today's pods' and nodes': Cilium's {@code world} as the inventory
   * stands (a pod started later at another address would be matched, hence inventory-dependent).
   */
  private IpBlock world(boolean v6) {
    List<String> except = new ArrayList<>();
    for (IpAddress a : ClusterAddresses.nodeAddresses(input)) {
      if (a.v6() == v6) {
        except.add(a + (v6 ? "/128" : "/32"));
      }
    }
    for (var pod : input.pods()) {
      for (IpAddress a : pod.ips()) {
        if (a.v6() == v6) {
          except.add(a + (v6 ? "/128" : "/32"));
        }
      }
    }
    return new IpBlock(v6 ? "::/0" : "0.0.0.0/0", except.stream().distinct().sorted().toList());
  }

  private List<String> apiServer(CiliumPeerRule pr) throws Refused {
    List<String> out = new ArrayList<>();
    for (EndpointSlice s : input.calico().endpointSlices("default", "kubernetes")) {
      for (IpAddress a : s.addresses()) {
        String c = a + (a.v6() ? "/128" : "/32");
        Optional<String> overlap = addresses.overlap(c);
        if (overlap.isPresent()) {
          throw new Refused(pr.fieldPath("Entities"), "kube-apiserver: " + overlap.get()
              + " (a node or pod address is matched by more than the API server there)");
        }
        out.add(c);
      }
    }
    return out.stream().distinct().sorted().toList();
  }

  /** The CIDRs of {@code fromCIDR}/{@code toCIDR} and CIDR sets; {@code except} only where {@code withExcept}. */
  private List<String> cidrs(CiliumPeerRule pr, boolean withExcept) throws Refused {
    List<String> out = new ArrayList<>();
    for (String c : pr.cidrs().orElse(List.of())) {
      checkCidr(pr.fieldPath("CIDR"), c);
      out.add(c);
    }
    for (CiliumCidrSet s : pr.cidrSets().orElse(List.of())) {
      checkCidr(s.path(), s.cidr());
      if (!s.except().isEmpty() && !withExcept) {
        // networks have no except: the prefixes that remain, exact.
        out.addAll(ClusterAddresses.subtract(s.cidr(), s.except(), MAX_NETWORKS).orElseThrow(() -> new Refused(
            s.path(), "the CIDR less its except takes more than " + MAX_NETWORKS + " prefixes, ClusterNetworkPolicy's"
                + " limit")));
        continue;
      }
      out.add(s.cidr());
    }
    return out;
  }

  private IpBlock ipBlock(CiliumPeerRule pr, String cidr) {
    for (CiliumCidrSet s : pr.cidrSets().orElse(List.of())) {
      if (s.cidr().equals(cidr) && !s.except().isEmpty()) {
        return new IpBlock(cidr, s.except());
      }
    }
    return new IpBlock(cidr, List.of());
  }

  private void checkCidr(String path, String cidr) throws Refused {
    Optional<String> overlap = addresses.overlap(cidr.contains("/") ? cidr : cidr + (cidr.contains(":") ? "/128"
        : "/32"));
    if (overlap.isPresent()) {
      throw new Refused(path, "Cilium CIDRs never match pods or nodes, the target's do, and " + overlap.get());
    }
  }

  private static Set<CiliumEntity> entities(CiliumPeerRule pr) {
    Set<CiliumEntity> out = EnumSet.noneOf(CiliumEntity.class);
    for (String e : pr.entities().orElse(List.of())) {
      CiliumEntity entity = CiliumEntity.of(e);
      if (entity != null && !entity.matchesNothing()) {
        out.add(entity);
      }
    }
    return out;
  }

  /** {@code protocols} for a ClusterNetworkPolicy rule: empty for every protocol; refused for ICMP. */
  private static Optional<List<ClusterPolicyProtocol>> protocols(CiliumPeerRule pr, Set<String> inventoryDependent)
      throws Refused {
    if (!pr.hasL4()) {
      return Optional.empty();
    }
    if (!pr.icmps().isEmpty()) {
      throw new Refused(pr.path() + ".icmps", "ClusterNetworkPolicy cannot match ICMP types");
    }
    List<ClusterPolicyProtocol> out = new ArrayList<>();
    for (CiliumPortRule r : pr.toPorts()) {
      if (r.ports().isEmpty()) {
        for (String proto : CiliumPort.ANY_PROTOCOLS) {
          out.add(protocol(proto, DestinationPort.range(1, 65535), r.path()));
        }
      }
      for (CiliumPort port : r.ports()) {
        if (port.named()) {
          // destinationNamedPort takes the protocol the pod declares; Cilium also checks the written one.
          if (!port.protocol().isEmpty() && !port.protocol().equals("ANY")) {
            inventoryDependent.add("named port " + port.port() + " with its written protocol " + port.protocol()
                + ": exact while every pod declares it so");
          }
          out.add(ClusterPolicyProtocol.namedPort(port.port()));
          continue;
        }
        int start = port.number();
        int end = port.endPort().isPresent() ? port.endPort().getAsInt() : start;
        DestinationPort dp = start == 0 ? DestinationPort.range(1, 65535)
            : end > start ? DestinationPort.range(start, end) : DestinationPort.number(start);
        if (start != 0 && end < start) {
          continue; // an empty range matches nothing
        }
        for (String proto : port.protocols()) {
          out.add(protocol(proto, dp, port.path()));
        }
      }
    }
    return Optional.of(out.stream().distinct().toList());
  }

  private static ClusterPolicyProtocol protocol(String proto, DestinationPort port, String path) throws Refused {
    switch (proto) {
      case "TCP":
        return ClusterPolicyProtocol.tcp(port);
      case "UDP":
        return ClusterPolicyProtocol.udp(port);
      case "SCTP":
        return ClusterPolicyProtocol.sctp(port);
      default:
        throw new Refused(path, "ClusterNetworkPolicy has no protocol " + proto);
    }
  }
}
