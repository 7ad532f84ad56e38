package dev.netpolc.compiler.reference;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.calico.CalicoAction;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoProtocol;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.calico.EndpointSlice;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.ServiceAccount;
import dev.netpolc.model.calico.ServiceAccountMatch;
import dev.netpolc.model.calico.ServiceMatch;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.RuleAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code calico} profile of the reference evaluator: decides a connection as a Calico cluster
 * does, straight from SEMANTICS-CALICO.md (never from a lowering). {@link ReferenceEvaluator}
 * uses it when the input holds Calico objects ({@code cluster.calico().hasCalicoObjects()}).
 *
 * <p>Per direction at a workload endpoint (a pod policy applies to; nodes and hostNetwork pods
 * are no endpoints, as Calico has no HostEndpoints here), tier by tier in
 * {@link CalicoResources#tiersInOrder()}, only tiers with a policy applying to the endpoint in
 * that direction take part; within a tier policies by order then name, rules in order; the
 * first Allow, Deny or Pass rule decides the tier, Log rules are recorded and skipped; no match
 * is the tier's default action; after the last tier, or with none, Calico's profile allows.
 *
 * <p>Which policies are in which tier, as Calico places them:
 * <ul>
 *   <li>Kubernetes NetworkPolicies: the {@code default} tier at order 1000 as
 *       {@code knp.default.<name>}, with Kubernetes rule semantics (every rule an Allow).</li>
 *   <li>[choice, from Calico's tiered-policy documentation: "kube-admin tier" holds the
 *       Kubernetes AdminNetworkPolicies and Admin-tier ClusterNetworkPolicies, order 1,000, default
 *       Pass; "kube-baseline" the BaselineAdminNetworkPolicy and Baseline-tier
 *       ClusterNetworkPolicies, order 10,000,000, default Pass] An AdminNetworkPolicy or Admin
 *       ClusterNetworkPolicy is a policy of {@code kube-admin}, a BaselineAdminNetworkPolicy or
 *       Baseline ClusterNetworkPolicy one of {@code kube-baseline}, each at the order of its
 *       {@code priority} (Calico maps priority to order; a BaselineAdminNetworkPolicy, which has
 *       none, after every other policy of its tier). It applies when its subject selects the
 *       endpoint and it has rules in the direction; Accept is an Allow, Deny and Pass are Calico's.
 *       At equal order the cluster policies come first, in {@link ClusterNetworkPolicy#ORDER}, then
 *       Calico policies by name. Their peers and protocols keep SEMANTICS-TIERS.md's meaning.</li>
 * </ul>
 *
 * <p>Choices where SEMANTICS-CALICO.md is silent:
 * <ul>
 *   <li>Traffic from a node to a pod on it is allowed with {@code allowNodeToLocalPods} (Calico
 *       passes Kubernetes' NetworkPolicy conformance, which needs kubelet probes through).
 *       Traffic from a pod to its own node is decided by the pod's egress policy like any other
 *       destination (Felix applies a workload's egress policy to everything leaving it, before
 *       its endpoint-to-host action), unless {@code nodeLocalExemptFromAllTiers} exempts it
 *       too.</li>
 *   <li>{@code source.ports} and {@code source.notPorts} are refused: a connection carries no
 *       source port, so no decision could honour them (fail closed). So are the host-endpoint
 *       options and {@code http} (also validation's NP184), and a policy whose tier is neither
 *       written nor built in.</li>
 *   <li>A {@code services} match uses the Service's EndpointSlices (by their
 *       {@code kubernetes.io/service-name} label): the address must be one of a slice's; as a
 *       destination the connection's protocol and port must also be one of that slice's ports
 *       (a slice without ports: every port). A Service without slices in the input matches no
 *       address.</li>
 *   <li>A named port in {@code ports}/{@code notPorts} resolves on the destination pod with the
 *       rule's protocol, or the connection's when the rule names none; a destination that is no
 *       pod has no named ports.</li>
 *   <li>{@code notICMP} holds for every packet that is not ICMP/ICMPv6. An unknown protocol
 *       name or an unparsable CIDR (which validation refuses) makes the rule match nothing.</li>
 *   <li>{@code notSelector} without {@code selector} excludes the objects it matches and lets
 *       every other address through, external ones included; {@code selector},
 *       {@code namespaceSelector} and {@code serviceAccounts} need an endpoint or network set at
 *       the address.</li>
 * </ul>
 */
final class CalicoEvaluator {
  /** The labels Calico adds to every workload endpoint and namespace. */
  static final String NAMESPACE_LABEL = "projectcalico.org/namespace";
  static final String ORCHESTRATOR_LABEL = "projectcalico.org/orchestrator";
  static final String SERVICE_ACCOUNT_LABEL = "projectcalico.org/serviceaccount";
  static final String NAMESPACE_NAME_LABEL = "projectcalico.org/name";

  private final ReferenceEvaluator ref;
  private final SemanticsOptions options;
  private final CalicoResources calico;
  private final List<CalicoTier> tiers;
  /** The policies of each tier, in evaluation order. */
  private final Map<String, List<Member>> members;

  /**
   * A policy in a Calico tier: a Calico policy, a Kubernetes NetworkPolicy ({@code knp.default.}),
   * or a cluster policy of the {@code kube-admin}/{@code kube-baseline} tier.
   */
  private sealed interface Member permits CalicoMember, KubernetesMember, ClusterMember {
    PolicyRef ref();
  }

  private record CalicoMember(CalicoPolicy policy, PolicyRef ref) implements Member {}

  private record KubernetesMember(NetworkPolicy policy, PolicyRef ref) implements Member {}

  private record ClusterMember(ClusterNetworkPolicy policy, PolicyRef ref) implements Member {}

  /** A member with the keys Calico orders by: order, then name ({@code seq} keeps cluster policies' own order). */
  private record Ordered(double order, String name, String namespace, int seq, Member member) {}

  private static final Comparator<Ordered> ORDER = Comparator.comparingDouble(Ordered::order)
      .thenComparing(Ordered::name).thenComparing(Ordered::namespace).thenComparingInt(Ordered::seq);

  /** An object a label selector can match at an address: a workload endpoint or a network set. */
  private record Labelled(String namespace, boolean global, Map<String, String> labels, Optional<Pod> pod) {}

  /**
   * @throws CompileException for what the evaluator refuses rather than guess (class comment)
   */
  CalicoEvaluator(ReferenceEvaluator ref, Cluster cluster, SemanticsOptions options) {
    this.ref = ref;
    this.options = options;
    this.calico = cluster.calico();
    this.tiers = calico.tiersInOrder();
    for (CalicoPolicy p : calico.enforcedPolicies()) {
      dev.netpolc.compiler.build.CalicoUnenforceable.refuse(p);
    }
    Map<String, List<Ordered>> byTier = new HashMap<>();
    for (CalicoPolicy p : calico.enforcedPolicies()) {
      double order = p.order().isPresent() ? p.order().getAsDouble() : Double.POSITIVE_INFINITY;
      byTier.computeIfAbsent(p.tier(), t -> new ArrayList<>())
          .add(new Ordered(order, p.name(), p.namespace(), 0,
              new CalicoMember(p, new PolicyRef(p.key(), p.position()))));
    }
    for (NetworkPolicy np : cluster.policies()) {
      String name = CalicoResources.KUBERNETES_POLICY_PREFIX + np.name();
      PolicyRef pr = new PolicyRef(name + " (Kubernetes NetworkPolicy " + np.key() + ")", np.position());
      byTier.computeIfAbsent(CalicoTier.DEFAULT.name(), t -> new ArrayList<>())
          .add(new Ordered(CalicoResources.KUBERNETES_POLICY_ORDER, name, np.namespace(), 0,
              new KubernetesMember(np, pr)));
    }
    List<ClusterNetworkPolicy> cluster0 = new ArrayList<>(cluster.tieredPolicies());
    cluster0.sort(ClusterNetworkPolicy.ORDER);
    for (int i = 0; i < cluster0.size(); i++) {
      ClusterNetworkPolicy p = cluster0.get(i);
      Optional<PolicyTier> tier = p.parsedTier();
      if (tier.isEmpty()) {
        continue; // invalid input never compiles; an unknown tier decides nothing here either
      }
      String tierName = tier.get() == PolicyTier.ADMIN ? CalicoTier.KUBE_ADMIN.name() : CalicoTier.KUBE_BASELINE.name();
      double order = p.kind() == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? Double.MAX_VALUE : p.priority();
      // "" sorts before every Calico name, so at equal order cluster policies go first, by seq.
      byTier.computeIfAbsent(tierName, t -> new ArrayList<>())
          .add(new Ordered(order, "", "", i, new ClusterMember(p, new PolicyRef(p.key(), p.position()))));
    }
    Map<String, List<Member>> out = new HashMap<>();
    for (CalicoTier t : tiers) {
      List<Ordered> list = byTier.getOrDefault(t.name(), List.of());
      out.put(t.name(), list.stream().sorted(ORDER).map(Ordered::member).toList());
    }
    for (CalicoPolicy p : calico.enforcedPolicies()) {
      if (!out.containsKey(p.tier())) {
        throw new CompileException(p.source().find("spec.tier"), "spec.tier", "Calico " + p.key() + " is in tier '"
            + p.tier() + "', which the input does not define and is not built in: add its Tier object");
      }
    }
    this.members = out;
  }

  /**
   * The decision for {@code c} after the same-pod shortcut: the node-local exemption, then egress
   * at the source endpoint and ingress at the destination endpoint.
   */
  Explanation explain(Connection c, Endpoint src, Endpoint dst, Optional<Pod> srcPod, Optional<Pod> dstPod) {
    DirectionVerdict noEgress = DirectionVerdict.notApplicable(PolicyType.Egress);
    DirectionVerdict noIngress = DirectionVerdict.notApplicable(PolicyType.Ingress);
    if (options.allowNodeToLocalPods()) {
      boolean fromOwnNode = ReferenceEvaluator.isLocalNode(dstPod, src);
      boolean toOwnNode = ReferenceEvaluator.isLocalNode(srcPod, dst) && options.nodeLocalExemptFromAllTiers();
      if (fromOwnNode || toOwnNode) {
        return new Explanation(c, true, Explanation.Shortcut.NODE_LOCAL, src, dst, noEgress, noIngress);
      }
    }
    DirectionVerdict egress = srcPod.isPresent()
        ? decide(PolicyType.Egress, srcPod.get(), c, srcPod, dstPod) : noEgress;
    DirectionVerdict ingress = dstPod.isPresent()
        ? decide(PolicyType.Ingress, dstPod.get(), c, srcPod, dstPod) : noIngress;
    return new Explanation(c, egress.allowed() && ingress.allowed(), Explanation.Shortcut.NONE, src, dst, egress,
        ingress);
  }

  /** One direction at the endpoint {@code subject}, tier by tier. */
  private DirectionVerdict decide(PolicyType direction, Pod subject, Connection c, Optional<Pod> srcPod,
      Optional<Pod> dstPod) {
    boolean ingress = direction == PolicyType.Ingress;
    List<CalicoTierStep> steps = new ArrayList<>();
    for (CalicoTier tier : tiers) {
      List<Member> applying = members.get(tier.name()).stream().filter(m -> applies(m, subject, direction)).toList();
      if (applying.isEmpty()) {
        continue; // only tiers with a policy applying to the endpoint take part
      }
      List<CalicoRuleMatch> logged = new ArrayList<>();
      Optional<CalicoRuleMatch> match = Optional.empty();
      for (Member m : applying) {
        int count = ruleCount(m, ingress);
        for (int i = 0; i < count && match.isEmpty(); i++) {
          Optional<CalicoAction> action = ruleAction(m, i, ingress, c, srcPod, dstPod);
          if (action.isEmpty()) {
            continue;
          }
          String path = "spec." + (ingress ? "ingress" : "egress") + "[" + i + "]";
          CalicoRuleMatch rm = new CalicoRuleMatch(m.ref(), tier.name(), direction, i, action.get().yamlName(),
              path, positionOf(m, path));
          if (action.get() == CalicoAction.LOG) {
            logged.add(rm); // Log records and goes on with the next rule
          } else {
            match = Optional.of(rm);
          }
        }
        if (match.isPresent()) {
          break;
        }
      }
      CalicoTierStep.Outcome outcome = match.map(m -> switch (m.action()) {
        case "Allow" -> CalicoTierStep.Outcome.ALLOW;
        case "Deny" -> CalicoTierStep.Outcome.DENY;
        default -> CalicoTierStep.Outcome.PASS;
      }).orElse(tier.passByDefault() ? CalicoTierStep.Outcome.DEFAULT_PASS : CalicoTierStep.Outcome.DEFAULT_DENY);
      steps.add(new CalicoTierStep(tier.name(), tier.defaultAction(), applying.stream().map(Member::ref).toList(),
          logged, match, outcome));
      if (!outcome.passes()) {
        break;
      }
    }
    return DirectionVerdict.calico(direction, steps);
  }

  private static dev.netpolc.model.SourcePosition positionOf(Member m, String path) {
    if (m instanceof CalicoMember cm) {
      return cm.policy().source().find(path);
    }
    if (m instanceof KubernetesMember km) {
      return km.policy().source().find(path);
    }
    return ((ClusterMember) m).policy().source().find(path);
  }

  // ------------------------------------------------------------------ which policies apply

  private boolean applies(Member m, Pod subject, PolicyType direction) {
    boolean ingress = direction == PolicyType.Ingress;
    if (m instanceof CalicoMember cm) {
      CalicoPolicy p = cm.policy();
      return (ingress ? p.appliesToIngress() : p.appliesToEgress()) && policySelects(p, subject);
    }
    if (m instanceof KubernetesMember km) {
      NetworkPolicy np = km.policy();
      return np.effectivePolicyTypes().contains(direction) && ReferenceEvaluator.selects(np, subject);
    }
    ClusterNetworkPolicy p = ((ClusterMember) m).policy();
    return !p.rules(ingress).isEmpty() && ref.subjectSelects(p.subject(), subject);
  }

  /**
   * A Calico policy's selectors at an endpoint: a namespaced policy only in its namespace; a
   * global one in namespaces its {@code namespaceSelector} matches (all without one); both with
   * {@code selector} on the endpoint's labels and {@code serviceAccountSelector} on its
   * ServiceAccount's.
   */
  private boolean policySelects(CalicoPolicy p, Pod pod) {
    if (p.global()) {
      if (p.namespaceSelector().isPresent()
          && !p.namespaceSelector().get().matches(namespaceLabels(pod.namespace()))) {
        return false;
      }
    } else if (!p.namespace().equals(pod.namespace())) {
      return false;
    }
    return p.selector().matches(endpointLabels(pod)) && p.serviceAccountSelector()
        .map(s -> s.matches(serviceAccountLabels(pod))).orElse(true);
  }

  // ------------------------------------------------------------------ rules

  private static int ruleCount(Member m, boolean ingress) {
    if (m instanceof CalicoMember cm) {
      return cm.policy().rules(ingress).size();
    }
    if (m instanceof KubernetesMember km) {
      return (ingress ? km.policy().ingress() : km.policy().egress()).size();
    }
    return ((ClusterMember) m).policy().rules(ingress).size();
  }

  /** The action of rule {@code i} when it matches {@code c}; empty when it does not. */
  private Optional<CalicoAction> ruleAction(Member m, int i, boolean ingress, Connection c, Optional<Pod> srcPod,
      Optional<Pod> dstPod) {
    IpAddress peerIp = ingress ? c.source() : c.destination();
    Optional<Pod> peerPod = ingress ? srcPod : dstPod;
    if (m instanceof CalicoMember cm) {
      CalicoRule r = cm.policy().rules(ingress).get(i);
      CalicoAction action = r.actionKind();
      // An unknown action (validation's NP171) decides nothing.
      return action != null && calicoRuleMatches(cm.policy(), r, c, srcPod, dstPod) ? Optional.of(action)
          : Optional.empty();
    }
    if (m instanceof KubernetesMember km) {
      NetworkPolicy np = km.policy();
      PolicyRule rule = (ingress ? np.ingress() : np.egress()).get(i);
      List<String> failures = new ArrayList<>();
      ref.matchPeers(np, rule, peerIp, peerPod, "", failures);
      ReferenceEvaluator.matchPorts(rule, c, dstPod, "", failures);
      return failures.isEmpty() ? Optional.of(CalicoAction.ALLOW) : Optional.empty();
    }
    ClusterPolicyRule rule = ((ClusterMember) m).policy().rules(ingress).get(i);
    Optional<RuleAction> action = rule.parsedAction();
    if (action.isEmpty() || ref.matchTierPeers(rule.peers(), peerIp, peerPod) < 0
        || ReferenceEvaluator.matchProtocols(rule, c, dstPod) < -1) {
      return Optional.empty();
    }
    return Optional.of(switch (action.get()) {
      case ACCEPT -> CalicoAction.ALLOW;
      case DENY -> CalicoAction.DENY;
      case PASS -> CalicoAction.PASS;
    });
  }

  /** SEMANTICS-CALICO.md, "Rules": every part that is present holds. */
  private boolean calicoRuleMatches(CalicoPolicy p, CalicoRule r, Connection c, Optional<Pod> srcPod,
      Optional<Pod> dstPod) {
    if (r.ipVersion().isPresent() && r.ipVersion().getAsInt() != (c.source().v6() ? 6 : 4)) {
      return false;
    }
    if (r.protocol().isPresent()) {
      OptionalInt n = r.protocol().get().protocolNumber();
      if (n.isEmpty() || n.getAsInt() != c.protocol()) {
        return false;
      }
    }
    if (r.notProtocol().isPresent()) {
      OptionalInt n = r.notProtocol().get().protocolNumber();
      if (n.isEmpty() || n.getAsInt() == c.protocol()) {
        return false;
      }
    }
    if (r.icmp().isPresent() && (c.icmpType().isEmpty()
        || !r.icmp().get().matches(c.icmpType().getAsInt(), c.icmpCode().getAsInt()))) {
      return false;
    }
    if (r.notIcmp().isPresent() && c.icmpType().isPresent()
        && r.notIcmp().get().matches(c.icmpType().getAsInt(), c.icmpCode().getAsInt())) {
      return false;
    }
    return entityMatches(p, r, r.source(), c.source(), srcPod, false, c, dstPod)
        && entityMatches(p, r, r.destination(), c.destination(), dstPod, true, c, dstPod);
  }

  /**
   * One entity rule at one end of the connection: the address {@code ip}, the endpoint there (if
   * one), and whether it is the destination (where ports and a service's ports are tested).
   */
  private boolean entityMatches(CalicoPolicy p, CalicoRule r, EntityRule e, IpAddress ip, Optional<Pod> pod,
      boolean destination, Connection c, Optional<Pod> dstPod) {
    if (!e.nets().isEmpty() && !anyContains(e.netCidrs(), ip, e.nets().size())) {
      return false;
    }
    if (!e.notNets().isEmpty() && (e.notNetCidrs().size() != e.notNets().size()
        || e.notNetCidrs().stream().anyMatch(x -> x.contains(ip)))) {
      return false; // an unparsable notNets entry (invalid input) makes the rule match nothing
    }
    if (e.services().isPresent() && !serviceMatches(p, e.services().get(), ip, destination, c)) {
      return false;
    }
    boolean positive = e.selector().isPresent() || e.namespaceSelector().isPresent() || e.serviceAccounts().isPresent();
    List<Labelled> objects = positive || e.notSelector().isPresent() ? objectsAt(ip, pod) : List.of();
    if (positive && objects.stream().noneMatch(o -> inScope(p, e, o)
        && e.selector().map(s -> s.matches(o.labels())).orElse(true)
        && e.serviceAccounts().map(sa -> serviceAccountMatches(sa, o)).orElse(true))) {
      return false;
    }
    if (e.notSelector().isPresent()
        && objects.stream().anyMatch(o -> inScope(p, e, o) && e.notSelector().get().matches(o.labels()))) {
      return false;
    }
    if (!e.ports().isEmpty() || !e.notPorts().isEmpty()) {
      if (!destination) {
        return false; // source ports: refused at construction, never decided
      }
      if (!e.ports().isEmpty() && e.ports().stream().noneMatch(pt -> portMatches(pt, r, c, dstPod))) {
        return false;
      }
      if (e.notPorts().stream().anyMatch(pt -> portMatches(pt, r, c, dstPod))) {
        return false;
      }
    }
    return true;
  }

  private static boolean anyContains(List<Cidr> cidrs, IpAddress ip, int written) {
    return cidrs.size() == written && cidrs.stream().anyMatch(x -> x.contains(ip));
  }

  /** Whether a {@code ports}/{@code notPorts} entry holds the connection's destination port. */
  private static boolean portMatches(CalicoPort pt, CalicoRule r, Connection c, Optional<Pod> dstPod) {
    Optional<Protocol> connProto = c.portProtocol();
    if (connProto.isEmpty()) {
      return false; // no port to compare
    }
    if (!pt.named()) {
      return pt.contains(c.port());
    }
    Optional<Protocol> proto = r.protocol().map(CalicoProtocol::protocolNumber)
        .flatMap(n -> n.isPresent() ? Protocol.ofNumber(n.getAsInt()) : Optional.<Protocol>empty())
        .or(() -> connProto);
    if (dstPod.isEmpty() || proto.get() != connProto.get()) {
      return false;
    }
    return dstPod.get().namedPort(pt.text(), proto.get()).map(n -> n == c.port()).orElse(false);
  }

  /**
   * A {@code services} match: the address is one of the EndpointSlices' of the Service; as a
   * destination the protocol and port must be one of that slice's ports.
   */
  private boolean serviceMatches(CalicoPolicy p, ServiceMatch sm, IpAddress ip, boolean destination, Connection c) {
    String ns = p.global() ? sm.namespace() : sm.namespaceOr(p.namespace());
    for (EndpointSlice slice : calico.endpointSlices(ns, sm.name())) {
      if (!slice.addresses().contains(ip)) {
        continue;
      }
      if (!destination || slice.ports().isEmpty()) {
        return true;
      }
      Optional<Protocol> connProto = c.portProtocol();
      for (EndpointSlice.Port port : slice.ports()) {
        if (connProto.isPresent() && Protocol.parse(port.protocol()).equals(connProto)
            && (port.port() < 0 || port.port() == c.port())) {
          return true;
        }
      }
    }
    return false;
  }

  /** The endpoint and the network sets at {@code ip}: what rule selectors can match there. */
  private List<Labelled> objectsAt(IpAddress ip, Optional<Pod> pod) {
    List<Labelled> out = new ArrayList<>();
    pod.ifPresent(p -> out.add(new Labelled(p.namespace(), false, endpointLabels(p), Optional.of(p))));
    for (CalicoNetworkSet s : calico.networkSets()) {
      if (s.cidrs().stream().anyMatch(x -> x.contains(ip))) {
        out.add(new Labelled(s.namespace(), s.global(), s.labels(), Optional.empty()));
      }
    }
    return out;
  }

  /**
   * The selector scope of an entity rule: with {@code namespaceSelector: global()} the
   * GlobalNetworkSets; with another {@code namespaceSelector} endpoints and NetworkSets of the
   * namespaces it matches; without one, in a global policy everything, in a namespaced policy
   * endpoints and NetworkSets of the policy's namespace.
   */
  private boolean inScope(CalicoPolicy p, EntityRule e, Labelled o) {
    if (e.namespaceSelector().isPresent()) {
      CalicoSelector ns = e.namespaceSelector().get();
      if (ns instanceof CalicoSelector.Global) {
        return o.global();
      }
      return !o.global() && ns.matches(namespaceLabels(o.namespace()));
    }
    if (p.global()) {
      return true;
    }
    return !o.global() && o.namespace().equals(p.namespace());
  }

  private boolean serviceAccountMatches(ServiceAccountMatch sa, Labelled o) {
    if (o.pod().isEmpty()) {
      return false; // network sets have no ServiceAccount
    }
    Pod pod = o.pod().get();
    return (sa.names().isEmpty() || sa.names().contains(pod.serviceAccountName()))
        && sa.selector().map(s -> s.matches(serviceAccountLabels(pod))).orElse(true);
  }

  // ------------------------------------------------------------------ labels

  /** A workload endpoint's labels: the pod's, plus the three Calico adds (they win on a clash). */
  static Map<String, String> endpointLabels(Pod pod) {
    Map<String, String> labels = new HashMap<>(pod.labels());
    labels.put(NAMESPACE_LABEL, pod.namespace());
    labels.put(ORCHESTRATOR_LABEL, "k8s");
    labels.put(SERVICE_ACCOUNT_LABEL, pod.serviceAccountName());
    return labels;
  }

  /** A namespace's labels (with {@code kubernetes.io/metadata.name}) plus {@code projectcalico.org/name}. */
  private Map<String, String> namespaceLabels(String namespace) {
    Map<String, String> labels = new HashMap<>(ref.namespaceLabels(namespace));
    labels.put(NAMESPACE_NAME_LABEL, namespace);
    return labels;
  }

  /** The labels of the pod's ServiceAccount object; none when the input lacks it. */
  private Map<String, String> serviceAccountLabels(Pod pod) {
    return calico.serviceAccount(pod.namespace(), pod.serviceAccountName()).map(ServiceAccount::labels)
        .orElse(Map.of());
  }
}
