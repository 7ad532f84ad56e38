package dev.netpolc.model.yaml;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumIcmpField;
import dev.netpolc.model.cilium.CiliumIcmpRule;
import dev.netpolc.model.cilium.CiliumKind;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumPort;
import dev.netpolc.model.cilium.CiliumPortRule;
import dev.netpolc.model.cilium.CiliumRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy as {@code cilium.io/v2} YAML,
 * with the guarantees of {@link PolicyWriter}: deterministic, and read back by
 * {@link PolicyReader} to an object deciding every connection the same way. Fields are written in
 * the order of Cilium's {@code Rule} type; empty sections are left out, L3 lists written empty stay
 * written (an empty list selects nothing, which differs from an absent one). Rule parts netpolc
 * refuses (L7, {@code toFQDNs}, {@code nodeSelector}, ...) are never in a validated object, so they
 * have no writer: an object holding one is rejected here rather than written without it.
 */
public final class CiliumPolicyWriter {
  private CiliumPolicyWriter() {}

  /** One Cilium policy document (no {@code ---}). */
  public static String toYaml(CiliumPolicy p) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", CiliumKind.API_VERSION);
    doc.put("kind", p.kind().kindName());
    doc.put("metadata", PolicyWriter.metadata(p.name(), p.clusterwide() ? null : p.namespace(), p.labels()));
    if (!p.spec().isEmpty()) {
      doc.put("spec", rule(p.spec().get(0)));
    }
    if (p.specsGiven() || !p.specs().isEmpty()) {
      List<Object> specs = new ArrayList<>();
      p.specs().forEach(r -> specs.add(rule(r)));
      doc.put("specs", specs);
    }
    StringBuilder sb = new StringBuilder();
    if (!p.suppressedRules().isEmpty()) {
      sb.append("# netpolc: disable=").append(String.join(",", p.suppressedRules())).append('\n');
    }
    new YamlEmitter(sb).document(doc);
    return sb.toString();
  }

  private static Map<String, Object> rule(CiliumRule r) {
    if (r.nodeSelectorGiven()) {
      throw new IllegalArgumentException("a host policy (nodeSelector) has no writer: " + r.path());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    r.endpointSelector().ifPresent(s -> m.put("endpointSelector", PolicyWriter.selector(s)));
    section(m, "ingress", r.ingress());
    section(m, "ingressDeny", r.ingressDeny());
    section(m, "egress", r.egress());
    section(m, "egressDeny", r.egressDeny());
    if (r.defaultDenyIngress().isPresent() || r.defaultDenyEgress().isPresent()) {
      Map<String, Object> dd = new LinkedHashMap<>();
      r.defaultDenyIngress().ifPresent(v -> dd.put("ingress", v));
      r.defaultDenyEgress().ifPresent(v -> dd.put("egress", v));
      m.put("enableDefaultDeny", dd);
    }
    if (!r.description().isEmpty()) {
      m.put("description", r.description());
    }
    if (!r.labels().isEmpty()) {
      List<Object> labels = new ArrayList<>();
      for (String l : r.labels()) {
        labels.add(ruleLabel(l));
      }
      m.put("labels", labels);
    }
    return m;
  }

  /** A rule label as the model keeps it, {@code source:key=value}, back to its three fields. */
  private static Map<String, Object> ruleLabel(String label) {
    int colon = label.indexOf(':');
    int eq = label.indexOf('=', colon + 1);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", label.substring(colon + 1, eq));
    String value = label.substring(eq + 1);
    if (!value.isEmpty()) {
      m.put("value", value);
    }
    String source = label.substring(0, colon);
    if (!source.equals("unspec")) {
      m.put("source", source);
    }
    return m;
  }

  private static void section(Map<String, Object> m, String key, List<CiliumPeerRule> rules) {
    if (rules.isEmpty()) {
      return;
    }
    List<Object> out = new ArrayList<>();
    for (CiliumPeerRule r : rules) {
      out.add(peerRule(r));
    }
    m.put(key, out);
  }

  private static Map<String, Object> peerRule(CiliumPeerRule r) {
    if (!r.unenforceable().isEmpty()) {
      throw new IllegalArgumentException("refused rule parts have no writer: " + r.path() + " " + r.unenforceable());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    Optional<List<LabelSelector>> endpoints = r.endpoints();
    endpoints.ifPresent(l -> {
      List<Object> sels = new ArrayList<>();
      l.forEach(s -> sels.add(PolicyWriter.selector(s)));
      m.put(r.direction().field("Endpoints"), sels);
    });
    r.cidrs().ifPresent(l -> m.put(r.direction().field("CIDR"), new ArrayList<Object>(l)));
    r.cidrSets().ifPresent(l -> {
      List<Object> sets = new ArrayList<>();
      for (CiliumCidrSet s : l) {
        if (s.cidrGroupRefGiven() || s.cidrGroupSelectorGiven()) {
          throw new IllegalArgumentException("CIDR groups have no writer: " + s.path());
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("cidr", s.cidr());
        if (!s.except().isEmpty()) {
          e.put("except", new ArrayList<Object>(s.except()));
        }
        sets.add(e);
      }
      m.put(r.direction().field("CIDRSet"), sets);
    });
    r.entities().ifPresent(l -> m.put(r.direction().field("Entities"), new ArrayList<Object>(l)));
    if (!r.toPorts().isEmpty()) {
      List<Object> ports = new ArrayList<>();
      for (CiliumPortRule pr : r.toPorts()) {
        if (!pr.l7().isEmpty()) {
          throw new IllegalArgumentException("L7 rules have no writer: " + pr.path());
        }
        Map<String, Object> e = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        for (CiliumPort p : pr.ports()) {
          list.add(port(p));
        }
        e.put("ports", list);
        ports.add(e);
      }
      m.put("toPorts", ports);
    }
    if (!r.icmps().isEmpty()) {
      List<Object> icmps = new ArrayList<>();
      for (CiliumIcmpRule i : r.icmps()) {
        List<Object> fields = new ArrayList<>();
        for (CiliumIcmpField f : i.fields()) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("family", f.family());
          e.put("type", f.type());
          fields.add(e);
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("fields", fields);
        icmps.add(e);
      }
      m.put("icmps", icmps);
    }
    return m;
  }

  private static Map<String, Object> port(CiliumPort p) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!p.port().isEmpty()) {
      m.put("port", p.port());
    }
    p.endPort().ifPresent(e -> m.put("endPort", e));
    if (!p.protocol().isEmpty()) {
      m.put("protocol", p.protocol());
    }
    return m;
  }
}
