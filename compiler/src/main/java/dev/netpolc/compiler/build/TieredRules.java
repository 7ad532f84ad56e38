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
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.NamespacedPods;
import dev.netpolc.model.npa.PolicyTier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The lowering of cluster-scoped policies (ClusterNetworkPolicy, and the v1alpha1 kinds through
 * {@link Cluster#tieredPolicies()}) into {@link Tier#ADMIN} and {@link Tier#BASELINE} rules.
 *
 * <p>Policies are taken in evaluation order ({@link ClusterNetworkPolicy#ORDER} per tier); each
 * rule becomes one graph rule per subject group with the policy's priority (a
 * BaselineAdminNetworkPolicy gets {@link #BANP_PRIORITY}, after every ClusterNetworkPolicy
 * priority), added in evaluation order so the graph's stable sort by tier and priority keeps
 * ClusterNetworkPolicy before AdminNetworkPolicy and name order at equal priority, and rule list
 * order within a policy. A rule with numeric and named ports becomes adjacent rules with the same
 * action, which decide exactly as the one rule: named destination ports resolve on the subject
 * for ingress, and split the peers by what the name resolves to on each destination pod for
 * egress.
 */
final class TieredRules {
  /** The graph priority of a BaselineAdminNetworkPolicy's rules: after every CNP priority (0–1000). */
  static final int BANP_PRIORITY = 1001;

  private final ClusterIndex index;
  private final Cluster cluster;
  private final SemanticsOptions options;
  private final List<ClusterNetworkPolicy> ordered;
  /** Per policy (index into {@link #ordered}), the ids of the pods its subject selects, ascending. */
  private final List<int[]> subjects = new ArrayList<>();
  /** Per pod id, the policies selecting it, ascending (= evaluation order); absent when none. */
  private final Map<Integer, List<Integer>> byPod = new HashMap<>();
  private final Map<List<Object>, List<Rule>> templates = new HashMap<>();
  private final Map<Object, AddressSet> peerSets = new HashMap<>();
  private final Map<ClusterNetworkPolicy, Integer> positions = new java.util.IdentityHashMap<>();

  TieredRules(Cluster cluster, ClusterIndex index, SemanticsOptions options) {
    this.cluster = cluster;
    this.index = index;
    this.options = options;
    List<ClusterNetworkPolicy> admin = new ArrayList<>();
    List<ClusterNetworkPolicy> baseline = new ArrayList<>();
    for (ClusterNetworkPolicy p : cluster.tieredPolicies()) {
      Optional<PolicyTier> t = p.parsedTier();
      if (t.isPresent()) {
        (t.get() == PolicyTier.ADMIN ? admin : baseline).add(p);
      }
    }
    admin.sort(ClusterNetworkPolicy.ORDER);
    baseline.sort(ClusterNetworkPolicy.ORDER);
    ordered = new ArrayList<>(admin);
    ordered.addAll(baseline);
    for (int p = 0; p < ordered.size(); p++) {
      int[] selected = subjectPods(ordered.get(p).subject());
      subjects.add(selected);
      for (int pod : selected) {
        byPod.computeIfAbsent(pod, k -> new ArrayList<>()).add(p);
      }
    }
  }

  /** True when no cluster-scoped policy selects any pod: the lowering adds nothing. */
  boolean isEmpty() {
    return byPod.isEmpty();
  }

  /** The policies selecting pod {@code id}, in evaluation order. */
  List<Integer> selecting(int id) {
    return byPod.getOrDefault(id, List.of());
  }

  /**
   * What pods of one group must share: the policies selecting them and, for those with
   * {@code destinationNamedPort} in ingress rules, what each name resolves to on the pod.
   */
  List<Object> groupKey(int podId) {
    List<Integer> sel = selecting(podId);
    if (sel.isEmpty()) {
      return List.of();
    }
    List<Object> key = new ArrayList<>();
    key.add(sel);
    Pod pod = index.pods().get(podId);
    for (int p : sel) {
      for (ClusterPolicyRule r : ordered.get(p).ingress()) {
        for (ClusterPolicyProtocol proto : r.protocols().orElse(List.of())) {
          if (proto.fieldCount() == 1 && proto.destinationNamedPort().isPresent()) {
            key.add(namedPorts(pod, proto.destinationNamedPort().get()));
          }
        }
      }
    }
    return key;
  }

  /**
   * The rules of the policies selecting {@code representative} (whose group shares them), for
   * both directions, in evaluation order, with a blank subject.
   */
  List<Rule> rulesFor(Pod representative, int representativeId) {
    List<Rule> out = new ArrayList<>();
    for (int p : selecting(representativeId)) {
      ClusterNetworkPolicy pol = ordered.get(p);
      for (int j = 0; j < pol.ingress().size(); j++) {
        out.addAll(ingressRule(p, j, representative));
      }
      for (int j = 0; j < pol.egress().size(); j++) {
        out.addAll(egressRules(p, j));
      }
    }
    return out;
  }

  /**
   * The rules of one policy in direction {@code d} for {@code subject} (blank subject), in rule
   * order, with their standard tier and priority (the Calico lowering puts them in its tiers).
   */
  List<Rule> rulesOf(ClusterNetworkPolicy pol, Direction d, Pod subject) {
    int p = positionOf(pol);
    List<Rule> out = new ArrayList<>();
    for (int j = 0; j < pol.rules(d == Direction.INGRESS).size(); j++) {
      out.addAll(d == Direction.INGRESS ? ingressRule(p, j, subject) : egressRules(p, j));
    }
    return out;
  }

  /**
   * The policies, Admin tier then Baseline, each in {@link ClusterNetworkPolicy#ORDER}: the
   * objects {@link #rulesOf} and {@link #selects} take ({@link Cluster#tieredPolicies()} makes
   * new ones on every call).
   */
  List<ClusterNetworkPolicy> policies() {
    return ordered;
  }

  /** True when {@code pol}'s subject selects pod {@code id}. */
  boolean selects(ClusterNetworkPolicy pol, int id) {
    int p = positionOf(pol);
    return p >= 0 && selecting(id).contains(p);
  }

  private int positionOf(ClusterNetworkPolicy pol) {
    if (positions.isEmpty()) {
      for (int p = 0; p < ordered.size(); p++) {
        positions.put(ordered.get(p), p);
      }
    }
    return positions.getOrDefault(pol, -1);
  }

  private List<Rule> ingressRule(int p, int j, Pod subject) {
    ClusterNetworkPolicy pol = ordered.get(p);
    ClusterPolicyRule r = pol.ingress().get(j);
    List<Object> key = new ArrayList<>(List.of(p, Direction.INGRESS, j));
    for (ClusterPolicyProtocol proto : r.protocols().orElse(List.of())) {
      if (proto.fieldCount() == 1 && proto.destinationNamedPort().isPresent()) {
        key.add(namedPorts(subject, proto.destinationNamedPort().get()));
      }
    }
    return templates.computeIfAbsent(key, k -> {
      Optional<Action> action = action(r);
      if (action.isEmpty()) {
        return List.of();
      }
      AddressSet peers = peerSet(pol, Direction.INGRESS, j);
      Map<Integer, List<PortRange>> ports = new TreeMap<>();
      boolean all = numericPorts(r, ports);
      for (ClusterPolicyProtocol proto : r.protocols().orElse(List.of())) {
        if (proto.fieldCount() == 1 && proto.destinationNamedPort().isPresent()) {
          for (Map.Entry<Protocol, Integer> e : namedPorts(subject, proto.destinationNamedPort().get()).entrySet()) {
            ports.computeIfAbsent(e.getKey().number(), x -> new ArrayList<>()).add(PortRange.of(e.getValue()));
          }
        }
      }
      return List.of(rule(pol, Direction.INGRESS, j, peers, all ? PortSet.ALL_PROTOCOLS : PortSet.of(ports),
          action.get()));
    });
  }

  /**
   * The egress rules of one policy rule: its numeric ports for every peer address; each named
   * port only towards the peer pods declaring it, split by what it resolves to.
   */
  private List<Rule> egressRules(int p, int j) {
    return templates.computeIfAbsent(List.of(p, Direction.EGRESS, j), k -> {
      ClusterNetworkPolicy pol = ordered.get(p);
      ClusterPolicyRule r = pol.egress().get(j);
      Optional<Action> action = action(r);
      if (action.isEmpty()) {
        return List.of();
      }
      AddressSet peers = peerSet(pol, Direction.EGRESS, j);
      Map<Integer, List<PortRange>> numeric = new TreeMap<>();
      boolean all = numericPorts(r, numeric);
      List<Rule> out = new ArrayList<>();
      if (all) {
        out.add(rule(pol, Direction.EGRESS, j, peers, PortSet.ALL_PROTOCOLS, action.get()));
        return out;
      }
      if (!numeric.isEmpty()) {
        out.add(rule(pol, Direction.EGRESS, j, peers, PortSet.of(numeric), action.get()));
      }
      List<String> names = new ArrayList<>();
      for (ClusterPolicyProtocol proto : r.protocols().orElse(List.of())) {
        if (proto.fieldCount() == 1 && proto.destinationNamedPort().isPresent()) {
          names.add(proto.destinationNamedPort().get());
        }
      }
      if (names.isEmpty()) {
        return out;
      }
      TreeSet<Integer> candidates = new TreeSet<>();
      for (String name : names) {
        for (int id : index.podsWithPortName(name)) {
          candidates.add(id);
        }
      }
      Map<PortSet, List<IpAddress>> byPorts = new LinkedHashMap<>();
      for (int id : candidates) {
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
        Pod dest = index.pods().get(id);
        for (String name : names) {
          namedPorts(dest, name).forEach((proto, port) ->
              resolved.computeIfAbsent(proto.number(), x -> new ArrayList<>()).add(PortRange.of(port)));
        }
        PortSet ps = PortSet.of(resolved);
        if (!ps.isEmpty()) {
          byPorts.computeIfAbsent(ps, x -> new ArrayList<>()).addAll(inPeers);
        }
      }
      byPorts.forEach((ps, ips) -> out.add(rule(pol, Direction.EGRESS, j, AddressSet.ofAddresses(ips), ps,
          action.get())));
      return out;
    });
  }

  private static Optional<Action> action(ClusterPolicyRule r) {
    return r.parsedAction().map(a -> switch (a) {
      case ACCEPT -> Action.ALLOW;
      case DENY -> Action.DENY;
      case PASS -> Action.PASS;
    });
  }

  private static Rule rule(ClusterNetworkPolicy pol, Direction d, int j, AddressSet peers, PortSet ports,
      Action action) {
    Tier tier = pol.parsedTier().orElseThrow() == PolicyTier.ADMIN ? Tier.ADMIN : Tier.BASELINE;
    int priority = pol.kind() == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? BANP_PRIORITY : pol.priority();
    String path = "spec." + d.apiName() + "[" + j + "]";
    return new Rule(d, tier, priority, "", peers, ports, action,
        List.of(new Origin(pol.key(), d, j, pol.source().find(path))));
  }

  /**
   * The numeric entries of a rule's {@code protocols} into {@code out}; true when the rule has
   * no {@code protocols} (every protocol and port). Entries that cannot match (no field, more
   * than one, a range with start after end) add nothing.
   */
  private static boolean numericPorts(ClusterPolicyRule r, Map<Integer, List<PortRange>> out) {
    if (r.protocols().isEmpty()) {
      return true;
    }
    for (ClusterPolicyProtocol p : r.protocols().get()) {
      if (p.fieldCount() != 1 || p.destinationNamedPort().isPresent()) {
        continue;
      }
      Protocol proto = p.tcp().isPresent() ? Protocol.TCP : p.udp().isPresent() ? Protocol.UDP : Protocol.SCTP;
      DestinationPort port = p.tcp().or(p::udp).or(p::sctp).orElseThrow();
      PortRange range;
      if (port.number().isPresent()) {
        range = PortRange.of(port.number().get());
      } else if (port.range().isPresent()) {
        if (port.range().get().start() > port.range().get().end()) {
          continue;
        }
        range = new PortRange(port.range().get().start(), port.range().get().end());
      } else {
        range = PortRange.ALL;
      }
      out.computeIfAbsent(proto.number(), x -> new ArrayList<>()).add(range);
    }
    return false;
  }

  /** What a container port name resolves to on a pod, per protocol (sorted by protocol). */
  private static Map<Protocol, Integer> namedPorts(Pod pod, String name) {
    Map<Protocol, Integer> out = new TreeMap<>();
    for (Protocol proto : Protocol.values()) {
      pod.namedPort(name, proto).ifPresent(n -> out.put(proto, n));
    }
    return out;
  }

  /** The peers of one rule: the union of its peers' addresses (a peer that is not valid adds none). */
  private AddressSet peerSet(ClusterNetworkPolicy pol, Direction d, int j) {
    ClusterPolicyRule r = pol.rules(d == Direction.INGRESS).get(j);
    List<Cidr> elements = new ArrayList<>();
    for (int q = 0; q < r.peers().size(); q++) {
      ClusterPolicyPeer peer = r.peers().get(q);
      String path = "spec." + d.apiName() + "[" + j + "]." + (d == Direction.INGRESS ? "from" : "to") + "[" + q + "]";
      AddressSet s = peerAddresses(pol, path, peer);
      if (r.peers().size() == 1) {
        return s;
      }
      elements.addAll(s.elements());
    }
    return AddressSet.ofCidrs(elements);
  }

  private AddressSet peerAddresses(ClusterNetworkPolicy pol, String path, ClusterPolicyPeer peer) {
    if (peer.fieldCount() != 1) {
      return AddressSet.EMPTY;
    }
    if (peer.namespaces().isPresent()) {
      LabelSelector sel = peer.namespaces().get();
      return peerSets.computeIfAbsent(List.of("ns", sel), k -> podAddresses(namespacePods(sel)));
    }
    if (peer.pods().isPresent()) {
      NamespacedPods np = peer.pods().get();
      return peerSets.computeIfAbsent(List.of("pods", np), k -> podAddresses(selectedPods(np)));
    }
    if (peer.nodes().isPresent()) {
      LabelSelector sel = peer.nodes().get();
      return peerSets.computeIfAbsent(List.of("nodes", sel), k -> {
        List<IpAddress> ips = new ArrayList<>();
        for (Node n : cluster.nodes()) {
          if (sel.matches(n.labels())) {
            ips.addAll(n.addresses());
          }
        }
        return AddressSet.ofAddresses(ips);
      });
    }
    if (peer.networks().isPresent()) {
      List<Cidr> cidrs = new ArrayList<>();
      List<String> nets = peer.networks().get();
      for (int i = 0; i < nets.size(); i++) {
        String p = path + ".networks[" + i + "]";
        String text = nets.get(i);
        cidrs.add(Cidr.parse(text).orElseThrow(() -> new CompileException(pol.source().find(p), p,
            "invalid CIDR \"" + text + "\"")).cidr());
      }
      return AddressSet.ofCidrs(cidrs);
    }
    if (options.domainNamesMatchNothing()) {
      return AddressSet.EMPTY;
    }
    String p = path + ".domainNames";
    throw new CompileException(pol.source().find(p), p, pol.key() + " " + path.substring(0, path.indexOf(']') + 1)
        + ": domainNames peers cannot be decided from the cluster's objects; refusing to compile (the option "
        + "domainNames=match-nothing compiles them as matching no address)");
  }

  private int[] subjectPods(ClusterPolicySubject s) {
    if (s.namespaces().isPresent() == s.pods().isPresent()) {
      return new int[0];
    }
    return s.namespaces().isPresent() ? namespacePods(s.namespaces().get()) : selectedPods(s.pods().get());
  }

  /** Every pod in the namespaces {@code sel} matches: the index's memoised peer selection. */
  private int[] namespacePods(LabelSelector sel) {
    return index.peerPods("", new Peer(Optional.empty(), Optional.of(sel), Optional.empty()));
  }

  /** The pods matching both selectors: the index's memoised peer selection. */
  private int[] selectedPods(NamespacedPods np) {
    return index.peerPods("", new Peer(Optional.of(np.podSelector()), Optional.of(np.namespaceSelector()),
        Optional.empty()));
  }

  private AddressSet podAddresses(int[] ids) {
    List<IpAddress> ips = new ArrayList<>();
    for (int id : ids) {
      ips.addAll(index.ips(id));
    }
    return AddressSet.ofAddresses(ips);
  }
}
