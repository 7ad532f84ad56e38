package dev.netpolc.compiler.reference;

import com.google.common.collect.ImmutableMap;
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
  /** Address → the pod that policy applies to. */
  private final ImmutableMap<IpAddress, Pod> podsByIp;
  /** Address → the node it belongs to (node addresses and hostNetwork pod IPs). */
  private final ImmutableMap<IpAddress, String> nodesByIp;

  /** An evaluator with the defaults of SEMANTICS.md. */
  public ReferenceEvaluator(Cluster cluster) {
    this(cluster, SemanticsOptions.DEFAULTS);
  }

  /** An evaluator with the given implementation choices. */
  public ReferenceEvaluator(Cluster cluster, SemanticsOptions options) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.options = Objects.requireNonNull(options, "options");
    this.namespaces = ImmutableMap.copyOf(cluster.namespacesByName());
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
    // 6. [choice] a pod and the node it runs on.
    if (options.allowNodeToLocalPods() && (isLocalNode(dstPod, src) || isLocalNode(srcPod, dst))) {
      return new Explanation(c, true, Explanation.Shortcut.NODE_LOCAL, src, dst, noEgress, noIngress);
    }
    // 2. Egress at the source pod; 3. ingress at the destination pod.
    DirectionVerdict egress = srcPod.isPresent()
        ? decide(PolicyType.Egress, srcPod.get(), c, c.destination(), dstPod, dstPod) : noEgress;
    DirectionVerdict ingress = dstPod.isPresent()
        ? decide(PolicyType.Ingress, dstPod.get(), c, c.source(), srcPod, dstPod) : noIngress;
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
  private static boolean isLocalNode(Optional<Pod> pod, Endpoint other) {
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
      Optional<Pod> peerPod, Optional<Pod> destPod) {
    List<PolicyRef> selecting = new ArrayList<>();
    List<PolicyMiss> misses = new ArrayList<>();
    Optional<RuleMatch> match = Optional.empty();
    for (NetworkPolicy policy : cluster.policies()) {
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

  /** True when {@code policy} selects {@code pod}: same namespace and podSelector matches. */
  private static boolean selects(NetworkPolicy policy, Pod pod) {
    return policy.namespace().equals(pod.namespace()) && policy.podSelector().matches(pod.labels());
  }

  /**
   * The index of the first peer matching, -1 when the rule has no peers (matches all); when none
   * matches, one reason per peer is added to {@code failures}.
   */
  private int matchPeers(NetworkPolicy policy, PolicyRule rule, IpAddress ip, Optional<Pod> pod, String path,
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
  private static int matchPorts(PolicyRule rule, Connection c, Optional<Pod> destPod, String path,
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

  /** Every address known to belong to a node, with its node (for tools that enumerate them). */
  public ImmutableMap<IpAddress, String> nodesByAddress() {
    return nodesByIp;
  }

  /** The cluster this evaluator decides for. */
  public Cluster cluster() {
    return cluster;
  }
}
