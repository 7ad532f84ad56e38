package dev.netpolc.compiler.reference;

import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.Multimaps;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The executable specification of SEMANTICS.md: decides a {@link Connection} straight from the
 * model, and explains why. Written for clarity, not speed; everything else is tested against it.
 * When the input holds Calico objects it decides in the {@code calico} profile instead
 * (SEMANTICS-CALICO.md, package-private {@code CalicoEvaluator}): Calico's tiers, with Kubernetes
 * NetworkPolicies and the cluster policies placed in them as Calico places them. When it holds
 * Cilium policies it decides in the {@code cilium} profile (SEMANTICS-CILIUM.md,
 * package-private {@code CiliumEvaluator}), NetworkPolicies beside them as Cilium applies them.
 *
 * <p>Resolving an address: it is a <em>pod</em> when an active pod that policy applies to has it
 * (hostNetwork pods only with {@link SemanticsOptions#hostNetworkPodsArePolicyTargets()}); else a
 * <em>node</em> address when a Node lists it or a hostNetwork pod on that node has it; else
 * <em>external</em>. Choices this class makes where SEMANTICS.md is silent:
 * <ul>
 *   <li>An address held by several active pods (invalid on a real cluster) belongs to the pod
 *       whose {@code namespace/name} sorts first; terminated pods and pods of the other kind never
 *       compete, so an IP reused after a pod finished belongs to the running pod.</li>
 *   <li>A connection from an address to itself is allowed like the same-pod case, whatever the
 *       address is (a packet to its own address never leaves the host).</li>
 *   <li>An {@code ipBlock} whose {@code cidr} or any {@code except} does not parse matches nothing
 *       (fail closed); valid input never has one.</li>
 *   <li>With {@code ipBlockMatchesPodIps=false} an ipBlock matches no address of a pod that policy
 *       applies to; node addresses (hostNetwork pods included) still match.</li>
 *   <li>A named port resolves only on a destination that is a pod policy applies to; on nodes
 *       and hostNetwork pods (by default) it never matches.</li>
 *   <li>With {@code hostNetworkPodsArePolicyTargets}, hostNetwork pod IPs still count as addresses
 *       of their node for {@code allowNodeToLocalPods}.</li>
 * </ul>
 *
 * <pre>{@code
 * ReferenceEvaluator ref = new ReferenceEvaluator(cluster);
 * boolean ok = ref.allows(Connection.of(a, b, Protocol.TCP, 80));
 * System.out.print(ref.explain(Connection.of(a, b, Protocol.TCP, 80)).toText());
 * }</pre>
 */
public final class ReferenceEvaluator implements ConnectionDecider {

  private final Cluster cluster;
  private final SemanticsOptions options;
  private final ImmutableMap<String, Namespace> namespaces;
  /**
   * The NetworkPolicies of each namespace, in input order: a policy selects only pods of its own
   * namespace, so a decision looks at those alone (the same policies, in the same order, as a
   * scan of every policy would keep).
   */
  private final ImmutableListMultimap<String, NetworkPolicy> policiesByNamespace;
  /** Address → the pod that policy applies to. */
  private final ImmutableMap<IpAddress, Pod> podsByIp;
  /** Address → the node it belongs to (node addresses and hostNetwork pod IPs). */
  private final ImmutableMap<IpAddress, String> nodesByIp;
  /** Admin- and Baseline-tier policies in evaluation order (SEMANTICS-TIERS.md). */
  private final List<ClusterNetworkPolicy> adminPolicies;
  private final List<ClusterNetworkPolicy> baselinePolicies;
  /** The {@code calico} profile, when the input holds Calico objects. */
  private final Optional<CalicoEvaluator> calico;
  /** The {@code cilium} profile, when the input holds Cilium policies. */
  private final Optional<CiliumEvaluator> cilium;

  /** An evaluator with the defaults of SEMANTICS.md. */
  public ReferenceEvaluator(Cluster cluster) {
    this(cluster, SemanticsOptions.DEFAULTS);
  }

  /**
   * An evaluator with the given implementation choices. A cluster with Calico objects is decided
   * in the {@code calico} profile (SEMANTICS-CALICO.md; {@link CalicoEvaluator}).
   *
   * @throws dev.netpolc.compiler.build.CompileException when the cluster holds Calico input the
   *     evaluator refuses rather than guess: {@code source.ports}/{@code source.notPorts},
   *     host-endpoint options, {@code http} matches, or a policy in a tier that does not exist
   */
  public ReferenceEvaluator(Cluster cluster, SemanticsOptions options) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.options = Objects.requireNonNull(options, "options");
    this.namespaces = ImmutableMap.copyOf(cluster.namespacesByName());
    this.policiesByNamespace = Multimaps.index(cluster.policies(), NetworkPolicy::namespace);
    List<Pod> candidates = new ArrayList<>();
    for (Pod p : cluster.pods()) {
      if (p.isActive() && (!p.hostNetwork() || options.hostNetworkPodsArePolicyTargets())) {
        candidates.add(p);
      }
    }
    // Sorted so that a duplicated address deterministically goes to the first pod by key.
    candidates.sort(Comparator.comparing(Pod::key));
    Map<IpAddress, Pod> pods = new HashMap<>();
    for (Pod p : candidates) {
      for (IpAddress ip : p.ips()) {
        pods.putIfAbsent(ip, p);
      }
    }
    this.podsByIp = ImmutableMap.copyOf(pods);
    Map<IpAddress, String> nodes = new HashMap<>();
    List<Node> sortedNodes = new ArrayList<>(cluster.nodes());
    sortedNodes.sort(Comparator.comparing(Node::name));
    for (Node n : sortedNodes) {
      for (IpAddress ip : n.addresses()) {
        nodes.putIfAbsent(ip, n.name());
      }
    }
    List<Pod> hostPods = new ArrayList<>();
    for (Pod p : cluster.pods()) {
      if (p.isActive() && p.hostNetwork() && p.nodeName() != null) {
        hostPods.add(p);
      }
    }
    hostPods.sort(Comparator.comparing(Pod::key));
    for (Pod p : hostPods) {
      for (IpAddress ip : p.ips()) {
        nodes.putIfAbsent(ip, p.nodeName());
      }
    }
    this.nodesByIp = ImmutableMap.copyOf(nodes);
    List<ClusterNetworkPolicy> admin = new ArrayList<>();
    List<ClusterNetworkPolicy> baseline = new ArrayList<>();
    for (ClusterNetworkPolicy p : cluster.tieredPolicies()) {
      Optional<PolicyTier> tier = p.parsedTier();
      if (tier.isPresent()) {
        (tier.get() == PolicyTier.ADMIN ? admin : baseline).add(p);
      }
    }
    admin.sort(ClusterNetworkPolicy.ORDER);
    baseline.sort(ClusterNetworkPolicy.ORDER);
    this.adminPolicies = List.copyOf(admin);
    this.baselinePolicies = List.copyOf(baseline);
    // Last: it reads the maps above through this evaluator's helpers.
    this.calico = cluster.calico().hasCalicoObjects()
        ? Optional.of(new CalicoEvaluator(this, cluster, options)) : Optional.empty();
    this.cilium = cluster.cilium().isEmpty() ? Optional.empty() : Optional.of(new CiliumEvaluator(cluster, options));
  }

  /** The options this evaluator honours. */
  public SemanticsOptions options() {
    return options;
  }

  @Override
  public boolean allows(Connection c) {
    return explain(c).allowed();
  }

  /** The decision for {@code c} with its reasons. */
  public Explanation explain(Connection c) {
    Endpoint src = resolve(c.source());
    Endpoint dst = resolve(c.destination());
    Optional<Pod> srcPod = Optional.ofNullable(podsByIp.get(c.source()));
    Optional<Pod> dstPod = Optional.ofNullable(podsByIp.get(c.destination()));
    DirectionVerdict noEgress = DirectionVerdict.notApplicable(PolicyType.Egress);
    DirectionVerdict noIngress = DirectionVerdict.notApplicable(PolicyType.Ingress);

    // 1. Same pod: the traffic never leaves it.
    boolean samePod = c.source().equals(c.destination())
        || (srcPod.isPresent() && dstPod.isPresent() && srcPod.get().key().equals(dstPod.get().key()));
    if (samePod) {
      return new Explanation(c, true, Explanation.Shortcut.SAME_POD, src, dst, noEgress, noIngress);
    }
    if (calico.isPresent()) {
      return calico.get().explain(c, src, dst, srcPod, dstPod);
    }
    if (cilium.isPresent()) {
      return cilium.get().explain(c, src, dst, srcPod, dstPod);
    }
    // 6. [choice] a pod and the node it runs on: ingress from it is exempt in every tier; egress
    // to it only from the NetworkPolicy tier (SEMANTICS-TIERS.md), so the shortcut applies
    // when no Admin or Baseline policy has a say in the pod's egress.
    boolean toOwnNode = false;
    if (options.allowNodeToLocalPods()) {
      toOwnNode = isLocalNode(srcPod, dst);
      boolean tiersApply = toOwnNode && !options.nodeLocalExemptFromAllTiers()
          && (hasTieredRules(adminPolicies, srcPod.get(), PolicyType.Egress)
              || hasTieredRules(baselinePolicies, srcPod.get(), PolicyType.Egress));
      if (isLocalNode(dstPod, src) || (toOwnNode && !tiersApply)) {
        return new Explanation(c, true, Explanation.Shortcut.NODE_LOCAL, src, dst, noEgress, noIngress);
      }
    }
    // 2. Egress at the source pod; 3. ingress at the destination pod.
    DirectionVerdict egress = srcPod.isPresent()
        ? decide(PolicyType.Egress, srcPod.get(), c, c.destination(), dstPod, dstPod, toOwnNode) : noEgress;
    DirectionVerdict ingress = dstPod.isPresent()
        ? decide(PolicyType.Ingress, dstPod.get(), c, c.source(), srcPod, dstPod, false) : noIngress;
    // 4. Both must allow.
    boolean allowed = egress.allowed() && ingress.allowed();
    return new Explanation(c, allowed, Explanation.Shortcut.NONE, src, dst, egress, ingress);
  }

  private Endpoint resolve(IpAddress ip) {
    Pod p = podsByIp.get(ip);
    if (p != null) {
      return new Endpoint(ip, Endpoint.Kind.POD, Optional.of(p.key()), Optional.ofNullable(p.nodeName()));
    }
    String node = nodesByIp.get(ip);
    if (node != null) {
      return new Endpoint(ip, Endpoint.Kind.NODE, Optional.empty(), Optional.of(node));
    }
    return new Endpoint(ip, Endpoint.Kind.EXTERNAL, Optional.empty(), Optional.empty());
  }

  /** True when {@code other} is an address of the node {@code pod} runs on. */
  static boolean isLocalNode(Optional<Pod> pod, Endpoint other) {
    return pod.isPresent() && pod.get().nodeName() != null && other.kind() == Endpoint.Kind.NODE
        && other.nodeName().orElseThrow().equals(pod.get().nodeName());
  }

  /**
   * One direction at one pod.
   *
   * @param subject  the pod whose policies apply (source for egress, destination for ingress)
   * @param peerIp   the address at the other end
   * @param peerPod  the pod at the other end, if it is one
   * @param destPod  the destination pod, on which named ports resolve
   */
  private DirectionVerdict decide(PolicyType direction, Pod subject, Connection c, IpAddress peerIp,
      Optional<Pod> peerPod, Optional<Pod> destPod, boolean skipNetworkPolicyTier) {
    // 1. Admin tier: the first matching rule decides; Pass goes on.
    Optional<TierStep> admin = tierStep(PolicyTier.ADMIN, adminPolicies, direction, subject, c, peerIp, peerPod,
        destPod);
    DirectionVerdict np = skipNetworkPolicyTier
        ? new DirectionVerdict(direction, true, List.of(), Optional.empty(), List.of())
        : networkPolicyTier(direction, subject, c, peerIp, peerPod, destPod);
    if (admin.flatMap(TierStep::match).filter(m -> m.action() != RuleAction.PASS).isPresent()) {
      return tiered(np, admin, Optional.empty(), DirectionVerdict.DecidedBy.ADMIN, skipNetworkPolicyTier);
    }
    // 2. NetworkPolicy tier: final when the pod is isolated.
    if (np.isolated()) {
      return tiered(np, admin, Optional.empty(), DirectionVerdict.DecidedBy.NETWORK_POLICY, skipNetworkPolicyTier);
    }
    // 3. Baseline tier; 4. default allow.
    Optional<TierStep> baseline = tierStep(PolicyTier.BASELINE, baselinePolicies, direction, subject, c, peerIp,
        peerPod, destPod);
    boolean decided = baseline.flatMap(TierStep::match).filter(m -> m.action() != RuleAction.PASS).isPresent();
    return tiered(np, admin, baseline, decided ? DirectionVerdict.DecidedBy.BASELINE
        : DirectionVerdict.DecidedBy.DEFAULT, skipNetworkPolicyTier);
  }

  private static DirectionVerdict tiered(DirectionVerdict np, Optional<TierStep> admin, Optional<TierStep> baseline,
      DirectionVerdict.DecidedBy decidedBy, boolean skipped) {
    return new DirectionVerdict(np.direction(), true, np.selecting(), np.match(), np.misses(), admin, baseline,
        decidedBy, skipped);
  }

  /** The NetworkPolicy tier of one direction at one pod (SEMANTICS.md). */
  private DirectionVerdict networkPolicyTier(PolicyType direction, Pod subject, Connection c, IpAddress peerIp,
      Optional<Pod> peerPod, Optional<Pod> destPod) {
    List<PolicyRef> selecting = new ArrayList<>();
    List<PolicyMiss> misses = new ArrayList<>();
    Optional<RuleMatch> match = Optional.empty();
    for (NetworkPolicy policy : policiesByNamespace.get(subject.namespace())) {
      if (!selects(policy, subject) || !policy.effectivePolicyTypes().contains(direction)) {
        continue;
      }
      PolicyRef ref = new PolicyRef(policy.key(), policy.position());
      selecting.add(ref);
      if (match.isPresent()) {
        continue; // decided; keep collecting the isolating policies for the explanation
      }
      List<PolicyRule> rules = direction == PolicyType.Ingress ? policy.ingress() : policy.egress();
      List<RuleMiss> ruleMisses = new ArrayList<>();
      for (int i = 0; i < rules.size() && match.isEmpty(); i++) {
        String path = "spec." + (direction == PolicyType.Ingress ? "ingress" : "egress") + "[" + i + "]";
        String peersField = direction == PolicyType.Ingress ? "from" : "to";
        PolicyRule rule = rules.get(i);
        List<String> peerFailures = new ArrayList<>();
        int peerIndex = matchPeers(policy, rule, peerIp, peerPod, path + "." + peersField, peerFailures);
        List<String> portFailures = new ArrayList<>();
        int portIndex = matchPorts(rule, c, destPod, path + ".ports", portFailures);
        boolean peerOk = peerFailures.isEmpty();
        boolean portOk = portFailures.isEmpty();
        if (peerOk && portOk) {
          match = Optional.of(new RuleMatch(ref, direction, i, peerIndex, portIndex, path,
              policy.source().find(path)));
        } else {
          ruleMisses.add(new RuleMiss(i, path, policy.source().find(path),
              peerOk ? List.of() : peerFailures, portOk ? List.of() : portFailures));
        }
      }
      if (match.isEmpty()) {
        misses.add(new PolicyMiss(ref, ruleMisses));
      }
    }
    return new DirectionVerdict(direction, true, selecting, match,
        match.isPresent() ? List.of() : misses);
  }

  /** True when some policy of the list selects {@code pod} and has rules in {@code direction}. */
  private boolean hasTieredRules(List<ClusterNetworkPolicy> policies, Pod pod, PolicyType direction) {
    for (ClusterNetworkPolicy p : policies) {
      if (!p.rules(direction == PolicyType.Ingress).isEmpty() && subjectSelects(p.subject(), pod)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One cluster-policy tier: the policies selecting {@code subject} with rules in this direction,
   * in order; within each, rules in order; the first rule whose peers and protocols match.
   * Empty when no policy of the tier has a say.
   */
  private Optional<TierStep> tierStep(PolicyTier tier, List<ClusterNetworkPolicy> policies, PolicyType direction,
      Pod subject, Connection c, IpAddress peerIp, Optional<Pod> peerPod, Optional<Pod> destPod) {
    boolean ingress = direction == PolicyType.Ingress;
    List<PolicyRef> considered = new ArrayList<>();
    Optional<TierRuleMatch> match = Optional.empty();
    for (ClusterNetworkPolicy p : policies) {
      List<ClusterPolicyRule> rules = p.rules(ingress);
      if (rules.isEmpty() || !subjectSelects(p.subject(), subject)) {
        continue;
      }
      PolicyRef ref = new PolicyRef(p.key(), p.position());
      considered.add(ref);
      for (int i = 0; i < rules.size() && match.isEmpty(); i++) {
        ClusterPolicyRule rule = rules.get(i);
        Optional<RuleAction> action = rule.parsedAction();
        if (action.isEmpty()) {
          continue; // invalid input never compiles; an unknown action decides nothing here
        }
        int peer = matchTierPeers(rule.peers(), peerIp, peerPod);
        int proto = peer < 0 ? -2 : matchProtocols(rule, c, destPod);
        if (peer >= 0 && proto >= -1) {
          String path = "spec." + (ingress ? "ingress" : "egress") + "[" + i + "]";
          match = Optional.of(new TierRuleMatch(ref, p.priority(), direction, i, rule.name(), action.get(), peer,
              proto, path, p.source().find(path)));
        }
      }
      if (match.isPresent()) {
        break;
      }
    }
    return considered.isEmpty() ? Optional.empty() : Optional.of(new TierStep(tier, considered, match));
  }

  /** True when the subject selects the pod (a pod policy applies to; hostNetwork pods never by default). */
  boolean subjectSelects(ClusterPolicySubject s, Pod pod) {
    if (s.namespaces().isPresent() == s.pods().isPresent()) {
      return false; // invalid: exactly one is required
    }
    if (s.namespaces().isPresent()) {
      return s.namespaces().get().matches(namespaceLabels(pod.namespace()));
    }
    return podsMatch(s.pods().get(), pod);
  }

  private boolean podsMatch(NamespacedPods np, Pod pod) {
    return np.namespaceSelector().matches(namespaceLabels(pod.namespace())) && np.podSelector().matches(pod.labels());
  }

  Map<String, String> namespaceLabels(String name) {
    Namespace ns = namespaces.get(name);
    return ns == null ? Namespace.of(name, Map.of()).labels() : ns.labels();
  }

  /** The index of the first peer matching the address, or -1. */
  int matchTierPeers(List<ClusterPolicyPeer> peers, IpAddress ip, Optional<Pod> pod) {
    for (int j = 0; j < peers.size(); j++) {
      if (tierPeerMatches(peers.get(j), ip, pod)) {
        return j;
      }
    }
    return -1;
  }

  /**
   * SEMANTICS-TIERS.md: {@code namespaces}/{@code pods} match pods policy applies to (never
   * hostNetwork pods by default); {@code nodes} the InternalIP/ExternalIP addresses of matching
   * Node objects; {@code networks} any address inside (host bits masked; a CIDR that does not
   * parse matches nothing); {@code domainNames} nothing. A peer with other than one field
   * (invalid) matches nothing.
   */
  private boolean tierPeerMatches(ClusterPolicyPeer peer, IpAddress ip, Optional<Pod> pod) {
    if (peer.fieldCount() != 1) {
      return false;
    }
    if (peer.namespaces().isPresent()) {
      return pod.isPresent() && peer.namespaces().get().matches(namespaceLabels(pod.get().namespace()));
    }
    if (peer.pods().isPresent()) {
      return pod.isPresent() && podsMatch(peer.pods().get(), pod.get());
    }
    if (peer.nodes().isPresent()) {
      for (Node n : cluster.nodes()) {
        if (n.addresses().contains(ip) && peer.nodes().get().matches(n.labels())) {
          return true;
        }
      }
      return false;
    }
    if (peer.networks().isPresent()) {
      for (String cidr : peer.networks().get()) {
        Optional<Cidr.Parsed> parsed = Cidr.parse(cidr);
        if (parsed.isPresent() && parsed.get().cidr().contains(ip)) {
          return true;
        }
      }
      return false;
    }
    return false; // domainNames: cannot be decided from the cluster's objects
  }

  /**
   * The index of the first {@code protocols} entry matching, -1 when the rule has none (every
   * protocol and port), -2 when none matches.
   */
  static int matchProtocols(ClusterPolicyRule rule, Connection c, Optional<Pod> destPod) {
    if (rule.protocols().isEmpty()) {
      return -1;
    }
    List<ClusterPolicyProtocol> entries = rule.protocols().get();
    for (int k = 0; k < entries.size(); k++) {
      if (protocolMatches(entries.get(k), c, destPod)) {
        return k;
      }
    }
    return -2;
  }

  private static boolean protocolMatches(ClusterPolicyProtocol p, Connection c, Optional<Pod> destPod) {
    if (p.fieldCount() != 1) {
      return false;
    }
    Optional<Protocol> connProto = c.portProtocol();
    if (p.destinationNamedPort().isPresent()) {
      if (destPod.isEmpty() || connProto.isEmpty()) {
        return false;
      }
      Optional<Integer> resolved = destPod.get().namedPort(p.destinationNamedPort().get(), connProto.get());
      return resolved.isPresent() && resolved.get() == c.port();
    }
    Protocol proto = p.tcp().isPresent() ? Protocol.TCP : p.udp().isPresent() ? Protocol.UDP : Protocol.SCTP;
    DestinationPort port = p.tcp().or(p::udp).or(p::sctp).orElseThrow();
    if (connProto.isEmpty() || connProto.get() != proto) {
      return false;
    }
    if (port.number().isPresent()) {
      return port.number().get() == c.port();
    }
    if (port.range().isPresent()) {
      return port.range().get().start() <= c.port() && c.port() <= port.range().get().end();
    }
    return true;
  }

  /** True when {@code policy} selects {@code pod}: same namespace and podSelector matches. */
  static boolean selects(NetworkPolicy policy, Pod pod) {
    return policy.namespace().equals(pod.namespace()) && policy.podSelector().matches(pod.labels());
  }

  /**
   * The index of the first peer matching, -1 when the rule has no peers (matches all); when none
   * matches, one reason per peer is added to {@code failures}.
   */
  int matchPeers(NetworkPolicy policy, PolicyRule rule, IpAddress ip, Optional<Pod> pod, String path,
      List<String> failures) {
    if (rule.peers().isEmpty()) {
      return -1;
    }
    List<String> reasons = new ArrayList<>();
    for (int j = 0; j < rule.peers().size(); j++) {
      Optional<String> why = peerMismatch(policy, rule.peers().get(j), ip, pod);
      if (why.isEmpty()) {
        return j;
      }
      reasons.add(path + "[" + j + "]: " + why.get());
    }
    failures.addAll(reasons);
    return -1;
  }

  /** Empty when {@code peer} matches the address {@code ip} (of {@code pod}); else why not. */
  private Optional<String> peerMismatch(NetworkPolicy policy, Peer peer, IpAddress ip, Optional<Pod> pod) {
    if (peer.ipBlock().isPresent()) {
      if (peer.podSelector().isPresent() || peer.namespaceSelector().isPresent()) {
        return Optional.of("invalid peer: ipBlock with a selector matches nothing");
      }
      return ipBlockMismatch(peer.ipBlock().get(), ip, pod);
    }
    if (peer.podSelector().isEmpty() && peer.namespaceSelector().isEmpty()) {
      return Optional.of("invalid peer: no selector and no ipBlock matches nothing");
    }
    if (pod.isEmpty()) {
      return Optional.of(ip + " is not a pod that selectors can match");
    }
    Pod p = pod.get();
    if (peer.namespaceSelector().isPresent()) {
      LabelSelector nsSel = peer.namespaceSelector().get();
      Namespace ns = namespaces.get(p.namespace());
      Map<String, String> nsLabels = ns == null ? Namespace.of(p.namespace(), Map.of()).labels() : ns.labels();
      if (!nsSel.matches(nsLabels)) {
        return Optional.of("namespaceSelector " + nsSel + " does not match namespace " + p.namespace()
            + " " + nsLabels);
      }
    } else if (!p.namespace().equals(policy.namespace())) {
      return Optional.of("podSelector alone selects pods in " + policy.namespace() + " only, not "
          + p.key());
    }
    if (peer.podSelector().isPresent()) {
      LabelSelector podSel = peer.podSelector().get();
      if (!podSel.matches(p.labels())) {
        return Optional.of("podSelector " + podSel + " does not match pod " + p.key() + " " + p.labels());
      }
    }
    return Optional.empty();
  }

  private Optional<String> ipBlockMismatch(IpBlock block, IpAddress ip, Optional<Pod> pod) {
    Optional<Cidr.Parsed> cidr = Cidr.parse(block.cidr());
    if (cidr.isEmpty()) {
      return Optional.of("ipBlock cidr " + block.cidr() + " is not a CIDR: matches nothing");
    }
    List<Cidr> excepts = new ArrayList<>();
    for (String e : block.except()) {
      Optional<Cidr.Parsed> parsed = Cidr.parse(e);
      if (parsed.isEmpty()) {
        return Optional.of("ipBlock except " + e + " is not a CIDR: the block matches nothing");
      }
      excepts.add(parsed.get().cidr());
    }
    if (!cidr.get().cidr().contains(ip)) {
      return Optional.of("ipBlock " + cidr.get().cidr() + " does not contain " + ip);
    }
    for (Cidr e : excepts) {
      if (e.contains(ip)) {
        return Optional.of("ipBlock except " + e + " contains " + ip);
      }
    }
    if (!options.ipBlockMatchesPodIps() && pod.isPresent()) {
      return Optional.of("ipBlock does not match pod IPs (ipBlockMatchesPodIps=false): " + ip + " is "
          + pod.get().key());
    }
    return Optional.empty();
  }

  /**
   * The index of the first port entry matching, -1 when the rule has no ports (matches all);
   * when none matches, one reason per entry is added to {@code failures}.
   */
  static int matchPorts(PolicyRule rule, Connection c, Optional<Pod> destPod, String path,
      List<String> failures) {
    if (rule.ports().isEmpty()) {
      return -1;
    }
    List<String> reasons = new ArrayList<>();
    for (int k = 0; k < rule.ports().size(); k++) {
      Optional<String> why = portMismatch(rule.ports().get(k), c, destPod);
      if (why.isEmpty()) {
        return k;
      }
      reasons.add(path + "[" + k + "]: " + why.get());
    }
    failures.addAll(reasons);
    return -1;
  }

  private static Optional<String> portMismatch(PolicyPort entry, Connection c, Optional<Pod> destPod) {
    Optional<Protocol> proto = entry.effectiveProtocol();
    if (proto.isEmpty()) {
      return Optional.of("unknown protocol " + entry.protocol().orElse("") + " matches nothing");
    }
    Optional<Protocol> connProto = c.portProtocol();
    if (connProto.isEmpty() || connProto.get() != proto.get()) {
      String actual = connProto.map(Enum::name).orElse("protocol " + c.protocol());
      return Optional.of("protocol " + proto.get() + " is not " + actual);
    }
    if (entry.port().isEmpty()) {
      return Optional.empty();
    }
    PortValue pv = entry.port().get();
    if (!pv.isNamed()) {
      int from = pv.number();
      int to = entry.endPort().orElse(from);
      if (c.port() < from || c.port() > to) {
        String want = entry.endPort().isPresent() ? "ports " + from + "-" + to : "port " + from;
        return Optional.of(want + " does not include " + c.port());
      }
      return Optional.empty();
    }
    if (destPod.isEmpty()) {
      return Optional.of("named port " + pv.name() + " needs a pod destination");
    }
    Optional<Integer> resolved = destPod.get().namedPort(pv.name(), proto.get());
    if (resolved.isEmpty()) {
      return Optional.of("pod " + destPod.get().key() + " has no " + proto.get() + " port named " + pv.name());
    }
    if (resolved.get() != c.port()) {
      return Optional.of("named port " + pv.name() + " is " + resolved.get() + " on " + destPod.get().key()
          + ", not " + c.port());
    }
    return Optional.empty();
  }

  /** The pods policy applies to, by address (for tools that enumerate them). */
  public ImmutableMap<IpAddress, Pod> podsByAddress() {
    return podsByIp;
  }

  /** The Admin- and Baseline-tier policies in evaluation order, Admin first. */
  public List<ClusterNetworkPolicy> tieredPoliciesInOrder() {
    List<ClusterNetworkPolicy> out = new ArrayList<>(adminPolicies);
    out.addAll(baselinePolicies);
    return out;
  }

  /** Every address known to belong to a node, with its node (for tools that enumerate them). */
  public ImmutableMap<IpAddress, String> nodesByAddress() {
    return nodesByIp;
  }

  /** The cluster this evaluator decides for. */
  public Cluster cluster() {
    return cluster;
  }
}
