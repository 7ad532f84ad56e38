package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumEntity;
import dev.netpolc.model.cilium.CiliumIcmpField;
import dev.netpolc.model.cilium.CiliumIcmpRule;
import dev.netpolc.model.cilium.CiliumLabels;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumPort;
import dev.netpolc.model.cilium.CiliumPortRule;
import dev.netpolc.model.cilium.CiliumResources;
import dev.netpolc.model.cilium.CiliumRule;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates Cilium policies as Cilium does before it enforces them: the CRD schema of
 * {@code cilium.io/v2} (kubebuilder markers in {@code pkg/policy/api}: l4.go's {@code endPort}
 * 0–65535, {@code port} pattern and {@code protocol} enum, icmp.go's {@code family} enum,
 * {@code type} pattern and 40-item limit, entity.go's entity names, the CRD's "exactly one of
 * {@code spec}, {@code specs}") and the policy sanitiser ({@code Rule.Sanitize} in
 * {@code pkg/policy/api/rule_validation.go}: a rule needs an {@code endpointSelector}, at most 40
 * ports per {@code toPorts} entry, a non-empty {@code port}, no {@code icmps} beside
 * {@code toPorts}, no two L3 peer fields in one rule, CIDR syntax, {@code except} inside its
 * {@code cidr}, known entities), as of Cilium's main branch in 2026. netpolc adds its own
 * refusals: NP197 for what it cannot enforce (SEMANTICS-CILIUM.md, "Refused, never dropped"),
 * and an {@code endPort} below its {@code port} (Cilium accepts it; its meaning is in no
 * semantics netpolc implements, so it is refused rather than guessed). Names are NP109, as for
 * every object; unknown fields and wrong types are the reader's (NP011, NP00x). Every finding
 * is an error except the NP191 warning about an {@code endPort} beside a named port (Cilium
 * ignores the {@code endPort} there).
 *
 * <pre>{@code
 * List<Diagnostic> problems = CiliumValidator.validate(cluster.cilium());
 * }</pre>
 */
public final class CiliumValidator {
  /** Not exactly one of {@code spec}/{@code specs}, an empty {@code specs}, or a rule without endpointSelector. */
  public static final String SPEC_ID = "NP190";
  /**
   * A {@code port} missing, not a number 0–65535 nor a port name; {@code endPort} out of range or
   * below {@code port}; over 40 ports.
   */
  public static final String PORT_ID = "NP191";
  /** A {@code protocol} other than {@code TCP}, {@code UDP}, {@code SCTP} or {@code ANY}. */
  public static final String PROTOCOL_ID = "NP192";
  /** A CIDR that does not parse, a CIDR set without a prefix, or an {@code except} outside its {@code cidr}. */
  public static final String CIDR_ID = "NP193";
  /** An entity name Cilium does not know. */
  public static final String ENTITY_ID = "NP194";
  /** An ICMP {@code family} or {@code type} Cilium refuses, over 40 fields, or icmps beside toPorts. */
  public static final String ICMP_ID = "NP195";
  /** Two L3 peer fields in one rule (toEndpoints with toCIDR, ...), which Cilium's sanitiser refuses. */
  public static final String L3_COMBINATION_ID = "NP196";
  /**
   * What netpolc cannot enforce: L7, FQDN, services, groups, nodes, requires, authentication,
   * nodeSelector, CIDR groups.
   */
  public static final String UNENFORCEABLE_ID = "NP197";
  /** A selector label key, value or operator Cilium refuses. */
  public static final String SELECTOR_ID = "NP198";

  /** Every rule id this validator reports (besides NP109 for names), in id order. */
  public static final List<String> IDS = List.of(SPEC_ID, PORT_ID, PROTOCOL_ID, CIDR_ID, ENTITY_ID, ICMP_ID,
      L3_COMBINATION_ID, UNENFORCEABLE_ID, SELECTOR_ID);

  /** The protocol enum of {@code PortProtocol} that netpolc enforces. */
  private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP", "ANY");
  /** rule_validation.go: maxPorts and maxICMPFields. */
  private static final int MAX_PORTS = 40;
  private static final int MAX_ICMP_FIELDS = 40;
  private static final int MAX_PORT = 65535;

  private CiliumValidator() {}

  /** Every finding about the Cilium policies, in input order. */
  public static List<Diagnostic> validate(CiliumResources cilium) {
    ImmutableList.Builder<Diagnostic> out = ImmutableList.builder();
    for (CiliumPolicy p : cilium.policies()) {
      out.addAll(validate(p));
    }
    return out.build();
  }

  /** Every finding about one policy. */
  public static List<Diagnostic> validate(CiliumPolicy p) {
    Findings out = new Findings(p.source());
    if (p.clusterwide()) {
      ObjectNameCheck.checkName(p.name(), out);
    } else {
      ObjectNameCheck.checkNames(p.name(), p.namespace(), out);
    }
    // The CRD: exactly one of spec and specs; specs, when given, non-empty.
    boolean hasSpec = !p.spec().isEmpty();
    if (hasSpec && p.specsGiven()) {
      out.error(SPEC_ID, "specs", "spec and specs are both given; write the rules in one of them");
    } else if (!hasSpec && !p.specsGiven()) {
      out.error(SPEC_ID, "spec", "the policy has neither spec nor specs: it holds no rule");
    } else if (p.specsGiven() && p.specs().isEmpty()) {
      out.error(SPEC_ID, "specs", "specs is empty: the policy holds no rule");
    }
    for (CiliumRule r : p.rules()) {
      rule(r, out);
    }
    return out.list();
  }

  private static void rule(CiliumRule r, Findings out) {
    if (r.nodeSelectorGiven()) {
      out.error(UNENFORCEABLE_ID, r.path() + ".nodeSelector", "nodeSelector selects nodes (host policy), which "
          + "netpolc does not enforce; keep host policies out of netpolc's input");
    } else if (r.endpointSelector().isEmpty()) {
      out.error(SPEC_ID, r.path() + ".endpointSelector", "required: a rule must have an endpointSelector "
          + "(use {} to select every endpoint)");
    }
    r.endpointSelector().ifPresent(s -> selector(s, r.path() + ".endpointSelector", out));
    for (CiliumPeerRule pr : r.peerRules()) {
      peerRule(pr, out);
    }
  }

  private static void peerRule(CiliumPeerRule pr, Findings out) {
    for (String field : pr.unenforceable()) {
      out.error(UNENFORCEABLE_ID, pr.path() + "." + field, field + " is not enforced by netpolc ("
          + unenforceableReason(field) + "); refused rather than dropped, since dropping it would change who "
          + "may connect");
    }
    List<String> l3 = pr.nonEmptyL3Fields();
    if (l3.size() > 1) {
      out.error(L3_COMBINATION_ID, pr.path() + "." + l3.get(1), "combining " + l3.get(0) + " and " + l3.get(1)
          + " in one rule is not supported by Cilium; write them as two rules");
    }
    pr.endpoints().ifPresent(sels -> {
      for (int i = 0; i < sels.size(); i++) {
        selector(sels.get(i), pr.fieldPath("Endpoints") + "[" + i + "]", out);
      }
    });
    pr.cidrs().ifPresent(cidrs -> {
      for (int i = 0; i < cidrs.size(); i++) {
        String text = cidrs.get(i);
        // CIDR.sanitize: a prefix or, unlike a CIDR set, a bare address.
        if (prefix(text).isEmpty() && address(text).isEmpty()) {
          out.error(CIDR_ID, pr.fieldPath("CIDR") + "[" + i + "]", "\"" + text + "\" is no CIDR or IP address");
        }
      }
    });
    pr.cidrSets().ifPresent(sets -> sets.forEach(s -> cidrSet(s, out)));
    pr.entities().ifPresent(entities -> {
      for (int i = 0; i < entities.size(); i++) {
        if (CiliumEntity.of(entities.get(i)) == null) {
          out.error(ENTITY_ID, pr.fieldPath("Entities") + "[" + i + "]", "unsupported entity \""
              + entities.get(i) + "\"; expected one of " + entityNames());
        }
      }
    });
    if (!pr.icmps().isEmpty() && !pr.toPorts().isEmpty()) {
      out.error(ICMP_ID, pr.path() + ".icmps", "icmps may not appear beside toPorts in one rule; write a "
          + "separate rule for each");
    }
    for (CiliumPortRule portRule : pr.toPorts()) {
      portRule(portRule, out);
    }
    for (CiliumIcmpRule icmp : pr.icmps()) {
      icmp(icmp, out);
    }
  }

  private static String unenforceableReason(String field) {
    return switch (field) {
      case "toFQDNs" -> "DNS names resolve at run time";
      case "toServices" -> "Service endpoints resolve at run time";
      case "toGroups", "fromGroups" -> "cloud provider groups";
      case "toNodes", "fromNodes" -> "node selection needs Cilium's node labels";
      case "toRequires", "fromRequires" -> "removed from Cilium";
      case "authentication" -> "mutual authentication";
      default -> "not L3/L4";
    };
  }

  private static void cidrSet(CiliumCidrSet s, Findings out) {
    if (s.cidrGroupRefGiven() || s.cidrGroupSelectorGiven()) {
      String field = s.cidrGroupRefGiven() ? "cidrGroupRef" : "cidrGroupSelector";
      out.error(UNENFORCEABLE_ID, s.path() + "." + field, field + " refers to CiliumCIDRGroup objects, which "
          + "netpolc does not read; write the CIDRs in cidr instead");
      return;
    }
    // CIDRRule.sanitize: the cidr must be a prefix; each except a prefix whose address lies in it.
    Optional<Cidr> cidr = prefix(s.cidr());
    if (s.cidr().isEmpty()) {
      out.error(CIDR_ID, s.path() + ".cidr", "required: a CIDR set entry needs a cidr");
      return;
    }
    if (cidr.isEmpty()) {
      out.error(CIDR_ID, s.path() + ".cidr", "\"" + s.cidr() + "\" is no CIDR prefix (address/length)");
      return;
    }
    for (int i = 0; i < s.except().size(); i++) {
      String text = s.except().get(i);
      Optional<Cidr> except = prefix(text);
      String path = s.path() + ".except[" + i + "]";
      if (except.isEmpty()) {
        out.error(CIDR_ID, path, "\"" + text + "\" is no CIDR prefix (address/length)");
      } else if (!cidr.get().contains(address(text.substring(0, text.indexOf('/'))).orElseThrow())) {
        out.error(CIDR_ID, path, "\"" + text + "\" is not inside cidr " + s.cidr());
      }
    }
  }

  private static void portRule(CiliumPortRule r, Findings out) {
    for (String field : r.l7()) {
      out.error(UNENFORCEABLE_ID, r.path() + "." + field, field + " is an L7 (proxy) setting, which netpolc does "
          + "not enforce; refused rather than dropped, since dropping it would allow more than the policy does");
    }
    if (r.ports().size() > MAX_PORTS) {
      out.error(PORT_ID, r.path() + ".ports", "too many ports (" + r.ports().size() + "), the max is " + MAX_PORTS);
    }
    for (CiliumPort p : r.ports()) {
      port(p, out);
    }
  }

  private static void port(CiliumPort p, Findings out) {
    if (p.port().isEmpty()) {
      out.error(PORT_ID, p.path() + ".port", "required: write a port number (0 for every port) or a port name");
    } else if (p.named()) {
      for (String msg : ApiNames.portName(p.port().toLowerCase(java.util.Locale.ROOT))) {
        out.error(PORT_ID, p.path() + ".port", "\"" + p.port() + "\" is no port number 0-65535 nor port name: "
            + msg);
      }
      if (p.endPort().isPresent()) {
        out.warning(PORT_ID, p.path() + ".endPort", "endPort is ignored with a named port");
      }
    } else if (p.number() < 0) {
      out.error(PORT_ID, p.path() + ".port", "port " + p.port() + " is outside 0-65535");
    }
    if (p.endPort().isPresent()) {
      int end = p.endPort().getAsInt();
      if (end < 0 || end > MAX_PORT) {
        out.error(PORT_ID, p.path() + ".endPort", "endPort " + end + " is outside 0-65535");
      } else if (!p.named() && p.number() > 0 && end != 0 && end < p.number()) {
        out.error(PORT_ID, p.path() + ".endPort", "endPort " + end + " is below port " + p.port()
            + ": Cilium accepts it, but what it matches is undefined; write endPort >= port");
      }
    }
    if (!p.protocol().isEmpty() && !PROTOCOLS.contains(p.protocol())) {
      out.error(PROTOCOL_ID, p.path() + ".protocol", "unsupported protocol \"" + p.protocol()
          + "\"; expected TCP, UDP, SCTP or ANY");
    }
  }

  private static void icmp(CiliumIcmpRule r, Findings out) {
    if (r.fields().size() > MAX_ICMP_FIELDS) {
      out.error(ICMP_ID, r.path() + ".fields", "too many types (" + r.fields().size() + "), the max is "
          + MAX_ICMP_FIELDS);
    }
    for (CiliumIcmpField f : r.fields()) {
      if (!f.family().equals(CiliumIcmpField.IPV4) && !f.family().equals(CiliumIcmpField.IPV6)) {
        out.error(ICMP_ID, f.path() + ".family", "unsupported family \"" + f.family() + "\"; expected IPv4 or IPv6");
      } else if (f.type().isEmpty()) {
        out.error(ICMP_ID, f.path() + ".type", "required: an ICMP type number 0-255 or name");
      } else if (f.typeNumber().isEmpty()) {
        out.error(ICMP_ID, f.path() + ".type", "\"" + f.type() + "\" is no ICMP type of family " + f.family()
            + ": write a number 0-255 or one of " + String.join(", ",
                (f.ipv6() ? CiliumIcmpField.IPV6_TYPES : CiliumIcmpField.IPV4_TYPES).keySet()));
      }
    }
  }

  /** Label keys (after their source prefix), values and operators, as apimachinery checks them. */
  private static void selector(LabelSelector s, String path, Findings out) {
    for (Map.Entry<String, String> e : s.matchLabels().entrySet()) {
      for (String msg : ApiNames.qualifiedName(CiliumLabels.Key.parse(e.getKey()).name())) {
        out.mapEntry(SELECTOR_ID, path + ".matchLabels", e.getKey(), "invalid label key \"" + e.getKey() + "\": "
            + msg);
      }
      for (String msg : ApiNames.labelValue(e.getValue())) {
        out.mapEntry(SELECTOR_ID, path + ".matchLabels", e.getKey(), "invalid label value \"" + e.getValue()
            + "\": " + msg);
      }
    }
    List<LabelSelectorRequirement> exprs = s.matchExpressions();
    for (int i = 0; i < exprs.size(); i++) {
      LabelSelectorRequirement r = exprs.get(i);
      String p = path + ".matchExpressions[" + i + "]";
      LabelSelectorRequirement.Operator op = r.op();
      if (op == null) {
        out.error(SELECTOR_ID, p + ".operator", "\"" + r.operator() + "\" is not a valid selector operator "
            + "(In, NotIn, Exists, DoesNotExist)");
      } else if ((op == LabelSelectorRequirement.Operator.In || op == LabelSelectorRequirement.Operator.NotIn)
          && r.values().isEmpty()) {
        out.error(SELECTOR_ID, p + ".values", "must be specified when operator is In or NotIn");
      } else if ((op == LabelSelectorRequirement.Operator.Exists
          || op == LabelSelectorRequirement.Operator.DoesNotExist) && !r.values().isEmpty()) {
        out.error(SELECTOR_ID, p + ".values", "may not be specified when operator is Exists or DoesNotExist");
      }
      for (String msg : ApiNames.qualifiedName(CiliumLabels.Key.parse(r.key()).name())) {
        out.error(SELECTOR_ID, p + ".key", "invalid label key \"" + r.key() + "\": " + msg);
      }
      for (int k = 0; k < r.values().size(); k++) {
        for (String msg : ApiNames.labelValue(r.values().get(k))) {
          out.error(SELECTOR_ID, p + ".values[" + k + "]", "invalid label value \"" + r.values().get(k) + "\": "
              + msg);
        }
      }
    }
  }

  /** A prefix as Go's netip.ParsePrefix reads it: no leading zeros, host bits allowed (then masked). */
  private static Optional<Cidr> prefix(String text) {
    return Cidr.parse(text).filter(c -> !c.leadingZeros()).map(Cidr.Parsed::cidr);
  }

  private static Optional<IpAddress> address(String text) {
    return IpAddress.hasLeadingZeros(text) ? Optional.empty() : IpAddress.tryParse(text);
  }

  private static String entityNames() {
    StringBuilder sb = new StringBuilder();
    for (CiliumEntity e : CiliumEntity.values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(e.text());
    }
    return sb.toString();
  }
}
