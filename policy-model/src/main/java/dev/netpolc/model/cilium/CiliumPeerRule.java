package dev.netpolc.model.cilium;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a rule's {@code ingress}, {@code ingressDeny}, {@code egress} or {@code egressDeny}:
 * an L3 part (peers), an L4 part ({@code toPorts} or {@code icmps}), both optional. A list field
 * that is absent is empty here; one written empty is present and empty, which selects nothing
 * from that field (SEMANTICS-CILIUM.md, "Subjects and peers"). A rule with no L3 field at all
 * selects every peer.
 *
 * @param path          where it is: {@code spec.egress[2]}
 * @param direction     ingress or egress
 * @param deny          true in {@code ingressDeny}/{@code egressDeny}
 * @param endpoints     {@code fromEndpoints}/{@code toEndpoints}
 * @param cidrs         {@code fromCIDR}/{@code toCIDR}: addresses or prefixes as written
 * @param cidrSets      {@code fromCIDRSet}/{@code toCIDRSet}
 * @param entities      {@code fromEntities}/{@code toEntities}, names as written
 * @param toPorts       {@code toPorts} (empty: every port of every protocol, unless {@code icmps})
 * @param icmps         {@code icmps}
 * @param unenforceable the fields written that netpolc refuses rather than drop ({@code toFQDNs},
 *                      {@code toServices}, {@code fromGroups}/{@code toGroups},
 *                      {@code fromNodes}/{@code toNodes}, {@code fromRequires}/{@code toRequires},
 *                      {@code authentication}), by name, in input order
 */
public record CiliumPeerRule(String path, CiliumDirection direction, boolean deny,
    Optional<List<LabelSelector>> endpoints, Optional<List<String>> cidrs, Optional<List<CiliumCidrSet>> cidrSets,
    Optional<List<String>> entities, List<CiliumPortRule> toPorts, List<CiliumIcmpRule> icmps,
    List<String> unenforceable) {

  public CiliumPeerRule {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(direction, "direction");
    endpoints = endpoints.map(ImmutableList::copyOf);
    cidrs = cidrs.map(ImmutableList::copyOf);
    cidrSets = cidrSets.map(ImmutableList::copyOf);
    entities = entities.map(ImmutableList::copyOf);
    toPorts = ImmutableList.copyOf(toPorts);
    icmps = ImmutableList.copyOf(icmps);
    unenforceable = ImmutableList.copyOf(unenforceable);
  }

  /** The path of this rule's peer field {@code base} ({@code "CIDRSet"} gives {@code spec.egress[2].toCIDRSet}). */
  public String fieldPath(String base) {
    return path + "." + direction.field(base);
  }

  /** True when some L3 field was written (even empty): then only its peers match. */
  public boolean hasL3() {
    return endpoints.isPresent() || cidrs.isPresent() || cidrSets.isPresent() || entities.isPresent();
  }

  /**
   * The L3 fields holding at least one entry, by name ({@code fromEndpoints}, ...). Cilium's
   * sanitiser refuses a rule combining two of them (NP196).
   */
  public List<String> nonEmptyL3Fields() {
    List<String> out = new ArrayList<>();
    if (endpoints.map(l -> !l.isEmpty()).orElse(false)) {
      out.add(direction.field("Endpoints"));
    }
    if (cidrs.map(l -> !l.isEmpty()).orElse(false)) {
      out.add(direction.field("CIDR"));
    }
    if (cidrSets.map(l -> !l.isEmpty()).orElse(false)) {
      out.add(direction.field("CIDRSet"));
    }
    if (entities.map(l -> !l.isEmpty()).orElse(false)) {
      out.add(direction.field("Entities"));
    }
    return List.copyOf(out);
  }

  /** True when the rule restricts ports or ICMP types; otherwise it matches every protocol. */
  public boolean hasL4() {
    return !toPorts.isEmpty() || !icmps.isEmpty();
  }
}
