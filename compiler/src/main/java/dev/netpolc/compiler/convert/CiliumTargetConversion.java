package dev.netpolc.compiler.convert;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumDirection;
import dev.netpolc.model.cilium.CiliumEntity;
import dev.netpolc.model.cilium.CiliumKind;
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
import dev.netpolc.model.npa.NamespacedPods;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.RuleAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Policies as Cilium enforces them ({@code --to cilium}). NetworkPolicies stay NetworkPolicies
 * (Cilium enforces them beside its own). Cluster-scoped policies of both versions are first
 * written as v1alpha2 ClusterNetworkPolicies ({@link TieredConversion}), then each becomes one
 * CiliumClusterwideNetworkPolicy with {@code enableDefaultDeny} false both ways (tiers isolate
 * nobody): Deny rules → {@code ingressDeny}/{@code egressDeny}, Accept rules → allows. That is
 * exact where no Accept is meant to override a later Deny (Cilium's deny beats every allow; a
 * tier's first match wins) and where a Baseline rule's subjects are isolated by no NetworkPolicy
 * (the Baseline tier yields to NetworkPolicy, Cilium's rules do not). The first is decided by
 * {@link DenyWinsCheck}: an Accept that a later Deny covers for every pod is refused; one that a
 * later Deny may overlap makes its policy inventory-dependent (the proof decides today's pods);
 * the second is refused up front. Pass rules are refused. Peers: {@code namespaces}/{@code pods} →
 * endpoint selectors over Cilium's namespace labels; {@code networks} → {@code toCIDR} where the
 * CIDR overlaps no pod, node or pod CIDR ({@code 0.0.0.0/0} with {@code ::/0} → entity
 * {@code all}); {@code nodes: {}} → entities {@code host} and {@code remote-node}. A
 * NetworkPolicy ipBlock overlapping the cluster's addresses is refused (Cilium's never match pods
 * or nodes), and so is a NetworkPolicy's egress isolation (it exempts the pod's own node, Cilium's
 * does not), unless they come from a Calico source, where they already had that meaning. Takes any
 * cluster of NetworkPolicies and cluster-scoped policies, so a dialect converted to those first
 * chains into it.
 */
final class CiliumTargetConversion {
  private CiliumTargetConversion() {}

  /** Cilium policies written back unchanged. */
  static TieredConversion.Result identity(Cluster input) {
    List<ConvertedObject> out = new ArrayList<>();
    List<CiliumPolicy> policies = new ArrayList<>(input.cilium().policies());
    policies.sort(Comparator.comparing((CiliumPolicy p) -> p.kind()).thenComparing(CiliumPolicy::namespace)
        .thenComparing(CiliumPolicy::name));
    for (CiliumPolicy p : policies) {
      CiliumPolicy clean = new CiliumPolicy(p.kind(), p.namespace(), p.name(), p.labels(), p.spec(), p.specs(),
          p.specsGiven(), SourceMap.EMPTY, p.suppressedRules());
      out.add(new ConvertedObject.CiliumObject(clean, Provenance.of("cilium.io " + p.kind().kindName(),
          p.clusterwide() ? "" : p.namespace(), p.name()), Exactness.EXACT, List.of()));
    }
    return new TieredConversion.Result(out, List.of());
  }

  /**
   * The cluster-scoped policies of {@code input} as CiliumClusterwideNetworkPolicies, and its
   * NetworkPolicies' ipBlocks checked against Cilium's meaning.
   *
   * @param ownNodeKept the NetworkPolicies of {@code input} already have the meaning Cilium gives
   *                    them where a pod's egress isolation covers its own node (written for a
   *                    Calico source, whose own-node meaning is the same): their egress isolation
   *                    is not refused, and the proof against that source decides
   * @param approximate  an Accept that a later Deny covers is written anyway, marked approximate
   *                    (under Cilium it allows nothing the Deny matches), instead of refused; the
   *                    proof reports what it denies on today's inventory
   */
  static TieredConversion.Result fromTiered(Cluster input, boolean ownNodeKept, boolean approximate) {
    ClusterAddresses addresses = new ClusterAddresses(input);
    List<Refusal> refusals = new ArrayList<>();
    if (input.cilium().isEmpty()) {
      // Beside Cilium policies the NetworkPolicies already have Cilium's meaning; alone they change it.
      for (NetworkPolicy np : input.policies()) {
        checkIpBlocks(np, addresses, refusals);
        if (np.effectivePolicyTypes().contains(PolicyType.Egress) && !input.nodes().isEmpty() && !ownNodeKept) {
          refusals.add(new Refusal(Provenance.of("NetworkPolicy", np.namespace(), np.name()).rule("spec.policyTypes"),
              np.position(), "its egress isolation exempts the pod's own node; under Cilium the same policy"
                  + " denies egress to it (Cilium decides that by policy, entity host)"));
        }
      }
    }
    TieredConversion.Result tiered = TieredConversion.toClusterPolicies(input);
    if (ownNodeKept && input.cilium().isEmpty() && tiered.objects().isEmpty() && !input.nodes().isEmpty()) {
      // An output of NetworkPolicies alone is read in the upstream profile (SEMANTICS-CILIUM.md), where
      // their egress isolation exempts the own node: the proof could pass only while no pod is selected.
      for (NetworkPolicy np : input.policies()) {
        if (np.effectivePolicyTypes().contains(PolicyType.Egress)) {
          refusals.add(new Refusal(Provenance.of("NetworkPolicy", np.namespace(), np.name()).rule("spec.policyTypes"),
              np.position(), "its egress isolation covers the pod's own node in the source and under Cilium, but an"
                  + " output of NetworkPolicies alone, with no Cilium policy beside them, is read as upstream"
                  + " Kubernetes reads it, exempting the own node: not provable"));
        }
      }
    }
    refusals.addAll(tiered.refusals());
    List<ConvertedObject.ClusterPolicyObject> cluster = new ArrayList<>();
    tiered.objects().forEach(o -> cluster.add((ConvertedObject.ClusterPolicyObject) o));
    List<DenyWinsCheck.Override> overrides = DenyWinsCheck.find(cluster);
    List<ConvertedObject> out = new ArrayList<>();
    for (ConvertedObject.ClusterPolicyObject cp : cluster) {
      List<DenyWinsCheck.Override> mine = overrides.stream().filter(v -> v.accept().object() == cp).toList();
      new Policy(input, cp, addresses, refusals, mine, approximate).convert().ifPresent(out::add);
    }
    return new TieredConversion.Result(out, refusals);
  }

  private static void checkIpBlocks(NetworkPolicy np, ClusterAddresses addresses, List<Refusal> refusals) {
    for (boolean in : new boolean[] {true, false}) {
      List<PolicyRule> rules = in ? np.ingress() : np.egress();
      for (int i = 0; i < rules.size(); i++) {
        List<Peer> peers = rules.get(i).peers();
        for (int j = 0; j < peers.size(); j++) {
          Optional<IpBlock> b = peers.get(j).ipBlock();
          if (b.isEmpty()) {
            continue;
          }
          Optional<String> overlap = addresses.overlap(b.get().cidr());
          if (overlap.isPresent()) {
            String path = "spec." + (in ? "ingress[" : "egress[") + i + "]." + (in ? "from[" : "to[") + j + "].ipBlock";
            SourcePosition at = np.source().has(path) ? np.source().find(path) : np.position();
            refusals.add(new Refusal(Provenance.of("NetworkPolicy", np.namespace(), np.name()).rule(path), at,
                "under Cilium an ipBlock never matches pods or nodes, and " + overlap.get()));
          }
        }
      }
    }
  }

  /** One ClusterNetworkPolicy on its way to Cilium. */
  private static final class Policy {
    private final Cluster input;
    private final ConvertedObject.ClusterPolicyObject object;
    private final ClusterNetworkPolicy cnp;
    private final ClusterAddresses addresses;
    private final List<Refusal> refusals;
    private final int before;
    /** Its Accept rules that a later Deny covers or may overlap (Cilium lets the Deny win). */
    private final List<DenyWinsCheck.Override> overrides;
    private final boolean approximate;
    /** Its CIDRs that only today's pods keep disjoint from pod addresses (ClusterAddresses.futurePodCaveat). */
    private final List<String> cidrCaveats = new ArrayList<>();

    Policy(Cluster input, ConvertedObject.ClusterPolicyObject object, ClusterAddresses addresses,
        List<Refusal> refusals, List<DenyWinsCheck.Override> overrides, boolean approximate) {
      this.input = input;
      this.object = object;
      this.cnp = object.policy();
      this.addresses = addresses;
      this.refusals = refusals;
      this.before = refusals.size();
      this.overrides = overrides;
      this.approximate = approximate;
    }

    private void refuse(String path, String why) {
      SourcePosition at = SourcePosition.UNKNOWN;
      for (ClusterNetworkPolicy source : input.tieredPolicies()) {
        if (source.name().equals(object.from().name()) && source.kind().kindName().equals(object.from().kind())) {
          at = source.source().has(path) ? source.source().find(path) : source.position();
        }
      }
      refusals.add(new Refusal(object.from().rule(path), at, why));
    }

    Optional<ConvertedObject> convert() {
      boolean baseline = cnp.parsedTier().orElse(PolicyTier.ADMIN) == PolicyTier.BASELINE;
      List<CiliumPeerRule> ingress = new ArrayList<>();
      List<CiliumPeerRule> ingressDeny = new ArrayList<>();
      List<CiliumPeerRule> egress = new ArrayList<>();
      List<CiliumPeerRule> egressDeny = new ArrayList<>();
      for (boolean in : new boolean[] {true, false}) {
        List<ClusterPolicyRule> rules = cnp.rules(in);
        if (baseline && !rules.isEmpty() && isolatingPolicy(in).isPresent()) {
          refuse(in ? "spec.ingress" : "spec.egress", "the Baseline tier yields to the NetworkPolicy "
              + isolatingPolicy(in).get() + ", which isolates pods in this direction; Cilium's rules never yield");
          continue;
        }
        for (int i = 0; i < rules.size(); i++) {
          String path = (in ? "spec.ingress[" : "spec.egress[") + i + "]";
          ClusterPolicyRule r = rules.get(i);
          RuleAction action = r.parsedAction().orElse(RuleAction.PASS);
          if (action == RuleAction.PASS) {
            refuse(path, "Pass (skip the rest of the tier) has no Cilium counterpart: Cilium's rules are not ordered");
            continue;
          }
          boolean deny = action == RuleAction.DENY;
          Optional<DenyWinsCheck.Override> covered = overrides.stream()
              .filter(v -> v.covered() && v.accept().path().equals(path)).findFirst();
          if (covered.isPresent() && !approximate) {
            refuse(path, "Cilium's denies win over every allow: the later Deny " + covered.get().deny().display()
                + " matches every connection this Accept matches, for every pod, so under Cilium it denies what the"
                + " Accept, matched first, allows");
            continue;
          }
          List<CiliumPeerRule> target = in ? (deny ? ingressDeny : ingress) : (deny ? egressDeny : egress);
          rule(r, path, in, deny, target);
        }
      }
      if (refusals.size() > before) {
        return Optional.empty();
      }
      CiliumRule rule = new CiliumRule("spec", Optional.of(subject(cnp.subject())), false, ingress, ingressDeny,
          egress, egressDeny, Optional.of(false), Optional.of(false), "", List.of());
      CiliumPolicy p = new CiliumPolicy(CiliumKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY, "", cnp.name(), Map.of(),
          List.of(rule), List.of(), false, SourceMap.EMPTY, Set.of());
      List<String> notes = new ArrayList<>(object.notes());
      Exactness exactness = object.exactness();
      if (!cidrCaveats.isEmpty()) {
        notes.addAll(cidrCaveats);
        exactness = exactness == Exactness.APPROXIMATE ? exactness : Exactness.INVENTORY_DEPENDENT;
      }
      for (DenyWinsCheck.Override v : overrides) {
        if (v.covered()) {
          notes.add(v.accept().path() + ": approximate: under Cilium the later Deny " + v.deny().display()
              + " denies every connection this Accept allows");
          exactness = Exactness.APPROXIMATE;
        } else {
          notes.add(v.accept().path() + ": exact while no connection matches this Accept and the later Deny "
              + v.deny().display() + " (under Cilium the Deny wins), as on today's inventory");
          exactness = exactness == Exactness.APPROXIMATE ? exactness : Exactness.INVENTORY_DEPENDENT;
        }
      }
      notes.add(cnp.parsedTier().map(PolicyTier::apiName).orElse("") + " tier, priority " + cnp.priority()
          + ": Cilium has no order; the proof checked that none is needed");
      return Optional.of(new ConvertedObject.CiliumObject(p, object.from(), exactness, notes));
    }

    /** The first NetworkPolicy with this policy type, by key; empty when none. */
    private Optional<String> isolatingPolicy(boolean in) {
      PolicyType t = in ? PolicyType.Ingress : PolicyType.Egress;
      return input.policies().stream().filter(np -> np.effectivePolicyTypes().contains(t)).map(NetworkPolicy::key)
          .sorted().findFirst();
    }

    private void rule(ClusterPolicyRule r, String path, boolean in, boolean deny, List<CiliumPeerRule> target) {
      CiliumDirection dir = in ? CiliumDirection.INGRESS : CiliumDirection.EGRESS;
      String at = "spec." + (in ? (deny ? "ingressDeny" : "ingress") : (deny ? "egressDeny" : "egress")) + "["
          + target.size() + "]";
      Optional<List<CiliumPortRule>> ports = ports(r, path, at);
      if (ports.isEmpty()) {
        return; // refused, or matches nothing
      }
      List<LabelSelector> endpoints = new ArrayList<>();
      List<String> cidrs = new ArrayList<>();
      List<String> entities = new ArrayList<>();
      for (int j = 0; j < r.peers().size(); j++) {
        ClusterPolicyPeer peer = r.peers().get(j);
        String peerPath = path + (in ? ".from[" : ".to[") + j + "]";
        if (peer.namespaces().isPresent()) {
          endpoints.add(podsOnly(withNamespaceKeys(LabelSelector.EVERYTHING, peer.namespaces().get())));
        } else if (peer.pods().isPresent()) {
          NamespacedPods pods = peer.pods().get();
          endpoints.add(podsOnly(withNamespaceKeys(pods.podSelector(), pods.namespaceSelector())));
        } else if (peer.nodes().isPresent()) {
          if (!peer.nodes().get().equals(LabelSelector.EVERYTHING)) {
            refuse(peerPath + ".nodes", "Cilium's entities cannot select nodes by label; only nodes: {} converts");
            return;
          }
          entities.add(CiliumEntity.HOST.text());
          entities.add(CiliumEntity.REMOTE_NODE.text());
        } else if (peer.networks().isPresent()) {
          List<String> nets = peer.networks().get();
          if (nets.contains("0.0.0.0/0") && nets.contains("::/0")) {
            entities.add(CiliumEntity.ALL.text());
            continue;
          }
          for (String n : nets) {
            Optional<String> overlap = addresses.overlap(n);
            if (overlap.isPresent()) {
              refuse(peerPath + ".networks", "Cilium CIDRs never match pods or nodes, and " + overlap.get());
              return;
            }
            addresses.futurePodCaveat(n).ifPresent(cidrCaveats::add);
            cidrs.add(n);
          }
        } else {
          refuse(peerPath, "domainNames are not converted (netpolc cannot decide them)");
          return;
        }
      }
      // Cilium refuses a rule combining two L3 fields: one rule per field, with the same ports.
      if (!endpoints.isEmpty()) {
        target.add(peerRule(at, dir, deny, Optional.of(endpoints), Optional.empty(), Optional.empty(), ports.get()));
        at = nextPath(at, target.size());
      }
      if (!cidrs.isEmpty()) {
        target.add(peerRule(at, dir, deny, Optional.empty(), Optional.of(cidrs), Optional.empty(), ports.get()));
        at = nextPath(at, target.size());
      }
      if (!entities.isEmpty()) {
        List<String> distinct = entities.contains(CiliumEntity.ALL.text()) ? List.of(CiliumEntity.ALL.text())
            : entities.stream().distinct().toList();
        target.add(peerRule(at, dir, deny, Optional.empty(), Optional.empty(), Optional.of(distinct), ports.get()));
      }
    }

    private static String nextPath(String at, int index) {
      return at.substring(0, at.lastIndexOf('[') + 1) + index + "]";
    }

    private static CiliumPeerRule peerRule(String path, CiliumDirection dir, boolean deny,
        Optional<List<LabelSelector>> endpoints, Optional<List<String>> cidrs, Optional<List<String>> entities,
        List<CiliumPortRule> ports) {
      return new CiliumPeerRule(path, dir, deny, endpoints, cidrs, Optional.<List<CiliumCidrSet>>empty(), entities,
          ports, List.of(), List.of());
    }

    /** {@code toPorts}: empty list for every protocol (ICMP included); empty Optional when the rule matches nothing. */
    private Optional<List<CiliumPortRule>> ports(ClusterPolicyRule r, String path, String at) {
      if (r.protocols().isEmpty()) {
        return Optional.of(List.of());
      }
      List<CiliumPort> ports = new ArrayList<>();
      for (ClusterPolicyProtocol p : r.protocols().get()) {
        String pp = at + ".toPorts[0].ports[" + ports.size() + "]";
        if (p.destinationNamedPort().isPresent()) {
          ports.add(new CiliumPort(pp, p.destinationNamedPort().get(), OptionalInt.empty(), ""));
          continue;
        }
        String proto = p.tcp().isPresent() ? "TCP" : p.udp().isPresent() ? "UDP" : "SCTP";
        DestinationPort d = p.tcp().or(p::udp).or(p::sctp).orElse(DestinationPort.ANY);
        if (d.number().isPresent()) {
          ports.add(new CiliumPort(pp, Integer.toString(d.number().get()), OptionalInt.empty(), proto));
        } else if (d.range().isPresent()) {
          ports.add(new CiliumPort(pp, Integer.toString(d.range().get().start()),
              OptionalInt.of(d.range().get().end()), proto));
        } else {
          ports.add(new CiliumPort(pp, "0", OptionalInt.empty(), proto));
        }
      }
      if (ports.isEmpty()) {
        return Optional.empty(); // protocols: [] matches nothing
      }
      return Optional.of(List.of(new CiliumPortRule(at + ".toPorts[0]", ports, List.of())));
    }
  }

  /** A ClusterNetworkPolicy subject as an endpointSelector over Cilium's identity labels. */
  private static LabelSelector subject(ClusterPolicySubject s) {
    if (s.namespaces().isPresent()) {
      return withNamespaceKeys(LabelSelector.EVERYTHING, s.namespaces().get());
    }
    NamespacedPods pods = s.pods().orElseThrow();
    return withNamespaceKeys(pods.podSelector(), pods.namespaceSelector());
  }

  /**
   * {@code pods} and {@code namespaces} as one Cilium selector: pod keys with the {@code k8s:}
   * source, namespace keys as {@code io.cilium.k8s.namespace.labels.*} (the namespace's own name
   * as {@code io.kubernetes.pod.namespace}); a peer goes through {@link #podsOnly} too.
   */
  static LabelSelector withNamespaceKeys(LabelSelector pods, LabelSelector namespaces) {
    Map<String, String> labels = new LinkedHashMap<>();
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    pods.matchLabels().forEach((k, v) -> labels.put(CiliumLabels.SOURCE_K8S + ":" + k, v));
    pods.matchExpressions().forEach(r -> exprs.add(
        new LabelSelectorRequirement(CiliumLabels.SOURCE_K8S + ":" + r.key(), r.operator(), r.values())));
    namespaces.matchLabels().forEach((k, v) -> labels.put(namespaceKey(k), v));
    namespaces.matchExpressions().forEach(r -> exprs.add(
        new LabelSelectorRequirement(namespaceKey(r.key()), r.operator(), r.values())));
    return new LabelSelector(labels, exprs);
  }

  /**
   * A peer selector that matches pods only. A selector whose every requirement holds on an absent
   * key ({@code NotIn}, {@code DoesNotExist}, or none) also matches Cilium's non-pod identities
   * (host, remote-node, world: they carry no {@code k8s:} label), which a ClusterNetworkPolicy
   * {@code pods}/{@code namespaces} peer never names; every pod carries
   * {@code io.kubernetes.pod.namespace}, so requiring it keeps the selector to pods.
   */
  static LabelSelector podsOnly(LabelSelector s) {
    boolean positive = !s.matchLabels().isEmpty() || s.matchExpressions().stream().anyMatch(r ->
        LabelSelectorRequirement.Operator.parse(r.operator()) == LabelSelectorRequirement.Operator.In
        || LabelSelectorRequirement.Operator.parse(r.operator()) == LabelSelectorRequirement.Operator.Exists);
    if (positive) {
      return s;
    }
    List<LabelSelectorRequirement> exprs = new ArrayList<>(s.matchExpressions());
    exprs.add(LabelSelectorRequirement.of(CiliumLabels.SOURCE_K8S + ":" + CiliumLabels.POD_NAMESPACE,
        LabelSelectorRequirement.Operator.Exists));
    return new LabelSelector(s.matchLabels(), exprs);
  }

  private static String namespaceKey(String k) {
    return CiliumLabels.SOURCE_K8S + ":" + (k.equals(Namespace.NAME_LABEL) ? CiliumLabels.POD_NAMESPACE
        : CiliumLabels.NAMESPACE_LABELS_PREFIX + k);
  }
}
