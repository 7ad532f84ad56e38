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
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.RuleAction;
import dev.netpolc.model.npa.V1alpha1Lowering;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.CiliumPolicyWriter;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.PolicyWriter;
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
 *       {@link CalicoTargetConversion}. Calico → cilium: through clusternetworkpolicy, then proved
 *       against the Calico input. Cilium → calico: refused (not chained yet).</li>
 * </ul>
 *
 * <p>The proof: the objects are written ({@link ConvertYaml}), read back by {@link PolicyReader},
 * checked by the {@link AcceptanceGate} over the source's inventory, and compiled against the
 * source with {@link PolicyDiff} (every pod pair, at every port breakpoint, ICMP and other
 * protocols) and {@link NodeLocalProof} (each pod with its own node). An empty diff accepts the conversion. Otherwise it is refused; with
 * {@code approximate}, a diff that only denies what the source allowed is accepted and those
 * connections are reported. The diff decides connections between the inventory's pods; then
 * {@link EdgeProbe} compares pods against node, API server and outside addresses (every address and
 * port the policies name), where any difference refuses. What neither sees (addresses and ports no
 * policy names) the construction vouches for.
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
    if (target == ConvertTarget.CILIUM && !input.calico().enforcedPolicies().isEmpty()) {
      return calicoToCiliumViaClusterPolicies(input, approximate, options);
    }
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
      TieredConversion.Result tiered = CiliumTargetConversion.fromTiered(input);
      objects.addAll(tiered.objects());
      refusals.addAll(tiered.refusals());
    } else if (target == ConvertTarget.CALICO) {
      CalicoTargetConversion.Result tiered = CalicoTargetConversion.fromTiered(input);
      objects.addAll(tiered.objects());
      refusals.addAll(tiered.refusals());
      if (!input.calico().hasCalicoObjects()) {
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
      CalicoSourceConversion.Result calico = CalicoSourceConversion.convert(input, target);
      objects.addAll(calico.objects());
      refusals.addAll(calico.refusals());
    }
    // Cilium source (CiliumSourceConversion, CiliumTargetConversion).
    if (!input.cilium().isEmpty() && target == ConvertTarget.CALICO) {
      for (CiliumPolicy p : input.cilium().policies()) {
        refusals.add(new Refusal(Provenance.of("cilium.io " + p.kind().kindName(),
            p.clusterwide() ? "" : p.namespace(), p.name()), p.position(),
            "Cilium policies are not converted to Calico yet: convert to clusternetworkpolicy first"));
      }
    } else if (!input.cilium().isEmpty()) {
      TieredConversion.Result cilium = target == ConvertTarget.CILIUM ? CiliumTargetConversion.identity(input)
          : CiliumSourceConversion.convert(input, target, objects);
      objects.addAll(cilium.objects());
      refusals.addAll(cilium.refusals());
    }
    if (!refusals.isEmpty()) {
      return new Conversion(target, objects, refusals, "", List.of(), 0);
    }
    return prove(input, target, objects, approximate, options);
  }

  /**
   * Calico → Cilium through ClusterNetworkPolicy: the Calico policies are converted to
   * clusternetworkpolicy exactly (refused as that conversion refuses), that result to cilium, and
   * the Cilium objects are proved against the Calico input itself. When the first step lists
   * today's inventory, so does every object of the result.
   */
  private static Conversion calicoToCiliumViaClusterPolicies(Cluster input, boolean approximate,
      SemanticsOptions options) {
    Conversion first = convert(input, ConvertTarget.CLUSTER_NETWORK_POLICY, false, options);
    if (!first.accepted()) {
      List<Refusal> why = new ArrayList<>();
      for (Refusal r : first.refusals()) {
        why.add(new Refusal(r.source(), r.position(), r.reason()
            + " (Calico is converted to Cilium through clusternetworkpolicy)"));
      }
      return new Conversion(ConvertTarget.CILIUM, first.objects(), why, "", List.of(), first.provedPods());
    }
    ReadResult read = new PolicyReader().readString(CONVERTED, first.yaml());
    if (!read.ok()) {
      throw new IllegalStateException("the converted YAML does not read back: " + read.errors());
    }
    Cluster c = read.cluster();
    CalicoResources i = input.calico();
    CalicoResources inventoryOnly = new CalicoResources(List.of(), List.of(), List.of(), i.serviceAccounts(),
        i.services(), i.endpointSlices());
    Cluster middle = new Cluster(input.namespaces(), input.pods(), input.nodes(), c.policies(),
        c.clusterNetworkPolicies(), c.adminNetworkPolicies(), c.baselineAdminNetworkPolicies(), inventoryOnly,
        input.cilium());
    Conversion second = convert(middle, ConvertTarget.CILIUM, approximate, options);
    if (!second.accepted()) {
      return second;
    }
    List<ConvertedObject> objects = second.objects();
    if (first.inventoryDependent()) {
      List<ConvertedObject> marked = new ArrayList<>();
      String note = "converted through clusternetworkpolicy objects that list today's inventory";
      for (ConvertedObject o : objects) {
        List<String> notes = new ArrayList<>(o.notes());
        notes.add(note);
        if (o instanceof ConvertedObject.CiliumObject ci) {
          marked.add(new ConvertedObject.CiliumObject(ci.policy(), ci.from(), Exactness.INVENTORY_DEPENDENT, notes));
        } else if (o instanceof ConvertedObject.NetworkPolicyObject np) {
          marked.add(new ConvertedObject.NetworkPolicyObject(np.policy(), np.from(), Exactness.INVENTORY_DEPENDENT,
              notes));
        } else {
          marked.add(o);
        }
      }
      objects = marked;
    }
    return prove(input, ConvertTarget.CILIUM, objects, approximate, options);
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
    // A pod and its own node: the one place the dialects' built-in exemptions differ.
    List<ChangeBlock> allowed = new ArrayList<>(diff.newlyAllowed());
    List<ChangeBlock> denied = new ArrayList<>(diff.newlyDenied());
    for (ChangeBlock b : NodeLocalProof.differences(input, converted, options)) {
      (b.change() == dev.netpolc.compiler.diff.Change.NEWLY_ALLOWED ? allowed : denied).add(b);
    }
    if (allowed.isEmpty() && (denied.isEmpty() || approximate)) {
      // Pods against node, API server and outside addresses, which the diff does not decide.
      EdgeProbe.Result edges = EdgeProbe.compare(input, converted, options, yaml + sourceText(input));
      if (!edges.isEmpty()) {
        return new Conversion(target, objects, edgeRefusals(edges), "", List.of(), pods);
      }
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

  /**
   * The source policies as YAML, for the addresses and ports {@link EdgeProbe} probes (a Calico
   * source's addresses and ports reach it through the converted text).
   */
  private static String sourceText(Cluster input) {
    StringBuilder sb = new StringBuilder();
    input.policies().forEach(p -> sb.append(PolicyWriter.toYaml(p)));
    input.clusterNetworkPolicies().forEach(p -> sb.append(PolicyWriter.toYaml(p)));
    input.adminNetworkPolicies().forEach(p -> sb.append(PolicyWriter.toYaml(p)));
    input.baselineAdminNetworkPolicies().forEach(p -> sb.append(PolicyWriter.toYaml(p)));
    input.cilium().policies().forEach(p -> sb.append(CiliumPolicyWriter.toYaml(p)));
    return sb.toString();
  }

  /**
   * Up to five connections to or from addresses that are not pods which the conversion decides
   * differently: always refused, with or without {@code approximate}, whose report covers pods only.
   */
  private static List<Refusal> edgeRefusals(EdgeProbe.Result edges) {
    List<Refusal> out = new ArrayList<>();
    for (String c : edges.newlyAllowed().subList(0, Math.min(5, edges.newlyAllowed().size()))) {
      out.add(new Refusal(Provenance.of("proof", "", "addresses"), SourcePosition.UNKNOWN,
          "the converted policies allow what the source denies: " + c));
    }
    for (String c : edges.newlyDenied().subList(0, Math.min(5, edges.newlyDenied().size()))) {
      out.add(new Refusal(Provenance.of("proof", "", "addresses"), SourcePosition.UNKNOWN,
          "the converted policies deny what the source allows: " + c + " (--approximate covers connections between"
              + " pods only)"));
    }
    return out;
  }

  /** A change block in one line: {@code newly denied: ns/a, ns/b -> ns2/c on TCP 80}. */
  public static String describe(ChangeBlock b) {
    return b.change().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": "
        + b.sourceNamespace() + " " + b.sourceDescription() + " -> " + b.destinationNamespace() + " "
        + b.destinationDescription() + " on " + b.ports();
  }

  /**
   * How the source decides one connection of {@code b} (its first pair, on its first port), so the
   * refusal names the source rule at stake; "" when the block has no port to probe.
   */
  private static String example(Cluster input, ReferenceEvaluator source, ChangeBlock b) {
    Optional<Map.Entry<Protocol, ImmutableList<PortRange>>> first = b.ports().ranges().entrySet().stream()
        .filter(e -> !e.getValue().isEmpty()).findFirst();
    Optional<Pod> from = pod(input, b.sources().get(0));
    Optional<Pod> to = b.destinations().stream().filter(d -> !d.equals(b.sources().get(0))).findFirst()
        .flatMap(d -> pod(input, d));
    if (first.isEmpty() || from.isEmpty() || to.isEmpty()) {
      return "";
    }
    for (IpAddress s : from.get().ips()) {
      for (IpAddress d : to.get().ips()) {
        if (s.v6() == d.v6()) {
          Connection c = Connection.of(s, d, first.get().getKey(), first.get().getValue().get(0).from());
          return "; in the source: " + source.explain(c).toText().strip().replace("\n", " / ");
        }
      }
    }
    return "";
  }

  private static Optional<Pod> pod(Cluster input, String key) {
    return input.pods().stream().filter(p -> p.key().equals(key)).findFirst();
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
