package dev.netpolc.model.npa;

import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The v1alpha1 kinds as ClusterNetworkPolicies (SEMANTICS-TIERS.md, "v1alpha1 lowering"):
 * AdminNetworkPolicy → Admin tier at its priority; BaselineAdminNetworkPolicy → Baseline tier,
 * ordered after every Baseline ClusterNetworkPolicy; {@code Allow} → {@code Accept};
 * {@code portNumber}, {@code portRange} and {@code namedPort} → the matching {@code protocols}
 * entries. Exact by construction: every entry keeps its index, so rule and port positions
 * carry over.
 *
 * <p>Where v1alpha1 admits what v1alpha2 cannot say, the lowering keeps the meaning the
 * evaluators give it: a port entry whose protocol is not TCP, UDP or SCTP becomes an entry with
 * no field (it matches nothing); a range with {@code start > end} is kept and matches nothing;
 * an action other than {@code Allow}, {@code Deny} or {@code Pass} is kept as written (validation
 * rejects it).
 */
public final class V1alpha1Lowering {
  private static final Pattern PORTS = Pattern.compile("^(spec\\.(?:ingress|egress)\\[\\d+\\])\\.ports(.*)$");

  private V1alpha1Lowering() {}

  /** An AdminNetworkPolicy as an Admin-tier ClusterNetworkPolicy. */
  public static ClusterNetworkPolicy lower(AdminNetworkPolicy p) {
    return new ClusterNetworkPolicy(p.name(), PolicyTier.ADMIN.apiName(), p.priority(), p.subject(),
        rules(p.ingress()), rules(p.egress()), ClusterPolicyKind.ADMIN_NETWORK_POLICY,
        source(p.source(), p.ingress(), p.egress()), p.suppressedRules());
  }

  /**
   * A BaselineAdminNetworkPolicy as a Baseline-tier ClusterNetworkPolicy. Its priority is 0;
   * {@link ClusterNetworkPolicy#ORDER} places it after every other Baseline policy by kind.
   */
  public static ClusterNetworkPolicy lower(BaselineAdminNetworkPolicy p) {
    return new ClusterNetworkPolicy(p.name(), PolicyTier.BASELINE.apiName(), 0, p.subject(), rules(p.ingress()),
        rules(p.egress()), ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY,
        source(p.source(), p.ingress(), p.egress()), p.suppressedRules());
  }

  /** A v1alpha1 action as the v1alpha2 one ({@code Allow} → {@code Accept}; others unchanged). */
  public static String action(String v1alpha1) {
    return "Allow".equals(v1alpha1) ? RuleAction.ACCEPT.apiName() : v1alpha1;
  }

  /** A v1alpha1 port entry as a v1alpha2 protocol entry (one with no field where none can match). */
  public static ClusterPolicyProtocol protocol(AnpPort port) {
    if (port.fieldCount() != 1) {
      return new ClusterPolicyProtocol(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
    if (port.namedPort().isPresent()) {
      return ClusterPolicyProtocol.namedPort(port.namedPort().get());
    }
    if (port.portNumber().isPresent()) {
      AnpPort.ProtocolPort n = port.portNumber().get();
      return withProtocol(n.protocol(), DestinationPort.number(n.port()));
    }
    AnpPort.ProtocolRange r = port.portRange().orElseThrow();
    return withProtocol(r.protocol(), DestinationPort.range(r.start(), r.end()));
  }

  private static ClusterPolicyProtocol withProtocol(String protocol, DestinationPort port) {
    Optional<Protocol> p = Protocol.parse(protocol);
    if (p.isEmpty()) {
      return new ClusterPolicyProtocol(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
    return switch (p.get()) {
      case TCP -> ClusterPolicyProtocol.tcp(port);
      case UDP -> ClusterPolicyProtocol.udp(port);
      case SCTP -> ClusterPolicyProtocol.sctp(port);
    };
  }

  private static List<ClusterPolicyRule> rules(List<AnpRule> rules) {
    List<ClusterPolicyRule> out = new ArrayList<>(rules.size());
    for (AnpRule r : rules) {
      Optional<List<ClusterPolicyProtocol>> protocols = r.ports().map(ps -> {
        List<ClusterPolicyProtocol> l = new ArrayList<>(ps.size());
        for (AnpPort p : ps) {
          l.add(protocol(p));
        }
        return l;
      });
      out.add(new ClusterPolicyRule(r.name(), action(r.action()), r.peers(), protocols));
    }
    return out;
  }

  /**
   * The v1alpha1 positions under v1alpha2 paths: {@code spec.ingress[i].ports[j]…} →
   * {@code …protocols[j]…} (suffix unchanged), plus the v1alpha2 fields each entry lowers to
   * ({@code portNumber.port} → {@code tcp.destinationPort.number}, {@code portRange.start} →
   * {@code udp.destinationPort.range.start}, {@code namedPort} → {@code destinationNamedPort}),
   * so that a lookup of a v1alpha2 path lands on the v1alpha1 field that says it.
   */
  private static SourceMap source(SourceMap v1, List<AnpRule> ingress, List<AnpRule> egress) {
    Map<String, SourcePosition> out = new LinkedHashMap<>();
    for (var e : v1.all().entrySet()) {
      Matcher m = PORTS.matcher(e.getKey());
      out.put(m.matches() ? m.group(1) + ".protocols" + m.group(2) : e.getKey(), e.getValue());
    }
    for (boolean in : new boolean[] {true, false}) {
      List<AnpRule> rules = in ? ingress : egress;
      for (int i = 0; i < rules.size(); i++) {
        List<AnpPort> ports = rules.get(i).ports().orElse(List.of());
        for (int k = 0; k < ports.size(); k++) {
          String from = (in ? "spec.ingress[" : "spec.egress[") + i + "].ports[" + k + "]";
          String to = (in ? "spec.ingress[" : "spec.egress[") + i + "].protocols[" + k + "]";
          portPaths(ports.get(k), from, to).forEach((v2, v1Path) -> {
            if (v1.has(v1Path)) {
              out.putIfAbsent(v2, v1.find(v1Path));
            }
          });
        }
      }
    }
    return new SourceMap(out, v1.objectPosition());
  }

  /** For one port entry: v1alpha2 path → the v1alpha1 path that holds its position. */
  private static Map<String, String> portPaths(AnpPort port, String from, String to) {
    Map<String, String> out = new LinkedHashMap<>();
    if (port.fieldCount() != 1) {
      return out;
    }
    if (port.namedPort().isPresent()) {
      out.put(to + ".destinationNamedPort", from + ".namedPort");
      return out;
    }
    String field = port.portNumber().isPresent() ? "portNumber" : "portRange";
    String protocol = port.portNumber().map(AnpPort.ProtocolPort::protocol)
        .orElseGet(() -> port.portRange().orElseThrow().protocol());
    Optional<Protocol> parsed = Protocol.parse(protocol);
    if (parsed.isEmpty()) {
      return out; // lowered to an entry with no field: only the entry itself has a position
    }
    String destination = to + "." + parsed.get().name().toLowerCase(Locale.ROOT) + ".destinationPort";
    out.put(to + "." + parsed.get().name().toLowerCase(Locale.ROOT), from + "." + field);
    out.put(destination, from + "." + field);
    if (port.portNumber().isPresent()) {
      out.put(destination + ".number", from + ".portNumber.port");
    } else {
      out.put(destination + ".range", from + ".portRange");
      out.put(destination + ".range.start", from + ".portRange.start");
      out.put(destination + ".range.end", from + ".portRange.end");
    }
    return out;
  }
}
