package dev.netpolc.compiler.convert;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.compiler.diff.DiffResult;
import dev.netpolc.compiler.diff.PolicyDiff;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumResources;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.RuleAction;
import dev.netpolc.model.npa.V1alpha1Lowering;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts the policies of a cluster to a target dialect and proves the result.
 *
 * <p>Per source dialect and target:
 * <ul>
 *   <li>NetworkPolicy → either target: the same objects. NetworkPolicy's isolation has no exact
 *       ClusterNetworkPolicy counterpart (an isolated pod's ingress from addresses outside the
 *       cluster is denied, and ClusterNetworkPolicy ingress peers name only pods; egress to the
 *       pod's own node is exempt, and no tier of ClusterNetworkPolicy exempts it), so the
 *       ClusterNetworkPolicy target keeps them as NetworkPolicies, which it includes.</li>
 *   <li>ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy →
 *       clusternetworkpolicy: v1alpha2 objects, exact by construction
 *       ({@link V1alpha1Lowering}, with priorities that keep each tier's order).</li>
 *   <li>The same → networkpolicy: refused: tiers act before and after NetworkPolicy and override
 *       it, which NetworkPolicy cannot say.</li>
 *   <li>Cilium policies → clusternetworkpolicy or networkpolicy: {@link CiliumSourceConversion};
 *       → cilium: the same objects.</li>
 *   <li>NetworkPolicy and the cluster-scoped kinds → cilium: {@link CiliumTargetConversion}
 *       (NetworkPolicies kept, since Cilium enforces them).</li>
 *   <li>Calico policies → calico: as they are; → clusternetworkpolicy or networkpolicy:
 *       {@link CalicoSourceConversion}. NetworkPolicy and the cluster-scoped kinds → calico:
 *       {@link CalicoTargetConversion}. Calico → cilium and Cilium → calico: through
 *       clusternetworkpolicy, the result proved against the source itself
 *       ({@code viaClusterPolicies}).</li>
 * </ul>
 *
 * <p>The proof: the objects are written ({@link ConvertYaml}), read back by {@link PolicyReader},
 * checked by the {@link AcceptanceGate} over the source's inventory, and compiled against the
 * source: {@link PolicyDiff} decides every pod pair at every port breakpoint, ICMP and other
 * protocols; {@link EdgeProbe} compares pods against the addresses that are not pods (every node
 * address, the pod's own node included, the API server, both ends of every address range the two
 * compiled rule graphs hold and one outside address per family) at every port breakpoint of the
 * two graphs. No difference accepts the conversion. A newly allowed connection always refuses it;
 * a newly denied one refuses it unless {@code approximate}, where every such connection, between
 * pods or at an edge address, is reported. What neither sees (addresses no rule set holds, which
 * behave like their neighbours) the construction vouches for.
 */
public final class Converter {
  /** The display name of the converted text when it is read back. */
  public static final String CONVERTED = "<converted>";

  private Converter() {}

  /**
   * Converts the policies of {@code input} (already accepted by the gate) to {@code target}, and
   * proves the result on the inventory of {@code input}.
   *
   * @param approximate accept a conversion that denies connections the source allowed (never one
   *                    that allows more), reporting them
   */
  public static Conversion convert(Cluster input, ConvertTarget target, boolean approximate,
      SemanticsOptions options) {
    Optional<String> chained = chainedSource(input, target);
    if (chained.isPresent()) {
      return viaClusterPolicies(input, target, chained.get(), approximate, options);
    }
    Step step = build(input, target, approximate, false);
    if (!step.refusals().isEmpty()) {
      return new Conversion(target, step.objects(), step.refusals(), "", List.of(), 0);
    }
    return prove(input, target, step.objects(), approximate, options);
  }

  /** Converted objects before the proof, and the refusals. */
  private record Step(List<ConvertedObject> objects, List<Refusal> refusals) {}

  /**
   * The source dialect converted to {@code target} through clusternetworkpolicy: Calico to
   * cilium, Cilium to calico; empty when {@code target} is reached directly.
   */
  private static Optional<String> chainedSource(Cluster input, ConvertTarget target) {
    if (target == ConvertTarget.CILIUM && !input.calico().enforcedPolicies().isEmpty()) {
      return Optional.of("Calico");
    }
    if (target == ConvertTarget.CALICO && !input.cilium().isEmpty()) {
      return Optional.of("Cilium");
    }
    return Optional.empty();
  }

  /**
   * The objects of {@code target} for {@code input}, unproved. With {@code ownNodeKept} the
   * NetworkPolicies of {@code input} (and those written for it) carry the meaning the source dialect
   * gives them, where a pod's egress isolation covers its own node as Calico and Cilium apply it:
   * no step refuses them for that, and the proof against the original source decides (a chain's
   * steps).
   */
  private static Step build(Cluster input, ConvertTarget target, boolean approximate, boolean ownNodeKept) {
    List<ConvertedObject> objects = new ArrayList<>();
    List<Refusal> refusals = new ArrayList<>();
    // Output order is fixed whatever the input order: NetworkPolicies by namespace and name, then
    // ClusterNetworkPolicies by tier, priority and name.
    List<NetworkPolicy> policies = new ArrayList<>(input.policies());
    policies.sort(java.util.Comparator.comparing(NetworkPolicy::namespace).thenComparing(NetworkPolicy::name));
    for (NetworkPolicy p : policies) {
      objects.add(new ConvertedObject.NetworkPolicyObject(p, Provenance.of("NetworkPolicy", p.namespace(), p.name()),
          Exactness.EXACT, List.of()));
    }
    if (target == ConvertTarget.CLUSTER_NETWORK_POLICY) {
      TieredConversion.Result tiered = TieredConversion.toClusterPolicies(input);
      objects.addAll(tiered.objects());
      refusals.addAll(tiered.refusals());
    } else if (target == ConvertTarget.CILIUM) {
      TieredConversion.Result tiered = CiliumTargetConversion.fromTiered(input, ownNodeKept, approximate);
      objects.addAll(tiered.objects());
      refusals.addAll(tiered.refusals());
    } else if (target == ConvertTarget.CALICO) {
      CalicoTargetConversion.Result tiered = CalicoTargetConversion.fromTiered(input);
      objects.addAll(tiered.objects());
      refusals.addAll(tiered.refusals());
      if (!input.calico().hasCalicoObjects() && !ownNodeKept) {
        // With Calico input the NetworkPolicies already have Calico's meaning: kept as they are.
        refusals.addAll(CalicoTargetConversion.nodeLocalEgress(input, approximate));
      }
    } else {
      refuseTiered(input, refusals);
    }
    if (target == ConvertTarget.CALICO) {
      CalicoTargetConversion.Result calico = CalicoTargetConversion.identity(input);
      objects.addAll(calico.objects());
      refusals.addAll(calico.refusals());
    } else {
      CalicoSourceConversion.Result calico = CalicoSourceConversion.convert(input, target, ownNodeKept, approximate);
      objects.addAll(calico.objects());
      refusals.addAll(calico.refusals());
    }
    // Cilium source (CiliumSourceConversion, CiliumTargetConversion); → calico is chained.
    if (!input.cilium().isEmpty()) {
      if (target == ConvertTarget.CALICO) {
        throw new IllegalStateException("Cilium to Calico is converted through clusternetworkpolicy");
      }
      TieredConversion.Result cilium = target == ConvertTarget.CILIUM ? CiliumTargetConversion.identity(input)
          : CiliumSourceConversion.convert(input, target, objects);
      objects.addAll(cilium.objects());
      refusals.addAll(cilium.refusals());
    }
    return new Step(objects, refusals);
  }

  /**
   * {@code input} to {@code target} through ClusterNetworkPolicy: the source policies are
   * converted to clusternetworkpolicy (refused as that step refuses), the result to
   * {@code target}, and the final objects are proved against {@code input} itself (the middle is
   * never written, so it is not proved on its own). Both steps keep the source's own-node meaning
   * of NetworkPolicies (see {@link #build}). Each final object names the source policy its
   * intermediate object came from, and is inventory-dependent when that one was.
   */
  private static Conversion viaClusterPolicies(Cluster input, ConvertTarget target, String sourceDialect,
      boolean approximate, SemanticsOptions options) {
    String targetDialect = target == ConvertTarget.CILIUM ? "Cilium" : "Calico";
    String via = " (" + sourceDialect + " is converted to " + targetDialect + " through clusternetworkpolicy)";
    Step first = build(input, ConvertTarget.CLUSTER_NETWORK_POLICY, approximate, true);
    if (!first.refusals().isEmpty()) {
      List<Refusal> why = new ArrayList<>();
      for (Refusal r : first.refusals()) {
        why.add(new Refusal(r.source(), r.position(), r.reason() + via));
      }
      return new Conversion(target, first.objects(), why, "", List.of(), 0);
    }
    ReadResult read = new PolicyReader().readString(CONVERTED, ConvertYaml.stream(first.objects()));
    if (!read.ok()) {
      throw new IllegalStateException("the converted YAML does not read back: " + read.errors());
    }
    Cluster c = read.cluster();
    CalicoResources i = input.calico();
    CalicoResources inventoryOnly = new CalicoResources(List.of(), List.of(), List.of(), i.serviceAccounts(),
        i.services(), i.endpointSlices());
    Cluster middle = new Cluster(input.namespaces(), input.pods(), input.nodes(), c.policies(),
        c.clusterNetworkPolicies(), c.adminNetworkPolicies(), c.baselineAdminNetworkPolicies(), inventoryOnly,
        CiliumResources.EMPTY);
    Map<String, ConvertedObject> origin = new java.util.HashMap<>();
    for (ConvertedObject o : first.objects()) {
      origin.put(o.kind() + "/" + o.namespace() + "/" + o.name(), o);
    }
    Step second = build(middle, target, approximate, true);
    if (!second.refusals().isEmpty()) {
      List<Refusal> why = new ArrayList<>();
      for (Refusal r : second.refusals()) {
        ConvertedObject o = origin.get(r.source().kind() + "/" + r.source().namespace() + "/" + r.source().name());
        if (o == null) {
          why.add(new Refusal(r.source(), SourcePosition.UNKNOWN, r.reason() + via));
        } else {
          String step = o.kind() + " " + (o.namespace().isEmpty() ? "" : o.namespace() + "/") + o.name()
              + (r.source().rule().isEmpty() ? "" : " " + r.source().rule());
          why.add(new Refusal(o.from(), positionOf(input, o.from()), r.reason() + " (its intermediate " + step + ";"
              + via.substring(2)));
        }
      }
      return new Conversion(target, second.objects(), why, "", List.of(), 0);
    }
    List<ConvertedObject> objects = new ArrayList<>();
    for (ConvertedObject o : second.objects()) {
      ConvertedObject from = origin.get(o.from().kind() + "/" + o.from().namespace() + "/" + o.from().name());
      if (from == null) {
        objects.add(o); // made for the target itself (a Calico Tier)
        continue;
      }
      // The intermediate object's notes say what the first step decided (a Pass left out, a selector
      // listed from today's inventory), then the second step's own.
      List<String> notes = new ArrayList<>(from.notes());
      notes.addAll(o.notes());
      Exactness exactness = o.exactness();
      if (from.exactness() == Exactness.INVENTORY_DEPENDENT) {
        notes.add("converted through a clusternetworkpolicy object that lists today's inventory");
        exactness = Exactness.INVENTORY_DEPENDENT;
      } else if (from.exactness() == Exactness.APPROXIMATE && exactness == Exactness.EXACT) {
        exactness = Exactness.APPROXIMATE;
      }
      objects.add(reattributed(o, from.from(), exactness, notes));
    }
    return prove(input, target, objects, approximate, options);
  }

  /** {@code o} attributed to {@code from}, with {@code exactness} and {@code notes}. */
  private static ConvertedObject reattributed(ConvertedObject o, Provenance from, Exactness exactness,
      List<String> notes) {
    if (o instanceof ConvertedObject.NetworkPolicyObject np) {
      return new ConvertedObject.NetworkPolicyObject(np.policy(), from, exactness, notes);
    } else if (o instanceof ConvertedObject.ClusterPolicyObject cp) {
      return new ConvertedObject.ClusterPolicyObject(cp.policy(), from, exactness, notes);
    } else if (o instanceof ConvertedObject.CalicoPolicyObject cp) {
      return new ConvertedObject.CalicoPolicyObject(cp.policy(), from, exactness, notes);
    } else if (o instanceof ConvertedObject.CalicoTierObject t) {
      return new ConvertedObject.CalicoTierObject(t.tier(), from, exactness, notes);
    } else if (o instanceof ConvertedObject.CalicoNetworkSetObject s) {
      return new ConvertedObject.CalicoNetworkSetObject(s.set(), from, exactness, notes);
    }
    ConvertedObject.CiliumObject ci = (ConvertedObject.CiliumObject) o;
    return new ConvertedObject.CiliumObject(ci.policy(), from, exactness, notes);
  }

  /** Where the source policy {@code from} is written in {@code input}; unknown when it is not found. */
  private static SourcePosition positionOf(Cluster input, Provenance from) {
    for (CiliumPolicy p : input.cilium().policies()) {
      if (("cilium.io " + p.kind().kindName()).equals(from.kind()) && p.name().equals(from.name())
          && (p.clusterwide() ? "" : p.namespace()).equals(from.namespace())) {
        return p.position();
      }
    }
    for (var p : input.calico().policies()) {
      if (CalicoTargetConversion.provenance(p).equals(Provenance.of(from.kind(), from.namespace(), from.name()))) {
        return p.position();
      }
    }
    for (NetworkPolicy p : input.policies()) {
      if (from.kind().equals("NetworkPolicy") && p.namespace().equals(from.namespace())
          && p.name().equals(from.name())) {
        return p.position();
      }
    }
    return SourcePosition.UNKNOWN;
  }

  /** Writes, reads back, gates and diffs {@code objects} against {@code input}. */
  static Conversion prove(Cluster input, ConvertTarget target, List<ConvertedObject> objects, boolean approximate,
      SemanticsOptions options) {
    String yaml = ConvertYaml.stream(objects);
    ReadResult read = new PolicyReader().readString(CONVERTED, yaml);
    if (!read.ok()) {
      // The writer and the reader disagree: a netpolc bug, not the user's input.
      throw new IllegalStateException("the converted YAML does not read back: " + read.errors());
    }
    // The converted policies on the source's inventory; the inventory objects that are kept in the
    // Calico component (ServiceAccounts, Services, EndpointSlices: Calico rules and the Cilium
    // entity kube-apiserver refer to them) come from the source: they are never written.
    Cluster read0 = read.cluster();
    CalicoResources c = read0.calico();
    CalicoResources i = input.calico();
    CalicoResources calico = new CalicoResources(c.policies(), c.tiers(), c.networkSets(), i.serviceAccounts(),
        i.services(), i.endpointSlices(), c.stagedKubernetesPolicies(), c.stagedKubernetesActions());
    Cluster converted = new Cluster(input.namespaces(), input.pods(), input.nodes(), read0.policies(),
        read0.clusterNetworkPolicies(), read0.adminNetworkPolicies(), read0.baselineAdminNetworkPolicies(), calico,
        read0.cilium());
    Cluster gated = converted;
    AcceptanceGate.Verdict verdict = AcceptanceGate.DEFAULT.check(gated);
    if (!verdict.accepted()) {
      List<Refusal> refusals = new ArrayList<>();
      for (Diagnostic d : verdict.blocking()) {
        ConvertedObject o = objectAt(yaml, objects, d.position());
        refusals.add(new Refusal(o.from(), SourcePosition.UNKNOWN,
            "the converted " + o.kind() + " " + o.name() + " would be rejected: " + d.message()));
      }
      return new Conversion(target, objects, refusals, "", List.of(), 0);
    }
    int pods = (int) input.pods().stream().filter(p -> p.isActive()).count();
    DiffResult diff = PolicyDiff.compute(input, input, converted, options);
    List<ChangeBlock> allowed = new ArrayList<>(diff.newlyAllowed());
    List<ChangeBlock> denied = new ArrayList<>(diff.newlyDenied());
    if (allowed.isEmpty() && (denied.isEmpty() || approximate)) {
      // Pods against node (their own included), API server and outside addresses, which the diff
      // does not decide; its differences count as the diff's.
      EdgeProbe.Result edges = EdgeProbe.compare(input, converted, options);
      allowed.addAll(edges.newlyAllowed());
      denied.addAll(edges.newlyDenied());
    }
    if (allowed.isEmpty() && (denied.isEmpty() || approximate)) {
      return new Conversion(target, objects, List.of(), yaml, denied, pods);
    }
    List<Refusal> refusals = new ArrayList<>();
    List<ChangeBlock> blocks = approximate || !allowed.isEmpty() ? allowed : denied;
    ReferenceEvaluator source = new ReferenceEvaluator(input, options);
    for (ChangeBlock b : blocks.subList(0, Math.min(5, blocks.size()))) {
      refusals.add(new Refusal(Provenance.of("proof", "", "diff"), SourcePosition.UNKNOWN,
          "the converted policies decide differently: " + describe(b) + example(input, source, b)));
    }
    return new Conversion(target, objects, refusals, "", List.of(), pods);
  }

  /** A change block in one line: {@code newly denied: ns/a, ns/b -> ns2/c on TCP 80}. */
  public static String describe(ChangeBlock b) {
    return b.change().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": "
        + side(b.sourceNamespace(), b.sourceDescription()) + " -> "
        + side(b.destinationNamespace(), b.destinationDescription()) + " on " + b.ports();
  }

  /** One end of a block: the namespace then the pods, or the addresses alone. */
  private static String side(String namespace, String description) {
    return namespace.isEmpty() ? description : namespace + " " + description;
  }

  /**
   * How the source decides one connection of {@code b} (its first pair, on its first port), so the
   * refusal names the source rule at stake; "" when the block has no port to probe.
   */
  private static String example(Cluster input, ReferenceEvaluator source, ChangeBlock b) {
    Optional<Map.Entry<Protocol, ImmutableList<PortRange>>> first = b.ports().ranges().entrySet().stream()
        .filter(e -> !e.getValue().isEmpty()).findFirst();
    Optional<List<IpAddress>> from = addresses(input, b.sources().get(0));
    Optional<List<IpAddress>> to = b.destinations().stream().filter(d -> !d.equals(b.sources().get(0)))
        .findFirst().flatMap(d -> addresses(input, d));
    if (first.isEmpty() || from.isEmpty() || to.isEmpty()) {
      return "";
    }
    for (IpAddress s : from.get()) {
      for (IpAddress d : to.get()) {
        if (s.v6() == d.v6()) {
          Connection c = Connection.of(s, d, first.get().getKey(), first.get().getValue().get(0).from());
          return "; in the source: " + source.explain(c).toText().strip().replace("\n", " / ");
        }
      }
    }
    return "";
  }

  /** The addresses of the pod {@code key}, or the first address of the block {@code key} of an edge block. */
  private static Optional<List<IpAddress>> addresses(Cluster input, String key) {
    Optional<List<IpAddress>> pod = input.pods().stream().filter(p -> p.key().equals(key)).findFirst()
        .map(p -> List.copyOf(p.ips()));
    if (pod.isPresent()) {
      return pod;
    }
    Optional<IpAddress> address = IpAddress.tryParse(key)
        .or(() -> dev.netpolc.model.Cidr.parse(key).map(c -> c.cidr().first()));
    return address.map(List::of);
  }

  /** The object whose document holds {@code position} of the converted stream (the first when unknown). */
  private static ConvertedObject objectAt(String yaml, List<ConvertedObject> objects, SourcePosition position) {
    int line = 1;
    int index = -1;
    for (String l : yaml.split("\n", -1)) {
      if (l.equals("---")) {
        index++;
      }
      if (line == position.line()) {
        return objects.get(Math.max(0, Math.min(index, objects.size() - 1)));
      }
      line++;
    }
    return objects.get(0);
  }

  /** Every cluster-scoped policy as refused by the NetworkPolicy target, naming its first deciding rule. */
  private static void refuseTiered(Cluster input, List<Refusal> refusals) {
    for (ClusterNetworkPolicy p : input.tieredPolicies()) {
      refusals.add(refusal(p, Provenance.of(p.kind().kindName(), "", p.name()), p.position()));
    }
  }

  private static Refusal refusal(ClusterNetworkPolicy p, Provenance from, SourcePosition position) {
    boolean admin = p.parsedTier().orElse(PolicyTier.ADMIN) == PolicyTier.ADMIN;
    Optional<String> rule = firstRule(p, admin);
    String why = admin
        ? "the Admin tier decides before NetworkPolicies and overrides them (an Accept ends their isolation, a Deny"
            + " their allows); NetworkPolicy has no such tier"
        : "the Baseline tier decides only for pods no NetworkPolicy isolates, and its Deny and Pass rules there have"
            + " no NetworkPolicy counterpart";
    // Point at the rule itself where the reader kept its position.
    SourcePosition at = rule.filter(p.source()::has).map(p.source()::find).orElse(position);
    return new Refusal(rule.map(from::rule).orElse(from), at, why);
  }

  /** The path of the first rule that decides something NetworkPolicy cannot say. */
  private static Optional<String> firstRule(ClusterNetworkPolicy p, boolean admin) {
    for (boolean in : new boolean[] {true, false}) {
      List<ClusterPolicyRule> rules = p.rules(in);
      for (int i = 0; i < rules.size(); i++) {
        Optional<RuleAction> a = rules.get(i).parsedAction();
        if (admin || a.isEmpty() || a.get() != RuleAction.ACCEPT) {
          return Optional.of((in ? "spec.ingress[" : "spec.egress[") + i + "]");
        }
      }
    }
    return Optional.empty();
  }
}
