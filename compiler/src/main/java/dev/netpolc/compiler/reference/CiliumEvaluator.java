package dev.netpolc.compiler.reference;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.calico.EndpointSlice;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumDirection;
import dev.netpolc.model.cilium.CiliumEntity;
import dev.netpolc.model.cilium.CiliumIcmpField;
import dev.netpolc.model.cilium.CiliumIcmpRule;
import dev.netpolc.model.cilium.CiliumLabels;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumPort;
import dev.netpolc.model.cilium.CiliumPortRule;
import dev.netpolc.model.cilium.CiliumRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code cilium} profile of the reference evaluator: decides a connection as Cilium does,
 * straight from SEMANTICS-CILIUM.md (never from a lowering). {@link ReferenceEvaluator} uses it
 * when the input holds a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy.
 *
 * <p>Per direction at a pod: a matching deny rule of a rule selecting it denies; else a matching
 * allow rule of a Cilium rule or a Kubernetes NetworkPolicy selecting it allows; else it is
 * denied when it is in default deny for the direction, allowed otherwise. Both directions must
 * allow; addresses that are not pods have no policy.
 *
 * <p>Choices where SEMANTICS-CILIUM.md is silent:
 * <ul>
 *   <li>Ingress from a pod's own node is allowed only with {@code allowNodeToLocalPods} (the
 *       default) and only when no ingress deny rule matches; egress to the own node is decided
 *       by the pod's egress policy (entity {@code host}).</li>
 *   <li>Peer labels of a non-pod address: {@code reserved:host} for the subject's own node,
 *       {@code reserved:remote-node} for other nodes, {@code reserved:world} for the rest, plus
 *       {@code reserved:kube-apiserver} for the API server's addresses.</li>
 *   <li>A {@code toPorts} entry without {@code ports} matches every port of TCP, UDP and SCTP.
 *       A CIDR written without a prefix length is a single address. An unparsable CIDR or a
 *       rule without {@code endpointSelector} (both refused by validation) matches nothing.</li>
 *   <li>Kubernetes NetworkPolicies keep their meaning except as the profile changes it:
 *       podSelectors see Cilium's identity labels, and ipBlocks match only addresses that are
 *       neither pods' nor nodes'.</li>
 * </ul>
 */
final class CiliumEvaluator {
  private static final String RESERVED = CiliumLabels.SOURCE_RESERVED + ":";

  private final Cluster cluster;
  private final SemanticsOptions options;
  private final Map<String, Namespace> namespaces;
  private final Set<IpAddress> apiServer;

  CiliumEvaluator(Cluster cluster, SemanticsOptions options) {
    this.cluster = cluster;
    this.options = options;
    this.namespaces = cluster.namespacesByName();
    Set<IpAddress> api = new HashSet<>();
    for (EndpointSlice slice : cluster.calico().endpointSlices("default", "kubernetes")) {
      api.addAll(slice.addresses());
    }
    this.apiServer = Set.copyOf(api);
  }

  /** Decides {@code c} between resolved endpoints (same-pod traffic was decided by the caller). */
  Explanation explain(Connection c, Endpoint src, Endpoint dst, Optional<Pod> srcPod, Optional<Pod> dstPod) {
    DirectionVerdict egress = srcPod.isPresent()
        ? decide(PolicyType.Egress, srcPod.get(), c, dst, dstPod, dstPod)
        : DirectionVerdict.notApplicable(PolicyType.Egress);
    DirectionVerdict ingress = dstPod.isPresent()
        ? decide(PolicyType.Ingress, dstPod.get(), c, src, srcPod, dstPod)
        : DirectionVerdict.notApplicable(PolicyType.Ingress);
    boolean fromOwnNode = options.allowNodeToLocalPods() && ReferenceEvaluator.isLocalNode(dstPod, src);
    if (fromOwnNode && ingress.ciliumMatch().map(m -> !m.deny()).orElse(true)) {
      // Cilium allows the local host by default; only a deny rule overrides that.
      return new Explanation(c, true, Explanation.Shortcut.CILIUM_OWN_NODE, src, dst,
          DirectionVerdict.notApplicable(PolicyType.Egress), DirectionVerdict.notApplicable(PolicyType.Ingress));
    }
    return new Explanation(c, egress.allowed() && ingress.allowed(), Explanation.Shortcut.NONE, src, dst, egress,
        ingress);
  }

  private DirectionVerdict decide(PolicyType direction, Pod subject, Connection c, Endpoint peer,
      Optional<Pod> peerPod, Optional<Pod> destPod) {
    CiliumDirection dir = direction == PolicyType.Ingress ? CiliumDirection.INGRESS : CiliumDirection.EGRESS;
    Map<String, String> identity = identity(subject);
    List<PolicyRef> defaultDeny = new ArrayList<>();
    Optional<CiliumRuleMatch> deny = Optional.empty();
    Optional<CiliumRuleMatch> allow = Optional.empty();
    for (CiliumPolicy policy : cluster.cilium().policies()) {
      PolicyRef ref = new PolicyRef(policy.key(), policy.position());
      for (CiliumRule rule : policy.rules()) {
        if (rule.endpointSelector().isEmpty()
            || !CiliumLabels.subjectSelector(policy, rule.endpointSelector().get()).matches(identity)) {
          continue;
        }
        if (rule.defaultDeny(dir) && !defaultDeny.contains(ref)) {
          defaultDeny.add(ref);
        }
        boolean ingress = dir == CiliumDirection.INGRESS;
        if (deny.isEmpty()) {
          deny = firstMatch(policy, ref, direction, ingress ? rule.ingressDeny() : rule.egressDeny(), subject, c,
              peer, peerPod, destPod);
        }
        if (allow.isEmpty()) {
          allow = firstMatch(policy, ref, direction, ingress ? rule.ingress() : rule.egress(), subject, c, peer,
              peerPod, destPod);
        }
      }
    }
    for (NetworkPolicy np : cluster.policies()) {
      if (!np.namespace().equals(subject.namespace()) || !np.podSelector().matches(identity)
          || !np.effectivePolicyTypes().contains(direction)) {
        continue;
      }
      PolicyRef ref = new PolicyRef(np.key(), np.position());
      if (!defaultDeny.contains(ref)) {
        defaultDeny.add(ref);
      }
      List<PolicyRule> rules = direction == PolicyType.Ingress ? np.ingress() : np.egress();
      for (int i = 0; i < rules.size() && allow.isEmpty(); i++) {
        if (networkPolicyRuleMatches(np, rules.get(i), c, peer, peerPod, destPod)) {
          String path = "spec." + (direction == PolicyType.Ingress ? "ingress" : "egress") + "[" + i + "]";
          allow = Optional.of(new CiliumRuleMatch(ref, direction, false, i, path, np.source().find(path)));
        }
      }
    }
    // Deny wins over every allow; an allow wins over default deny.
    return DirectionVerdict.cilium(direction, defaultDeny, deny.isPresent() ? deny : allow);
  }

  private Optional<CiliumRuleMatch> firstMatch(CiliumPolicy policy, PolicyRef ref, PolicyType direction,
      List<CiliumPeerRule> rules, Pod subject, Connection c, Endpoint peer, Optional<Pod> peerPod,
      Optional<Pod> destPod) {
    for (int i = 0; i < rules.size(); i++) {
      CiliumPeerRule r = rules.get(i);
      if (l3Matches(policy, r, subject, peer, peerPod) && l4Matches(r, c, destPod)) {
        return Optional.of(new CiliumRuleMatch(ref, direction, r.deny(), i, r.path(), policy.position(r.path())));
      }
    }
    return Optional.empty();
  }

  private boolean l3Matches(CiliumPolicy policy, CiliumPeerRule r, Pod subject, Endpoint peer,
      Optional<Pod> peerPod) {
    if (!r.hasL3()) {
      return true; // only toPorts/icmps: every peer
    }
    Map<String, String> peerLabels = peerLabels(subject, peer, peerPod);
    for (LabelSelector sel : r.endpoints().orElse(List.of())) {
      if (CiliumLabels.peerSelector(policy, sel).matches(peerLabels)) {
        return true;
      }
    }
    // CIDR rules never match pods or nodes.
    if (peer.kind() == Endpoint.Kind.EXTERNAL) {
      for (String cidr : r.cidrs().orElse(List.of())) {
        if (cidr(cidr).map(x -> x.contains(peer.address())).orElse(false)) {
          return true;
        }
      }
      for (CiliumCidrSet set : r.cidrSets().orElse(List.of())) {
        if (cidrSetMatches(set, peer.address())) {
          return true;
        }
      }
    }
    for (String name : r.entities().orElse(List.of())) {
      CiliumEntity e = CiliumEntity.of(name);
      if (e != null && entityMatches(e, subject, peer)) {
        return true;
      }
    }
    return false;
  }

  private static boolean cidrSetMatches(CiliumCidrSet set, IpAddress ip) {
    Optional<Cidr> base = cidr(set.cidr());
    if (base.isEmpty() || !base.get().contains(ip)) {
      return false;
    }
    for (String e : set.except()) {
      Optional<Cidr> ex = cidr(e);
      if (ex.isEmpty() || ex.get().contains(ip)) {
        return false; // an unparsable except fails closed
      }
    }
    return true;
  }

  private static Optional<Cidr> cidr(String text) {
    String t = text.contains("/") ? text : text + (text.contains(":") ? "/128" : "/32");
    return Cidr.parse(t).map(Cidr.Parsed::cidr);
  }

  private boolean entityMatches(CiliumEntity e, Pod subject, Endpoint peer) {
    boolean ownNode = peer.kind() == Endpoint.Kind.NODE && subject.nodeName() != null
        && peer.nodeName().orElseThrow().equals(subject.nodeName());
    return switch (e) {
      case ALL -> true;
      case WORLD -> peer.kind() == Endpoint.Kind.EXTERNAL;
      case WORLD_IPV4 -> peer.kind() == Endpoint.Kind.EXTERNAL && !peer.address().v6();
      case WORLD_IPV6 -> peer.kind() == Endpoint.Kind.EXTERNAL && peer.address().v6();
      case CLUSTER -> peer.kind() != Endpoint.Kind.EXTERNAL;
      case HOST -> ownNode;
      case REMOTE_NODE -> peer.kind() == Endpoint.Kind.NODE && !ownNode;
      case KUBE_APISERVER -> apiServer.contains(peer.address());
      case INIT, HEALTH, UNMANAGED, INGRESS, NONE -> false;
    };
  }

  /** The labels a peer selector sees: a pod's identity, or the reserved identity of an address. */
  private Map<String, String> peerLabels(Pod subject, Endpoint peer, Optional<Pod> peerPod) {
    if (peerPod.isPresent()) {
      return identity(peerPod.get());
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (peer.kind() == Endpoint.Kind.NODE) {
      boolean own = subject.nodeName() != null && peer.nodeName().orElseThrow().equals(subject.nodeName());
      out.put(RESERVED + (own ? "host" : "remote-node"), "");
    } else {
      out.put(RESERVED + "world", "");
    }
    if (apiServer.contains(peer.address())) {
      out.put(RESERVED + "kube-apiserver", "");
    }
    return out;
  }

  private boolean l4Matches(CiliumPeerRule r, Connection c, Optional<Pod> destPod) {
    if (!r.hasL4()) {
      return true; // every protocol, ICMP included
    }
    for (CiliumPortRule pr : r.toPorts()) {
      if (pr.ports().isEmpty() && c.portProtocol().isPresent()) {
        return true;
      }
      for (CiliumPort p : pr.ports()) {
        if (portMatches(p, c, destPod)) {
          return true;
        }
      }
    }
    for (CiliumIcmpRule icmp : r.icmps()) {
      for (CiliumIcmpField f : icmp.fields()) {
        if (icmpMatches(f, c)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean portMatches(CiliumPort p, Connection c, Optional<Pod> destPod) {
    Optional<Protocol> proto = c.portProtocol();
    if (proto.isEmpty() || !p.protocols().contains(proto.get().name())) {
      return false;
    }
    if (p.named()) {
      return destPod.flatMap(d -> d.namedPort(p.port(), proto.get())).map(n -> n == c.port()).orElse(false);
    }
    int from = p.number();
    if (from < 0) {
      return false;
    }
    if (from == 0) {
      return true;
    }
    int to = p.endPort().isPresent() ? p.endPort().getAsInt() : from;
    return from <= c.port() && c.port() <= to;
  }

  private static boolean icmpMatches(CiliumIcmpField f, Connection c) {
    if (c.icmpType().isEmpty()) {
      return false;
    }
    boolean v6 = c.protocol() == Protocol.ICMPV6;
    return v6 == f.ipv6() && f.typeNumber().isPresent() && f.typeNumber().getAsInt() == c.icmpType().getAsInt();
  }

  private boolean networkPolicyRuleMatches(NetworkPolicy np, PolicyRule rule, Connection c, Endpoint peer,
      Optional<Pod> peerPod, Optional<Pod> destPod) {
    boolean peerOk = rule.peers().isEmpty();
    for (Peer p : rule.peers()) {
      peerOk |= networkPolicyPeerMatches(np, p, peer, peerPod);
    }
    if (!peerOk) {
      return false;
    }
    List<String> portFailures = new ArrayList<>();
    ReferenceEvaluator.matchPorts(rule, c, destPod, "", portFailures);
    return portFailures.isEmpty();
  }

  private boolean networkPolicyPeerMatches(NetworkPolicy np, Peer p, Endpoint peer, Optional<Pod> peerPod) {
    if (p.ipBlock().isPresent()) {
      if (p.podSelector().isPresent() || p.namespaceSelector().isPresent() || peer.kind() != Endpoint.Kind.EXTERNAL) {
        return false;
      }
      IpBlock block = p.ipBlock().get();
      Optional<Cidr> base = Cidr.parse(block.cidr()).map(Cidr.Parsed::cidr);
      if (base.isEmpty() || !base.get().contains(peer.address())) {
        return false;
      }
      for (String e : block.except()) {
        Optional<Cidr> ex = Cidr.parse(e).map(Cidr.Parsed::cidr);
        if (ex.isEmpty() || ex.get().contains(peer.address())) {
          return false;
        }
      }
      return true;
    }
    if (peerPod.isEmpty() || (p.podSelector().isEmpty() && p.namespaceSelector().isEmpty())) {
      return false;
    }
    Pod pod = peerPod.get();
    if (p.namespaceSelector().isPresent()) {
      if (!p.namespaceSelector().get().matches(namespace(pod.namespace()).labels())) {
        return false;
      }
    } else if (!pod.namespace().equals(np.namespace())) {
      return false;
    }
    return p.podSelector().map(s -> s.matches(identity(pod))).orElse(true);
  }

  private Namespace namespace(String name) {
    Namespace ns = namespaces.get(name);
    return ns == null ? Namespace.of(name, Map.of()) : ns;
  }

  private Map<String, String> identity(Pod pod) {
    return CiliumLabels.identity(pod, namespace(pod.namespace()), CiliumLabels.DEFAULT_CLUSTER);
  }
}
