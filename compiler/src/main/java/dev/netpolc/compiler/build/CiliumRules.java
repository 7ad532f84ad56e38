package dev.netpolc.compiler.build;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The lowering of a cluster in the {@code cilium} profile (SEMANTICS-CILIUM.md; the input holds
 * CiliumNetworkPolicies or CiliumClusterwideNetworkPolicies) into a {@link RuleGraph}, deciding
 * as the reference's Cilium evaluator does.
 *
 * <p>Per pod and direction, two dialect tiers before every standard one:
 * <ol>
 *   <li>{@link #DENY_TIER}: the DENY rules of every {@code ingressDeny}/{@code egressDeny} of
 *       every Cilium rule selecting the pod (deny wins over every allow);</li>
 *   <li>{@link #ALLOW_TIER}: at priority 0 the ALLOW rules of every allow section of those rules
 *       and of every Kubernetes NetworkPolicy selecting the pod (as Cilium applies them: Cilium's
 *       identity labels, ipBlocks that match neither pods nor nodes), a union; with ingress in
 *       default deny and {@code allowNodeToLocalPods}, an ALLOW of the pod's own node (Cilium
 *       allows the local host unless a deny rule matches it); then, in default deny, a
 *       catch-all DENY at priority 1.</li>
 * </ol>
 * The NetworkPolicy tier is unused (no group is isolated). The graph is built with
 * {@code allowNodeToLocalPods} off ({@link #graphOptions}): the own-node exemption is the explicit
 * rule above, which a deny rule overrides, and egress to the own node is decided by the pod's
 * egress rules (entity {@code host}), as the reference decides both.
 *
 * <p>Peers are resolved at lowering time against the subject: entities and {@code reserved:}
 * selectors by the subject's node, the other nodes, the outside addresses and the API server's
 * EndpointSlice addresses; CIDR rules less every pod and node address. Named ports resolve on the
 * destination: the subject for ingress, for egress each peer pod (peer addresses split by what
 * the names resolve to). Pods are grouped by their lowered rules.
 */
final class CiliumRules {
  /** The tier of deny rules. */
  static final Tier DENY_TIER = Tier.ordered(10, "cilium-deny");
  /** The tier of allow rules, the own-node exemption and the default deny. */
  static final Tier ALLOW_TIER = Tier.ordered(20, "cilium");

  private static final String RESERVED = CiliumLabels.SOURCE_RESERVED + ":";
  private static final AddressSet V4 = AddressSet.ofCidrs(List.of(Cidr.of("0.0.0.0/0")));
  private static final AddressSet V6 = AddressSet.ofCidrs(List.of(Cidr.of("::/0")));
  private static final List<Protocol> PORT_PROTOCOLS = List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP);

  private final Cluster cluster;
  private final ClusterIndex index;
  private final SemanticsOptions options;
  private final Map<String, Namespace> namespaces;
  private final List<Map<String, String>> identities = new ArrayList<>();
  /** Node addresses by node (never a pod's), as the graph has them. */
  private final Map<String, AddressSet> nodeAddresses = new TreeMap<>();
  private final AddressSet pods;
  private final AddressSet nodes;
  /** Neither pods' nor nodes' addresses: Cilium's {@code world}. */
  private final AddressSet world;
  private final AddressSet apiServer;
  private final Map<IpAddress, Integer> podAt = new HashMap<>();
  private final Map<List<Object>, AddressSet> l3Cache = new HashMap<>();
  private final Map<List<Object>, AddressSet> npPeerCache = new HashMap<>();

  /** Part of the connections a rule matches: peer addresses and, for them, the ports. */
  private record Piece(AddressSet peers, PortSet ports) {}

  CiliumRules(Cluster cluster, ClusterIndex index, SemanticsOptions options, Map<String, List<IpAddress>> nodeIps) {
    this.cluster = cluster;
    this.index = index;
    this.options = options;
    this.namespaces = cluster.namespacesByName();
    List<IpAddress> podIps = new ArrayList<>();
    for (int i = 0; i < index.pods().size(); i++) {
      Pod p = index.pods().get(i);
      identities.add(CiliumLabels.identity(p, namespace(p.namespace()), CiliumLabels.DEFAULT_CLUSTER));
      for (IpAddress ip : index.ips(i)) {
        podAt.putIfAbsent(ip, i);
        podIps.add(ip);
      }
    }
    this.pods = AddressSet.ofAddresses(podIps);
    List<IpAddress> all = new ArrayList<>();
    nodeIps.forEach((n, ips) -> {
      nodeAddresses.put(n, AddressSet.ofAddresses(ips));
      all.addAll(ips);
    });
    this.nodes = AddressSet.ofAddresses(all);
    this.world = AddressSet.ALL.difference(pods).difference(nodes);
    List<IpAddress> api = new ArrayList<>();
    for (EndpointSlice slice : cluster.calico().endpointSlices("default", "kubernetes")) {
      api.addAll(slice.addresses());
    }
    this.apiServer = AddressSet.ofAddresses(api);
  }

  /**
   * The options the graph is built with: {@code allowNodeToLocalPods} off, since the lowering
   * writes Cilium's own-node exemption as a rule that deny rules override.
   */
  static SemanticsOptions graphOptions(SemanticsOptions options) {
    return options.withAllowNodeToLocalPods(false).withNodeLocalExemptFromAllTiers(false);
  }

  /**
   * Adds the groups and rules of {@code podIds} (policy pod ids, ascending) to {@code b}: pods
   * with equal lowered rules in both directions form one group, in the order of their first pod.
   */
  void build(RuleGraph.Builder b, int[] podIds) {
    RuleGroups.build(b, index, podIds, this::rulesFor);
  }

  /** The rules of pod {@code id} in direction {@code d} (blank subject): denies, then allows, then default deny. */
  List<Rule> rulesFor(int id, Direction d) {
    Pod subject = index.pods().get(id);
    Map<String, String> identity = identities.get(id);
    boolean ingress = d == Direction.INGRESS;
    CiliumDirection dir = ingress ? CiliumDirection.INGRESS : CiliumDirection.EGRESS;
    List<Rule> denies = new ArrayList<>();
    List<Rule> allows = new ArrayList<>();
    Optional<Origin> defaultDeny = Optional.empty();
    for (CiliumPolicy policy : cluster.cilium().policies()) {
      for (CiliumRule rule : policy.rules()) {
        if (rule.endpointSelector().isEmpty()
            || !CiliumLabels.subjectSelector(policy, rule.endpointSelector().get()).matches(identity)) {
          continue;
        }
        if (defaultDeny.isEmpty() && rule.defaultDeny(dir)) {
          defaultDeny = Optional.of(new Origin(policy.key() + " " + rule.path() + " default deny", d, 0,
              policy.position(rule.path())));
        }
        List<CiliumPeerRule> deny = ingress ? rule.ingressDeny() : rule.egressDeny();
        for (int i = 0; i < deny.size(); i++) {
          lowerCilium(policy, rule, deny.get(i), i, d, id, subject, Action.DENY, denies);
        }
        List<CiliumPeerRule> allow = ingress ? rule.ingress() : rule.egress();
        for (int i = 0; i < allow.size(); i++) {
          lowerCilium(policy, rule, allow.get(i), i, d, id, subject, Action.ALLOW, allows);
        }
      }
    }
    PolicyType type = ingress ? PolicyType.Ingress : PolicyType.Egress;
    for (NetworkPolicy np : cluster.policies()) {
      if (!np.namespace().equals(subject.namespace()) || !np.podSelector().matches(identity)
          || !np.effectivePolicyTypes().contains(type)) {
        continue;
      }
      if (defaultDeny.isEmpty()) {
        defaultDeny = Optional.of(new Origin(np.key() + " default deny", d, 0, np.position()));
      }
      List<PolicyRule> rules = ingress ? np.ingress() : np.egress();
      for (int j = 0; j < rules.size(); j++) {
        lowerKubernetes(np, rules.get(j), j, d, id, allows);
      }
    }
    List<Rule> out = new ArrayList<>(denies);
    if (defaultDeny.isPresent()) {
      AddressSet own = subject.nodeName() == null ? null : nodeAddresses.get(subject.nodeName());
      if (ingress && options.allowNodeToLocalPods() && own != null && !own.isEmpty()) {
        // Cilium allows the local host by default; only a deny rule (the tier before) overrides it.
        out.add(new Rule(d, ALLOW_TIER, 0, "", own, PortSet.ALL_PROTOCOLS, Action.ALLOW,
            List.of(new Origin("node " + subject.nodeName() + " to its pods", d, 0, SourcePosition.UNKNOWN))));
      }
      out.addAll(allows);
      out.add(new Rule(d, ALLOW_TIER, 1, "", AddressSet.ALL, PortSet.ALL_PROTOCOLS, Action.DENY,
          List.of(defaultDeny.get())));
    }
    // Without default deny every connection no deny rule matches is allowed: allows decide nothing.
    return out;
  }

  // ------------------------------------------------------------------ Cilium rules

  private void lowerCilium(CiliumPolicy policy, CiliumRule rule, CiliumPeerRule r, int i, Direction d, int subjectId,
      Pod subject, Action action, List<Rule> out) {
    Tier tier = action == Action.DENY ? DENY_TIER : ALLOW_TIER;
    // The list's own path (spec.ingressDeny): the comment names the section once, as the YAML does.
    String list = r.path().substring(0, r.path().lastIndexOf('['));
    Origin origin = new Origin(policy.key(), d, i, policy.position(r.path()), list);
    AddressSet l3 = l3(policy, r, subject);
    List<String> names = new ArrayList<>();
    for (CiliumPortRule pr : r.toPorts()) {
      for (CiliumPort p : pr.ports()) {
        if (p.named()) {
          names.add(p.port());
        }
      }
    }
    for (Piece pc : pieces(l3, dest -> l4(r, dest), names, d, subjectId)) {
      out.add(new Rule(d, tier, 0, "", pc.peers(), pc.ports(), action, List.of(origin)));
    }
  }

  /** The peer addresses of a rule's L3 part, for {@code subject} (entities and reserved labels depend on its node). */
  private AddressSet l3(CiliumPolicy policy, CiliumPeerRule r, Pod subject) {
    if (!r.hasL3()) {
      return AddressSet.ALL; // only toPorts/icmps: every peer
    }
    return l3Cache.computeIfAbsent(List.of(policy.key(), r.path(), String.valueOf(subject.nodeName())), k -> {
      AddressSet own = ownNode(subject);
      AddressSet s = AddressSet.EMPTY;
      for (LabelSelector sel : r.endpoints().orElse(List.of())) {
        s = s.union(selected(CiliumLabels.peerSelector(policy, sel), own));
      }
      for (String text : r.cidrs().orElse(List.of())) {
        Optional<Cidr> c = cidr(text);
        if (c.isPresent()) {
          s = s.union(AddressSet.ofCidrs(List.of(c.get())).intersection(world));
        }
      }
      for (CiliumCidrSet set : r.cidrSets().orElse(List.of())) {
        s = s.union(cidrSet(set).intersection(world));
      }
      for (String name : r.entities().orElse(List.of())) {
        CiliumEntity e = CiliumEntity.of(name);
        if (e != null) {
          s = s.union(entity(e, own));
        }
      }
      return s;
    });
  }

  private AddressSet ownNode(Pod subject) {
    AddressSet own = subject.nodeName() == null ? null : nodeAddresses.get(subject.nodeName());
    return own == null ? AddressSet.EMPTY : own;
  }

  /**
   * The addresses whose Cilium labels {@code selector} (a peer selector over plain keys) matches:
   * pods by their identity, other addresses by their reserved identity ({@code reserved:host}
   * for the subject's node {@code own}, {@code reserved:remote-node} for other nodes,
   * {@code reserved:world} for the rest, each with {@code reserved:kube-apiserver} on the API
   * server's addresses).
   */
  private AddressSet selected(LabelSelector selector, AddressSet own) {
    List<IpAddress> ips = new ArrayList<>();
    for (int i = 0; i < identities.size(); i++) {
      if (selector.matches(identities.get(i))) {
        ips.addAll(index.ips(i));
      }
    }
    AddressSet s = AddressSet.ofAddresses(ips);
    AddressSet api = apiServer.difference(pods);
    Map<String, AddressSet> classes = new LinkedHashMap<>();
    classes.put("host", own);
    classes.put("remote-node", nodes.difference(own));
    classes.put("world", world);
    for (Map.Entry<String, AddressSet> e : classes.entrySet()) {
      for (boolean isApi : new boolean[] {false, true}) {
        Map<String, String> labels = new HashMap<>();
        labels.put(RESERVED + e.getKey(), "");
        if (isApi) {
          labels.put(RESERVED + "kube-apiserver", "");
        }
        if (selector.matches(labels)) {
          s = s.union(isApi ? e.getValue().intersection(api) : e.getValue().difference(api));
        }
      }
    }
    return s;
  }

  private AddressSet entity(CiliumEntity e, AddressSet own) {
    return switch (e) {
      case ALL -> AddressSet.ALL;
      case WORLD -> world;
      case WORLD_IPV4 -> world.intersection(V4);
      case WORLD_IPV6 -> world.intersection(V6);
      case CLUSTER -> pods.union(nodes);
      case HOST -> own;
      case REMOTE_NODE -> nodes.difference(own);
      case KUBE_APISERVER -> apiServer;
      case INIT, HEALTH, UNMANAGED, INGRESS, NONE -> AddressSet.EMPTY;
    };
  }

  /** A CIDR set: its prefix less its excepts; nothing when a prefix does not parse (fail closed). */
  static AddressSet cidrSet(CiliumCidrSet set) {
    Optional<Cidr> base = cidr(set.cidr());
    if (base.isEmpty()) {
      return AddressSet.EMPTY;
    }
    List<Cidr> except = new ArrayList<>();
    for (String e : set.except()) {
      Optional<Cidr> ex = cidr(e);
      if (ex.isEmpty()) {
        return AddressSet.EMPTY;
      }
      except.add(ex.get());
    }
    AddressSet s = AddressSet.ofCidrs(List.of(base.get()));
    return except.isEmpty() ? s : s.difference(AddressSet.ofCidrs(except));
  }

  /** A CIDR as Cilium writes it: an address without a prefix length is one address. */
  static Optional<Cidr> cidr(String text) {
    String t = text.contains("/") ? text : text + (text.contains(":") ? "/128" : "/32");
    return Cidr.parse(t).map(Cidr.Parsed::cidr);
  }

  /**
   * A rule's L4 part with the destination pod {@code dest}: every protocol without
   * {@code toPorts} and {@code icmps}; else its ports (named ones on {@code dest}) and ICMP types.
   */
  static PortSet l4(CiliumPeerRule r, Optional<Pod> dest) {
    if (!r.hasL4()) {
      return PortSet.ALL_PROTOCOLS;
    }
    PortSet s = PortSet.EMPTY;
    for (CiliumPortRule pr : r.toPorts()) {
      if (pr.ports().isEmpty()) {
        for (Protocol p : PORT_PROTOCOLS) {
          s = s.union(PortSet.wholeProtocol(p.number()));
        }
      }
      for (CiliumPort p : pr.ports()) {
        s = s.union(port(p, dest));
      }
    }
    for (CiliumIcmpRule icmp : r.icmps()) {
      for (CiliumIcmpField f : icmp.fields()) {
        if (f.typeNumber().isPresent()) {
          int t = f.typeNumber().getAsInt();
          s = s.union(PortSet.of(Map.of(f.ipv6() ? Protocol.ICMPV6 : Protocol.ICMP,
              List.of(new PortRange(t * 256, t * 256 + 255)))));
        }
      }
    }
    return s;
  }

  /** One {@code ports} entry: its protocols (ANY: TCP, UDP, SCTP), at a number, a range, every port or a name. */
  static PortSet port(CiliumPort p, Optional<Pod> dest) {
    Map<Integer, List<PortRange>> m = new TreeMap<>();
    for (String name : p.protocols()) {
      Optional<Protocol> proto = PORT_PROTOCOLS.stream().filter(x -> x.name().equals(name)).findFirst();
      if (proto.isEmpty()) {
        continue; // not a port protocol (validation refuses it): matches nothing
      }
      if (p.named()) {
        dest.flatMap(d -> d.namedPort(p.port(), proto.get()))
            .ifPresent(n -> m.put(proto.get().number(), List.of(PortRange.of(n))));
        continue;
      }
      int from = p.number();
      if (from < 0) {
        continue;
      }
      if (from == 0) {
        m.put(proto.get().number(), List.of(PortRange.ALL));
        continue;
      }
      int to = Math.min(65535, p.endPort().isPresent() ? p.endPort().getAsInt() : from);
      if (to >= from) {
        m.put(proto.get().number(), List.of(new PortRange(from, to)));
      }
    }
    return PortSet.of(m);
  }

  // ------------------------------------------------------------------ Kubernetes NetworkPolicies

  private void lowerKubernetes(NetworkPolicy np, PolicyRule rule, int j, Direction d, int subjectId, List<Rule> out) {
    Origin origin = new Origin(np.key(), d, j, np.source().find("spec." + d.apiName() + "[" + j + "]"));
    AddressSet peers = npPeers(np, rule, d, j);
    List<String> names = new ArrayList<>();
    for (PolicyPort pp : rule.ports()) {
      if (pp.port().isPresent() && pp.port().get().isNamed()) {
        names.add(pp.port().get().name());
      }
    }
    for (Piece pc : pieces(peers, dest -> npPorts(rule, dest), names, d, subjectId)) {
      out.add(new Rule(d, ALLOW_TIER, 0, "", pc.peers(), pc.ports(), Action.ALLOW, List.of(origin)));
    }
  }

  /** A NetworkPolicy rule's peers as Cilium applies them: identity labels, ipBlocks outside pods and nodes. */
  private AddressSet npPeers(NetworkPolicy np, PolicyRule rule, Direction d, int j) {
    if (rule.peers().isEmpty()) {
      return AddressSet.ALL;
    }
    return npPeerCache.computeIfAbsent(List.of(np.key(), d, j), k -> {
      AddressSet s = AddressSet.EMPTY;
      for (Peer p : rule.peers()) {
        if (p.ipBlock().isPresent()) {
          if (p.podSelector().isEmpty() && p.namespaceSelector().isEmpty()) {
            s = s.union(ipBlock(p.ipBlock().get()).intersection(world));
          }
          continue;
        }
        if (p.podSelector().isEmpty() && p.namespaceSelector().isEmpty()) {
          continue;
        }
        List<IpAddress> ips = new ArrayList<>();
        for (int i = 0; i < identities.size(); i++) {
          int id = i;
          Pod pod = index.pods().get(i);
          boolean nsOk = p.namespaceSelector().isPresent()
              ? p.namespaceSelector().get().matches(namespace(pod.namespace()).labels())
              : pod.namespace().equals(np.namespace());
          if (nsOk && p.podSelector().map(sel -> sel.matches(identities.get(id))).orElse(true)) {
            ips.addAll(index.ips(i));
          }
        }
        s = s.union(AddressSet.ofAddresses(ips));
      }
      return s;
    });
  }

  private static AddressSet ipBlock(IpBlock block) {
    Optional<Cidr> base = Cidr.parse(block.cidr()).map(Cidr.Parsed::cidr);
    if (base.isEmpty()) {
      return AddressSet.EMPTY;
    }
    List<Cidr> except = new ArrayList<>();
    for (String e : block.except()) {
      Optional<Cidr> ex = Cidr.parse(e).map(Cidr.Parsed::cidr);
      if (ex.isEmpty()) {
        return AddressSet.EMPTY;
      }
      except.add(ex.get());
    }
    AddressSet s = AddressSet.ofCidrs(List.of(base.get()));
    return except.isEmpty() ? s : s.difference(AddressSet.ofCidrs(except));
  }

  /** A NetworkPolicy rule's ports with the destination pod {@code dest} (named ports resolve there). */
  private static PortSet npPorts(PolicyRule rule, Optional<Pod> dest) {
    if (rule.ports().isEmpty()) {
      return PortSet.ALL_PROTOCOLS;
    }
    PortSet s = PortSet.EMPTY;
    for (PolicyPort pp : rule.ports()) {
      Optional<Protocol> proto = pp.effectiveProtocol();
      if (proto.isEmpty()) {
        continue;
      }
      if (pp.port().isEmpty()) {
        s = s.union(PortSet.wholeProtocol(proto.get().number()));
      } else if (pp.port().get().isNamed()) {
        Optional<Integer> n = dest.flatMap(x -> x.namedPort(pp.port().get().name(), proto.get()));
        if (n.isPresent()) {
          s = s.union(PortSet.of(proto.get(), PortRange.of(n.get())));
        }
      } else {
        int from = Math.max(1, pp.port().get().number());
        int to = Math.min(65535, pp.endPort().orElse(pp.port().get().number()));
        if (from <= to) {
          s = s.union(PortSet.of(proto.get(), new PortRange(from, to)));
        }
      }
    }
    return s;
  }

  // ------------------------------------------------------------------ shared

  /**
   * A rule's peers with their ports: for ingress the destination is the subject; for egress with
   * named ports, the peer pods declaring a name get the ports they resolve to, the other peers
   * those without a destination pod.
   */
  private List<Piece> pieces(AddressSet peers, Function<Optional<Pod>, PortSet> ports, List<String> names,
      Direction d, int subjectId) {
    List<Piece> out = new ArrayList<>();
    if (peers.isEmpty()) {
      return out;
    }
    if (d == Direction.INGRESS) {
      out.add(new Piece(peers, ports.apply(Optional.of(index.pods().get(subjectId)))));
    } else if (names.isEmpty()) {
      out.add(new Piece(peers, ports.apply(Optional.empty())));
    } else {
      PortSet none = ports.apply(Optional.empty());
      TreeSet<Integer> candidates = new TreeSet<>();
      for (String name : names) {
        for (int id : index.podsWithPortName(name)) {
          candidates.add(id);
        }
      }
      Map<PortSet, List<IpAddress>> byPorts = new LinkedHashMap<>();
      List<IpAddress> special = new ArrayList<>();
      for (int id : candidates) {
        List<IpAddress> in = new ArrayList<>();
        for (IpAddress ip : index.ips(id)) {
          if (peers.contains(ip) && podAt.get(ip) == id) {
            in.add(ip);
          }
        }
        PortSet ps = ports.apply(Optional.of(index.pods().get(id)));
        if (in.isEmpty() || ps.equals(none)) {
          continue;
        }
        special.addAll(in);
        byPorts.computeIfAbsent(ps, x -> new ArrayList<>()).addAll(in);
      }
      AddressSet rest = special.isEmpty() ? peers : peers.difference(AddressSet.ofAddresses(special));
      out.add(new Piece(rest, none));
      byPorts.forEach((ps, ips) -> out.add(new Piece(AddressSet.ofAddresses(ips), ps)));
    }
    out.removeIf(p -> p.peers().isEmpty() || p.ports().isEmpty());
    return out;
  }

  private Namespace namespace(String name) {
    Namespace ns = namespaces.get(name);
    return ns == null ? Namespace.of(name, Map.of()) : ns;
  }
}
