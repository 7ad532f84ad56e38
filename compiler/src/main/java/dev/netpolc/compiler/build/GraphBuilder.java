package dev.netpolc.compiler.build;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
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
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The literal translation of a cluster's NetworkPolicies into a {@link RuleGraph} (what
 * {@code -O0} emits). Endpoints are the policy pods (on {@code node}, when given); pods selected
 * by the same policies, with the same resolution of the named ingress ports those policies
 * use, start in one group, since their rules are equal by construction. Every policy rule
 * becomes one {@link Tier#NETWORK_POLICY} ALLOW rule per group (egress rules with named ports
 * split their peers by resolved port); sets keep their literal representation (one host CIDR
 * per pod address, each ipBlock's own cover), which the passes then minimise. Cluster-scoped
 * policies add their {@link Tier#ADMIN} and {@link Tier#BASELINE} rules ({@link TieredRules}),
 * and split groups further by the cluster-scoped policies selecting their pods.
 */
public final class GraphBuilder {
  private final Cluster cluster;
  private final ClusterIndex index;
  private final SemanticsOptions options;
  private final List<NetworkPolicy> policies;
  private final boolean[] isolatesIngress;
  private final boolean[] isolatesEgress;
  private final Map<List<Integer>, List<Rule>> ruleTemplates = new HashMap<>();
  private final Map<List<Object>, Rule> ingressTemplates = new HashMap<>();
  private AddressSet podAddresses;
  private final TieredRules tiered;
  private final Map<NetworkPolicy, Integer> policyIndex = new java.util.IdentityHashMap<>();
  private CalicoRules calicoRules;

  /** A builder over {@code cluster}, indexed by {@code index} (built with the same options). */
  public GraphBuilder(Cluster cluster, ClusterIndex index, SemanticsOptions options) {
    this.cluster = cluster;
    this.index = index;
    this.options = options;
    // A canonical policy order (NetworkPolicy rules are additive, so order has no meaning):
    // the graph, and every artifact emitted from it, must not depend on the order of inputs.
    // Sorted by namespace, then name, then position: bucketed by namespace first, so that the
    // comparator chain only runs within a namespace.
    Map<String, List<NetworkPolicy>> byNs = new HashMap<>();
    for (NetworkPolicy p : cluster.policies()) {
      byNs.computeIfAbsent(p.namespace(), k -> new ArrayList<>()).add(p);
    }
    List<String> namespaces = new ArrayList<>(byNs.keySet());
    namespaces.sort(null);
    List<NetworkPolicy> sorted = new ArrayList<>(cluster.policies().size());
    for (String ns : namespaces) {
      List<NetworkPolicy> bucket = byNs.get(ns);
      bucket.sort(Comparator.comparing(NetworkPolicy::name).thenComparing(NetworkPolicy::position));
      sorted.addAll(bucket);
    }
    this.policies = sorted;
    this.isolatesIngress = new boolean[sorted.size()];
    this.isolatesEgress = new boolean[sorted.size()];
    for (int p = 0; p < sorted.size(); p++) {
      isolatesIngress[p] = sorted.get(p).isolatesIngress();
      isolatesEgress[p] = sorted.get(p).isolatesEgress();
    }
    this.tiered = new TieredRules(cluster, index, options);
  }

  /**
   * The graph for the whole cluster ({@code node} empty) or for one node's pods. For one node,
   * only that node's pods can be subjects, so only the policies of their namespaces are matched,
   * and only against them; the graph is the same as {@link #buildBySelectionClasses}'s.
   */
  public RuleGraph build(Optional<String> node) {
    if (cluster.calico().hasCalicoObjects()) {
      return buildCalico(node);
    }
    if (!cluster.cilium().isEmpty()) {
      return buildCilium(node);
    }
    return node.isPresent() ? buildForNode(node.get()) : buildBySelectionClasses(Optional.empty());
  }

  /**
   * The {@code calico} profile (the input holds Calico objects, as the reference evaluator
   * decides it): every policy in Calico's tiers ({@link CalicoRules}), no NetworkPolicy tier.
   */
  private RuleGraph buildCalico(Optional<String> node) {
    CalicoRules rules = calicoRules();
    RuleGraph.Builder b = RuleGraph.builder(options).node(node);
    nodeAddresses().forEach((n, ips) -> b.nodeAddresses(n, AddressSet.ofAddresses(ips)));
    rules.build(b, node.isPresent() ? index.podsOnNode(node.get()) : java.util.stream.IntStream.range(0,
        index.pods().size()).toArray());
    return b.build();
  }

  /**
   * The {@code cilium} profile (the input holds Cilium policies and no Calico objects, as the
   * reference evaluator decides it): Cilium's deny and allow tiers ({@link CiliumRules}), with
   * NetworkPolicies beside Cilium's allows, no NetworkPolicy tier.
   */
  private RuleGraph buildCilium(Optional<String> node) {
    Map<String, List<IpAddress>> nodeIps = nodeAddresses();
    CiliumRules rules = new CiliumRules(cluster, index, options, nodeIps);
    RuleGraph.Builder b = RuleGraph.builder(CiliumRules.graphOptions(options)).node(node);
    nodeIps.forEach((n, ips) -> b.nodeAddresses(n, AddressSet.ofAddresses(ips)));
    rules.build(b, node.isPresent() ? index.podsOnNode(node.get()) : java.util.stream.IntStream.range(0,
        index.pods().size()).toArray());
    return b.build();
  }

  private CalicoRules calicoRules() {
    if (calicoRules == null) {
      calicoRules = new CalicoRules(cluster, index, this, tiered);
    }
    return calicoRules;
  }

  /**
   * The ALLOW rules of one NetworkPolicy in direction {@code d} for {@code subject}, with a
   * blank subject, as {@link Tier#NETWORK_POLICY} rules (named ingress ports resolved on the
   * subject; egress named ports split by destination pod). Empty when the policy does not have
   * the direction.
   */
  List<Rule> kubernetesRules(NetworkPolicy pol, Direction d, Pod subject) {
    if (policyIndex.isEmpty()) {
      for (int p = 0; p < policies.size(); p++) {
        policyIndex.put(policies.get(p), p);
      }
    }
    Integer p = policyIndex.get(pol);
    if (p == null) {
      return List.of();
    }
    List<Rule> out = new ArrayList<>();
    if (d == Direction.INGRESS) {
      for (int j = 0; j < pol.ingress().size(); j++) {
        out.add(ingressTemplate(p, j, pol.ingress().get(j), subject));
      }
    } else {
      for (int j = 0; j < pol.egress().size(); j++) {
        out.addAll(egressTemplates(p, j));
      }
    }
    return out;
  }

  /**
   * The graph by partitioning every policy pod of the cluster by the policies selecting it, then
   * keeping the pods on {@code node} (when given). Package-private: the reference that the
   * node-scoped build is tested against.
   */
  RuleGraph buildBySelectionClasses(Optional<String> node) {
    List<Pod> pods = index.pods();
    SelectionClasses classes = selectionClasses(pods.size());
    // Group endpoints by (selecting policies, resolution of their named ingress ports), in the
    // order of their first pod.
    Map<Integer, Boolean> usesNamedPorts = new HashMap<>();
    Map<List<Object>, List<Integer>> byKey = new LinkedHashMap<>();
    Map<Integer, List<Integer>> withoutNamedPorts = new HashMap<>();
    for (int i = 0; i < pods.size(); i++) {
      Pod pod = pods.get(i);
      if (node.isPresent() && !node.get().equals(pod.nodeName())) {
        continue;
      }
      int c = classes.classOf[i];
      List<Integer> selecting = classes.policies(c);
      boolean named = usesNamedPorts.computeIfAbsent(c, x -> hasNamedIngressPorts(selecting));
      List<Integer> members;
      if (!tiered.isEmpty()) {
        // Cluster-scoped policies split the classes further: by the policies selecting the pod.
        List<Object> base = named ? namedPortKey(c, selecting, pod) : List.of(c);
        members = byKey.computeIfAbsent(List.of(base, tiered.groupKey(i)), k -> new ArrayList<>());
      } else if (!named) {
        members = withoutNamedPorts.get(c);
        if (members == null) {
          members = new ArrayList<>();
          withoutNamedPorts.put(c, members);
          byKey.put(List.of(c), members);
        }
      } else {
        members = byKey.computeIfAbsent(namedPortKey(c, selecting, pod), k -> new ArrayList<>());
      }
      members.add(i);
    }
    List<List<Integer>> memberLists = new ArrayList<>(byKey.values());
    List<List<Integer>> selectingLists = new ArrayList<>();
    for (List<Integer> members : memberLists) {
      selectingLists.add(classes.policies(classes.classOf[members.get(0)]));
    }
    return assemble(node, memberLists, selectingLists);
  }

  /**
   * The graph for the pods on {@code node}: each of them matched against the pod selectors of
   * the policies in its namespace, grouped by the list of policies selecting it (the same
   * partition as the selection classes, restricted to the node).
   */
  private RuleGraph buildForNode(String node) {
    List<Pod> pods = index.pods();
    int[] local = index.podsOnNode(node);
    Map<String, List<Integer>> localByNs = new HashMap<>();
    for (int i : local) {
      localByNs.computeIfAbsent(pods.get(i).namespace(), k -> new ArrayList<>()).add(i);
    }
    Map<Integer, List<Integer>> selecting = new HashMap<>();
    for (int i : local) {
      selecting.put(i, new ArrayList<>());
    }
    for (int p = 0; p < policies.size(); p++) {
      NetworkPolicy pol = policies.get(p);
      List<Integer> inNs = localByNs.get(pol.namespace());
      if (inNs == null) {
        continue;
      }
      for (int i : inNs) {
        if (pol.podSelector().matches(pods.get(i).labels())) {
          selecting.get(i).add(p); // policies ascend, so each list does too
        }
      }
    }
    Map<List<Integer>, Boolean> usesNamedPorts = new HashMap<>();
    Map<List<Object>, List<Integer>> byKey = new LinkedHashMap<>();
    Map<Integer, List<Integer>> selectingOf = new HashMap<>();
    for (int i : local) {
      List<Integer> sel = List.copyOf(selecting.get(i));
      boolean named = usesNamedPorts.computeIfAbsent(sel, this::hasNamedIngressPorts);
      List<Object> key = named ? namedPortKey(sel, sel, pods.get(i)) : List.of(sel);
      if (!tiered.isEmpty()) {
        key = List.of(key, tiered.groupKey(i));
      }
      List<Integer> members = byKey.computeIfAbsent(key, k -> new ArrayList<>());
      members.add(i);
      selectingOf.putIfAbsent(members.get(0), sel);
    }
    List<List<Integer>> memberLists = new ArrayList<>(byKey.values());
    List<List<Integer>> selectingLists = new ArrayList<>();
    for (List<Integer> members : memberLists) {
      selectingLists.add(selectingOf.get(members.get(0)));
    }
    return assemble(Optional.of(node), memberLists, selectingLists);
  }

  /** The grouping key of a pod whose selecting policies name ingress ports: class, then each resolution. */
  private List<Object> namedPortKey(Object selectionClass, List<Integer> selecting, Pod pod) {
    List<Object> key = new ArrayList<>();
    key.add(selectionClass);
    for (int p : selecting) {
      if (isolatesIngress[p]) {
        for (PolicyRule r : policies.get(p).ingress()) {
          for (PolicyPort pp : r.ports()) {
            if (pp.port().isPresent() && pp.port().get().isNamed()) {
              key.add(resolve(pod, pp));
            }
          }
        }
      }
    }
    return key;
  }

  /** The graph of these groups (pod ids, in the order groups were found) and their selecting policies. */
  private RuleGraph assemble(Optional<String> node, List<List<Integer>> memberLists,
      List<List<Integer>> selectingLists) {
    List<Pod> pods = index.pods();
    RuleGraph.Builder b = RuleGraph.builder(options).node(node);
    nodeAddresses().forEach((n, ips) -> b.nodeAddresses(n, AddressSet.ofAddresses(ips)));
    for (int k = 0; k < memberLists.size(); k++) {
      List<Integer> members = memberLists.get(k);
      List<Endpoint> endpoints = new ArrayList<>();
      for (int i : members) {
        Pod p = pods.get(i);
        endpoints.add(new Endpoint(p.key(), index.ips(i), Optional.ofNullable(p.nodeName())));
      }
      List<Integer> pols = selectingLists.get(k);
      boolean ingressIsolated = pols.stream().anyMatch(p -> isolatesIngress[p]);
      boolean egressIsolated = pols.stream().anyMatch(p -> isolatesEgress[p]);
      EndpointGroup g = EndpointGroup.of(endpoints, ingressIsolated, egressIsolated);
      b.addGroup(g);
      Pod representative = pods.get(members.get(0));
      for (int p : pols) {
        NetworkPolicy pol = policies.get(p);
        if (isolatesIngress[p]) {
          for (int j = 0; j < pol.ingress().size(); j++) {
            PolicyRule r = pol.ingress().get(j);
            b.addRule(ingressTemplate(p, j, r, representative).withSubject(g.id()));
          }
        }
        if (isolatesEgress[p]) {
          for (int j = 0; j < pol.egress().size(); j++) {
            for (Rule t : egressTemplates(p, j)) {
              b.addRule(t.withSubject(g.id()));
            }
          }
        }
      }
      for (Rule t : tiered.rulesFor(representative, members.get(0))) {
        b.addRule(t.withSubject(g.id()));
      }
    }
    return b.build();
  }

  private boolean hasNamedIngressPorts(List<Integer> selecting) {
    for (int p : selecting) {
      if (isolatesIngress[p]) {
        for (PolicyRule r : policies.get(p).ingress()) {
          for (PolicyPort pp : r.ports()) {
            if (pp.port().isPresent() && pp.port().get().isNamed()) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /**
   * Pods partitioned by the set of policies selecting them, refining one distinct selection at
   * a time, so the cost is the total size of the distinct selections (the index hands out one
   * array per distinct selector), not pods times policies.
   */
  private SelectionClasses selectionClasses(int podCount) {
    Map<int[], List<Integer>> policiesBySelection = new java.util.IdentityHashMap<>();
    List<int[]> selections = new ArrayList<>();
    for (int p = 0; p < policies.size(); p++) {
      NetworkPolicy pol = policies.get(p);
      int[] selected = index.podsSelected(pol.namespace(), pol.podSelector());
      if (selected.length == 0) {
        continue;
      }
      policiesBySelection.computeIfAbsent(selected, k -> {
        selections.add(k);
        return new ArrayList<>();
      }).add(p);
    }
    int[] classOf = new int[podCount];
    List<Integer> parent = new ArrayList<>(List.of(-1));
    List<Integer> selectionOf = new ArrayList<>(List.of(-1));
    Map<Integer, Integer> split = new HashMap<>();
    for (int s = 0; s < selections.size(); s++) {
      split.clear();
      for (int pod : selections.get(s)) {
        int old = classOf[pod];
        Integer c = split.get(old);
        if (c == null) {
          c = parent.size();
          parent.add(old);
          selectionOf.add(s);
          split.put(old, c);
        }
        classOf[pod] = c;
      }
    }
    return new SelectionClasses(classOf, parent, selectionOf, selections, policiesBySelection);
  }

  /** The classes of {@link #selectionClasses}: class 0 is "selected by no policy". */
  private static final class SelectionClasses {
    final int[] classOf;
    private final List<Integer> parent;
    private final List<Integer> selectionOf;
    private final List<int[]> selections;
    private final Map<int[], List<Integer>> policiesBySelection;
    private final Map<Integer, List<Integer>> policies = new HashMap<>();

    SelectionClasses(int[] classOf, List<Integer> parent, List<Integer> selectionOf, List<int[]> selections,
        Map<int[], List<Integer>> policiesBySelection) {
      this.classOf = classOf;
      this.parent = parent;
      this.selectionOf = selectionOf;
      this.selections = selections;
      this.policiesBySelection = policiesBySelection;
    }

    /** The policies selecting the pods of class {@code c}, ascending. */
    List<Integer> policies(int c) {
      return policies.computeIfAbsent(c, k -> {
        List<Integer> out = new ArrayList<>();
        for (int x = c; x > 0; x = parent.get(x)) {
          out.addAll(policiesBySelection.get(selections.get(selectionOf.get(x))));
        }
        out.sort(null);
        return List.copyOf(out);
      });
    }
  }

  private static Origin origin(NetworkPolicy pol, Direction d, int j) {
    return new Origin(pol.key(), d, j, pol.source().find("spec." + d.apiName() + "[" + j + "]"));
  }

  /** The resolved number of a named port entry on {@code pod}, or 0 when it has none. */
  private static int resolve(Pod pod, PolicyPort pp) {
    return pp.effectiveProtocol().flatMap(proto -> pod.namedPort(pp.port().get().name(), proto)).orElse(0);
  }

  /** The ingress rule of policy {@code p}'s rule {@code j}, once per resolution of its named ports. */
  private Rule ingressTemplate(int p, int j, PolicyRule r, Pod subject) {
    List<Object> key = new ArrayList<>(List.of(p, j));
    for (PolicyPort pp : r.ports()) {
      if (pp.port().isPresent() && pp.port().get().isNamed()) {
        key.add(resolve(subject, pp));
      }
    }
    return ingressTemplates.computeIfAbsent(key, k -> {
      NetworkPolicy pol = policies.get(p);
      return new Rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, "", peerSet(p, Direction.INGRESS, j),
          ingressPorts(pol, j, r, subject), Action.ALLOW, List.of(origin(pol, Direction.INGRESS, j)));
    });
  }

  private PortSet ingressPorts(NetworkPolicy pol, int j, PolicyRule r, Pod subject) {
    if (r.ports().isEmpty()) {
      return PortSet.ALL_PROTOCOLS;
    }
    Map<Integer, List<PortRange>> m = new TreeMap<>();
    for (int k = 0; k < r.ports().size(); k++) {
      PolicyPort pp = r.ports().get(k);
      Protocol proto = protocol(pol, "spec.ingress[" + j + "].ports[" + k + "]", pp);
      Optional<PortRange> range = pp.port().isPresent() && pp.port().get().isNamed()
          ? subject.namedPort(pp.port().get().name(), proto).map(PortRange::of)
          : Optional.of(numericRange(pp));
      range.ifPresent(rg -> m.computeIfAbsent(proto.number(), x -> new ArrayList<>()).add(rg));
    }
    return PortSet.of(m);
  }

  private static PortRange numericRange(PolicyPort pp) {
    if (pp.port().isEmpty()) {
      return PortRange.ALL;
    }
    int from = pp.port().get().number();
    return new PortRange(from, pp.endPort().orElse(from));
  }

  private static Protocol protocol(NetworkPolicy pol, String path, PolicyPort pp) {
    return pp.effectiveProtocol().orElseThrow(() -> new CompileException(pol.source().find(path + ".protocol"),
        path + ".protocol", "unsupported protocol \"" + pp.protocol().orElse("") + "\""));
  }

  /**
   * The egress rules of policy {@code p}'s rule {@code j} for any subject (subject left blank):
   * numeric ports as one rule; named ports resolved per destination pod, one rule per resolved
   * port set with the addresses of the pods that resolve so.
   */
  private List<Rule> egressTemplates(int p, int j) {
    return ruleTemplates.computeIfAbsent(List.of(p, j), k -> {
      NetworkPolicy pol = policies.get(p);
      PolicyRule r = pol.egress().get(j);
      AddressSet peers = peerSet(p, Direction.EGRESS, j);
      List<Origin> origins = List.of(origin(pol, Direction.EGRESS, j));
      List<Rule> out = new ArrayList<>();
      if (r.ports().isEmpty()) {
        out.add(new Rule(Direction.EGRESS, Tier.NETWORK_POLICY, 0, "", peers, PortSet.ALL_PROTOCOLS, Action.ALLOW,
            origins));
        return out;
      }
      Map<Integer, List<PortRange>> numeric = new TreeMap<>();
      List<PolicyPort> named = new ArrayList<>();
      List<Protocol> namedProtocols = new ArrayList<>();
      for (int q = 0; q < r.ports().size(); q++) {
        PolicyPort pp = r.ports().get(q);
        Protocol proto = protocol(pol, "spec.egress[" + j + "].ports[" + q + "]", pp);
        if (pp.port().isPresent() && pp.port().get().isNamed()) {
          named.add(pp);
          namedProtocols.add(proto);
        } else {
          numeric.computeIfAbsent(proto.number(), x -> new ArrayList<>()).add(numericRange(pp));
        }
      }
      if (!numeric.isEmpty()) {
        out.add(new Rule(Direction.EGRESS, Tier.NETWORK_POLICY, 0, "", peers, PortSet.of(numeric), Action.ALLOW,
            origins));
      }
      if (named.isEmpty()) {
        return out;
      }
      // Destination pods that declare any of the names, split by what the names resolve to.
      // Candidates: pods declaring one of the names, narrowed to the peer pods when every peer
      // is a selector, so the cost follows the smaller of the two.
      java.util.TreeSet<Integer> candidates = new java.util.TreeSet<>();
      for (PolicyPort pp : named) {
        for (int id : index.podsWithPortName(pp.port().get().name())) {
          candidates.add(id);
        }
      }
      if (!r.peers().isEmpty() && r.peers().stream().allMatch(pr -> pr.ipBlock().isEmpty())) {
        java.util.TreeSet<Integer> peerPods = new java.util.TreeSet<>();
        for (Peer pr : r.peers()) {
          for (int id : index.peerPods(pol.namespace(), pr)) {
            if (candidates.contains(id)) {
              peerPods.add(id);
            }
          }
        }
        candidates = peerPods;
      }
      Map<PortSet, List<IpAddress>> byPorts = new LinkedHashMap<>();
      for (int id : candidates) {
        Pod dest = index.pods().get(id);
        List<IpAddress> inPeers = new ArrayList<>();
        for (IpAddress ip : index.ips(id)) {
          if (peers.contains(ip)) {
            inPeers.add(ip);
          }
        }
        if (inPeers.isEmpty()) {
          continue;
        }
        Map<Integer, List<PortRange>> resolved = new TreeMap<>();
        for (int q = 0; q < named.size(); q++) {
          Protocol proto = namedProtocols.get(q);
          dest.namedPort(named.get(q).port().get().name(), proto).ifPresent(
              n -> resolved.computeIfAbsent(proto.number(), x -> new ArrayList<>()).add(PortRange.of(n)));
        }
        PortSet ps = PortSet.of(resolved);
        if (!ps.isEmpty()) {
          byPorts.computeIfAbsent(ps, x -> new ArrayList<>()).addAll(inPeers);
        }
      }
      byPorts.forEach((ps, ips) -> out.add(new Rule(Direction.EGRESS, Tier.NETWORK_POLICY, 0, "",
          AddressSet.ofAddresses(ips), ps, Action.ALLOW, origins)));
      return out;
    });
  }

  private final Map<List<Object>, AddressSet> peerSets = new HashMap<>();
  private final Map<int[], AddressSet> podSets = new java.util.IdentityHashMap<>();

  /** The peers of one rule: every address when none are listed, else the union of the peers. */
  private AddressSet peerSet(int p, Direction d, int j) {
    return peerSets.computeIfAbsent(List.of(p, d, j), k -> {
      NetworkPolicy pol = policies.get(p);
      PolicyRule r = (d == Direction.INGRESS ? pol.ingress() : pol.egress()).get(j);
      if (r.peers().isEmpty()) {
        return AddressSet.ALL;
      }
      List<Cidr> elements = new ArrayList<>();
      for (int q = 0; q < r.peers().size(); q++) {
        Peer peer = r.peers().get(q);
        String path = "spec." + d.apiName() + "[" + j + "]." + (d == Direction.INGRESS ? "from" : "to") + "[" + q + "]";
        if (peer.ipBlock().isPresent() && (peer.podSelector().isPresent() || peer.namespaceSelector().isPresent())) {
          continue; // invalid (validation rejects it): such a peer matches nothing
        }
        if (peer.ipBlock().isPresent()) {
          elements.addAll(ipBlock(pol, path + ".ipBlock", peer.ipBlock().get()).elements());
        } else {
          AddressSet pods = podSetOf(index.peerPods(pol.namespace(), peer));
          if (r.peers().size() == 1) {
            return pods; // shared with every rule naming the same pods
          }
          elements.addAll(pods.elements());
        }
      }
      return AddressSet.ofCidrs(elements);
    });
  }

  /**
   * The addresses of a memoised pod selection, once per distinct selection: the index returns
   * the same array for the same selector, so identity is the key.
   */
  private AddressSet podSetOf(int[] podIds) {
    return podSets.computeIfAbsent(podIds, k -> {
      List<IpAddress> ips = new ArrayList<>();
      for (int id : podIds) {
        ips.addAll(index.ips(id));
      }
      return AddressSet.ofAddresses(ips);
    });
  }

  private AddressSet ipBlock(NetworkPolicy pol, String path, IpBlock block) {
    Cidr cidr = parse(pol, path + ".cidr", block.cidr());
    List<Cidr> except = new ArrayList<>();
    for (int e = 0; e < block.except().size(); e++) {
      except.add(parse(pol, path + ".except[" + e + "]", block.except().get(e)));
    }
    AddressSet set = AddressSet.ofCidrs(List.of(cidr));
    if (!except.isEmpty()) {
      set = set.difference(AddressSet.ofCidrs(except));
    }
    if (!options.ipBlockMatchesPodIps()) {
      set = set.difference(podAddresses());
    }
    return set;
  }

  /**
   * Addresses of each node: its own, then those of hostNetwork pods on it; an address claimed
   * twice goes to the first node by name, and addresses of policy pods are never node addresses.
   */
  private Map<String, List<IpAddress>> nodeAddresses() {
    Map<IpAddress, String> owner = new HashMap<>();
    List<Node> nodes = new ArrayList<>(cluster.nodes());
    nodes.sort(java.util.Comparator.comparing(Node::name));
    for (Node n : nodes) {
      n.addresses().forEach(ip -> owner.putIfAbsent(ip, n.name()));
    }
    List<Pod> hostPods = new ArrayList<>();
    for (Pod p : cluster.pods()) {
      if (p.isActive() && p.hostNetwork() && p.nodeName() != null) {
        hostPods.add(p);
      }
    }
    hostPods.sort(java.util.Comparator.comparing(Pod::key));
    hostPods.forEach(p -> p.ips().forEach(ip -> owner.putIfAbsent(ip, p.nodeName())));
    Map<String, List<IpAddress>> out = new TreeMap<>();
    owner.forEach((ip, n) -> {
      if (!index.isPodAddress(ip)) {
        out.computeIfAbsent(n, k -> new ArrayList<>()).add(ip);
      }
    });
    return out;
  }

  private AddressSet podAddresses() {
    if (podAddresses == null) {
      List<IpAddress> all = new ArrayList<>();
      for (int i = 0; i < index.pods().size(); i++) {
        all.addAll(index.ips(i));
      }
      podAddresses = AddressSet.ofAddresses(all);
    }
    return podAddresses;
  }

  private static Cidr parse(NetworkPolicy pol, String path, String text) {
    return Cidr.parse(text).orElseThrow(() -> new CompileException(pol.source().find(path), path,
        "invalid CIDR \"" + text + "\"")).cidr();
  }
}
