package dev.netpolc.model.lint;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue of the model-only rules, in id order: the one place where they are registered.
 * The rules that need the compiler (NP203, NP204, NP209) are added by
 * {@code dev.netpolc.compiler.lint.CompilerLintRules}.
 */
public final class LintRules {
  private static final ImmutableList<LintRule> ALL = ImmutableList.of(
      new ApiValidationRule("NP101", Severity.ERROR,
          "invalid CIDR, or an except not strictly inside its cidr or of another family"),
      new ApiValidationRule("NP102", Severity.ERROR, "ipBlock combined with a pod or namespace selector in one peer"),
      new ApiValidationRule("NP103", Severity.ERROR, "empty peer"),
      new ApiValidationRule("NP104", Severity.ERROR, "endPort without a numeric port, or smaller than port"),
      new ApiValidationRule("NP105", Severity.ERROR, "invalid label key, label value or selector operator/values"),
      new ApiValidationRule("NP106", Severity.ERROR,
          "ingress or egress rules while policyTypes lacks that direction (the rules are ignored)"),
      new ApiValidationRule("NP107", Severity.ERROR, "the same namespace/name defined twice across the inputs"),
      new ApiValidationRule("NP108", Severity.ERROR, "port number out of range, invalid port name, unknown protocol"),
      new ApiValidationRule("NP109", Severity.ERROR, "invalid object name or namespace"),
      new ApiValidationRule("NP110", Severity.ERROR, "unknown policyTypes entry, or more than two"),
      new ApiValidationRule("NP151", Severity.ERROR, "cluster policy tier other than Admin or Baseline"),
      new ApiValidationRule("NP152", Severity.ERROR, "cluster policy priority outside 0-1000"),
      new ApiValidationRule("NP153", Severity.ERROR, "cluster policy rule action outside the kind's values"),
      new ApiValidationRule("NP154", Severity.ERROR, "too many rules, peers, ports or addresses, or none where one "
          + "is required"),
      new ApiValidationRule("NP155", Severity.ERROR,
          "not exactly one field in a subject, peer, protocol, destinationPort or port entry"),
      new ApiValidationRule("NP156", Severity.ERROR, "cluster policy port number outside 1-65535"),
      new ApiValidationRule("NP157", Severity.ERROR, "v1alpha2 port range whose start is not below its end"),
      new ApiValidationRule("NP158", Severity.ERROR, "networks entry that isCIDR refuses, too long, or repeated"),
      new ApiValidationRule("NP159", Severity.ERROR, "cluster policy rule name longer than 100 characters"),
      new ApiValidationRule("NP160", Severity.ERROR, "BaselineAdminNetworkPolicy not named default"),
      new ApiValidationRule("NP161", Severity.ERROR, "domainNames entry that is no valid domain name, or repeated"),
      new ApiValidationRule("NP162", Severity.ERROR,
          "nodes, networks or domainNames in an ingress peer, or domainNames in a BaselineAdminNetworkPolicy"),
      new ApiValidationRule("NP163", Severity.WARNING,
          "named port in an egress rule with a networks, nodes or domainNames peer"),
      // Calico resources (CalicoValidator).
      new ApiValidationRule("NP171", Severity.ERROR, "Calico rule action other than Allow, Deny, Log or Pass"),
      new ApiValidationRule("NP172", Severity.ERROR, "Calico protocol name or number Calico does not know"),
      new ApiValidationRule("NP173", Severity.ERROR, "ICMP type or code out of range, or a code without a type"),
      new ApiValidationRule("NP174", Severity.ERROR, "icmp without protocol ICMP/ICMPv6, or ICMP with the other ipVersion"),
      new ApiValidationRule("NP175", Severity.ERROR, "ipVersion other than 4 or 6"),
      new ApiValidationRule("NP176", Severity.ERROR, "Calico ports with a protocol that has no ports, or none"),
      new ApiValidationRule("NP177", Severity.ERROR, "Calico port that is no number, range a:b or port name"),
      new ApiValidationRule("NP178", Severity.ERROR, "nets/notNets entry that is no masked CIDR, or mixed versions"),
      new ApiValidationRule("NP179", Severity.ERROR, "global() where Calico does not allow it"),
      new ApiValidationRule("NP180", Severity.ERROR, "services combined with other entity fields or misplaced"),
      new ApiValidationRule("NP181", Severity.ERROR, "Calico policy name or namespace Calico refuses"),
      new ApiValidationRule("NP182", Severity.ERROR, "invalid tier name, spec.tier, default action or built-in tier"),
      new ApiValidationRule("NP183", Severity.ERROR, "Calico types entry unknown, repeated, or more than two"),
      new ApiValidationRule("NP184", Severity.ERROR, "doNotTrack, preDNAT, applyOnForward or http: not pod policy"),
      new ApiValidationRule("NP185", Severity.ERROR, "Calico order that is not a finite number"),
      new ApiValidationRule("NP186", Severity.ERROR, "NetworkSet with a bad name, label or CIDR"),
      // Cilium policies (CiliumValidator).
      new ApiValidationRule("NP190", Severity.ERROR, "Cilium policy without exactly one of spec/specs, or a rule "
          + "without endpointSelector"),
      new ApiValidationRule("NP191", Severity.ERROR, "Cilium port missing or invalid, endPort out of range or below "
          + "port, or more than 40 ports"),
      new ApiValidationRule("NP192", Severity.ERROR, "Cilium protocol other than TCP, UDP, SCTP or ANY"),
      new ApiValidationRule("NP193", Severity.ERROR, "Cilium CIDR that does not parse, or an except outside its cidr"),
      new ApiValidationRule("NP194", Severity.ERROR, "Cilium entity name Cilium does not know"),
      new ApiValidationRule("NP195", Severity.ERROR, "Cilium ICMP family or type refused, too many fields, or icmps "
          + "beside toPorts"),
      new ApiValidationRule("NP196", Severity.ERROR, "two L3 peer fields combined in one Cilium rule"),
      new ApiValidationRule("NP197", Severity.ERROR, "Cilium field netpolc does not enforce (L7, FQDN, services, "
          + "groups, nodes, requires, authentication, nodeSelector, CIDR groups)"),
      new ApiValidationRule("NP198", Severity.ERROR, "Cilium selector label key, value or operator refused"),
      new PodSelectorSelectsNoPod(),
      new PeerSelectsNothing(),
      new IpBlockOverlapsPodAddresses(),
      new NamedPortUnresolved(),
      new NamedPortResolvesInconsistently(),
      new NamedPortWithIpBlock(),
      new EmptyRuleAllowsEveryPeer(),
      new EgressBlocksDns(),
      new PolicyAllowsAllTraffic(),
      new MissingDefaultDeny(),
      new ApiValidationRule("NP214", Severity.WARNING,
          "CIDR with host bits set, a leading zero, or an IPv4-mapped IPv6 address"),
      new DomainNamesOutsideAccept(),
      new PortRangeNotAscending(),
      new UnknownPortProtocol(),
      new NetworkHostBitsSet(),
      new EqualPriorityOverlap(),
      new TieredSelectorSelectsNothing(),
      new DomainNamesUndecidable(),
      // Calico policies: accepted by Calico, likely a mistake.
      new PolicyInUndefinedTier(),
      new PassInLastTier(),
      new UnreachableCalicoRule(),
      new EntityExcludesEverything(),
      new LogWithoutDecision(),
      new CalicoEqualOrderOverlap(),
      // Cilium policies: accepted by Cilium, likely a mistake.
      new ClusterwideSelectorWithoutNamespace(),
      new CiliumWorldOrAll(),
      new CiliumCidrCoversPods(),
      new CiliumDenyEmptiesAllow(),
      new PortWithoutProtocol(),
      new PolicyTypesOmitted(),
      new SplitPeerSelectors(),
      new SelectorMatchesEverything(),
      new NamespaceOmitted(),
      new PodFullyIsolated());

  /**
   * Rules of the catalogue that need the compiler and live in {@code dev.netpolc.compiler.lint}
   * ({@code CompilerLintRules.all()} runs them with these): their ids are valid in settings.
   */
  private static final ImmutableSortedSet<String> COMPILER_RULE_IDS = ImmutableSortedSet.of("NP203", "NP204", "NP209");

  private LintRules() {}

  /** Every implemented rule, in id order. */
  public static List<LintRule> all() {
    return ALL;
  }

  /** True when {@code id} names a rule of the catalogue, here or in the compiler's lint rules. */
  public static boolean isCatalogued(String id) {
    return byId(id).isPresent() || COMPILER_RULE_IDS.contains(id);
  }

  /** The rule with this id, if implemented. */
  public static Optional<LintRule> byId(String id) {
    return ALL.stream().filter(r -> r.id().equals(id)).findFirst();
  }
}
