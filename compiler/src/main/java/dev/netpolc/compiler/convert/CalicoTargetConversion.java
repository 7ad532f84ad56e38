package dev.netpolc.compiler.convert;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Node;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.calico.CalicoKind;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoProtocol;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.NamespacedPods;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.RuleAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Policies as Calico {@code projectcalico.org/v3} objects ({@code netpolc convert --to calico}).
 *
 * <ul>
 *   <li>Calico objects: written as they are (policies, staged ones included, Tiers, network
 *       sets).</li>
 *   <li>Cluster-scoped policies of every kind, first made v1alpha2 ClusterNetworkPolicies
 *       ({@link TieredConversion}): the Admin tier becomes the Tier {@value #ADMIN_TIER} (order
 *       {@value #ADMIN_ORDER}, before Calico's {@code default} tier where the NetworkPolicies
 *       are), the Baseline tier the Tier {@value #BASELINE_TIER} (order {@value #BASELINE_ORDER},
 *       after it). Both have {@code defaultAction: Pass}, so a pod no rule decides for goes on as
 *       it would past a ClusterNetworkPolicy tier. Each policy is a GlobalNetworkPolicy named
 *       {@code TIER.NAME} at {@code order} = its priority, so Calico's order (order, then name)
 *       is the ClusterNetworkPolicy order (priority, then name). Accept/Deny/Pass are
 *       Allow/Deny/Pass: Calico's Pass goes to the next tier, which from the Admin tier is the
 *       default tier (the NetworkPolicies) and from the Baseline tier the end (allowed), as in
 *       SEMANTICS-TIERS.md. The Baseline tier is reached only by pods the default tier has no
 *       policy for in that direction, that is pods no NetworkPolicy isolates.</li>
 *   <li>Each rule becomes one Calico rule per peer and protocol entry (Calico's first matching
 *       rule decides, so consecutive rules with the same action are their union): a
 *       {@code pods} or {@code namespaces} peer is a {@code namespaceSelector} (and
 *       {@code selector}), {@code networks} are {@code nets}, a port or range a
 *       {@code protocol} with {@code ports}, a named port one rule for each of TCP, UDP and SCTP.
 *       Label selectors become Calico selectors ({@code ==}, {@code in}, {@code not in},
 *       {@code has()}, {@code !has()}; {@code not in} also holds where the key is absent, as
 *       NotIn does). A {@code nodes} peer is written as the addresses of the nodes it selects
 *       today (Calico's selectors select host endpoints, not nodes), and the policy is flagged
 *       {@link Exactness#INVENTORY_DEPENDENT}. {@code domainNames} peers are refused: Calico's
 *       open-source API has no FQDN match.</li>
 * </ul>
 */
final class CalicoTargetConversion {
  /** The Tier written for the Admin tier. */
  static final String ADMIN_TIER = "netpolc-admin";
  /** The Tier written for the Baseline tier. */
  static final String BASELINE_TIER = "netpolc-baseline";
  /** The Admin Tier's order: before {@code default} (1,000,000). */
  static final int ADMIN_ORDER = 100;
  /** The Baseline Tier's order: after {@code default}. */
  static final int BASELINE_ORDER = 2_000_000;

  private CalicoTargetConversion() {}

  /** The converted objects and the refusals. */
  record Result(List<ConvertedObject> objects, List<Refusal> refusals) {}

  /** The Calico objects of {@code c}, as they are. */
  static Result identity(Cluster c) {
    List<ConvertedObject> out = new ArrayList<>();
    List<CalicoTier> tiers = new ArrayList<>(c.calico().tiers());
    tiers.sort(CalicoTier.ORDER);
    for (CalicoTier t : tiers) {
      out.add(new ConvertedObject.CalicoTierObject(t, Provenance.of("projectcalico.org Tier", "", t.name()),
          Exactness.EXACT, List.of()));
    }
    List<CalicoNetworkSet> sets = new ArrayList<>(c.calico().networkSets());
    sets.sort(Comparator.comparing(CalicoNetworkSet::namespace).thenComparing(CalicoNetworkSet::name));
    for (CalicoNetworkSet s : sets) {
      out.add(new ConvertedObject.CalicoNetworkSetObject(s, Provenance.of("projectcalico.org "
          + (s.namespace().isEmpty() ? "GlobalNetworkSet" : "NetworkSet"), s.namespace(), s.name()),
          Exactness.EXACT, List.of()));
    }
    List<CalicoPolicy> policies = new ArrayList<>(c.calico().policies());
    policies.sort(Comparator.comparing((CalicoPolicy p) -> p.kind().kindName()).thenComparing(CalicoPolicy::tier)
        .thenComparing(CalicoPolicy::namespace).thenComparing(CalicoPolicy.ORDER));
    for (CalicoPolicy p : policies) {
      out.add(new ConvertedObject.CalicoPolicyObject(p, provenance(p), Exactness.EXACT, List.of()));
    }
    List<Refusal> refusals = new ArrayList<>();
    if (!c.calico().stagedKubernetesPolicies().isEmpty()) {
      var p = c.calico().stagedKubernetesPolicies().get(0);
      refusals.add(new Refusal(Provenance.of("projectcalico.org StagedKubernetesNetworkPolicy", p.namespace(),
          p.name()), p.position(), "StagedKubernetesNetworkPolicies are not written by the Calico target yet"));
    }
    return new Result(out, refusals);
  }

  /**
   * NetworkPolicies that isolate egress, unless they allow all of it and no cluster-scoped policy
   * has egress rules: the standard semantics leave a pod's egress to its own node out of the
   * NetworkPolicy tier (SEMANTICS-TIERS.md: allowed, or decided by the Admin and Baseline tiers
   * alone), Calico applies the pod's egress policy to it (SEMANTICS-CALICO.md), so on Calico they
   * decide it differently on any inventory with such a pod. Refused unless {@code approximate}
   * (then the proof accepts only a result that denies more, and reports it).
   */
  static List<Refusal> nodeLocalEgress(Cluster c, boolean approximate) {
    List<Refusal> out = new ArrayList<>();
    if (approximate) {
      return out;
    }
    boolean tieredEgress = c.tieredPolicies().stream().anyMatch(p -> !p.egress().isEmpty());
    for (dev.netpolc.model.NetworkPolicy np : c.policies()) {
      boolean egress = np.isolatesEgress(); // policyTypes as the API server defaults them
      boolean all = np.egress().stream().anyMatch(r -> r.peers().isEmpty() && r.ports().isEmpty());
      if (egress && (!all || tieredEgress)) {
        out.add(new Refusal(Provenance.of("NetworkPolicy", np.namespace(), np.name()).rule("spec.egress"),
            np.source().has("spec.policyTypes") ? np.source().find("spec.policyTypes") : np.position(),
            "NetworkPolicy semantics leave a pod's egress to its own node out of the NetworkPolicy tier (allowed,"
                + " or decided by the Admin and Baseline tiers alone); Calico applies this egress isolation to it"));
      }
    }
    return out;
  }

  /** The source name of a Calico policy in reports and annotations. */
  static Provenance provenance(CalicoPolicy p) {
    return Provenance.of("projectcalico.org " + p.kind().kindName(), p.global() ? "" : p.namespace(), p.name());
  }

  /** The cluster-scoped policies of {@code c} (every kind) as Tiers and GlobalNetworkPolicies. */
  static Result fromTiered(Cluster c) {
    TieredConversion.Result tiered = TieredConversion.toClusterPolicies(c);
    List<ConvertedObject> policies = new ArrayList<>();
    List<Refusal> refusals = new ArrayList<>(tiered.refusals());
    boolean admin = false;
    boolean baseline = false;
    ObjectNames names = new ObjectNames();
    for (ConvertedObject o : tiered.objects()) {
      ClusterNetworkPolicy p = ((ConvertedObject.ClusterPolicyObject) o).policy();
      boolean isAdmin = p.parsedTier().orElse(PolicyTier.ADMIN) == PolicyTier.ADMIN;
      admin |= isAdmin;
      baseline |= !isAdmin;
      String tier = isAdmin ? ADMIN_TIER : BASELINE_TIER;
      List<CalicoRule> ingress = new ArrayList<>();
      List<CalicoRule> egress = new ArrayList<>();
      int before = refusals.size();
      boolean[] dependent = {false};
      for (boolean in : new boolean[] {true, false}) {
        List<ClusterPolicyRule> rules = p.rules(in);
        for (int i = 0; i < rules.size(); i++) {
          Provenance at = o.from().rule((in ? "spec.ingress[" : "spec.egress[") + i + "]");
          rules(rules.get(i), in, at, in ? ingress : egress, refusals, c.nodes(), dependent);
        }
      }
      if (refusals.size() > before) {
        continue;
      }
      List<String> types = new ArrayList<>();
      if (!p.ingress().isEmpty()) {
        types.add("Ingress");
      }
      if (!p.egress().isEmpty() || types.isEmpty()) {
        types.add(p.egress().isEmpty() ? "Ingress" : "Egress");
      }
      Subject s = subject(p);
      // After the tier's prefix Calico takes one DNS label: a dotted ClusterNetworkPolicy name loses its dots.
      String name = names.unique(tier + "." + p.name().replace('.', '-'));
      CalicoPolicy gnp = new CalicoPolicy(CalicoKind.GLOBAL_NETWORK_POLICY, "", name, tier,
          OptionalDouble.of(p.priority()), s.selector(), Optional.of(s.namespaces()), Optional.empty(),
          types.stream().distinct().toList(), ingress, egress, false, false, false, SourceMap.EMPTY, Set.of());
      List<String> notes = new ArrayList<>(o.notes());
      if (dependent[0]) {
        notes.add("nodes peers are written as the addresses of the nodes they select today");
      }
      policies.add(new ConvertedObject.CalicoPolicyObject(gnp, o.from(),
          dependent[0] ? Exactness.INVENTORY_DEPENDENT : o.exactness(), notes));
    }
    List<ConvertedObject> out = new ArrayList<>();
    if (admin) {
      out.add(new ConvertedObject.CalicoTierObject(new CalicoTier(ADMIN_TIER, OptionalDouble.of(ADMIN_ORDER), "Pass",
          SourceMap.EMPTY), Provenance.of("ClusterNetworkPolicy tier", "", "Admin"), Exactness.EXACT, List.of()));
    }
    if (baseline) {
      out.add(new ConvertedObject.CalicoTierObject(new CalicoTier(BASELINE_TIER, OptionalDouble.of(BASELINE_ORDER),
          "Pass", SourceMap.EMPTY), Provenance.of("ClusterNetworkPolicy tier", "", "Baseline"), Exactness.EXACT,
          List.of()));
    }
    out.addAll(policies);
    return new Result(out, refusals);
  }

  private record Subject(CalicoSelector namespaces, CalicoSelector selector) {}

  private static Subject subject(ClusterNetworkPolicy p) {
    if (p.subject().pods().isPresent()) {
      NamespacedPods np = p.subject().pods().get();
      return new Subject(selector(np.namespaceSelector()), selector(np.podSelector()));
    }
    return new Subject(selector(p.subject().namespaces().orElse(LabelSelector.EVERYTHING)),
        new CalicoSelector.All());
  }

  /** One ClusterNetworkPolicy rule as Calico rules appended to {@code out}, or a refusal. */
  private static void rules(ClusterPolicyRule r, boolean ingress, Provenance at, List<CalicoRule> out,
      List<Refusal> refusals, List<Node> nodes, boolean[] dependent) {
    RuleAction action = r.parsedAction().orElseThrow(() -> new IllegalStateException("gated action: " + r.action()));
    String calicoAction = switch (action) {
      case ACCEPT -> "Allow";
      case DENY -> "Deny";
      case PASS -> "Pass";
    };
    List<EntityRule> peers = new ArrayList<>();
    for (ClusterPolicyPeer peer : r.peers()) {
      if (peer.nodes().isPresent()) {
        // Calico's selectors select host endpoints, not nodes: the nodes are written as their
        // addresses today, and the object is flagged inventory-dependent.
        List<String> nets = new ArrayList<>();
        for (Node n : nodes) {
          if (peer.nodes().get().matches(n.labels())) {
            n.addresses().forEach(a -> nets.add(Cidr.host(a).toString()));
          }
        }
        dependent[0] = true;
        peers.addAll(byFamily(nets.stream().distinct().sorted().toList()));
        continue;
      }
      if (peer.domainNames().isPresent()) {
        refusals.add(new Refusal(at, dev.netpolc.model.SourcePosition.UNKNOWN,
            "a domainNames peer has no counterpart in Calico's open-source policy"));
        return;
      }
      if (peer.networks().isPresent()) {
        peers.addAll(byFamily(peer.networks().get()));
      } else if (peer.pods().isPresent()) {
        peers.add(entity(List.of(), Optional.of(selector(peer.pods().get().podSelector())),
            Optional.of(selector(peer.pods().get().namespaceSelector()))));
      } else if (peer.namespaces().isPresent()) {
        peers.add(entity(List.of(), Optional.empty(), Optional.of(selector(peer.namespaces().get()))));
      }
    }
    // Protocol entries: empty means every protocol and port.
    List<Ports> ports = new ArrayList<>();
    if (r.protocols().isEmpty()) {
      ports.add(new Ports(Optional.empty(), List.of()));
    } else {
      for (ClusterPolicyProtocol p : r.protocols().get()) {
        p.tcp().flatMap(CalicoTargetConversion::port).ifPresent(x -> ports.add(new Ports(Optional.of("TCP"), x)));
        p.udp().flatMap(CalicoTargetConversion::port).ifPresent(x -> ports.add(new Ports(Optional.of("UDP"), x)));
        p.sctp().flatMap(CalicoTargetConversion::port).ifPresent(x -> ports.add(new Ports(Optional.of("SCTP"), x)));
        p.destinationNamedPort().ifPresent(n -> {
          for (String proto : List.of("TCP", "UDP", "SCTP")) {
            ports.add(new Ports(Optional.of(proto), List.of(new CalicoPort(n))));
          }
        });
      }
    }
    for (EntityRule peer : peers) {
      for (Ports p : ports) {
        EntityRule dst = ingress ? entity(List.of(), Optional.empty(), Optional.empty()) : peer;
        dst = new EntityRule(dst.nets(), dst.notNets(), dst.selector(), dst.notSelector(), dst.namespaceSelector(),
            dst.serviceAccounts(), dst.services(), p.ports(), List.of());
        EntityRule src = ingress ? peer : EntityRule.ANY;
        out.add(new CalicoRule(calicoAction, OptionalInt.empty(), p.protocol().map(CalicoProtocol::named),
            Optional.empty(), Optional.empty(), Optional.empty(), src, dst, false));
      }
    }
  }

  private record Ports(Optional<String> protocol, List<CalicoPort> ports) {}

  /** A port or range as Calico ports; empty for an entry that matches nothing (or no port: every port). */
  private static Optional<List<CalicoPort>> port(DestinationPort d) {
    if (d.number().isPresent()) {
      return Optional.of(List.of(new CalicoPort(Integer.toString(d.number().get()))));
    }
    if (d.range().isPresent()) {
      int a = d.range().get().start();
      int b = d.range().get().end();
      return a > b ? Optional.empty() : Optional.of(List.of(new CalicoPort(a == b ? Integer.toString(a) : a + ":" + b)));
    }
    return Optional.of(List.of());
  }

  /**
   * CIDRs as {@code nets} entity rules, IPv4 and IPv6 apart (Calico refuses a rule that mixes
   * them); none for no CIDR (an empty {@code nets} would match every address).
   */
  private static List<EntityRule> byFamily(List<String> cidrs) {
    List<EntityRule> out = new ArrayList<>();
    for (boolean v6 : new boolean[] {false, true}) {
      List<String> family = cidrs.stream().filter(c -> c.contains(":") == v6).toList();
      if (!family.isEmpty()) {
        out.add(entity(family, Optional.empty(), Optional.empty()));
      }
    }
    return out;
  }

  private static EntityRule entity(List<String> nets, Optional<CalicoSelector> selector,
      Optional<CalicoSelector> namespaces) {
    return new EntityRule(nets, List.of(), selector, Optional.empty(), namespaces, Optional.empty(),
        Optional.empty(), List.of(), List.of());
  }

  /** A Kubernetes label selector as the Calico selector that matches the same label sets. */
  static CalicoSelector selector(LabelSelector s) {
    List<CalicoSelector> parts = new ArrayList<>();
    for (Map.Entry<String, String> e : s.matchLabels().entrySet()) {
      parts.add(new CalicoSelector.Compare(e.getKey(), CalicoSelector.Operator.EQUALS, e.getValue()));
    }
    for (LabelSelectorRequirement r : s.matchExpressions()) {
      LabelSelectorRequirement.Operator op = r.op();
      if (op == null) {
        throw new IllegalStateException("gated selector operator: " + r.operator());
      }
      parts.add(switch (op) {
        case In -> CalicoSelector.In.of(r.key(), r.values());
        case NotIn -> CalicoSelector.NotIn.of(r.key(), r.values());
        case Exists -> new CalicoSelector.Has(r.key());
        case DoesNotExist -> CalicoSelector.Not.of(new CalicoSelector.Has(r.key()));
      });
    }
    if (parts.isEmpty()) {
      return new CalicoSelector.All();
    }
    return parts.size() == 1 ? parts.get(0) : new CalicoSelector.And(com.google.common.collect.ImmutableList.copyOf(parts));
  }
}
