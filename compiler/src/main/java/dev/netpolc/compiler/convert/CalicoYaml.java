package dev.netpolc.compiler.convert;

import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoProtocol;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.IcmpMatch;
import dev.netpolc.model.calico.selector.CalicoSelector;
import java.math.BigDecimal;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes Calico {@code projectcalico.org/v3} objects (policies, tiers, network sets) as YAML that
 * netpolc's reader reads back to an equal model. Deterministic: a fixed field order, every string
 * double-quoted and escaped ({@link ConvertYaml#quoted}), {@code types} always written so no
 * default is left to the reader, orders as plain decimals.
 */
final class CalicoYaml {
  private static final String API = "apiVersion: projectcalico.org/v3\n";

  private CalicoYaml() {}

  /** A Calico object as one document. */
  static String document(ConvertedObject o) {
    if (o instanceof ConvertedObject.CalicoPolicyObject p) {
      return policy(p.policy());
    } else if (o instanceof ConvertedObject.CalicoTierObject t) {
      return tier(t.tier());
    } else if (o instanceof ConvertedObject.CalicoNetworkSetObject s) {
      return networkSet(s.set());
    }
    throw new IllegalArgumentException("not a Calico object: " + o.kind());
  }

  /** A policy (any of the four kinds) as one document. */
  static String policy(CalicoPolicy p) {
    StringBuilder sb = new StringBuilder(API).append("kind: ").append(p.kind().kindName()).append('\n');
    sb.append("metadata:\n  name: ").append(q(p.name())).append('\n');
    if (!p.global()) {
      sb.append("  namespace: ").append(q(p.namespace())).append('\n');
    }
    sb.append("spec:\n");
    sb.append("  tier: ").append(q(p.tier())).append('\n');
    p.order().ifPresent(o -> sb.append("  order: ").append(number(o)).append('\n'));
    sb.append("  selector: ").append(q(p.selector().toString())).append('\n');
    p.namespaceSelector().ifPresent(s -> sb.append("  namespaceSelector: ").append(q(s.toString())).append('\n'));
    p.serviceAccountSelector()
        .ifPresent(s -> sb.append("  serviceAccountSelector: ").append(q(s.toString())).append('\n'));
    StringBuilder types = new StringBuilder();
    if (p.appliesToIngress()) {
      types.append("Ingress");
    }
    if (p.appliesToEgress()) {
      types.append(types.isEmpty() ? "" : ", ").append("Egress");
    }
    sb.append("  types: [").append(types).append("]\n");
    rules(sb, "ingress", p.ingress());
    rules(sb, "egress", p.egress());
    p.stagedAction().ifPresent(a -> sb.append("  stagedAction: ").append(q(a)).append('\n'));
    return sb.toString();
  }

  /** A Tier as one document. */
  static String tier(CalicoTier t) {
    StringBuilder sb = new StringBuilder(API).append("kind: Tier\nmetadata:\n  name: ").append(q(t.name()))
        .append("\nspec:\n");
    t.order().ifPresent(o -> sb.append("  order: ").append(number(o)).append('\n'));
    return sb.append("  defaultAction: ").append(q(t.defaultAction())).append('\n').toString();
  }

  /** A NetworkSet or GlobalNetworkSet as one document. */
  static String networkSet(CalicoNetworkSet s) {
    boolean global = s.namespace().isEmpty();
    StringBuilder sb = new StringBuilder(API).append("kind: ").append(global ? "GlobalNetworkSet" : "NetworkSet")
        .append("\nmetadata:\n  name: ").append(q(s.name())).append('\n');
    if (!global) {
      sb.append("  namespace: ").append(q(s.namespace())).append('\n');
    }
    if (!s.labels().isEmpty()) {
      sb.append("  labels:\n");
      new TreeMap<>(s.labels()).forEach((k, v) -> sb.append("    ").append(q(k)).append(": ").append(q(v)).append('\n'));
    }
    sb.append("spec:\n  nets: ").append(list(s.nets())).append('\n');
    return sb.toString();
  }

  private static void rules(StringBuilder sb, String field, List<CalicoRule> rules) {
    if (rules.isEmpty()) {
      return;
    }
    sb.append("  ").append(field).append(":\n");
    for (CalicoRule r : rules) {
      sb.append("  - action: ").append(q(r.action())).append('\n');
      r.ipVersion().ifPresent(v -> sb.append("    ipVersion: ").append(v).append('\n'));
      r.protocol().ifPresent(p -> sb.append("    protocol: ").append(protocol(p)).append('\n'));
      r.notProtocol().ifPresent(p -> sb.append("    notProtocol: ").append(protocol(p)).append('\n'));
      r.icmp().ifPresent(m -> sb.append("    icmp: ").append(icmp(m)).append('\n'));
      r.notIcmp().ifPresent(m -> sb.append("    notICMP: ").append(icmp(m)).append('\n'));
      entity(sb, "source", r.source());
      entity(sb, "destination", r.destination());
      if (r.http()) {
        // The gate refuses L7 matches before any conversion; writing none would widen the rule.
        throw new IllegalStateException("an http match cannot be written");
      }
    }
  }

  private static void entity(StringBuilder sb, String field, EntityRule e) {
    if (e.isEmpty()) {
      return;
    }
    String in = "      ";
    sb.append("    ").append(field).append(":\n");
    if (!e.nets().isEmpty()) {
      sb.append(in).append("nets: ").append(list(e.nets())).append('\n');
    }
    if (!e.notNets().isEmpty()) {
      sb.append(in).append("notNets: ").append(list(e.notNets())).append('\n');
    }
    e.selector().ifPresent(s -> sb.append(in).append("selector: ").append(q(s.toString())).append('\n'));
    e.notSelector().ifPresent(s -> sb.append(in).append("notSelector: ").append(q(s.toString())).append('\n'));
    e.namespaceSelector()
        .ifPresent(s -> sb.append(in).append("namespaceSelector: ").append(q(s.toString())).append('\n'));
    e.serviceAccounts().ifPresent(sa -> {
      sb.append(in).append("serviceAccounts:\n");
      if (!sa.names().isEmpty()) {
        sb.append(in).append("  names: ").append(list(sa.names())).append('\n');
      }
      sa.selector().map(CalicoSelector::toString)
          .ifPresent(s -> sb.append(in).append("  selector: ").append(q(s)).append('\n'));
    });
    e.services().ifPresent(s -> sb.append(in).append("services: {name: ").append(q(s.name())).append(", namespace: ")
        .append(q(s.namespace())).append("}\n"));
    if (!e.ports().isEmpty()) {
      sb.append(in).append("ports: ").append(ports(e.ports())).append('\n');
    }
    if (!e.notPorts().isEmpty()) {
      sb.append(in).append("notPorts: ").append(ports(e.notPorts())).append('\n');
    }
  }

  /** A numeric protocol as its number (Calico reads a number), a name quoted. */
  private static String protocol(CalicoProtocol p) {
    return p.numeric() && p.text().chars().allMatch(Character::isDigit) ? p.text() : q(p.text());
  }

  private static String icmp(IcmpMatch m) {
    StringBuilder sb = new StringBuilder("{");
    m.type().ifPresent(t -> sb.append("type: ").append(t));
    m.code().ifPresent(c -> sb.append(sb.length() > 1 ? ", " : "").append("code: ").append(c));
    return sb.append('}').toString();
  }

  /** Numbers unquoted, ranges and names quoted: Calico reads each back as written. */
  private static String ports(List<CalicoPort> ports) {
    StringBuilder sb = new StringBuilder("[");
    for (CalicoPort p : ports) {
      sb.append(sb.length() > 1 ? ", " : "");
      boolean number = !p.text().isEmpty() && p.text().length() <= 6 && p.text().chars().allMatch(Character::isDigit);
      sb.append(number ? p.text() : q(p.text()));
    }
    return sb.append(']').toString();
  }

  private static String list(List<String> items) {
    StringBuilder sb = new StringBuilder("[");
    for (String s : items) {
      sb.append(sb.length() > 1 ? ", " : "").append(q(s));
    }
    return sb.append(']').toString();
  }

  /** An order as a plain decimal ({@code 100}, {@code 2.5}), never in exponent form. */
  static String number(double d) {
    BigDecimal b = BigDecimal.valueOf(d).stripTrailingZeros();
    return b.scale() <= 0 ? b.toBigInteger().toString() : b.toPlainString();
  }

  private static String q(String s) {
    return ConvertYaml.quoted(s);
  }

}
