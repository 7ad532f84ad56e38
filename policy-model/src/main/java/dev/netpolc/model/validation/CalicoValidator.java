package dev.netpolc.model.validation;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.calico.CalicoAction;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoProtocol;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.IcmpMatch;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import com.google.common.collect.ImmutableList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates Calico resources as Calico's API server does: the struct validators of
 * {@code libcalico-go/lib/validator/v3/validator.go} and the kubebuilder enums, ranges and CEL
 * ({@code XValidation}) rules of {@code api/pkg/apis/projectcalico/v3} (policy_common.go,
 * networkpolicy.go, globalnetworkpolicy.go, tier.go, networkset.go), as of Calico's main branch
 * in 2026. Each check names its source. netpolc adds one rule of its own, NP184: what it cannot
 * enforce as pod policy (host-endpoint options, {@code http}, and {@code source.ports} /
 * {@code source.notPorts}, since a connection carries no source port) is refused with the field
 * named (SEMANTICS-CALICO.md, "Refused, never dropped"). Selector syntax and unknown fields are
 * the reader's (NP012, NP011); required fields missing (a rule's {@code action},
 * {@code metadata.name}) are NP006. Every finding is an error.
 *
 * <pre>{@code
 * List<Diagnostic> problems = CalicoValidator.validate(cluster.calico());
 * }</pre>
 */
public final class CalicoValidator {
  /** A rule {@code action} other than Allow, Deny, Log or Pass (Action enum). */
  public static final String ACTION_ID = "NP171";
  /** A {@code protocol}/{@code notProtocol} that is no Calico name or is a number outside 1–255 (validateProtocol). */
  public static final String PROTOCOL_ID = "NP172";
  /** An ICMP type outside 0–254, code outside 0–255, or a code without a type (ICMPFields). */
  public static final String ICMP_ID = "NP173";
  /** {@code icmp} without protocol ICMP/ICMPv6, or ICMP/ICMPv6 with the other IP version (Rule CEL). */
  public static final String ICMP_PROTOCOL_ID = "NP174";
  /** An {@code ipVersion} other than 4 or 6 (enum). */
  public static final String IP_VERSION_ID = "NP175";
  /** Ports with a protocol that has none, or numeric ports without a protocol (validateRule). */
  public static final String PORTS_PROTOCOL_ID = "NP176";
  /** A port entry that is no port, range or port name (numorstring.Port, validatePort). */
  public static final String PORT_ID = "NP177";
  /** A {@code nets}/{@code notNets} entry that is no masked CIDR, a catch-all {@code notNets}, or mixed IP versions. */
  public static final String NETS_ID = "NP178";
  /** {@code global()} where Calico does not allow it (CEL, validateEntityRule). */
  public static final String GLOBAL_SELECTOR_ID = "NP179";
  /** {@code services} combined with other entity fields, without a name, or on the wrong side. */
  public static final String SERVICES_ID = "NP180";
  /** A policy name or namespace Calico refuses (networkPolicyNameRegex, globalNetworkPolicyNameRegex). */
  public static final String POLICY_NAME_ID = "NP181";
  /** A tier name, {@code spec.tier}, default action, or built-in tier setting Calico refuses (validateTier, Tier CEL). */
  public static final String TIER_ID = "NP182";
  /** A {@code types} entry other than Ingress/Egress, repeated, or more than two. */
  public static final String TYPES_ID = "NP183";
  /** What netpolc cannot enforce as pod policy: doNotTrack, preDNAT, applyOnForward, http, source ports. */
  public static final String UNENFORCEABLE_ID = "NP184";
  /** An {@code order} that is not a finite number (JSON has no NaN or infinity). */
  public static final String ORDER_ID = "NP185";
  /** A NetworkSet or GlobalNetworkSet with a bad name, label or CIDR. */
  public static final String NETWORK_SET_ID = "NP186";

  /** Every rule id this validator reports, in id order. */
  public static final List<String> IDS = List.of(ACTION_ID, PROTOCOL_ID, ICMP_ID, ICMP_PROTOCOL_ID, IP_VERSION_ID,
      PORTS_PROTOCOL_ID, PORT_ID, NETS_ID, GLOBAL_SELECTOR_ID, SERVICES_ID, POLICY_NAME_ID, TIER_ID, TYPES_ID,
      UNENFORCEABLE_ID, ORDER_ID, NETWORK_SET_ID);

  // validator.go: nameLabelFmt, nameSubdomainFmt and the policy name patterns built from them.
  private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String SUBDOMAIN = LABEL + "(\\." + LABEL + ")*";
  private static final Pattern LABEL_NAME = Pattern.compile(LABEL);
  private static final Pattern SUBDOMAIN_NAME = Pattern.compile(SUBDOMAIN);
  // A namespaced policy's name: a label, two labels joined by one dot (the former "<tier>."
  // prefix, no longer required), or a subdomain after "knp.default." / "ossg.default.".
  private static final Pattern NETWORK_POLICY_NAME =
      Pattern.compile("(" + LABEL + ")(\\." + LABEL + ")?|((knp|ossg)\\.default\\." + SUBDOMAIN + ")");
  private static final Pattern GLOBAL_NETWORK_POLICY_NAME = Pattern.compile("(" + LABEL + "\\.)?" + LABEL);
  private static final int MAX_NAME = 253;
  private static final int MAX_TIER_NAME = 63;
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern RANGE = Pattern.compile("([0-9]+):([0-9]+)");
  // tier.go CEL: the built-in tiers' fixed order and default action.
  private static final Map<String, CalicoTier> BUILT_IN = Map.of("default", CalicoTier.DEFAULT, "kube-admin",
      CalicoTier.KUBE_ADMIN, "kube-baseline", CalicoTier.KUBE_BASELINE);

  private CalicoValidator() {}

  /** Every finding about the Calico resources: policies, tiers, network sets, each in input order. */
  public static List<Diagnostic> validate(CalicoResources calico) {
    ImmutableList.Builder<Diagnostic> out = ImmutableList.builder();
    for (CalicoPolicy p : calico.policies()) {
      out.addAll(validate(p));
    }
    for (CalicoTier t : calico.tiers()) {
      out.addAll(validate(t));
    }
    for (CalicoNetworkSet s : calico.networkSets()) {
      out.addAll(validate(s));
    }
    return out.build();
  }

  /** Every finding about one policy of any Calico policy kind. */
  public static List<Diagnostic> validate(CalicoPolicy p) {
    Findings out = new Findings(p.source());
    policyName(p, out);
    // spec.tier: validate:"omitempty,name" (the subdomain format).
    if (!SUBDOMAIN_NAME.matcher(p.tier()).matches() || p.tier().length() > MAX_NAME) {
      out.error(TIER_ID, "spec.tier", "invalid tier name \"" + p.tier() + "\": must consist of lower case "
          + "alphanumeric characters, '-' or '.'");
    }
    order(p.order(), out);
    // The staged kinds' spec.stagedAction enum (Set, Delete, Learn, Ignore).
    p.stagedAction().filter(a -> !CalicoPolicy.STAGED_ACTIONS.contains(a)).ifPresent(a -> out.error(ACTION_ID,
        "spec.stagedAction", "unsupported value \"" + a + "\": must be " + String.join(", ", CalicoPolicy.STAGED_ACTIONS)));
    // networkpolicy.go / globalnetworkpolicy.go CEL: global() only in an entity rule's namespaceSelector.
    noGlobal(Optional.of(p.selector()), "spec.selector", out);
    noGlobal(p.serviceAccountSelector(), "spec.serviceAccountSelector", out);
    noGlobal(p.namespaceSelector(), "spec.namespaceSelector", out);
    types(p.types(), out);
    // Host endpoint options: netpolc's own refusal (SEMANTICS-CALICO.md).
    refuse(p.doNotTrack(), "spec.doNotTrack", "doNotTrack applies to host endpoints (untracked traffic)", out);
    refuse(p.preDNAT(), "spec.preDNAT", "preDNAT applies to host endpoints before DNAT", out);
    refuse(p.applyOnForward(), "spec.applyOnForward", "applyOnForward applies to traffic forwarded by hosts", out);
    for (boolean ingress : new boolean[] {true, false}) {
      List<CalicoRule> rules = p.rules(ingress);
      for (int i = 0; i < rules.size(); i++) {
        rule(p, rules.get(i), ingress, (ingress ? "spec.ingress[" : "spec.egress[") + i + "]", out);
      }
    }
    return out.list();
  }

  /** Every finding about one Tier. */
  public static List<Diagnostic> validate(CalicoTier t) {
    Findings out = new Findings(t.source());
    // validateTier: a DNS label no longer than 63 (tier names appear inside other names and labels).
    if (t.name().length() > MAX_TIER_NAME) {
      out.error(TIER_ID, "metadata.name", "name is too long by " + (t.name().length() - MAX_TIER_NAME) + " bytes");
    }
    if (!LABEL_NAME.matcher(t.name()).matches()) {
      out.error(TIER_ID, "metadata.name", "invalid tier name \"" + t.name() + "\": must consist of lower case "
          + "alphanumeric characters or '-' (no dots)");
    }
    // TierSpec.DefaultAction: oneof=Deny Pass.
    if (!t.defaultAction().equals("Deny") && !t.defaultAction().equals("Pass")) {
      out.error(TIER_ID, "spec.defaultAction", "unsupported value \"" + t.defaultAction()
          + "\": must be Deny or Pass");
    }
    order(t.order(), out);
    CalicoTier builtIn = BUILT_IN.get(t.name());
    if (builtIn != null) {
      if (!t.order().equals(builtIn.order())) {
        out.error(TIER_ID, "spec.order", t.name() + " tier order must be "
            + (long) builtIn.order().getAsDouble());
      }
      if (!t.defaultAction().equals(builtIn.defaultAction())) {
        out.error(TIER_ID, "spec.defaultAction", "the '" + t.name() + "' tier must have default action '"
            + builtIn.defaultAction() + "'");
      }
    }
    return out.list();
  }

  /** Every finding about one NetworkSet or GlobalNetworkSet. */
  public static List<Diagnostic> validate(CalicoNetworkSet s) {
    Findings out = new Findings(s.source());
    for (String msg : ApiNames.dns1123Subdomain(s.name())) {
      out.error(NETWORK_SET_ID, "metadata.name", "invalid value \"" + s.name() + "\": " + msg);
    }
    if (!s.global()) {
      for (String msg : ApiNames.dns1123Label(s.namespace())) {
        out.error(NETWORK_SET_ID, "metadata.namespace", "invalid value \"" + s.namespace() + "\": " + msg);
      }
    }
    s.labels().forEach((k, v) -> {
      for (String msg : ApiNames.qualifiedName(k)) {
        out.mapEntry(NETWORK_SET_ID, "metadata.labels", k, "metadata.labels: invalid label key \"" + k + "\": " + msg);
      }
      for (String msg : ApiNames.labelValue(v)) {
        out.mapEntry(NETWORK_SET_ID, "metadata.labels", k, "metadata.labels: invalid label value \"" + v + "\": "
            + msg);
      }
    });
    // NetworkSetSpec.Nets: validate:"dive,cidr": a CIDR or an address, host bits allowed.
    for (int i = 0; i < s.nets().size(); i++) {
      String n = s.nets().get(i);
      if (Cidr.parse(n).isEmpty() && IpAddress.tryParse(n).isEmpty()) {
        out.error(NETWORK_SET_ID, "spec.nets[" + i + "]", "invalid value \"" + n + "\": not an IP address or CIDR");
      }
    }
    return out.list();
  }

  private static void policyName(CalicoPolicy p, Findings out) {
    String name = p.name();
    if (name.length() > MAX_NAME) {
      out.error(POLICY_NAME_ID, "metadata.name", "name is too long by " + (name.length() - MAX_NAME) + " bytes");
    }
    Pattern pattern = p.global() ? GLOBAL_NETWORK_POLICY_NAME : NETWORK_POLICY_NAME;
    if (!pattern.matcher(name).matches()) {
      out.error(POLICY_NAME_ID, "metadata.name", "invalid name \"" + name + "\": must consist of lower case "
          + "alphanumeric characters or '-', with at most one '.'" + (p.global() ? "" : " (or start with knp.default.)"));
    }
    if (!p.global()) {
      for (String msg : ApiNames.dns1123Label(p.namespace())) {
        out.error(POLICY_NAME_ID, "metadata.namespace", "invalid value \"" + p.namespace() + "\": " + msg);
      }
    }
  }

  private static void order(OptionalDouble order, Findings out) {
    if (order.isPresent() && !Double.isFinite(order.getAsDouble())) {
      out.error(ORDER_ID, "spec.order", "order must be a finite number");
    }
  }

  private static void types(List<String> types, Findings out) {
    // PolicyType enum Ingress;Egress, MaxItems=2, and "specified more than once" (validate*Spec).
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < types.size(); i++) {
      String t = types.get(i);
      String path = "spec.types[" + i + "]";
      if (!t.equals("Ingress") && !t.equals("Egress")) {
        out.error(TYPES_ID, path, "unsupported value \"" + t + "\": must be Ingress or Egress");
      } else if (!seen.add(t)) {
        out.error(TYPES_ID, path, "'" + t + "' type specified more than once");
      }
    }
    if (types.size() > 2) {
      out.error(TYPES_ID, "spec.types", "must have at most 2 items");
    }
  }

  private static void refuse(boolean set, String path, String what, Findings out) {
    if (set) {
      out.error(UNENFORCEABLE_ID, path, what + ", which netpolc does not enforce as pod policy; remove it or "
          + "keep this policy out of netpolc's input");
    }
  }

  private static void rule(CalicoPolicy p, CalicoRule r, boolean ingress, String path, Findings out) {
    if (r.actionKind() == null) {
      out.error(ACTION_ID, path + ".action", "unsupported value \"" + r.action()
          + "\": must be Allow, Deny, Log or Pass");
    }
    if (r.ipVersion().isPresent() && r.ipVersion().getAsInt() != 4 && r.ipVersion().getAsInt() != 6) {
      out.error(IP_VERSION_ID, path + ".ipVersion", "unsupported value " + r.ipVersion().getAsInt()
          + ": must be 4 or 6");
    }
    r.protocol().ifPresent(pr -> protocol(pr, path + ".protocol", out));
    r.notProtocol().ifPresent(pr -> protocol(pr, path + ".notProtocol", out));
    r.icmp().ifPresent(m -> icmp(m, path + ".icmp", out));
    r.notIcmp().ifPresent(m -> icmp(m, path + ".notICMP", out));
    // Rule CEL: icmp needs protocol ICMP or ICMPv6; ICMP needs ipVersion 4 and ICMPv6 needs 6.
    if (r.icmp().isPresent() && r.protocol().map(pr -> !pr.isIcmp() && !pr.isIcmpV6()).orElse(true)) {
      out.error(ICMP_PROTOCOL_ID, path + ".icmp", "ICMP fields require protocol to be ICMP or ICMPv6");
    }
    for (Optional<CalicoProtocol> pr : List.of(r.protocol(), r.notProtocol())) {
      String field = pr == r.protocol() ? ".protocol" : ".notProtocol";
      if (pr.isPresent() && r.ipVersion().isPresent()) {
        int v = r.ipVersion().getAsInt();
        if (pr.get().isIcmp() && v != 4) {
          out.error(ICMP_PROTOCOL_ID, path + field, "protocol ICMP requires ipVersion 4");
        } else if (pr.get().isIcmpV6() && v != 6) {
          out.error(ICMP_PROTOCOL_ID, path + field, "protocol ICMPv6 requires ipVersion 6");
        }
      }
    }
    if (r.http()) {
      refuse(true, path + ".http", "an http match is an L7 (application layer) rule", out);
    }
    // A connection as netpolc decides it carries no source port, so no evaluator or backend
    // could honour these: refused rather than ignored (fail closed).
    refuse(!r.source().ports().isEmpty(), path + ".source.ports",
        "a source port match needs the connection's source port, which netpolc does not model", out);
    refuse(!r.source().notPorts().isEmpty(), path + ".source.notPorts",
        "a source port match needs the connection's source port, which netpolc does not model", out);
    portsProtocol(r, path, out);
    entity(r.source(), path + ".source", out);
    entity(r.destination(), path + ".destination", out);
    nets(r, path, out);
    services(p, r, ingress, path, out);
  }

  private static void protocol(CalicoProtocol pr, String path, Findings out) {
    if (pr.protocolNumber().isPresent()) {
      return;
    }
    if (pr.numeric()) {
      out.error(PROTOCOL_ID, path, "protocol number " + pr.text() + " invalid: must be 1 to 255");
    } else {
      out.error(PROTOCOL_ID, path, "protocol name \"" + pr.text() + "\" invalid: must be TCP, UDP, ICMP, ICMPv6, "
          + "SCTP, UDPLite or a number 1 to 255");
    }
  }

  private static void icmp(IcmpMatch m, String path, Findings out) {
    if (m.type().isPresent() && (m.type().getAsInt() < 0 || m.type().getAsInt() > 254)) {
      out.error(ICMP_ID, path + ".type", "ICMP type " + m.type().getAsInt() + " invalid: must be 0 to 254");
    }
    if (m.code().isPresent() && (m.code().getAsInt() < 0 || m.code().getAsInt() > 255)) {
      out.error(ICMP_ID, path + ".code", "ICMP code " + m.code().getAsInt() + " invalid: must be 0 to 255");
    }
    if (m.code().isPresent() && m.type().isEmpty()) {
      out.error(ICMP_ID, path + ".code", "ICMP code specified without an ICMP type");
    }
  }

  private static void portsProtocol(CalicoRule r, String path, Findings out) {
    String[] names = {".source.ports", ".source.notPorts", ".destination.ports", ".destination.notPorts"};
    List<List<CalicoPort>> lists = List.of(r.source().ports(), r.source().notPorts(), r.destination().ports(),
        r.destination().notPorts());
    for (int k = 0; k < names.length; k++) {
      List<CalicoPort> ports = lists.get(k);
      if (ports.isEmpty()) {
        continue;
      }
      if (r.protocol().isEmpty()) {
        if (!ports.stream().allMatch(CalicoPort::named)) {
          out.error(PORTS_PROTOCOL_ID, path + names[k], "rules with numeric port or port range must set protocol "
              + "to TCP or UDP or SCTP");
        }
      } else if (!r.protocol().get().supportsPorts()) {
        out.error(PORTS_PROTOCOL_ID, path + names[k], "rules that specify ports must set protocol to TCP or UDP "
            + "or SCTP (protocol is " + r.protocol().get().text() + ")");
      }
    }
  }

  private static void entity(EntityRule e, String path, Findings out) {
    ports(e.ports(), path + ".ports", out);
    ports(e.notPorts(), path + ".notPorts", out);
    // EntityRule CEL: global() only in namespaceSelector; validateEntityRule: and there alone.
    noGlobal(e.selector(), path + ".selector", out);
    if (e.namespaceSelector().isPresent() && containsGlobal(e.namespaceSelector().get())
        && !(e.namespaceSelector().get() instanceof CalicoSelector.Global)) {
      out.error(GLOBAL_SELECTOR_ID, path + ".namespaceSelector", "global() cannot be combined with other selectors");
    }
  }

  private static void ports(List<CalicoPort> ports, String path, Findings out) {
    for (int i = 0; i < ports.size(); i++) {
      String p = path + "[" + i + "]";
      String text = ports.get(i).text();
      if (DIGITS.matcher(text).matches()) {
        long n = text.length() > 6 ? Long.MAX_VALUE : Long.parseLong(text);
        if (n > 65535) {
          out.error(PORT_ID, p, "invalid port format (" + text + "): must be 1 to 65535");
        } else if (n < 1) {
          out.error(PORT_ID, p, "port range invalid, port number must be between 1 and 65535");
        }
        continue;
      }
      var range = RANGE.matcher(text);
      if (range.matches()) {
        long min = range.group(1).length() > 6 ? Long.MAX_VALUE : Long.parseLong(range.group(1));
        long max = range.group(2).length() > 6 ? Long.MAX_VALUE : Long.parseLong(range.group(2));
        if (min > 65535 || max > 65535) {
          out.error(PORT_ID, p, "invalid port range (" + text + "): ports must be 1 to 65535");
        } else if (min > max) {
          out.error(PORT_ID, p, "port range invalid (" + text + "): the first port is above the second");
        } else if (min < 1) {
          out.error(PORT_ID, p, "port range invalid, port number must be between 1 and 65535");
        }
        continue;
      }
      for (String msg : ApiNames.portName(text)) {
        out.error(PORT_ID, p, "invalid port \"" + text + "\": not a number, a range a:b, or a port name: " + msg);
      }
    }
  }

  private static void nets(CalicoRule r, String path, Findings out) {
    // validateRule's scanNets and the "net" field validator: masked CIDRs, one IP version per rule.
    boolean seen4 = false;
    boolean seen6 = false;
    String[] names = {".source.nets", ".source.notNets", ".destination.nets", ".destination.notNets"};
    List<List<String>> lists = List.of(r.source().nets(), r.source().notNets(), r.destination().nets(),
        r.destination().notNets());
    for (int k = 0; k < names.length; k++) {
      boolean v4 = false;
      boolean v6 = false;
      boolean negated = names[k].endsWith("notNets");
      List<String> nets = lists.get(k);
      for (int i = 0; i < nets.size(); i++) {
        String n = nets.get(i);
        String p = path + names[k] + "[" + i + "]";
        Optional<Cidr.Parsed> parsed = Cidr.parse(n);
        if (parsed.isEmpty()) {
          out.error(NETS_ID, p, "invalid CIDR \"" + n + "\"");
          continue;
        }
        Cidr c = parsed.get().cidr();
        if (parsed.get().hostBitsSet()) {
          out.error(NETS_ID, p, "invalid CIDR \"" + n + "\": host bits are set (Calico requires the network address, "
              + c + ")");
        }
        v4 |= !c.v6();
        v6 |= c.v6();
        if (negated && c.prefix() == 0) {
          out.error(NETS_ID, p, "catch-all CIDR in negation creates logical contradiction (matches no traffic)");
        }
      }
      if (r.ipVersion().isPresent() && ((v4 && r.ipVersion().getAsInt() != 4)
          || (v6 && r.ipVersion().getAsInt() != 6))) {
        out.error(NETS_ID, path + names[k], "rule IP version doesn't match CIDR version");
      }
      if ((v4 && seen6) || (v6 && seen4) || (v4 && v6)) {
        out.error(NETS_ID, path + names[k], "rule contains both IPv4 and IPv6 CIDRs");
      }
      seen4 |= v4;
      seen6 |= v6;
    }
  }

  private static void services(CalicoPolicy p, CalicoRule r, boolean ingress, String path, Findings out) {
    for (boolean source : new boolean[] {true, false}) {
      EntityRule e = source ? r.source() : r.destination();
      if (e.services().isEmpty()) {
        continue;
      }
      String ep = path + (source ? ".source" : ".destination");
      String sp = ep + ".services";
      // validate(Global)NetworkPolicySpec: a source in ingress rules, a destination in egress rules.
      if (ingress && !source) {
        out.error(SERVICES_ID, sp, "not allowed in ingress rule destination");
      } else if (!ingress && source) {
        out.error(SERVICES_ID, sp, "not allowed in egress rule source");
      }
      // EntityRule CEL rules.
      if (e.services().get().name().isEmpty()) {
        out.error(SERVICES_ID, sp + ".name", "services must specify a service name");
      }
      if (e.namespaceSelector().isPresent()) {
        out.error(SERVICES_ID, ep + ".namespaceSelector", "cannot specify NamespaceSelector and Services on the same "
            + "rule");
      }
      if (e.serviceAccounts().isPresent()) {
        out.error(SERVICES_ID, ep + ".serviceAccounts", "cannot specify ServiceAccounts and Services on the same rule");
      }
      if (e.selector().isPresent() || e.notSelector().isPresent()) {
        out.error(SERVICES_ID, ep + (e.selector().isPresent() ? ".selector" : ".notSelector"),
            "cannot specify Selector/NotSelector and Services on the same rule");
      }
      if (!e.nets().isEmpty() || !e.notNets().isEmpty()) {
        out.error(SERVICES_ID, ep + (e.nets().isEmpty() ? ".notNets" : ".nets"),
            "cannot specify Nets/NotNets and Services on the same rule");
      }
      // Rule CEL: a destination service fixes the ports.
      if (!source && (!e.ports().isEmpty() || !e.notPorts().isEmpty())) {
        out.error(SERVICES_ID, ep + (e.ports().isEmpty() ? ".notPorts" : ".ports"),
            "ports and notPorts cannot be specified with services");
      }
      // validateGlobalNetworkPolicySpec: a global policy has no namespace to default to.
      if (p.global() && e.services().get().namespace().isEmpty()) {
        out.error(SERVICES_ID, sp + ".namespace", "must specify a namespace");
      }
    }
  }

  private static void noGlobal(Optional<CalicoSelector> s, String path, Findings out) {
    if (s.isPresent() && containsGlobal(s.get())) {
      out.error(GLOBAL_SELECTOR_ID, path, "global() can only be used in an EntityRule namespaceSelector");
    }
  }

  /** True when {@code s} uses {@code global()} anywhere. */
  static boolean containsGlobal(CalicoSelector s) {
    if (s instanceof CalicoSelector.Global) {
      return true;
    }
    if (s instanceof CalicoSelector.Not n) {
      return containsGlobal(n.operand());
    }
    if (s instanceof CalicoSelector.And a) {
      return a.operands().stream().anyMatch(CalicoValidator::containsGlobal);
    }
    if (s instanceof CalicoSelector.Or o) {
      return o.operands().stream().anyMatch(CalicoValidator::containsGlobal);
    }
    return false;
  }

  /**
   * A StagedKubernetesNetworkPolicy's {@code spec.stagedAction} ({@code action}): an error unless
   * it is one of {@link CalicoPolicy#STAGED_ACTIONS}.
   */
  public static List<Diagnostic> validateStagedAction(NetworkPolicy staged, String action) {
    if (CalicoPolicy.STAGED_ACTIONS.contains(action)) {
      return List.of();
    }
    return List.of(Diagnostic.of(ACTION_ID, Severity.ERROR, staged.source().find("spec.stagedAction"),
        "spec.stagedAction", "unsupported value \"" + action + "\": must be "
            + String.join(", ", CalicoPolicy.STAGED_ACTIONS)));
  }
}
