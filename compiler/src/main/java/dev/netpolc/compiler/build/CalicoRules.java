package dev.netpolc.compiler.build;

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
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
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
import dev.netpolc.model.calico.IcmpMatch;
import dev.netpolc.model.calico.ServiceAccount;
import dev.netpolc.model.calico.ServiceAccountMatch;
import dev.netpolc.model.calico.ServiceMatch;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.PolicyTier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The lowering of a cluster in the {@code calico} profile (SEMANTICS-CALICO.md; the input holds
 * Calico objects) into a {@link RuleGraph}, deciding as the reference's Calico evaluator does.
 *
 * <p>Every Calico tier in {@link CalicoResources#tiersInOrder()} order becomes one
 * {@link Tier#ordered} tier at rank {@code 10 + 10 * index} (before every standard tier, so the
 * backends' node-local copies, which take the tiers before the NetworkPolicy tier, hold them
 * all). Its members are ordered as Calico orders them: Calico policies by order then name,
 * Kubernetes NetworkPolicies as {@code knp.default.<name>} at order 1000 in {@code default},
 * AdminNetworkPolicies/Admin ClusterNetworkPolicies in {@code kube-admin} and the Baseline ones
 * in {@code kube-baseline} at their priority. A member's rules get the member's position in its
 * tier as priority, in rule order; where some member applies to a group in a direction, the tier
 * ends in a catch-all with its default action (Deny or Pass). Nothing uses the NetworkPolicy
 * tier, so no group is isolated: a group without applying policy is allowed (Calico's profile).
 *
 * <p>A Calico rule becomes one or more adjacent graph rules with its action, each a piece
 * (peers, ports) of the connections it matches. The subject's side of the rule (the
 * {@code destination} of an ingress rule, the {@code source} of an egress rule) is decided at
 * lowering time on each of the subject's addresses, per IP family; the peer side becomes an
 * address set (nets minus notNets, selectors over endpoints with Calico's implicit labels and
 * over network sets, services by their EndpointSlices); destination ports are resolved on the
 * destination endpoint (the subject for ingress; for egress the peer addresses split by what a
 * named port or a service's ports resolve to). Pods are grouped by their lowered rules, so pods
 * that a subject-side constraint or a named port tells apart land in different groups.
 *
 * <p>{@code Log} rules become {@link Action#LOG} rules at their place: they log and continue,
 * deciding no verdict, and every backend renders them as its logging.
 */
final class CalicoRules {
  static final String NAMESPACE_LABEL = "projectcalico.org/namespace";
  static final String ORCHESTRATOR_LABEL = "projectcalico.org/orchestrator";
  static final String SERVICE_ACCOUNT_LABEL = "projectcalico.org/serviceaccount";
  static final String NAMESPACE_NAME_LABEL = "projectcalico.org/name";

  /** The graph rank of the first Calico tier; the next ones follow 10 apart. */
  static final int FIRST_RANK = 10;

  private static final AddressSet V4 = AddressSet.ofCidrs(List.of(Cidr.of("0.0.0.0/0")));
  private static final AddressSet V6 = AddressSet.ofCidrs(List.of(Cidr.of("::/0")));

  private final Cluster cluster;
  private final ClusterIndex index;
  private final CalicoResources calico;
  private final GraphBuilder kube;
  private final TieredRules tiered;
  private final List<CalicoTier> tiers;
  private final List<Tier> graphTiers = new ArrayList<>();
  /** Per tier (same index as {@link #tiers}), its members in evaluation order. */
  private final List<List<Member>> members = new ArrayList<>();
  /** Owned pod addresses → pod id. */
  private final Map<IpAddress, Integer> podAt = new HashMap<>();
  private final Map<Object, AddressSet> peerCache = new HashMap<>();
  private final Map<Object, List<Piece>> egressCache = new HashMap<>();
  private final IdentityHashMap<Rule, Rule> retiered = new IdentityHashMap<>();

  /** A policy of a Calico tier, with its tier and priority (position in the tier) in the graph. */
  private sealed interface Member permits CalicoMember, KubernetesMember, ClusterMember {}

  private record CalicoMember(CalicoPolicy policy, int tier, int priority) implements Member {}

  private record KubernetesMember(NetworkPolicy policy, int tier, int priority) implements Member {}

  private record ClusterMember(ClusterNetworkPolicy policy, int tier, int priority) implements Member {}

  /** A member with Calico's ordering keys (as the reference orders them). */
  private record Ordered(double order, String name, String namespace, int seq, Object policy) {}

  private static final Comparator<Ordered> ORDER = Comparator.comparingDouble(Ordered::order)
      .thenComparing(Ordered::name).thenComparing(Ordered::namespace).thenComparingInt(Ordered::seq);

  /** Part of the connections a rule matches: the peer addresses and, for them, the ports. */
  private record Piece(AddressSet peers, PortSet ports) {}

  /**
   * @throws CompileException for a policy with a field netpolc does not enforce, or in a tier
   *     the input neither defines nor has built in
   */
  CalicoRules(Cluster cluster, ClusterIndex index, GraphBuilder kube, TieredRules tiered) {
    this.cluster = cluster;
    this.index = index;
    this.calico = cluster.calico();
    this.kube = kube;
    this.tiered = tiered;
    this.tiers = calico.tiersInOrder();
    for (CalicoPolicy p : calico.enforcedPolicies()) {
      CalicoUnenforceable.refuse(p);
    }
    Map<String, List<Ordered>> byTier = new HashMap<>();
    for (CalicoPolicy p : calico.enforcedPolicies()) {
      double order = p.order().isPresent() ? p.order().getAsDouble() : Double.POSITIVE_INFINITY;
      byTier.computeIfAbsent(p.tier(), t -> new ArrayList<>()).add(new Ordered(order, p.name(), p.namespace(), 0, p));
    }
    for (NetworkPolicy np : cluster.policies()) {
      byTier.computeIfAbsent(CalicoTier.DEFAULT.name(), t -> new ArrayList<>()).add(new Ordered(
          CalicoResources.KUBERNETES_POLICY_ORDER, CalicoResources.KUBERNETES_POLICY_PREFIX + np.name(),
          np.namespace(), 0, np));
    }
    // Admin then Baseline, each in ClusterNetworkPolicy.ORDER: seq orders within a tier as the
    // reference's one sorted list does.
    List<ClusterNetworkPolicy> clusterPolicies = tiered.policies();
    for (int i = 0; i < clusterPolicies.size(); i++) {
      ClusterNetworkPolicy p = clusterPolicies.get(i);
      Optional<PolicyTier> t = p.parsedTier();
      if (t.isEmpty()) {
        continue;
      }
      String tierName = t.get() == PolicyTier.ADMIN ? CalicoTier.KUBE_ADMIN.name() : CalicoTier.KUBE_BASELINE.name();
      double order = p.kind() == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? Double.MAX_VALUE : p.priority();
      byTier.computeIfAbsent(tierName, x -> new ArrayList<>()).add(new Ordered(order, "", "", i, p));
    }
    for (int t = 0; t < tiers.size(); t++) {
      CalicoTier tier = tiers.get(t);
      graphTiers.add(Tier.ordered(FIRST_RANK + 10 * t, graphTierName(tier.name())));
      List<Ordered> list = new ArrayList<>(byTier.getOrDefault(tier.name(), List.of()));
      list.sort(ORDER);
      List<Member> ms = new ArrayList<>();
      for (int k = 0; k < list.size(); k++) {
        Object pol = list.get(k).policy();
        if (pol instanceof CalicoPolicy cp) {
          ms.add(new CalicoMember(cp, t, k));
        } else if (pol instanceof NetworkPolicy np) {
          ms.add(new KubernetesMember(np, t, k));
        } else {
          ms.add(new ClusterMember((ClusterNetworkPolicy) pol, t, k));
        }
      }
      members.add(ms);
    }
    for (CalicoPolicy p : calico.enforcedPolicies()) {
      if (tiers.stream().noneMatch(t -> t.name().equals(p.tier()))) {
        throw new CompileException(p.source().find("spec.tier"), "spec.tier", "Calico " + p.key() + " is in tier '"
            + p.tier() + "', which the input does not define and is not built in: add its Tier object");
      }
    }
    for (int i = 0; i < index.pods().size(); i++) {
      for (IpAddress ip : index.ips(i)) {
        podAt.putIfAbsent(ip, i);
      }
    }
  }

  /**
   * A graph tier name for a Calico tier name: itself when {@link Tier#ordered} takes it, else
   * lower case with every other character a {@code -}, cut to the longest name (the real name
   * stays in the catch-all's origin).
   */
  static String graphTierName(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^-a-z0-9.]", "-");
    s = s.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
    if (s.length() > Tier.MAX_NAME_LENGTH) {
      s = s.substring(0, Tier.MAX_NAME_LENGTH).replaceAll("[^a-z0-9]+$", "");
    }
    return s.isEmpty() ? "tier" : s;
  }

  /**
   * Adds the groups and rules of {@code podIds} (policy pod ids, ascending) to {@code b}: pods
   * with equal lowered rules in both directions form one group, in the order of their first pod.
   */
  void build(RuleGraph.Builder b, int[] podIds) {
    RuleGroups.build(b, index, podIds, this::rulesFor);
  }

  /** The rules of pod {@code id} in direction {@code d} (blank subject), tier by tier. */
  List<Rule> rulesFor(int id, Direction d) {
    Pod pod = index.pods().get(id);
    boolean ingress = d == Direction.INGRESS;
    List<Rule> out = new ArrayList<>();
    for (int t = 0; t < tiers.size(); t++) {
      boolean any = false;
      for (Member m : members.get(t)) {
        if (!applies(m, id, pod, ingress)) {
          continue;
        }
        any = true;
        if (m instanceof CalicoMember cm) {
          List<CalicoRule> rules = cm.policy().rules(ingress);
          for (int i = 0; i < rules.size(); i++) {
            lowerCalicoRule(cm, i, rules.get(i), d, id, pod, out);
          }
        } else if (m instanceof KubernetesMember km) {
          for (Rule r : kube.kubernetesRules(km.policy(), d, pod)) {
            out.add(retier(r, km.tier(), km.priority(), Action.ALLOW));
          }
        } else {
          ClusterMember c = (ClusterMember) m;
          for (Rule r : tiered.rulesOf(c.policy(), d, pod)) {
            out.add(retier(r, c.tier(), c.priority(), r.action()));
          }
        }
      }
      if (any) {
        CalicoTier tier = tiers.get(t);
        out.add(new Rule(d, graphTiers.get(t), members.get(t).size(), "", AddressSet.ALL, PortSet.ALL_PROTOCOLS,
            tier.passByDefault() ? Action.PASS : Action.DENY, List.of(new Origin("tier/" + tier.name()
                + " defaultAction " + tier.defaultAction(), d, 0, tier.source().find("spec.defaultAction")))));
      }
    }
    return out;
  }

  private Rule retier(Rule r, int tier, int priority, Action action) {
    return retiered.computeIfAbsent(r, x -> new Rule(r.direction(), graphTiers.get(tier), priority, "", r.peers(),
        r.ports(), action, r.origins()));
  }

  // ------------------------------------------------------------------ which policies apply

  private boolean applies(Member m, int id, Pod pod, boolean ingress) {
    if (m instanceof CalicoMember cm) {
      CalicoPolicy p = cm.policy();
      return (ingress ? p.appliesToIngress() : p.appliesToEgress()) && policySelects(p, pod);
    }
    if (m instanceof KubernetesMember km) {
      NetworkPolicy np = km.policy();
      return np.effectivePolicyTypes().contains(ingress ? PolicyType.Ingress : PolicyType.Egress)
          && np.namespace().equals(pod.namespace()) && np.podSelector().matches(pod.labels());
    }
    ClusterNetworkPolicy p = ((ClusterMember) m).policy();
    return !p.rules(ingress).isEmpty() && tiered.selects(p, id);
  }

  private boolean policySelects(CalicoPolicy p, Pod pod) {
    if (p.global()) {
      if (p.namespaceSelector().isPresent() && !p.namespaceSelector().get().matches(namespaceLabels(pod.namespace()))) {
        return false;
      }
    } else if (!p.namespace().equals(pod.namespace())) {
      return false;
    }
    return p.selector().matches(endpointLabels(pod))
        && p.serviceAccountSelector().map(s -> s.matches(serviceAccountLabels(pod))).orElse(true);
  }

  // ------------------------------------------------------------------ Calico rules

  private void lowerCalicoRule(CalicoMember m, int i, CalicoRule r, Direction d, int subjectId, Pod subject,
      List<Rule> out) {
    CalicoPolicy p = m.policy();
    CalicoAction kind = r.actionKind();
    if (kind == null) {
      return; // an unknown action (validation refuses it) decides nothing
    }
    Origin origin = new Origin(p.key(), d, i, p.source().find("spec." + d.apiName() + "[" + i + "]"));
    Action action = switch (kind) {
      case ALLOW -> Action.ALLOW;
      case DENY -> Action.DENY;
      case LOG -> Action.LOG;
      default -> Action.PASS;
    };
    boolean ingress = d == Direction.INGRESS;
    PortSet protocols = protocolSet(r);
    if (protocols.isEmpty()) {
      return;
    }
    EntityRule own = ingress ? r.destination() : r.source();
    EntityRule peer = ingress ? r.source() : r.destination();
    // Pieces with equal ports are one graph rule (same action, adjacent): per-family pieces of a
    // dual-stack subject usually join again.
    Map<PortSet, AddressSet> byPorts = new LinkedHashMap<>();
    for (int family : new int[] {4, 6}) {
      if (r.ipVersion().isPresent() && r.ipVersion().getAsInt() != family) {
        continue;
      }
      Optional<IpAddress> mine = index.ips(subjectId).stream().filter(ip -> ip.v6() == (family == 6)).findFirst();
      if (mine.isEmpty() || !addressMatches(p, own, mine.get(), Optional.of(subject))) {
        continue;
      }
      AddressSet familySet = family == 6 ? V6 : V4;
      List<Piece> pieces;
      if (ingress) {
        PortSet ports = protocols.intersection(destinationPorts(p, r, own, Optional.of(subject), mine.get()));
        pieces = List.of(new Piece(peerAddresses(p, peer), ports));
      } else {
        pieces = egressPieces(p, d, i, r, peer, protocols);
      }
      for (Piece pc : pieces) {
        AddressSet peers = pc.peers().intersection(familySet);
        if (!peers.isEmpty() && !pc.ports().isEmpty()) {
          byPorts.merge(pc.ports(), peers, AddressSet::union);
        }
      }
    }
    byPorts.forEach((ports, peers) -> out.add(new Rule(d, graphTiers.get(m.tier()), m.priority(), "", peers, ports,
        action, List.of(origin))));
  }

  /**
   * The destination side of an egress rule as pieces: the addresses the entity rule matches,
   * split where the destination ports depend on the address (named ports on the endpoint there,
   * a service's ports on its slices).
   */
  private List<Piece> egressPieces(CalicoPolicy p, Direction d, int i, CalicoRule r, EntityRule e, PortSet protocols) {
    return egressCache.computeIfAbsent(List.of(p.kind(), p.key(), d, i), k -> {
      AddressSet addresses = peerAddresses(p, e);
      List<String> names = new ArrayList<>();
      for (CalicoPort pt : e.ports()) {
        if (pt.named()) {
          names.add(pt.text());
        }
      }
      for (CalicoPort pt : e.notPorts()) {
        if (pt.named()) {
          names.add(pt.text());
        }
      }
      TreeSet<IpAddress> special = new TreeSet<>();
      for (String name : names) {
        for (int id : index.podsWithPortName(name)) {
          for (IpAddress ip : index.ips(id)) {
            if (addresses.contains(ip)) {
              special.add(ip);
            }
          }
        }
      }
      if (e.services().isPresent()) {
        for (EndpointSlice slice : calico.endpointSlices(serviceNamespace(p, e.services().get()),
            e.services().get().name())) {
          for (IpAddress ip : slice.addresses()) {
            if (addresses.contains(ip)) {
              special.add(ip);
            }
          }
        }
      }
      List<Piece> out = new ArrayList<>();
      Map<PortSet, List<IpAddress>> byPorts = new LinkedHashMap<>();
      for (IpAddress ip : special) {
        Integer id = podAt.get(ip);
        Optional<Pod> pod = id == null ? Optional.empty() : Optional.of(index.pods().get(id));
        PortSet ps = protocols.intersection(destinationPorts(p, r, e, pod, ip));
        if (!ps.isEmpty()) {
          byPorts.computeIfAbsent(ps, x -> new ArrayList<>()).add(ip);
        }
      }
      if (e.services().isEmpty()) {
        // Every other address: no endpoint with the names (so named ports resolve to nothing).
        AddressSet rest = special.isEmpty() ? addresses : addresses.difference(AddressSet.ofAddresses(special));
        out.add(new Piece(rest, protocols.intersection(destinationPorts(p, r, e, Optional.empty(), null))));
      }
      byPorts.forEach((ps, ips) -> out.add(new Piece(AddressSet.ofAddresses(ips), ps)));
      return out;
    });
  }

  /**
   * Whether the entity rule's address and label parts hold at {@code ip} (with the endpoint
   * there): nets, notNets, the address of a service, selectors. Ports are not looked at.
   */
  private boolean addressMatches(CalicoPolicy p, EntityRule e, IpAddress ip, Optional<Pod> pod) {
    if (!e.nets().isEmpty() && (e.netCidrs().size() != e.nets().size()
        || e.netCidrs().stream().noneMatch(x -> x.contains(ip)))) {
      return false;
    }
    if (!e.notNets().isEmpty() && (e.notNetCidrs().size() != e.notNets().size()
        || e.notNetCidrs().stream().anyMatch(x -> x.contains(ip)))) {
      return false;
    }
    if (e.services().isPresent() && calico.endpointSlices(serviceNamespace(p, e.services().get()),
        e.services().get().name()).stream().noneMatch(s -> s.addresses().contains(ip))) {
      return false;
    }
    boolean positive = e.selector().isPresent() || e.namespaceSelector().isPresent() || e.serviceAccounts().isPresent();
    if (positive || e.notSelector().isPresent()) {
      List<Labelled> objects = new ArrayList<>();
      pod.ifPresent(x -> objects.add(new Labelled(x.namespace(), false, endpointLabels(x), Optional.of(x))));
      for (CalicoNetworkSet s : calico.networkSets()) {
        if (s.cidrs().stream().anyMatch(x -> x.contains(ip))) {
          objects.add(new Labelled(s.namespace(), s.global(), s.labels(), Optional.empty()));
        }
      }
      if (positive && objects.stream().noneMatch(o -> positiveMatch(p, e, o))) {
        return false;
      }
      if (e.notSelector().isPresent() && objects.stream().anyMatch(o -> negativeMatch(p, e, o))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The addresses where the entity rule's address and label parts hold: the set form of
   * {@link #addressMatches} (an object at an address is the endpoint there, or a network set
   * containing it).
   */
  private AddressSet peerAddresses(CalicoPolicy p, EntityRule e) {
    return peerCache.computeIfAbsent(List.of(p.kind(), p.key(), e), k -> {
      AddressSet s = AddressSet.ALL;
      if (!e.nets().isEmpty()) {
        if (e.netCidrs().size() != e.nets().size()) {
          return AddressSet.EMPTY;
        }
        s = AddressSet.ofCidrs(e.netCidrs());
      }
      if (!e.notNets().isEmpty()) {
        if (e.notNetCidrs().size() != e.notNets().size()) {
          return AddressSet.EMPTY;
        }
        s = s.difference(AddressSet.ofCidrs(e.notNetCidrs()));
      }
      if (e.services().isPresent()) {
        List<IpAddress> ips = new ArrayList<>();
        for (EndpointSlice slice : calico.endpointSlices(serviceNamespace(p, e.services().get()),
            e.services().get().name())) {
          ips.addAll(slice.addresses());
        }
        s = s.intersection(AddressSet.ofAddresses(ips));
      }
      boolean positive = e.selector().isPresent() || e.namespaceSelector().isPresent()
          || e.serviceAccounts().isPresent();
      if (positive) {
        s = s.intersection(objectAddresses(p, e, true));
      }
      if (e.notSelector().isPresent()) {
        s = s.difference(objectAddresses(p, e, false));
      }
      return s;
    });
  }

  /** The addresses of the objects the positive ({@code positive}) or the {@code notSelector} part matches. */
  private AddressSet objectAddresses(CalicoPolicy p, EntityRule e, boolean positive) {
    List<IpAddress> ips = new ArrayList<>();
    List<Pod> pods = index.pods();
    for (int id = 0; id < pods.size(); id++) {
      Pod pod = pods.get(id);
      Labelled o = new Labelled(pod.namespace(), false, endpointLabels(pod), Optional.of(pod));
      if (positive ? positiveMatch(p, e, o) : negativeMatch(p, e, o)) {
        ips.addAll(index.ips(id));
      }
    }
    List<Cidr> cidrs = new ArrayList<>();
    for (CalicoNetworkSet s : calico.networkSets()) {
      Labelled o = new Labelled(s.namespace(), s.global(), s.labels(), Optional.empty());
      if (positive ? positiveMatch(p, e, o) : negativeMatch(p, e, o)) {
        cidrs.addAll(s.cidrs());
      }
    }
    return AddressSet.ofAddresses(ips).union(AddressSet.ofCidrs(cidrs));
  }

  /** An object a rule selector can match at an address: an endpoint or a network set. */
  private record Labelled(String namespace, boolean global, Map<String, String> labels, Optional<Pod> pod) {}

  private boolean positiveMatch(CalicoPolicy p, EntityRule e, Labelled o) {
    return inScope(p, e, o) && e.selector().map(s -> s.matches(o.labels())).orElse(true)
        && e.serviceAccounts().map(sa -> serviceAccountMatches(sa, o)).orElse(true);
  }

  private boolean negativeMatch(CalicoPolicy p, EntityRule e, Labelled o) {
    return inScope(p, e, o) && e.notSelector().get().matches(o.labels());
  }

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
      return false;
    }
    Pod pod = o.pod().get();
    return (sa.names().isEmpty() || sa.names().contains(pod.serviceAccountName()))
        && sa.selector().map(s -> s.matches(serviceAccountLabels(pod))).orElse(true);
  }

  private static String serviceNamespace(CalicoPolicy p, ServiceMatch sm) {
    return p.global() ? sm.namespace() : sm.namespaceOr(p.namespace());
  }

  // ------------------------------------------------------------------ protocols and ports

  /** What {@code protocol}, {@code notProtocol}, {@code icmp} and {@code notICMP} let through. */
  static PortSet protocolSet(CalicoRule r) {
    PortSet s = PortSet.ALL_PROTOCOLS;
    if (r.protocol().isPresent()) {
      OptionalInt n = r.protocol().get().protocolNumber();
      if (n.isEmpty()) {
        return PortSet.EMPTY;
      }
      s = PortSet.wholeProtocol(n.getAsInt());
    }
    if (r.notProtocol().isPresent()) {
      OptionalInt n = r.notProtocol().get().protocolNumber();
      if (n.isEmpty()) {
        return PortSet.EMPTY;
      }
      s = s.minus(PortSet.wholeProtocol(n.getAsInt()));
    }
    if (r.icmp().isPresent()) {
      s = s.intersection(icmpSet(r.icmp().get()));
    }
    if (r.notIcmp().isPresent()) {
      s = s.minus(icmpSet(r.notIcmp().get()));
    }
    return s;
  }

  /** The ICMP and ICMPv6 messages an {@code icmp}/{@code notICMP} match holds ({@code type * 256 + code}). */
  static PortSet icmpSet(IcmpMatch m) {
    List<PortRange> ranges = new ArrayList<>();
    if (m.type().isPresent()) {
      int t = m.type().getAsInt();
      if (t < 0 || t > 255 || (m.code().isPresent() && (m.code().getAsInt() < 0 || m.code().getAsInt() > 255))) {
        return PortSet.EMPTY; // out of range (validation refuses it): no message has it
      }
      ranges.add(m.code().isPresent() ? PortRange.of(t * 256 + m.code().getAsInt())
          : new PortRange(t * 256, t * 256 + 255));
    } else if (m.code().isPresent()) {
      int c = m.code().getAsInt();
      if (c < 0 || c > 255) {
        return PortSet.EMPTY;
      }
      for (int t = 0; t < 256; t++) {
        ranges.add(PortRange.of(t * 256 + c));
      }
    } else {
      ranges.add(new PortRange(0, 65535));
    }
    Map<Integer, List<PortRange>> m2 = new TreeMap<>();
    m2.put(Protocol.ICMP, ranges);
    m2.put(Protocol.ICMPV6, ranges);
    return PortSet.of(m2);
  }

  /**
   * The destination-port part of an entity rule at the destination {@code ip} (with the endpoint
   * there, if any): a service's ports on its slices there, {@code ports}, minus {@code notPorts}.
   * {@code ip} is only read with {@code services}.
   */
  private PortSet destinationPorts(CalicoPolicy p, CalicoRule r, EntityRule e, Optional<Pod> pod, IpAddress ip) {
    PortSet s = PortSet.ALL_PROTOCOLS;
    if (e.services().isPresent()) {
      PortSet svc = PortSet.EMPTY;
      for (EndpointSlice slice : calico.endpointSlices(serviceNamespace(p, e.services().get()),
          e.services().get().name())) {
        if (ip == null || !slice.addresses().contains(ip)) {
          continue;
        }
        if (slice.ports().isEmpty()) {
          svc = PortSet.ALL_PROTOCOLS;
          break;
        }
        for (EndpointSlice.Port port : slice.ports()) {
          Optional<Protocol> proto = Protocol.parse(port.protocol());
          if (proto.isPresent() && (port.port() < 0 || (port.port() >= 1 && port.port() <= 65535))) {
            svc = svc.union(PortSet.of(proto.get(), port.port() < 0 ? PortRange.ALL : PortRange.of(port.port())));
          }
        }
      }
      s = svc;
    }
    if (!e.ports().isEmpty()) {
      PortSet any = PortSet.EMPTY;
      for (CalicoPort pt : e.ports()) {
        any = any.union(portEntry(pt, r, pod));
      }
      s = s.intersection(any);
    }
    for (CalicoPort pt : e.notPorts()) {
      s = s.minus(portEntry(pt, r, pod));
    }
    return s;
  }

  /** One {@code ports}/{@code notPorts} entry: a number or range of every port protocol, or a named port on {@code pod}. */
  private static PortSet portEntry(CalicoPort pt, CalicoRule r, Optional<Pod> pod) {
    Map<Integer, List<PortRange>> m = new TreeMap<>();
    if (!pt.named()) {
      int from = Math.max(1, pt.min());
      int to = Math.min(65535, pt.max());
      if (pt.min() < 0 || pt.max() < 0 || from > to) {
        return PortSet.EMPTY;
      }
      for (Protocol proto : Protocol.values()) {
        m.put(proto.number(), List.of(new PortRange(from, to)));
      }
      return PortSet.of(m);
    }
    if (pod.isEmpty()) {
      return PortSet.EMPTY;
    }
    Optional<Protocol> ruleProto = r.protocol().map(CalicoProtocol::protocolNumber)
        .flatMap(n -> n.isPresent() ? Protocol.ofNumber(n.getAsInt()) : Optional.<Protocol>empty());
    for (Protocol proto : Protocol.values()) {
      if (ruleProto.isPresent() && ruleProto.get() != proto) {
        continue;
      }
      pod.get().namedPort(pt.text(), proto).ifPresent(n -> m.put(proto.number(), List.of(PortRange.of(n))));
    }
    return PortSet.of(m);
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

  private Map<String, String> namespaceLabels(String namespace) {
    Namespace ns = cluster.namespacesByName().get(namespace);
    Map<String, String> labels = new HashMap<>(ns == null ? Namespace.of(namespace, Map.of()).labels() : ns.labels());
    labels.put(NAMESPACE_NAME_LABEL, namespace);
    return labels;
  }

  private Map<String, String> serviceAccountLabels(Pod pod) {
    return calico.serviceAccount(pod.namespace(), pod.serviceAccountName()).map(ServiceAccount::labels)
        .orElse(Map.of());
  }
}
