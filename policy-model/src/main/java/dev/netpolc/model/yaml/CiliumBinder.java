package dev.netpolc.model.yaml;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumDirection;
import dev.netpolc.model.cilium.CiliumIcmpField;
import dev.netpolc.model.cilium.CiliumIcmpRule;
import dev.netpolc.model.cilium.CiliumKind;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumPort;
import dev.netpolc.model.cilium.CiliumPortRule;
import dev.netpolc.model.cilium.CiliumRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Maps {@code cilium.io/v2} CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy onto
 * {@link dev.netpolc.model.cilium}, keeping every field's position under its field path. The
 * fields are those of Cilium's {@code api.Rule} and the types under it ({@code pkg/policy/api}:
 * rule.go, ingress.go, egress.go, l4.go, icmp.go, cidr.go); a field outside them is refused
 * (NP011), as for the other CRDs, because the API server prunes it and a pruned field can widen a
 * rule. Fields netpolc does not enforce (L7, FQDN, service, group, node, requires,
 * authentication, {@code nodeSelector}, CIDR groups) are read only as "written", so that
 * validation refuses them by name (NP197) at their position. Selector keys keep Cilium's source
 * prefixes ({@code k8s:app}); values (ports, protocols, CIDRs, entities, ICMP types) are kept as
 * written for validation. {@code port} is a string in the CRD and must be quoted, as
 * {@code kubectl apply} requires; {@code endPort} is an integer and an ICMP {@code type} either.
 */
final class CiliumBinder {
  private static final Set<String> TOP_LEVEL = ImmutableSet.of("apiVersion", "kind", "metadata", "spec", "specs",
      "status", "description");
  private static final Set<String> RULE = ImmutableSet.of("endpointSelector", "nodeSelector", "ingress",
      "ingressDeny", "egress", "egressDeny", "labels", "enableDefaultDeny", "description");
  /** Ingress sections: IngressRule and IngressDenyRule (the latter lacks authentication, refused anyway). */
  private static final Set<String> INGRESS = ImmutableSet.of("fromEndpoints", "fromRequires", "fromCIDR",
      "fromCIDRSet", "fromEntities", "fromGroups", "fromNodes", "toPorts", "icmps", "authentication");
  private static final Set<String> EGRESS = ImmutableSet.of("toEndpoints", "toRequires", "toCIDR", "toCIDRSet",
      "toEntities", "toServices", "toFQDNs", "toGroups", "toNodes", "toPorts", "icmps", "authentication");
  /** Written, refused by validation (NP197), in the order they are reported. */
  private static final List<String> UNENFORCEABLE_INGRESS =
      List.of("fromRequires", "fromGroups", "fromNodes", "authentication");
  private static final List<String> UNENFORCEABLE_EGRESS =
      List.of("toRequires", "toServices", "toFQDNs", "toGroups", "toNodes", "authentication");
  private static final Set<String> PORT_RULE = ImmutableSet.of("ports", "rules", "serverNames", "listener",
      "originatingTLS", "terminatingTLS");
  private static final List<String> L7 = List.of("rules", "serverNames", "listener", "originatingTLS",
      "terminatingTLS");
  private static final Set<String> PORT = ImmutableSet.of("port", "endPort", "protocol");
  private static final Set<String> ICMP_RULE = ImmutableSet.of("fields");
  private static final Set<String> ICMP_FIELD = ImmutableSet.of("family", "type");
  private static final Set<String> CIDR_RULE = ImmutableSet.of("cidr", "except", "cidrGroupRef",
      "cidrGroupSelector");
  private static final Set<String> DEFAULT_DENY = ImmutableSet.of("ingress", "egress");
  private static final Set<String> RULE_LABEL = ImmutableSet.of("key", "value", "source");
  private static final String DEFAULT_NAMESPACE = "default";

  private final Fields f;

  private CiliumBinder(Fields f) {
    this.f = f;
  }

  /** True when {@code apiVersion}/{@code kind} is a Cilium policy this binder reads. */
  static boolean isCilium(String apiVersion, String kind) {
    return CiliumKind.API_VERSION.equals(apiVersion) && CiliumKind.of(kind) != null;
  }

  /**
   * Binds one Cilium policy (a kind {@link #isCilium} accepts).
   *
   * @param obj        the object's mapping
   * @param f          field access for this object, keeping positions
   * @param kind       the object's kind
   * @param suppressed lint rule ids suppressed by comments on the object
   */
  static CiliumPolicy bind(YNode.YMap obj, Fields f, String kind, Set<String> suppressed) {
    return new CiliumBinder(f).policy(obj, CiliumKind.of(kind), suppressed);
  }

  private CiliumPolicy policy(YNode.YMap obj, CiliumKind kind, Set<String> suppressed) {
    f.present(obj, "apiVersion", "apiVersion");
    f.present(obj, "kind", "kind");
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = f.string(metadata, "name", "metadata.name");
    if (name == null) {
      throw f.missing(metadata == null ? obj : metadata, "metadata.name");
    }
    String namespace = "";
    if (kind.namespaced()) {
      String ns = f.string(metadata, "namespace", "metadata.namespace");
      namespace = ns == null ? DEFAULT_NAMESPACE : ns;
    }
    Map<String, String> labels = f.stringMap(metadata, "labels", "metadata.labels");
    for (YNode.Field field : obj.fields()) {
      // Top level: status is Cilium's and ignored; a top-level description (outside spec, as some
      // of Cilium's documentation examples write it) is pruned by the API server and changes nothing.
      if (!TOP_LEVEL.contains(field.key())) {
        throw f.unknownField(field, "", "unknown field '" + field.key() + "' in the object; expected one of "
            + String.join(", ", TOP_LEVEL));
      }
    }
    List<CiliumRule> spec = new ArrayList<>();
    YNode.YMap specMap = f.map(obj, "spec", "spec");
    if (specMap != null) {
      spec.add(rule(specMap, "spec"));
    }
    List<CiliumRule> specs = new ArrayList<>();
    YNode.YList specsList = f.list(obj, "specs", "specs");
    if (specsList != null) {
      for (int i = 0; i < specsList.items().size(); i++) {
        String p = "specs[" + i + "]";
        YNode item = specsList.items().get(i);
        f.recordItem(item, p);
        specs.add(rule(f.asMap(item, p), p));
      }
    }
    return new CiliumPolicy(kind, namespace, name, labels, spec, specs, specsList != null,
        new SourceMap(f.positions(), f.position(obj)), suppressed);
  }

  private CiliumRule rule(YNode.YMap m, String path) {
    f.onlyKnown(m, path, RULE);
    Optional<LabelSelector> endpointSelector = selector(m, "endpointSelector", path + ".endpointSelector");
    boolean nodeSelector = f.present(m, "nodeSelector", path + ".nodeSelector") != null;
    List<CiliumPeerRule> ingress = sections(m, "ingress", path, CiliumDirection.INGRESS, false);
    List<CiliumPeerRule> ingressDeny = sections(m, "ingressDeny", path, CiliumDirection.INGRESS, true);
    List<CiliumPeerRule> egress = sections(m, "egress", path, CiliumDirection.EGRESS, false);
    List<CiliumPeerRule> egressDeny = sections(m, "egressDeny", path, CiliumDirection.EGRESS, true);
    Optional<Boolean> ddIngress = Optional.empty();
    Optional<Boolean> ddEgress = Optional.empty();
    YNode.YMap dd = f.map(m, "enableDefaultDeny", path + ".enableDefaultDeny");
    if (dd != null) {
      String p = path + ".enableDefaultDeny";
      f.onlyKnown(dd, p, DEFAULT_DENY);
      ddIngress = f.present(dd, "ingress", p + ".ingress") == null ? Optional.empty()
          : Optional.of(f.bool(dd, "ingress", p + ".ingress"));
      ddEgress = f.present(dd, "egress", p + ".egress") == null ? Optional.empty()
          : Optional.of(f.bool(dd, "egress", p + ".egress"));
    }
    String description = f.string(m, "description", path + ".description");
    return new CiliumRule(path, endpointSelector, nodeSelector, ingress, ingressDeny, egress, egressDeny,
        ddIngress, ddEgress, description == null ? "" : description, ruleLabels(m, path + ".labels"));
  }

  private List<String> ruleLabels(YNode.YMap m, String path) {
    YNode.YList list = f.list(m, "labels", path);
    if (list == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      YNode.YMap label = f.asMap(item, p);
      f.onlyKnown(label, p, RULE_LABEL);
      String key = f.string(label, "key", p + ".key");
      if (key == null) {
        throw f.missing(label, p + ".key");
      }
      String value = f.string(label, "value", p + ".value");
      String source = f.string(label, "source", p + ".source");
      out.add((source == null ? "unspec" : source) + ":" + key + "=" + (value == null ? "" : value));
    }
    return out;
  }

  private List<CiliumPeerRule> sections(YNode.YMap rule, String key, String rulePath, CiliumDirection direction,
      boolean deny) {
    String path = rulePath + "." + key;
    YNode.YList list = f.list(rule, key, path);
    if (list == null) {
      return List.of();
    }
    List<CiliumPeerRule> out = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      out.add(section(f.asMap(item, p), p, direction, deny));
    }
    return out;
  }

  private CiliumPeerRule section(YNode.YMap m, String path, CiliumDirection direction, boolean deny) {
    boolean ingress = direction == CiliumDirection.INGRESS;
    f.onlyKnown(m, path, ingress ? INGRESS : EGRESS);
    Optional<List<LabelSelector>> endpoints = Optional.empty();
    String epKey = direction.field("Endpoints");
    YNode.YList eps = f.list(m, epKey, path + "." + epKey);
    if (eps != null) {
      List<LabelSelector> sels = new ArrayList<>();
      for (int i = 0; i < eps.items().size(); i++) {
        String p = path + "." + epKey + "[" + i + "]";
        YNode item = eps.items().get(i);
        f.recordItem(item, p);
        sels.add(SelectorBinder.bind(f, f.asMap(item, p), p));
      }
      endpoints = Optional.of(sels);
    }
    String cidrKey = direction.field("CIDR");
    Optional<List<String>> cidrs = f.list(m, cidrKey, path + "." + cidrKey) == null ? Optional.empty()
        : Optional.of(f.stringList(m, cidrKey, path + "." + cidrKey));
    Optional<List<CiliumCidrSet>> cidrSets = cidrSets(m, path, direction.field("CIDRSet"));
    String entKey = direction.field("Entities");
    Optional<List<String>> entities = f.list(m, entKey, path + "." + entKey) == null ? Optional.empty()
        : Optional.of(f.stringList(m, entKey, path + "." + entKey));
    List<String> unenforceable = new ArrayList<>();
    for (String k : ingress ? UNENFORCEABLE_INGRESS : UNENFORCEABLE_EGRESS) {
      if (f.present(m, k, path + "." + k) != null) {
        unenforceable.add(k);
      }
    }
    return new CiliumPeerRule(path, direction, deny, endpoints, cidrs, cidrSets, entities, toPorts(m, path),
        icmps(m, path), unenforceable);
  }

  private Optional<List<CiliumCidrSet>> cidrSets(YNode.YMap m, String path, String key) {
    String lp = path + "." + key;
    YNode.YList list = f.list(m, key, lp);
    if (list == null) {
      return Optional.empty();
    }
    List<CiliumCidrSet> out = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      String p = lp + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      YNode.YMap c = f.asMap(item, p);
      f.onlyKnown(c, p, CIDR_RULE);
      String cidr = f.string(c, "cidr", p + ".cidr");
      boolean groupRef = f.present(c, "cidrGroupRef", p + ".cidrGroupRef") != null;
      boolean groupSelector = f.present(c, "cidrGroupSelector", p + ".cidrGroupSelector") != null;
      out.add(new CiliumCidrSet(p, cidr == null ? "" : cidr, f.stringList(c, "except", p + ".except"), groupRef,
          groupSelector));
    }
    return Optional.of(out);
  }

  private List<CiliumPortRule> toPorts(YNode.YMap m, String path) {
    String lp = path + ".toPorts";
    YNode.YList list = f.list(m, "toPorts", lp);
    if (list == null) {
      return List.of();
    }
    List<CiliumPortRule> out = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      String p = lp + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      YNode.YMap pr = f.asMap(item, p);
      f.onlyKnown(pr, p, PORT_RULE);
      List<CiliumPort> ports = new ArrayList<>();
      YNode.YList pl = f.list(pr, "ports", p + ".ports");
      if (pl != null) {
        for (int k = 0; k < pl.items().size(); k++) {
          String pp = p + ".ports[" + k + "]";
          YNode pi = pl.items().get(k);
          f.recordItem(pi, pp);
          YNode.YMap port = f.asMap(pi, pp);
          f.onlyKnown(port, pp, PORT);
          String number = f.string(port, "port", pp + ".port");
          Integer endPort = f.integer(port, "endPort", pp + ".endPort");
          String protocol = f.string(port, "protocol", pp + ".protocol");
          ports.add(new CiliumPort(pp, number == null ? "" : number,
              endPort == null ? OptionalInt.empty() : OptionalInt.of(endPort), protocol == null ? "" : protocol));
        }
      }
      List<String> l7 = new ArrayList<>();
      for (String k : L7) {
        if (f.present(pr, k, p + "." + k) != null) {
          l7.add(k);
        }
      }
      out.add(new CiliumPortRule(p, ports, l7));
    }
    return out;
  }

  private List<CiliumIcmpRule> icmps(YNode.YMap m, String path) {
    String lp = path + ".icmps";
    YNode.YList list = f.list(m, "icmps", lp);
    if (list == null) {
      return List.of();
    }
    List<CiliumIcmpRule> out = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      String p = lp + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      YNode.YMap rule = f.asMap(item, p);
      f.onlyKnown(rule, p, ICMP_RULE);
      List<CiliumIcmpField> fields = new ArrayList<>();
      YNode.YList fl = f.list(rule, "fields", p + ".fields");
      if (fl != null) {
        for (int k = 0; k < fl.items().size(); k++) {
          String fp = p + ".fields[" + k + "]";
          YNode fi = fl.items().get(k);
          f.recordItem(fi, fp);
          YNode.YMap field = f.asMap(fi, fp);
          f.onlyKnown(field, fp, ICMP_FIELD);
          String family = f.string(field, "family", fp + ".family");
          fields.add(new CiliumIcmpField(fp, family == null ? CiliumIcmpField.IPV4 : family, icmpType(field, fp)));
        }
      }
      out.add(new CiliumIcmpRule(p, fields));
    }
    return out;
  }

  /** An ICMP {@code type}: an integer or a string (IntOrString); "" when absent. */
  private String icmpType(YNode.YMap field, String path) {
    YNode.Field t = f.present(field, "type", path + ".type");
    if (t == null) {
      return "";
    }
    YNode v = t.value();
    if (v instanceof YNode.YScalar && ((YNode.YScalar) v).type() == YNode.ScalarType.INT) {
      return ((YNode.YScalar) v).text();
    }
    return f.asString(v, path + ".type");
  }

  private Optional<LabelSelector> selector(YNode.YMap parent, String key, String path) {
    YNode.YMap sel = f.map(parent, key, path);
    return sel == null ? Optional.empty() : Optional.of(SelectorBinder.bind(f, sel, path));
  }
}
