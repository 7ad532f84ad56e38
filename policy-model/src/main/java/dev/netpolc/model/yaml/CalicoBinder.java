package dev.netpolc.model.yaml;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.CalicoKind;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoProtocol;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.calico.EndpointSlice;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.IcmpMatch;
import dev.netpolc.model.calico.Service;
import dev.netpolc.model.calico.ServiceAccount;
import dev.netpolc.model.calico.ServiceAccountMatch;
import dev.netpolc.model.calico.ServiceMatch;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.selector.SelectorSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Maps Calico's resources ({@code projectcalico.org/v3} and the {@code crd.projectcalico.org/v1}
 * storage form) and the Kubernetes ServiceAccount, Service and EndpointSlice objects onto
 * {@link dev.netpolc.model.calico}. Policies, tiers and network sets keep every field's position
 * under its v3 field path; a field their schema does not define is refused (NP011), as for the
 * cluster policy CRDs, because the API server would prune it and a pruned {@code notNets} or
 * {@code selector} widens a rule. The Kubernetes objects are read as the inventory is: only the
 * fields Calico's rules need, the rest ignored.
 *
 * <p>Selectors are parsed here, so that a syntax error (NP012) points at the offending
 * character inside the YAML scalar, whatever its quoting or folding ({@link ScalarLocator}).
 * Values (actions, protocol names, port ranges, CIDRs) are kept as written for validation. In
 * the storage form, protocol names are case-insensitive (Calico's v1 API wrote them in lower
 * case); they are read as their v3 names.
 */
final class CalicoBinder {
  private static final Set<String> NP_SPEC = ImmutableSet.of("tier", "order", "selector", "types", "ingress",
      "egress", "serviceAccountSelector", "performanceHints");
  private static final Set<String> GNP_SPEC = ImmutableSet.<String>builder().addAll(NP_SPEC)
      .add("namespaceSelector", "doNotTrack", "preDNAT", "applyOnForward").build();
  private static final Set<String> STAGED_NP_SPEC =
      ImmutableSet.<String>builder().addAll(NP_SPEC).add("stagedAction").build();
  private static final Set<String> STAGED_GNP_SPEC =
      ImmutableSet.<String>builder().addAll(GNP_SPEC).add("stagedAction").build();
  private static final Set<String> RULE = ImmutableSet.of("action", "ipVersion", "protocol", "notProtocol", "icmp",
      "notICMP", "source", "destination", "http", "metadata");
  private static final Set<String> ICMP = ImmutableSet.of("type", "code");
  private static final Set<String> ENTITY = ImmutableSet.of("nets", "notNets", "selector", "notSelector",
      "namespaceSelector", "serviceAccounts", "services", "ports", "notPorts");
  private static final Set<String> SERVICE_ACCOUNTS = ImmutableSet.of("names", "selector");
  private static final Set<String> SERVICES = ImmutableSet.of("name", "namespace");
  private static final Set<String> TIER_SPEC = ImmutableSet.of("order", "defaultAction");
  private static final Set<String> NETWORK_SET_SPEC = ImmutableSet.of("nets");
  private static final String DEFAULT_NAMESPACE = "default";

  private final Fields f;
  private final ScalarLocator locator;
  private final boolean storageForm;

  private CalicoBinder(Fields f, ScalarLocator locator, boolean storageForm) {
    this.f = f;
    this.locator = locator;
    this.storageForm = storageForm;
  }

  /** The validation id of what netpolc refuses to enforce (CalicoValidator.UNENFORCEABLE_ID). */
  static final String UNENFORCEABLE_ID = "NP184";

  /**
   * True for Calico's HostEndpoint, which netpolc refuses (SEMANTICS-CALICO.md, "Refused, never
   * dropped"): skipping it would silently drop the host policies that select it.
   */
  static boolean isHostEndpoint(String apiVersion, String kind) {
    return CalicoKind.isCalicoApiVersion(apiVersion) && kind.equals("HostEndpoint");
  }

  /** True when {@code apiVersion}/{@code kind} is a Calico resource this binder reads. */
  static boolean isCalico(String apiVersion, String kind) {
    return CalicoKind.isCalicoApiVersion(apiVersion) && (CalicoKind.of(kind) != null || kind.equals("Tier")
        || kind.equals("NetworkSet") || kind.equals("GlobalNetworkSet"));
  }

  /**
   * Binds one Calico resource (a kind {@link #isCalico} accepts).
   *
   * @param obj        the object's mapping
   * @param f          field access for this object, keeping positions
   * @param locator    the file's scalar locator, or null (selector errors then point at the scalar)
   * @param apiVersion the object's apiVersion
   * @param kind       the object's kind
   * @param suppressed lint rule ids suppressed by comments on the object
   */
  static Object bind(YNode.YMap obj, Fields f, ScalarLocator locator, String apiVersion, String kind,
      Set<String> suppressed) {
    CalicoBinder b = new CalicoBinder(f, locator, CalicoKind.CRD_API_VERSION.equals(apiVersion));
    CalicoKind policyKind = CalicoKind.of(kind);
    if (policyKind != null) {
      return b.policy(obj, policyKind, suppressed);
    }
    if (kind.equals("Tier")) {
      return b.tier(obj);
    }
    return b.networkSet(obj, kind.equals("GlobalNetworkSet"));
  }

  private CalicoPolicy policy(YNode.YMap obj, CalicoKind kind, Set<String> suppressed) {
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = name(obj, metadata);
    String namespace = "";
    if (kind.namespaced()) {
      String ns = f.string(metadata, "namespace", "metadata.namespace");
      namespace = ns == null ? DEFAULT_NAMESPACE : ns;
    }
    YNode.YMap spec = f.map(obj, "spec", "spec");
    Set<String> known = switch (kind) {
      case NETWORK_POLICY -> NP_SPEC;
      case GLOBAL_NETWORK_POLICY -> GNP_SPEC;
      case STAGED_NETWORK_POLICY -> STAGED_NP_SPEC;
      case STAGED_GLOBAL_NETWORK_POLICY -> STAGED_GNP_SPEC;
    };
    if (spec != null) {
      f.onlyKnown(spec, "spec", known);
    }
    String tier = f.string(spec, "tier", "spec.tier");
    OptionalDouble order = number(spec, "order", "spec.order");
    CalicoSelector selector = selector(spec, "selector", "spec.selector").orElse(new CalicoSelector.All());
    Optional<CalicoSelector> namespaceSelector = selector(spec, "namespaceSelector", "spec.namespaceSelector");
    Optional<CalicoSelector> saSelector = selector(spec, "serviceAccountSelector", "spec.serviceAccountSelector");
    List<String> types = f.stringList(spec, "types", "spec.types");
    List<CalicoRule> ingress = rules(spec, "ingress");
    List<CalicoRule> egress = rules(spec, "egress");
    boolean doNotTrack = f.bool(spec, "doNotTrack", "spec.doNotTrack");
    boolean preDnat = f.bool(spec, "preDNAT", "spec.preDNAT");
    boolean applyOnForward = f.bool(spec, "applyOnForward", "spec.applyOnForward");
    String stagedAction = f.string(spec, "stagedAction", "spec.stagedAction");
    return new CalicoPolicy(kind, namespace, name, tier == null || tier.isEmpty() ? CalicoPolicy.DEFAULT_TIER : tier,
        order, selector, namespaceSelector, saSelector, types, ingress, egress, doNotTrack, preDnat, applyOnForward,
        source(obj), suppressed, Optional.ofNullable(stagedAction));
  }

  private CalicoTier tier(YNode.YMap obj) {
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = name(obj, metadata);
    YNode.YMap spec = f.map(obj, "spec", "spec");
    if (spec != null) {
      f.onlyKnown(spec, "spec", TIER_SPEC);
    }
    OptionalDouble order = number(spec, "order", "spec.order");
    String defaultAction = f.string(spec, "defaultAction", "spec.defaultAction");
    return new CalicoTier(name, order, defaultAction == null ? "Deny" : defaultAction, source(obj));
  }

  private CalicoNetworkSet networkSet(YNode.YMap obj, boolean global) {
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = name(obj, metadata);
    String namespace = "";
    if (!global) {
      String ns = f.string(metadata, "namespace", "metadata.namespace");
      namespace = ns == null ? DEFAULT_NAMESPACE : ns;
    }
    Map<String, String> labels = f.stringMap(metadata, "labels", "metadata.labels");
    YNode.YMap spec = f.map(obj, "spec", "spec");
    if (spec != null) {
      f.onlyKnown(spec, "spec", NETWORK_SET_SPEC);
    }
    List<String> nets = f.stringList(spec, "nets", "spec.nets");
    return new CalicoNetworkSet(namespace, name, labels, nets, global, source(obj));
  }

  private List<CalicoRule> rules(YNode.YMap spec, String direction) {
    String path = "spec." + direction;
    YNode.YList list = f.list(spec, direction, path);
    if (list == null) {
      return List.of();
    }
    List<CalicoRule> out = new ArrayList<>(list.items().size());
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      YNode.YMap rule = f.asMap(item, p);
      f.onlyKnown(rule, p, RULE);
      String action = f.string(rule, "action", p + ".action");
      if (action == null) {
        throw f.missing(rule, p + ".action");
      }
      Integer ipVersion = f.integer(rule, "ipVersion", p + ".ipVersion");
      boolean http = f.present(rule, "http", p + ".http") != null;
      f.present(rule, "metadata", p + ".metadata");
      out.add(new CalicoRule(action, ipVersion == null ? OptionalInt.empty() : OptionalInt.of(ipVersion),
          protocol(rule, "protocol", p + ".protocol"), protocol(rule, "notProtocol", p + ".notProtocol"),
          icmp(rule, "icmp", p + ".icmp"), icmp(rule, "notICMP", p + ".notICMP"),
          entity(rule, "source", p + ".source"), entity(rule, "destination", p + ".destination"), http));
    }
    return out;
  }

  private Optional<CalicoProtocol> protocol(YNode.YMap rule, String key, String path) {
    YNode.Field field = f.present(rule, key, path);
    if (field == null) {
      return Optional.empty();
    }
    YNode v = field.value();
    if (v instanceof YNode.YScalar && ((YNode.YScalar) v).type() == YNode.ScalarType.INT) {
      return Optional.of(new CalicoProtocol(((YNode.YScalar) v).text(), true));
    }
    String s = f.asString(v, path);
    if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of(new CalicoProtocol(s, true)); // Calico reads a quoted number as the number
    }
    if (storageForm) {
      for (String name : CalicoProtocol.NAMES.keySet()) {
        if (name.equalsIgnoreCase(s)) {
          return Optional.of(CalicoProtocol.named(name));
        }
      }
    }
    return Optional.of(CalicoProtocol.named(s));
  }

  private Optional<IcmpMatch> icmp(YNode.YMap rule, String key, String path) {
    YNode.YMap m = f.map(rule, key, path);
    if (m == null) {
      return Optional.empty();
    }
    f.onlyKnown(m, path, ICMP);
    Integer type = f.integer(m, "type", path + ".type");
    Integer code = f.integer(m, "code", path + ".code");
    return Optional.of(new IcmpMatch(type == null ? OptionalInt.empty() : OptionalInt.of(type),
        code == null ? OptionalInt.empty() : OptionalInt.of(code)));
  }

  private EntityRule entity(YNode.YMap rule, String key, String path) {
    YNode.YMap m = f.map(rule, key, path);
    if (m == null) {
      return EntityRule.ANY;
    }
    f.onlyKnown(m, path, ENTITY);
    Optional<ServiceAccountMatch> sas = Optional.empty();
    YNode.YMap sa = f.map(m, "serviceAccounts", path + ".serviceAccounts");
    if (sa != null) {
      String p = path + ".serviceAccounts";
      f.onlyKnown(sa, p, SERVICE_ACCOUNTS);
      sas = Optional.of(new ServiceAccountMatch(f.stringList(sa, "names", p + ".names"),
          selector(sa, "selector", p + ".selector")));
    }
    Optional<ServiceMatch> services = Optional.empty();
    YNode.YMap svc = f.map(m, "services", path + ".services");
    if (svc != null) {
      String p = path + ".services";
      f.onlyKnown(svc, p, SERVICES);
      String name = f.string(svc, "name", p + ".name");
      String namespace = f.string(svc, "namespace", p + ".namespace");
      services = Optional.of(new ServiceMatch(name == null ? "" : name, namespace == null ? "" : namespace));
    }
    return new EntityRule(f.stringList(m, "nets", path + ".nets"), f.stringList(m, "notNets", path + ".notNets"),
        selector(m, "selector", path + ".selector"), selector(m, "notSelector", path + ".notSelector"),
        selector(m, "namespaceSelector", path + ".namespaceSelector"), sas, services,
        ports(m, "ports", path + ".ports"), ports(m, "notPorts", path + ".notPorts"));
  }

  private List<CalicoPort> ports(YNode.YMap entity, String key, String path) {
    YNode.YList list = f.list(entity, key, path);
    if (list == null) {
      return List.of();
    }
    List<CalicoPort> out = new ArrayList<>(list.items().size());
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      if (item instanceof YNode.YScalar && ((YNode.YScalar) item).type() == YNode.ScalarType.INT) {
        out.add(new CalicoPort(((YNode.YScalar) item).text()));
      } else if (item instanceof YNode.YScalar && ((YNode.YScalar) item).type() == YNode.ScalarType.STRING) {
        out.add(new CalicoPort(((YNode.YScalar) item).text()));
      } else {
        throw f.wrongType(item, p, "a port number, a range \"a:b\" or a port name");
      }
    }
    return out;
  }

  /** A selector field: parsed, with a syntax error placed at its character in the file. */
  private Optional<CalicoSelector> selector(YNode.YMap parent, String key, String path) {
    YNode.Field field = f.present(parent, key, path);
    if (field == null) {
      return Optional.empty();
    }
    String text = f.asString(field.value(), path);
    if (text.isBlank()) {
      return Optional.empty(); // Calico's omitempty: an empty selector is an unset one
    }
    try {
      return Optional.of(CalicoSelector.parse(text));
    } catch (SelectorSyntaxException e) {
      YNode v = field.value();
      int[] at = locator == null ? null
          : locator.locate(v.line(), v.column(), text, Math.min(Math.max(e.column() - 1, 0),
              text.codePointCount(0, text.length())));
      SourcePosition pos = at == null ? f.position(v) : f.position(at[0], at[1]);
      throw new InputException(Diagnostic.of(ReaderRule.SELECTOR_SYNTAX.id(), Severity.ERROR, pos,
          f.errorPath(path), path + ": invalid Calico selector: " + e.getMessage()));
    }
  }

  private OptionalDouble number(YNode.YMap parent, String key, String path) {
    YNode.Field field = f.present(parent, key, path);
    if (field == null) {
      return OptionalDouble.empty();
    }
    YNode v = field.value();
    if (v instanceof YNode.YScalar) {
      YNode.YScalar s = (YNode.YScalar) v;
      if (s.type() == YNode.ScalarType.INT || s.type() == YNode.ScalarType.FLOAT) {
        try {
          return OptionalDouble.of(Double.parseDouble(s.text()));
        } catch (NumberFormatException e) {
          throw f.error(ReaderRule.NUMBER_RANGE, v, path, "'" + s.text() + "' is not a finite number");
        }
      }
    }
    throw f.wrongType(v, path, "a number");
  }

  private String name(YNode.YMap obj, YNode.YMap metadata) {
    f.present(obj, "apiVersion", "apiVersion");
    f.present(obj, "kind", "kind");
    String name = f.string(metadata, "name", "metadata.name");
    if (name == null) {
      throw f.missing(metadata == null ? obj : metadata, "metadata.name");
    }
    return name;
  }

  private SourceMap source(YNode.YMap obj) {
    return new SourceMap(f.positions(), f.position(obj));
  }

  /** Binds a v1 ServiceAccount (its labels; everything else ignored). */
  static ServiceAccount serviceAccount(YNode.YMap obj, Fields f) {
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = requiredName(obj, metadata, f);
    return new ServiceAccount(namespace(metadata, f), name, f.stringMap(metadata, "labels", "metadata.labels"),
        f.position(obj));
  }

  /** Binds a v1 Service: its selector and ports. */
  static Service service(YNode.YMap obj, Fields f) {
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = requiredName(obj, metadata, f);
    YNode.YMap spec = f.map(obj, "spec", "spec");
    List<Service.Port> ports = new ArrayList<>();
    YNode.YList list = f.list(spec, "ports", "spec.ports");
    if (list != null) {
      for (int i = 0; i < list.items().size(); i++) {
        String p = "spec.ports[" + i + "]";
        YNode.YMap port = f.asMap(list.items().get(i), p);
        String portName = f.string(port, "name", p + ".name");
        String protocol = f.string(port, "protocol", p + ".protocol");
        Integer number = f.integer(port, "port", p + ".port");
        if (number == null) {
          throw f.missing(port, p + ".port");
        }
        String target = "";
        YNode.Field t = f.present(port, "targetPort", p + ".targetPort");
        if (t != null) {
          target = t.value() instanceof YNode.YScalar && ((YNode.YScalar) t.value()).type() == YNode.ScalarType.INT
              ? ((YNode.YScalar) t.value()).text() : f.asString(t.value(), p + ".targetPort");
        }
        ports.add(new Service.Port(portName == null ? "" : portName, protocol == null ? "TCP" : protocol, number,
            target));
      }
    }
    return new Service(namespace(metadata, f), name, f.stringMap(spec, "selector", "spec.selector"), ports,
        f.position(obj));
  }

  /** Binds a discovery.k8s.io/v1 EndpointSlice: service name label, addresses, ports. */
  static EndpointSlice endpointSlice(YNode.YMap obj, Fields f) {
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = requiredName(obj, metadata, f);
    Map<String, String> labels = f.stringMap(metadata, "labels", "metadata.labels");
    String addressType = f.string(obj, "addressType", "addressType");
    List<IpAddress> addresses = new ArrayList<>();
    YNode.YList endpoints = f.list(obj, "endpoints", "endpoints");
    // FQDN slices hold host names, not addresses: nothing a rule can match on.
    if (endpoints != null && !"FQDN".equals(addressType)) {
      for (int i = 0; i < endpoints.items().size(); i++) {
        String p = "endpoints[" + i + "]";
        YNode.YMap e = f.asMap(endpoints.items().get(i), p);
        YNode.YList addrs = f.list(e, "addresses", p + ".addresses");
        if (addrs == null) {
          continue;
        }
        for (int k = 0; k < addrs.items().size(); k++) {
          String ap = p + ".addresses[" + k + "]";
          YNode item = addrs.items().get(k);
          String text = f.asString(item, ap);
          addresses.add(IpAddress.tryParse(text).orElseThrow(() ->
              f.error(ReaderRule.INVALID_INVENTORY_VALUE, item, ap, "'" + text + "' is not an IP address")));
        }
      }
    }
    List<EndpointSlice.Port> ports = new ArrayList<>();
    YNode.YList list = f.list(obj, "ports", "ports");
    if (list != null) {
      for (int i = 0; i < list.items().size(); i++) {
        String p = "ports[" + i + "]";
        YNode.YMap port = f.asMap(list.items().get(i), p);
        String portName = f.string(port, "name", p + ".name");
        String protocol = f.string(port, "protocol", p + ".protocol");
        Integer number = f.integer(port, "port", p + ".port");
        ports.add(new EndpointSlice.Port(portName == null ? "" : portName, protocol == null ? "TCP" : protocol,
            number == null ? -1 : number));
      }
    }
    String service = labels.get(EndpointSlice.SERVICE_NAME_LABEL);
    return new EndpointSlice(namespace(metadata, f), name, service == null ? "" : service, addresses, ports,
        f.position(obj));
  }

  private static String requiredName(YNode.YMap obj, YNode.YMap metadata, Fields f) {
    String name = f.string(metadata, "name", "metadata.name");
    if (name == null) {
      throw f.missing(metadata == null ? obj : metadata, "metadata.name");
    }
    return name;
  }

  private static String namespace(YNode.YMap metadata, Fields f) {
    String ns = f.string(metadata, "namespace", "metadata.namespace");
    return ns == null ? DEFAULT_NAMESPACE : ns;
  }
}
