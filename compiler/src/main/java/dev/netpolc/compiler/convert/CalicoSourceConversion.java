package dev.netpolc.compiler.convert;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.PolicyTier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Calico policies as ClusterNetworkPolicies and NetworkPolicies ({@code netpolc convert --to
 * clusternetworkpolicy|networkpolicy} on Calico input), exact by construction where it converts,
 * refused elsewhere naming the rule and why. Staged policies are not enforced and are left out.
 *
 * <p><b>Tiers before {@code default}</b> (clusternetworkpolicy only) become Admin-tier
 * ClusterNetworkPolicies, one per Calico policy, with priorities in Calico's order (tier order,
 * then order within the tier, then name): one run of priorities. A tier's implicit end-of-tier
 * Deny, for endpoints one of its policies applies to and no rule decided, becomes for egress one
 * Deny-everything policy per Calico policy after the tier's policies ({@code networks: 0.0.0.0/0,
 * ::/0} covers every address). Calico Allow/Deny/Pass are Accept/Deny/Pass and Log rules are left
 * out (they decide nothing). A Pass in the last tier of the run is ClusterNetworkPolicy's Pass; in
 * an earlier tier it is left out where nothing later in the tier meets its traffic, so that it
 * goes on with the next tier's priorities ({@link CalicoTierPlan}, which also decides which
 * end-of-tier Denies are needed).
 *
 * <p>ClusterNetworkPolicy ingress peers name pods only: a Calico ingress rule that can match an
 * address outside the cluster (no selector, {@code nets}, a selector matching a network set), or
 * an ingress end-of-tier Deny, decides for outside addresses what the converted policies cannot,
 * and is refused; an unconditional ingress Pass in the last tier is exact (outside addresses pass
 * the Admin tier untouched in both).
 *
 * <p><b>The {@code default} tier</b>: namespaced Calico NetworkPolicies whose rules are all Allow
 * (or Log) are NetworkPolicies: with allows only, their order does not matter, and the tier's
 * end-of-tier Deny is NetworkPolicy isolation. Egress is the exception: Calico applies it to the
 * pod's traffic to its own node, which NetworkPolicy exempts. For clusternetworkpolicy the Baseline
 * tier decides that traffic as Calico's default tier does ({@link CalicoOwnNodeEgress}); for
 * networkpolicy a policy (or a Kubernetes NetworkPolicy kept beside Calico policies) that isolates
 * egress converts only when it allows all egress. Deny or Pass rules there, and
 * GlobalNetworkPolicies (one NetworkPolicy per namespace would depend on today's namespaces), are
 * refused. <b>Tiers after {@code default}</b> (clusternetworkpolicy only) are reached by the
 * endpoints the default tier does not select in that direction, which is the Baseline tier's reach
 * once the default tier's policies are NetworkPolicies: they become a run of Baseline priorities
 * after the own-node policies, written as the tiers before default are.
 *
 * <p>Selectors become unions of label selectors ({@link CalicoSelectorForms}): a rule's peer
 * becomes one peer per alternative, a policy's subject one ClusterNetworkPolicy (in a row, its
 * end-of-tier Deny likewise) or NetworkPolicy per alternative, and what selects nothing is left
 * out; {@code contains}, {@code starts with} and {@code ends with} are rewritten as today's label
 * values (inventory-dependent). Service-account selectors are refused. Rules with ICMP, other
 * protocols without ports, {@code notProtocol}, {@code ipVersion}, {@code notNets},
 * {@code notSelector}, {@code notPorts}, source ports or Services are refused. Named ports are
 * per protocol in NetworkPolicies, as in Calico; in ClusterNetworkPolicies they are
 * {@code destinationNamedPort} (inventory-dependent), refused when a pod declares the name with
 * another protocol than the rule's (Calico matches it on the rule's protocol only,
 * {@code destinationNamedPort} on the container port's own).
 */
final class CalicoSourceConversion {
  private static final List<String> EVERYWHERE = List.of("0.0.0.0/0", "::/0");

  /** The converted objects and the refusals. */
  record Result(List<ConvertedObject> objects, List<Refusal> refusals) {}

  /** Why a construct cannot be converted: becomes a refusal naming the rule. */
  static final class Unconvertible extends Exception {
    private static final long serialVersionUID = 1L;
    /** The field path refused ("" for the whole policy or the rule at hand). */
    final String path;

    Unconvertible(String reason) {
      this("", reason);
    }

    Unconvertible(String path, String reason) {
      super(reason, null, false, false);
      this.path = path;
    }
  }

  private final Cluster cluster;
  private final ConvertTarget target;
  /** NetworkPolicies keep Calico's own-node egress meaning (a chain's first step): see {@link #convert}. */
  private final boolean ownNodeKept;
  private final List<ConvertedObject> objects = new ArrayList<>();
  private final List<Refusal> refusals = new ArrayList<>();
  private final ObjectNames cnpNames = new ObjectNames();
  private final Map<String, ObjectNames> npNames = new java.util.HashMap<>();
  private final CalicoSelectorForms forms;
  /** What the policy being converted depends on in today's inventory (selectors, named ports). */
  private final java.util.Set<String> inventory = new java.util.LinkedHashSet<>();
  /** With --approximate: the Allow rules of the policy being converted that were left out, and why. */
  private final java.util.Set<String> leftOut = new java.util.LinkedHashSet<>();
  /** The paths of those rules. */
  private final java.util.Set<String> leftOutPaths = new java.util.HashSet<>();
  /** Leave out an Allow rule the target cannot say instead of refusing (it can only deny more). */
  private final boolean approximate;
  private final CalicoOverlap overlap;
  private final CalicoOwnNodeEgress ownNode;

  private CalicoSourceConversion(Cluster cluster, ConvertTarget target, boolean ownNodeKept, boolean approximate) {
    this.cluster = cluster;
    this.target = target;
    this.approximate = approximate;
    this.ownNodeKept = ownNodeKept;
    this.forms = new CalicoSelectorForms(cluster);
    this.overlap = new CalicoOverlap(cluster);
    this.ownNode = new CalicoOwnNodeEgress(overlap);
  }

  /**
   * The enforced Calico policies of {@code c} in {@code target} (clusternetworkpolicy or networkpolicy).
   *
   * @param ownNodeKept the NetworkPolicies written keep Calico's meaning, where a pod's egress
   *                    isolation covers its own node (the first step of a chain to Cilium, which
   *                    gives them that meaning too): no refusal and no own-node rule for it
   * @param approximate an Allow rule the target cannot say is left out (noted, the object marked
   *                    approximate) instead of refused: without it the policies only deny more,
   *                    and the proof reports what they deny
   */
  static Result convert(Cluster c, ConvertTarget target, boolean ownNodeKept, boolean approximate) {
    CalicoSourceConversion conv = new CalicoSourceConversion(c, target, ownNodeKept, approximate);
    conv.run();
    return new Result(conv.objects, conv.refusals);
  }

  private void run() {
    List<CalicoPolicy> enforced = cluster.calico().enforcedPolicies();
    if (enforced.isEmpty()) {
      return;
    }
    if (!cluster.tieredPolicies().isEmpty()) {
      for (CalicoPolicy p : enforced) {
        refuse(p, "", "Calico policies beside ClusterNetworkPolicies or AdminNetworkPolicies are not converted"
            + " (their relative order is Calico's kube-admin tier, which is not mapped yet)");
      }
      return;
    }
    cluster.policies().forEach(this::keptNetworkPolicy);
    Map<CalicoTier, List<CalicoPolicy>> tiers = new java.util.TreeMap<>(CalicoTier.ORDER);
    for (CalicoPolicy p : enforced) {
      CalicoTier t = cluster.calico().tier(p.tier()).orElseThrow(() -> new IllegalStateException("gated tier"));
      tiers.computeIfAbsent(t, k -> new ArrayList<>()).add(p);
    }
    CalicoTier defaultTier = cluster.calico().tier(CalicoPolicy.DEFAULT_TIER).orElse(CalicoTier.DEFAULT);
    List<CalicoTier> before = new ArrayList<>();
    List<CalicoTier> after = new ArrayList<>();
    for (CalicoTier t : tiers.keySet()) {
      int cmp = CalicoTier.ORDER.compare(t, defaultTier);
      if (cmp < 0) {
        before.add(t);
      } else if (!t.name().equals(CalicoPolicy.DEFAULT_TIER)) {
        after.add(t);
      }
    }
    // The tiers before default: one run of Admin priorities, in Calico order.
    List<ConvertedObject> admin = new ArrayList<>();
    boolean adminRefused = false;
    for (CalicoTier t : before) {
      adminRefused |= !tierRun(t, sorted(tiers.get(t)), t.equals(before.get(before.size() - 1)), admin);
    }
    if (!adminRefused) {
      place(admin, PolicyTier.ADMIN);
    }
    // The default tier: NetworkPolicies (and what decides their pods' egress to their own node).
    if (tiers.containsKey(defaultTier)) {
      sorted(tiers.get(defaultTier)).forEach(this::defaultTierPolicy);
    }
    // The tiers after default: one run of Baseline priorities, after the own-node policies.
    List<ConvertedObject> baseline = new ArrayList<>();
    boolean baselineRefused = false;
    for (CalicoTier t : after) {
      baselineRefused |= !tierRun(t, sorted(tiers.get(t)), t.equals(after.get(after.size() - 1)), baseline);
    }
    if (!baselineRefused) {
      List<ConvertedObject> all = new ArrayList<>();
      if (ownNode.restricts() || !baseline.isEmpty()) {
        all.addAll(ownNode.objects(cnpNames));
      }
      all.addAll(baseline);
      place(all, PolicyTier.BASELINE);
    }
  }

  private static List<CalicoPolicy> sorted(List<CalicoPolicy> policies) {
    List<CalicoPolicy> ps = new ArrayList<>(policies);
    ps.sort(CalicoPolicy.ORDER);
    return ps;
  }

  /** Adds {@code run} to the output in its order, at priorities 0, 1, ... of {@code tier}. */
  private void place(List<ConvertedObject> run, PolicyTier tier) {
    int priority = 0;
    for (ConvertedObject o : run) {
      ClusterNetworkPolicy c = ((ConvertedObject.ClusterPolicyObject) o).policy();
      if (priority > TieredConversion.MAX_PRIORITY) {
        refusals.add(new Refusal(o.from(), dev.netpolc.model.SourcePosition.UNKNOWN, "the tiers "
            + (tier == PolicyTier.ADMIN ? "before" : "after") + " default need more than "
            + (TieredConversion.MAX_PRIORITY + 1) + " " + tier.apiName() + "-tier priorities"));
        return;
      }
      objects.add(new ConvertedObject.ClusterPolicyObject(ClusterNetworkPolicy.of(c.name(), tier, priority++,
          c.subject(), c.ingress(), c.egress()), o.from(), o.exactness(), o.notes()));
    }
  }

  private static final String NODE_LOCAL = "Calico applies the pod's egress policy to traffic to its own node, and"
      + " NetworkPolicy exempts that traffic: as a NetworkPolicy this egress would allow what Calico denies (exact"
      + " only with an unconditional Allow egress rule)";

  /** True when an Allow rule that matches everything is reached before any rule that decides otherwise. */
  private static boolean allowsEverything(List<CalicoRule> rules) {
    for (CalicoRule r : rules) {
      if (r.actionKind() == dev.netpolc.model.calico.CalicoAction.LOG) {
        continue;
      }
      return r.unconditional() && r.actionKind() == dev.netpolc.model.calico.CalicoAction.ALLOW;
    }
    return false;
  }

  /** A Kubernetes NetworkPolicy kept beside Calico policies: its egress isolation decides own-node traffic. */
  private void keptNetworkPolicy(NetworkPolicy np) {
    boolean egress = np.isolatesEgress(); // policyTypes as the API server defaults them
    boolean all = np.egress().stream().anyMatch(r -> r.peers().isEmpty() && r.ports().isEmpty());
    if (egress && all && !ownNodeKept) {
      ownNode.addKept(np); // a default-tier policy in Calico: it allows its pods' egress to their own node
    }
    if (egress && !all && !ownNodeKept) {
      refusals.add(new Refusal(Provenance.of("NetworkPolicy", np.namespace(), np.name()).rule("spec.egress"),
          np.source().has("spec.policyTypes") ? np.source().find("spec.policyTypes") : np.position(),
          "in a Calico cluster " + NODE_LOCAL.substring("Calico ".length())));
    }
  }

  // --- Tiers before and after default: Admin- and Baseline-tier ClusterNetworkPolicies ---

  /**
   * One tier as ClusterNetworkPolicies added to {@code run} (priorities are set when the run is
   * placed): its policies in order, then their end-of-tier Denies; false when refused.
   *
   * @param last the last tier of the run, whose Pass rules are ClusterNetworkPolicy's Pass
   */
  private boolean tierRun(CalicoTier tier, List<CalicoPolicy> policies, boolean last, List<ConvertedObject> run) {
    boolean admin = CalicoTier.ORDER.compare(tier, cluster.calico().tier(CalicoPolicy.DEFAULT_TIER)
        .orElse(CalicoTier.DEFAULT)) < 0;
    if (target != ConvertTarget.CLUSTER_NETWORK_POLICY) {
      policies.forEach(p -> refuse(p, "", admin
          ? "tier " + tier.name() + " decides before NetworkPolicies and overrides them; NetworkPolicy has no such"
              + " tier (convert to clusternetworkpolicy)"
          : "tier " + tier.name() + " comes after the default tier and decides for pods no NetworkPolicy isolates;"
              + " NetworkPolicy has no such tier (convert to clusternetworkpolicy)"));
      return false;
    }
    List<CalicoTierPlan.PolicyPlan> plans = CalicoTierPlan.of(overlap, tier, policies, last);
    List<ConvertedObject> tierObjects = new ArrayList<>();
    List<ConvertedObject> tierEnds = new ArrayList<>();
    boolean refused = false;
    for (int i = 0; i < policies.size(); i++) {
      CalicoPolicy p = policies.get(i);
      CalicoTierPlan.PolicyPlan plan = plans.get(i);
      inventory.clear();
      leftOut.clear();
      leftOutPaths.clear();
      try {
        if (plan.refusal().isPresent()) {
          throw new Unconvertible(plan.refusal().get().getKey(), plan.refusal().get().getValue());
        }
        List<ClusterPolicySubject> subjects = subjects(p);
        if (subjects.isEmpty()) {
          continue; // the policy selects nothing: it decides nothing
        }
        List<ClusterPolicyRule> ingress = p.appliesToIngress() ? rules(p, true, plan.droppedIngress()) : List.of();
        List<ClusterPolicyRule> egress = p.appliesToEgress() ? rules(p, false, plan.droppedEgress()) : List.of();
        if (plan.ingressEnd()) {
          throw new Unconvertible("spec.ingress", "the tier's end-of-tier Deny (tier " + tier.name() + ", defaultAction"
              + " Deny) also denies ingress from addresses outside the cluster, which ClusterNetworkPolicy ingress"
              + " cannot name; end the policy's ingress rules with an unconditional rule, or give the tier"
              + " defaultAction Pass");
        }
        // One policy per alternative of the subject, in a row: a pod two of them select meets the
        // same rules twice, with the same verdict. Written even when every rule was left out: it
        // carries why, and whether today's inventory shows it.
        for (ClusterPolicySubject subject : subjects) {
          tierObjects.add(cnp(p, p.name(), subject, ingress, egress, plan));
        }
        if (plan.egressEnd()) {
          ClusterPolicyRule deny = new ClusterPolicyRule(Optional.of("end-of-tier-deny"), "Deny",
              List.of(ClusterPolicyPeer.networks(EVERYWHERE)), Optional.empty());
          for (ClusterPolicySubject subject : subjects) {
            tierEnds.add(cnp(p, p.name() + ".end-of-tier", subject, List.of(), List.of(deny), plan));
          }
        }
      } catch (Unconvertible u) {
        refused = true;
        refusals.add(new Refusal(CalicoTargetConversion.provenance(p).rule(u.path), position(p, u.path), u.getMessage()));
      } catch (RuleUnconvertible u) {
        refused = true;
        refusals.add(new Refusal(CalicoTargetConversion.provenance(p).rule(u.path), position(p, u.path), u.reason));
      }
    }
    run.addAll(tierObjects);
    run.addAll(tierEnds);
    return !refused;
  }

  private ConvertedObject cnp(CalicoPolicy p, String name, ClusterPolicySubject subject,
      List<ClusterPolicyRule> ingress, List<ClusterPolicyRule> egress, CalicoTierPlan.PolicyPlan plan) {
    String wanted = p.global() ? name : p.namespace() + "." + name;
    ClusterNetworkPolicy c = ClusterNetworkPolicy.of(cnpNames.unique(wanted), PolicyTier.ADMIN, 0, subject, ingress,
        egress);
    List<String> notes = new ArrayList<>(List.of("Calico tier " + p.tier()));
    notes.addAll(plan.notes());
    notes.addAll(inventory);
    notes.addAll(leftOut);
    return new ConvertedObject.ClusterPolicyObject(c, CalicoTargetConversion.provenance(p),
        plan.inventoryDependent() ? Exactness.INVENTORY_DEPENDENT : exactness(), notes);
  }

  private static final class RuleUnconvertible extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String path;
    final String reason;

    RuleUnconvertible(String path, String reason) {
      super(reason, null, false, false);
      this.path = path;
      this.reason = reason;
    }
  }

  /** The rules of one direction, without Log rules and the Pass rules {@code droppedPasses} (CalicoTierPlan). */
  private List<ClusterPolicyRule> rules(CalicoPolicy p, boolean ingress, java.util.Set<Integer> droppedPasses) {
    List<ClusterPolicyRule> out = new ArrayList<>();
    List<CalicoRule> rules = p.rules(ingress);
    for (int i = 0; i < rules.size(); i++) {
      String path = (ingress ? "spec.ingress[" : "spec.egress[") + i + "]";
      CalicoRule r = rules.get(i);
      String action = switch (r.actionKind()) {
        case LOG -> null;
        case ALLOW -> "Accept";
        case DENY -> "Deny";
        case PASS -> "Pass";
      };
      if (action == null || droppedPasses.contains(i)) {
        continue;
      }
      try {
        checkRuleShape(r, ingress);
        checkNamedPorts(r);
        EntityRule peer = ingress ? r.source() : r.destination();
        EntityRule local = ingress ? r.destination() : r.source();
        if (!local.equals(new EntityRule(List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), ingress ? local.ports() : List.of(), List.of()))) {
          throw new Unconvertible("the rule tests the " + (ingress ? "destination" : "source")
              + " beyond its ports (the subject's side), which ClusterNetworkPolicy cannot");
        }
        List<ClusterPolicyPeer> peers = cnpPeers(p, peer, ingress, action);
        if (peers.isEmpty()) {
          continue; // matches nothing (a selector of network sets that hold no address)
        }
        Optional<List<ClusterPolicyProtocol>> protocols = cnpProtocols(r);
        out.add(new ClusterPolicyRule(Optional.empty(), action, peers, protocols));
      } catch (Unconvertible u) {
        if (!leaveOut(r, path, u.getMessage())) {
          throw new RuleUnconvertible(path, u.getMessage());
        }
      }
    }
    return out;
  }

  private List<ClusterPolicyPeer> cnpPeers(CalicoPolicy p, EntityRule e, boolean ingress, String action)
      throws Unconvertible {
    boolean selects = e.selector().isPresent() || e.namespaceSelector().isPresent();
    if (!selects && e.nets().isEmpty()) {
      if (!ingress) {
        return List.of(ClusterPolicyPeer.networks(EVERYWHERE));
      }
      if (!action.equals("Pass")) {
        throw new Unconvertible("an ingress rule from any source also decides addresses outside the cluster, which"
            + " ClusterNetworkPolicy ingress cannot name");
      }
      return List.of(ClusterPolicyPeer.namespaces(LabelSelector.EVERYTHING));
    }
    if (!selects) {
      if (ingress) {
        throw new Unconvertible("ingress from nets: ClusterNetworkPolicy ingress peers name pods only");
      }
      return List.of(ClusterPolicyPeer.networks(e.nets()));
    }
    if (!e.nets().isEmpty()) {
      throw new Unconvertible("nets together with a selector (their intersection) has no ClusterNetworkPolicy peer");
    }
    List<String> setNets = networkSetNets(p, e);
    List<ClusterPolicyPeer> out = new ArrayList<>();
    boolean global = e.namespaceSelector().filter(s -> s instanceof CalicoSelector.Global).isPresent();
    if (!global) {
      for (CalicoSelectorForms.Form f : peerForms(p, e)) {
        out.add(f.pods().isEmpty() ? ClusterPolicyPeer.namespaces(f.namespaces())
            : ClusterPolicyPeer.pods(f.namespaces(), f.pods().get()));
      }
    }
    if (!setNets.isEmpty()) {
      if (ingress) {
        throw new Unconvertible("the selector matches network sets (addresses outside the cluster);"
            + " ClusterNetworkPolicy ingress peers name pods only");
      }
      out.add(ClusterPolicyPeer.networks(setNets));
    }
    return out;
  }

  /** The nets of the network sets a rule's selectors match, in their scope (SEMANTICS-CALICO.md). */
  private List<String> networkSetNets(CalicoPolicy p, EntityRule e) {
    List<String> nets = new ArrayList<>();
    CalicoSelector sel = e.selector().orElse(new CalicoSelector.All());
    for (CalicoNetworkSet s : cluster.calico().networkSets()) {
      boolean inScope;
      if (e.namespaceSelector().isPresent()) {
        CalicoSelector ns = e.namespaceSelector().get();
        inScope = ns instanceof CalicoSelector.Global ? s.namespace().isEmpty()
            : !s.namespace().isEmpty() && cluster.namespaces().stream()
                .anyMatch(n -> n.name().equals(s.namespace()) && ns.matches(n.labels()));
      } else {
        inScope = p.global() ? s.namespace().isEmpty() : s.namespace().equals(p.namespace());
      }
      if (inScope && sel.matches(s.labels())) {
        nets.addAll(s.nets());
      }
    }
    return nets.stream().distinct().sorted().toList();
  }

  /**
   * The rule's protocol and destination ports as ClusterNetworkPolicy protocols (named ports as
   * {@code destinationNamedPort}; no port: the whole range); empty for every protocol.
   */
  static Optional<List<ClusterPolicyProtocol>> cnpProtocols(CalicoRule r) throws Unconvertible {
    List<CalicoPort> ports = r.destination().ports();
    if (r.protocol().isEmpty()) {
      return Optional.empty();
    }
    Protocol proto = portProtocol(r);
    List<ClusterPolicyProtocol> out = new ArrayList<>();
    List<DestinationPort> dports = new ArrayList<>();
    if (ports.isEmpty()) {
      dports.add(DestinationPort.range(1, 65535));
    }
    List<ClusterPolicyProtocol> named = new ArrayList<>();
    for (CalicoPort port : ports) {
      if (port.named()) {
        named.add(ClusterPolicyProtocol.namedPort(port.text()));
        continue;
      }
      dports.add(port.min() == port.max() ? DestinationPort.number(port.min())
          : DestinationPort.range(port.min(), port.max()));
    }
    out.addAll(named);
    for (DestinationPort d : dports) {
      out.add(switch (proto) {
        case TCP -> ClusterPolicyProtocol.tcp(d);
        case UDP -> ClusterPolicyProtocol.udp(d);
        case SCTP -> ClusterPolicyProtocol.sctp(d);
      });
    }
    return Optional.of(out);
  }

  private static Protocol portProtocol(CalicoRule r) throws Unconvertible {
    OptionalInt n = r.protocol().get().protocolNumber();
    Optional<Protocol> p = n.isPresent() ? Protocol.ofNumber(n.getAsInt()) : Optional.empty();
    if (p.isEmpty()) {
      throw new Unconvertible("protocol " + r.protocol().get() + ": the target matches every protocol or TCP, UDP"
          + " and SCTP ports, not one other protocol alone");
    }
    return p.get();
  }

  /** The parts of a rule neither target can say. */
  private static void checkRuleShape(CalicoRule r, boolean ingress) throws Unconvertible {
    if (r.ipVersion().isPresent()) {
      throw new Unconvertible("ipVersion (one address family) has no counterpart");
    }
    if (r.notProtocol().isPresent() || r.notIcmp().isPresent() || r.icmp().isPresent()) {
      throw new Unconvertible("notProtocol, icmp and notICMP have no counterpart (the target matches no ICMP"
          + " type)");
    }
    for (EntityRule e : List.of(r.source(), r.destination())) {
      if (!e.notNets().isEmpty() || e.notSelector().isPresent() || e.serviceAccounts().isPresent()
          || e.services().isPresent() || !e.notPorts().isEmpty()) {
        throw new Unconvertible("notNets, notSelector, notPorts, serviceAccounts and services have no counterpart");
      }
    }
    if (!r.source().ports().isEmpty()) {
      throw new Unconvertible("source ports have no counterpart");
    }
    for (CalicoPort port : r.destination().ports()) {
      if (port.named()) {
        continue; // NetworkPolicy's named ports are per protocol, as Calico's; the CNP path refuses them
      }
      if (port.min() < 0 || port.min() > port.max()) {
        throw new Unconvertible("port " + port.text() + " matches no port");
      }
    }
    if (r.protocol().isEmpty() && !r.destination().ports().isEmpty()) {
      throw new Unconvertible("ports without a protocol");
    }
    if (r.protocol().isPresent()) {
      portProtocol(r);
    }
  }

  /** The policy's subject as one ClusterNetworkPolicy subject per alternative; empty when it selects nothing. */
  private List<ClusterPolicySubject> subjects(CalicoPolicy p) throws Unconvertible {
    List<ClusterPolicySubject> out = new ArrayList<>();
    for (CalicoSelectorForms.Form f : subjectForms(p)) {
      out.add(ClusterPolicySubject.pods(f.namespaces(), f.pods().orElseThrow()));
    }
    return out;
  }

  /** The policy's selectors as label selectors, one pair per alternative (CalicoSelectorForms). */
  private List<CalicoSelectorForms.Form> subjectForms(CalicoPolicy p) throws Unconvertible {
    if (p.serviceAccountSelector().isPresent()) {
      throw new Unconvertible("spec.serviceAccountSelector", "a service-account selector has no counterpart");
    }
    try {
      return forms.forms(Optional.of(p.selector()), "spec.selector",
          p.global() ? Optional.of(p.namespaceSelector().orElse(new CalicoSelector.All())) : Optional.empty(),
          "spec.namespaceSelector", p.global() ? Optional.empty() : Optional.of(p.namespace()), inventory);
    } catch (CalicoSelectorForms.NoForm n) {
      throw new Unconvertible(n.getMessage().startsWith("spec.namespaceSelector") ? "spec.namespaceSelector"
          : "spec.selector", n.getMessage());
    }
  }

  /** A rule's selectors (not {@code global()}) as label selectors, one pair per alternative. */
  private List<CalicoSelectorForms.Form> peerForms(CalicoPolicy p, EntityRule e) throws Unconvertible {
    Optional<CalicoSelector> ns = e.namespaceSelector();
    try {
      return forms.forms(e.selector(), "selector", ns.isPresent() || !p.global() ? ns
          : Optional.of(new CalicoSelector.All()), "namespaceSelector",
          ns.isEmpty() && !p.global() ? Optional.of(p.namespace()) : Optional.empty(), inventory);
    } catch (CalicoSelectorForms.NoForm n) {
      throw new Unconvertible(n.getMessage());
    }
  }

  /** Named ports in a ClusterNetworkPolicy: exact while no pod declares the name with another protocol. */
  private void checkNamedPorts(CalicoRule r) throws Unconvertible {
    for (CalicoPort port : r.destination().ports()) {
      if (!port.named()) {
        continue;
      }
      Protocol proto = portProtocol(r);
      Optional<dev.netpolc.model.Pod> other = NamedPortProtocols.declaringOtherwise(cluster.pods(), port.text(),
          proto);
      if (other.isPresent()) {
        throw new Unconvertible("named port " + port.text() + ": pod " + other.get().namespace() + "/"
            + other.get().name() + " declares it on " + NamedPortProtocols.otherProtocol(other.get(), port.text(),
            proto).orElseThrow() + "; Calico matches it on the rule's protocol " + proto + " only,"
            + " ClusterNetworkPolicy's destinationNamedPort on the container port's own protocol");
      }
      inventory.add("named port " + port.text() + " on " + proto + " as destinationNamedPort: exact while every pod"
          + " declaring it declares it on " + proto);
    }
  }

  /** The notes of the policy being converted: what it takes from today's inventory, what it leaves out. */
  private List<String> notes() {
    List<String> notes = new ArrayList<>(inventory);
    notes.addAll(leftOut);
    return notes;
  }

  /** How exact the policy being converted is. */
  private Exactness exactness() {
    return !inventory.isEmpty() ? Exactness.INVENTORY_DEPENDENT
        : leftOut.isEmpty() ? Exactness.EXACT : Exactness.APPROXIMATE;
  }

  /**
   * With --approximate, leaves out an Allow rule the target cannot say: the traffic it matched goes
   * on to the later rules, which can only decide it as allowed or less (rules are matched in order,
   * and the rule's own traffic was allowed), so the policies never allow more. A Deny or Pass rule
   * is never left out: that could allow more.
   */
  private boolean leaveOut(CalicoRule r, String path, String why) {
    if (!approximate || r.actionKind() != dev.netpolc.model.calico.CalicoAction.ALLOW) {
      return false;
    }
    leftOut.add("left out under --approximate: " + path + " (Allow): " + why);
    leftOutPaths.add(path);
    return true;
  }

  // --- The default tier: NetworkPolicies ---

  private void defaultTierPolicy(CalicoPolicy p) {
    inventory.clear();
    leftOut.clear();
    leftOutPaths.clear();
    try {
      if (cluster.calico().tier(CalicoPolicy.DEFAULT_TIER).map(CalicoTier::passByDefault).orElse(false)) {
        throw new Unconvertible("", "the default tier's defaultAction is Pass, and NetworkPolicy isolation denies"
            + " what no rule allows");
      }
      if (p.global()) {
        throw new Unconvertible("", "a GlobalNetworkPolicy in the default tier would be one NetworkPolicy per"
            + " namespace, which depends on today's namespaces");
      }
      if (p.serviceAccountSelector().isPresent()) {
        throw new Unconvertible("spec.serviceAccountSelector", "a service-account selector has no counterpart");
      }
      List<CalicoSelectorForms.Form> subjects = subjectForms(p);
      if (subjects.isEmpty()) {
        return; // the policy selects nothing: it decides nothing
      }
      if (p.appliesToEgress() && !allowsEverything(p.egress()) && target != ConvertTarget.CLUSTER_NETWORK_POLICY
          && !ownNodeKept) {
        throw new Unconvertible("spec.egress", NODE_LOCAL + "; with clusternetworkpolicy the Baseline tier decides it");
      }
      List<PolicyRule> ingress = p.appliesToIngress() ? npRules(p, true) : List.of();
      List<PolicyRule> egress = p.appliesToEgress() ? npRules(p, false) : List.of();
      if (p.appliesToEgress() && target == ConvertTarget.CLUSTER_NETWORK_POLICY && !ownNodeKept) {
        // The pod's egress to its own node: Baseline policies after the NetworkPolicy (CalicoOwnNodeEgress).
        for (ClusterPolicySubject subject : subjects(p)) {
          Optional<Map.Entry<String, String>> why = ownNode.add(p, subject, leftOutPaths);
          if (why.isPresent()) {
            throw new Unconvertible(why.get().getKey(), why.get().getValue());
          }
        }
      }
      List<String> types = new ArrayList<>();
      if (p.appliesToIngress()) {
        types.add("Ingress");
      }
      if (p.appliesToEgress()) {
        types.add("Egress");
      }
      // One NetworkPolicy per alternative of the subject: NetworkPolicies' allows add up.
      ObjectNames names = npNames.computeIfAbsent(p.namespace(), ns -> {
        ObjectNames n = new ObjectNames();
        cluster.policies().stream().filter(k -> k.namespace().equals(ns)).forEach(k -> n.reserve(k.name()));
        return n;
      });
      for (CalicoSelectorForms.Form f : subjects) {
        NetworkPolicy np = NetworkPolicy.of(p.namespace(), names.unique("calico." + p.name()), f.pods().orElseThrow(),
            types, ingress, egress);
        objects.add(new ConvertedObject.NetworkPolicyObject(np, CalicoTargetConversion.provenance(p), exactness(),
            notes()));
      }
    } catch (Unconvertible u) {
      refusals.add(new Refusal(CalicoTargetConversion.provenance(p).rule(u.path), position(p, u.path), u.getMessage()));
    } catch (RuleUnconvertible u) {
      refusals.add(new Refusal(CalicoTargetConversion.provenance(p).rule(u.path), position(p, u.path), u.reason));
    }
  }

  private List<PolicyRule> npRules(CalicoPolicy p, boolean ingress) {
    List<PolicyRule> out = new ArrayList<>();
    List<CalicoRule> rules = p.rules(ingress);
    for (int i = 0; i < rules.size(); i++) {
      String path = (ingress ? "spec.ingress[" : "spec.egress[") + i + "]";
      CalicoRule r = rules.get(i);
      try {
        switch (r.actionKind()) {
          case LOG:
            continue;
          case ALLOW:
            break;
          default:
            throw new Unconvertible("a " + r.action() + " rule in the default tier: NetworkPolicy only allows");
        }
        checkRuleShape(r, ingress);
        EntityRule local = ingress ? r.destination() : r.source();
        if (local.selectsByLabel() || !local.nets().isEmpty()) {
          throw new Unconvertible("the rule tests the " + (ingress ? "destination" : "source")
              + " (the policy's own side), which NetworkPolicy cannot");
        }
        EntityRule peer = ingress ? r.source() : r.destination();
        List<Peer> peers = npPeers(p, peer);
        if (peers == null) {
          continue;
        }
        List<PolicyPort> ports = new ArrayList<>();
        if (r.protocol().isPresent()) {
          Protocol proto = portProtocol(r);
          if (r.destination().ports().isEmpty()) {
            ports.add(PolicyPort.of(proto, null, null));
          }
          for (CalicoPort port : r.destination().ports()) {
            ports.add(port.named() ? PolicyPort.of(proto, PortValue.named(port.text()), null)
                : PolicyPort.of(proto, PortValue.of(port.min()), port.max() == port.min() ? null : port.max()));
          }
        }
        out.add(new PolicyRule(peers, ports));
      } catch (Unconvertible u) {
        if (!leaveOut(r, path, u.getMessage())) {
          throw new RuleUnconvertible(path, u.getMessage());
        }
      }
    }
    return out;
  }

  /** The NetworkPolicy peers of an entity rule: empty for everyone, null for nothing. */
  private List<Peer> npPeers(CalicoPolicy p, EntityRule e) throws Unconvertible {
    boolean selects = e.selector().isPresent() || e.namespaceSelector().isPresent();
    if (!selects) {
      List<Peer> out = new ArrayList<>();
      for (String net : e.nets()) {
        out.add(Peer.ipBlock(new IpBlock(Cidr.parse(net).map(c -> c.cidr().toString()).orElse(net), List.of())));
      }
      return out;
    }
    if (!e.nets().isEmpty()) {
      throw new Unconvertible("nets together with a selector (their intersection) has no NetworkPolicy peer");
    }
    List<Peer> out = new ArrayList<>();
    boolean global = e.namespaceSelector().filter(s -> s instanceof CalicoSelector.Global).isPresent();
    if (!global) {
      for (CalicoSelectorForms.Form f : peerForms(p, e)) {
        out.add(e.namespaceSelector().isPresent() ? new Peer(f.pods(), Optional.of(f.namespaces()), Optional.empty())
            : Peer.pods(f.pods().orElseThrow()));
      }
    }
    for (String net : networkSetNets(p, e)) {
      out.add(Peer.ipBlock(new IpBlock(Cidr.parse(net).map(c -> c.cidr().toString()).orElse(net), List.of())));
    }
    return out.isEmpty() ? null : out;
  }

  // --- Refusals ---

  private void refuse(CalicoPolicy p, String path, String reason) {
    refusals.add(new Refusal(CalicoTargetConversion.provenance(p).rule(path), position(p, path), reason));
  }

  private static dev.netpolc.model.SourcePosition position(CalicoPolicy p, String path) {
    return !path.isEmpty() && p.source().has(path) ? p.source().find(path) : p.position();
  }
}
