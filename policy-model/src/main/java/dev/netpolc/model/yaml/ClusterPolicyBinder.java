package dev.netpolc.model.yaml;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.AnpPort;
import dev.netpolc.model.npa.AnpRule;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.NamespacedPods;
import dev.netpolc.model.npa.PortRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Maps the cluster-scoped objects of {@code policy.networking.k8s.io} onto the
 * {@link dev.netpolc.model.npa} records: v1alpha2 ClusterNetworkPolicy and v1alpha1
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy. Every field keeps its position in the
 * object's {@link SourceMap} under its API field path
 * ({@code spec.egress[2].protocols[0].tcp.destinationPort.range.start},
 * {@code spec.ingress[0].ports[1].portRange.start}).
 *
 * <p>Two kinds of problems are refused here rather than left to validation, because the records
 * cannot hold them: a field the CRD marks required that is absent or null (NP006: {@code spec},
 * {@code spec.tier}, {@code spec.priority}, {@code spec.subject}, a rule's {@code action} and
 * {@code from}/{@code to}, {@code pods.podSelector}, v1alpha1 {@code pods.namespaceSelector},
 * a range's {@code start} and {@code end}, {@code portNumber.port}), and a field the schema does
 * not define (NP011). The API server would prune an unknown field, which can silently widen a
 * peer ({@code namespaces: {namespaceSelector: …}}, an earlier draft's form, becomes
 * {@code namespaces: {}}: every namespace), so the message says what pruning would leave.
 * Values (enums, ranges, list sizes, exactly-one-of) are kept as written for validation.
 */
final class ClusterPolicyBinder {
  private static final Set<String> CNP_SPEC = ImmutableSet.of("tier", "priority", "subject", "ingress", "egress");
  private static final Set<String> ANP_SPEC = ImmutableSet.of("priority", "subject", "ingress", "egress");
  private static final Set<String> BANP_SPEC = ImmutableSet.of("subject", "ingress", "egress");
  private static final Set<String> SUBJECT = ImmutableSet.of("namespaces", "pods");
  private static final Set<String> NAMESPACED_PODS = ImmutableSet.of("namespaceSelector", "podSelector");
  private static final Set<String> PEER = ImmutableSet.of("namespaces", "pods", "nodes", "networks", "domainNames");
  private static final Set<String> PROTOCOL = ImmutableSet.of("tcp", "udp", "sctp", "destinationNamedPort");
  private static final Set<String> PROTOCOL_PORT = ImmutableSet.of("destinationPort");
  private static final Set<String> DESTINATION_PORT = ImmutableSet.of("number", "range");
  private static final Set<String> RANGE = ImmutableSet.of("start", "end");
  private static final Set<String> ANP_PORT = ImmutableSet.of("portNumber", "namedPort", "portRange");
  private static final Set<String> PORT_NUMBER = ImmutableSet.of("protocol", "port");
  private static final Set<String> PORT_RANGE = ImmutableSet.of("protocol", "start", "end");
  /** Fields of the draft {@code NamespacedPeer} that preceded the plain selector of {@code namespaces}. */
  private static final Set<String> DRAFT_NAMESPACES =
      ImmutableSet.of("namespaceSelector", "sameLabels", "notSameLabels", "related");
  /** The protocol a v1alpha1 port entry has when it names none (the CRD's default). */
  private static final String DEFAULT_PROTOCOL = "TCP";

  private final Fields f;
  private final boolean v1alpha1;

  private ClusterPolicyBinder(Fields f, boolean v1alpha1) {
    this.f = f;
    this.v1alpha1 = v1alpha1;
  }

  /**
   * Binds one v1alpha2 ClusterNetworkPolicy.
   *
   * @param obj        the object's mapping
   * @param f          field access for this object (keeping positions)
   * @param suppressed rule ids suppressed by comments on the object
   */
  static ClusterNetworkPolicy clusterNetworkPolicy(YNode.YMap obj, Fields f, Set<String> suppressed) {
    ClusterPolicyBinder b = new ClusterPolicyBinder(f, false);
    String name = b.name(obj);
    YNode.YMap spec = b.spec(obj, CNP_SPEC);
    String tier = b.requiredString(spec, "tier", "spec.tier");
    int priority = b.requiredInt(spec, "priority", "spec.priority");
    ClusterPolicySubject subject = b.subject(spec);
    List<ClusterPolicyRule> ingress = new ArrayList<>();
    List<ClusterPolicyRule> egress = new ArrayList<>();
    b.rules(spec, true, (rule, path, common) -> ingress.add(new ClusterPolicyRule(common.name(), common.action(),
        common.peers(), b.protocols(rule, path + ".protocols"))));
    b.rules(spec, false, (rule, path, common) -> egress.add(new ClusterPolicyRule(common.name(), common.action(),
        common.peers(), b.protocols(rule, path + ".protocols"))));
    return new ClusterNetworkPolicy(name, tier, priority, subject, ingress, egress,
        ClusterPolicyKind.CLUSTER_NETWORK_POLICY, b.source(obj), suppressed);
  }

  /** Binds one v1alpha1 AdminNetworkPolicy (arguments as for {@link #clusterNetworkPolicy}). */
  static AdminNetworkPolicy adminNetworkPolicy(YNode.YMap obj, Fields f, Set<String> suppressed) {
    ClusterPolicyBinder b = new ClusterPolicyBinder(f, true);
    String name = b.name(obj);
    YNode.YMap spec = b.spec(obj, ANP_SPEC);
    int priority = b.requiredInt(spec, "priority", "spec.priority");
    ClusterPolicySubject subject = b.subject(spec);
    List<AnpRule> ingress = b.anpRules(spec, true);
    List<AnpRule> egress = b.anpRules(spec, false);
    return new AdminNetworkPolicy(name, priority, subject, ingress, egress, b.source(obj), suppressed);
  }

  /** Binds one v1alpha1 BaselineAdminNetworkPolicy (arguments as for {@link #clusterNetworkPolicy}). */
  static BaselineAdminNetworkPolicy baselineAdminNetworkPolicy(YNode.YMap obj, Fields f, Set<String> suppressed) {
    ClusterPolicyBinder b = new ClusterPolicyBinder(f, true);
    String name = b.name(obj);
    YNode.YMap spec = b.spec(obj, BANP_SPEC);
    ClusterPolicySubject subject = b.subject(spec);
    List<AnpRule> ingress = b.anpRules(spec, true);
    List<AnpRule> egress = b.anpRules(spec, false);
    return new BaselineAdminNetworkPolicy(name, subject, ingress, egress, b.source(obj), suppressed);
  }

  private String name(YNode.YMap obj) {
    f.present(obj, "apiVersion", "apiVersion");
    f.present(obj, "kind", "kind");
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = f.string(metadata, "name", "metadata.name");
    if (name == null) {
      throw f.missing(metadata == null ? obj : metadata, "metadata.name");
    }
    // metadata.namespace is ignored: the API server clears it on cluster-scoped objects.
    return name;
  }

  private YNode.YMap spec(YNode.YMap obj, Set<String> known) {
    YNode.YMap spec = f.map(obj, "spec", "spec");
    if (spec == null) {
      throw f.missing(obj, "spec");
    }
    f.onlyKnown(spec, "spec", known);
    return spec;
  }

  private SourceMap source(YNode.YMap obj) {
    return new SourceMap(f.positions(), f.position(obj));
  }

  private ClusterPolicySubject subject(YNode.YMap spec) {
    YNode.YMap s = f.map(spec, "subject", "spec.subject");
    if (s == null) {
      throw f.missing(spec, "spec.subject");
    }
    f.onlyKnown(s, "spec.subject", SUBJECT);
    return new ClusterPolicySubject(namespaces(s, "spec.subject.namespaces"), pods(s, "spec.subject.pods"));
  }

  /** What every rule has, whatever the version. */
  private record CommonRule(Optional<String> name, String action, List<ClusterPolicyPeer> peers) {}

  /** Receives one bound rule. */
  @FunctionalInterface
  private interface RuleSink {
    void accept(YNode.YMap rule, String path, CommonRule common);
  }

  private void rules(YNode.YMap spec, boolean ingress, RuleSink sink) {
    String key = ingress ? "ingress" : "egress";
    String path = "spec." + key;
    YNode.YList list = f.list(spec, key, path);
    if (list == null) {
      return;
    }
    String peersKey = ingress ? "from" : "to";
    Set<String> known = ImmutableSet.of("name", "action", peersKey, v1alpha1 ? "ports" : "protocols");
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      YNode.YMap rule = f.asMap(item, p);
      ruleFields(rule, p, known);
      Optional<String> name = Optional.ofNullable(f.string(rule, "name", p + ".name"));
      String action = requiredString(rule, "action", p + ".action");
      sink.accept(rule, p, new CommonRule(name, action, peers(rule, peersKey, p + "." + peersKey)));
    }
  }

  private List<AnpRule> anpRules(YNode.YMap spec, boolean ingress) {
    List<AnpRule> out = new ArrayList<>();
    rules(spec, ingress, (rule, path, common) -> out.add(new AnpRule(common.name(), common.action(), common.peers(),
        ports(rule, path + ".ports"))));
    return out;
  }

  /** Refuses unknown rule fields, naming the other version's field when that is what was written. */
  private void ruleFields(YNode.YMap rule, String path, Set<String> known) {
    for (YNode.Field field : rule.fields()) {
      if (!v1alpha1 && field.key().equals("ports")) {
        throw f.unknownField(field, path, "unknown field 'ports' in " + path + ": v1alpha2 writes ports as "
            + "'protocols' (tcp/udp/sctp with destinationPort, or destinationNamedPort); 'ports' is v1alpha1's field");
      }
      if (v1alpha1 && field.key().equals("protocols")) {
        throw f.unknownField(field, path, "unknown field 'protocols' in " + path + ": v1alpha1 writes ports as "
            + "'ports' (portNumber, portRange or namedPort); 'protocols' is v1alpha2's field");
      }
    }
    f.onlyKnown(rule, path, known);
  }

  private List<ClusterPolicyPeer> peers(YNode.YMap rule, String key, String path) {
    YNode.YList list = f.list(rule, key, path);
    if (list == null) {
      throw f.missing(rule, path);
    }
    List<ClusterPolicyPeer> out = new ArrayList<>(list.items().size());
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      YNode.YMap peer = f.asMap(item, p);
      f.onlyKnown(peer, p, PEER);
      out.add(new ClusterPolicyPeer(namespaces(peer, p + ".namespaces"), pods(peer, p + ".pods"),
          selector(peer, "nodes", p + ".nodes"), strings(peer, "networks", p + ".networks"),
          strings(peer, "domainNames", p + ".domainNames")));
    }
    return out;
  }

  /** A {@code namespaces} selector, refusing the draft API's fields inside it with what pruning would do. */
  private Optional<LabelSelector> namespaces(YNode.YMap parent, String path) {
    YNode.YMap sel = f.map(parent, "namespaces", path);
    if (sel == null) {
      return Optional.empty();
    }
    for (YNode.Field field : sel.fields()) {
      if (DRAFT_NAMESPACES.contains(field.key())) {
        boolean alone = sel.fields().stream().allMatch(x -> DRAFT_NAMESPACES.contains(x.key()));
        throw f.unknownField(field, path, "unknown field " + lastSegment(path) + "." + field.key() + " in " + path
            + ": `namespaces` is itself a label selector (matchLabels, matchExpressions); " + field.key()
            + " belongs to an earlier draft of the API. The API server prunes it, "
            + (alone ? "leaving `namespaces: {}`, which selects every namespace"
                : "and `namespaces` then selects by its other fields alone"));
      }
    }
    return Optional.of(SelectorBinder.bind(f, sel, path));
  }

  /** A {@code pods} subject or peer: namespaceSelector (required in v1alpha1) and podSelector (required). */
  private Optional<NamespacedPods> pods(YNode.YMap parent, String path) {
    YNode.YMap pods = f.map(parent, "pods", path);
    if (pods == null) {
      return Optional.empty();
    }
    YNode.Field draft = pods.field("namespaces");
    if (draft != null) {
      throw f.unknownField(draft, path, "unknown field pods.namespaces in " + path + ": the namespaces of a "
          + "`pods` selector are given by namespaceSelector (a label selector); pods.namespaces belongs to an "
          + "earlier draft of the API. " + (v1alpha1 ? "Without namespaceSelector the API server rejects the object"
              : "The API server prunes it, leaving no namespaceSelector, which selects every namespace"));
    }
    f.onlyKnown(pods, path, NAMESPACED_PODS);
    Optional<LabelSelector> namespaceSelector = selector(pods, "namespaceSelector", path + ".namespaceSelector");
    if (namespaceSelector.isEmpty() && v1alpha1) {
      throw f.missing(pods, path + ".namespaceSelector");
    }
    Optional<LabelSelector> podSelector = selector(pods, "podSelector", path + ".podSelector");
    if (podSelector.isEmpty()) {
      throw f.missing(pods, path + ".podSelector");
    }
    return Optional.of(new NamespacedPods(namespaceSelector.orElse(LabelSelector.EVERYTHING), podSelector.get()));
  }

  private Optional<LabelSelector> selector(YNode.YMap parent, String key, String path) {
    YNode.YMap sel = f.map(parent, key, path);
    return sel == null ? Optional.empty() : Optional.of(SelectorBinder.bind(f, sel, path));
  }

  /** A list of strings that may be absent (empty) or present and empty (an empty list). */
  private Optional<List<String>> strings(YNode.YMap parent, String key, String path) {
    YNode.YList l = f.list(parent, key, path);
    if (l == null) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>(l.items().size());
    for (int i = 0; i < l.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = l.items().get(i);
      f.recordItem(item, p);
      out.add(f.asString(item, p));
    }
    return Optional.of(out);
  }

  private Optional<List<ClusterPolicyProtocol>> protocols(YNode.YMap rule, String path) {
    YNode.YList list = f.list(rule, "protocols", path);
    if (list == null) {
      return Optional.empty();
    }
    List<ClusterPolicyProtocol> out = new ArrayList<>(list.items().size());
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      YNode.YMap protocol = f.asMap(item, p);
      f.onlyKnown(protocol, p, PROTOCOL);
      out.add(new ClusterPolicyProtocol(destination(protocol, "tcp", p + ".tcp"),
          destination(protocol, "udp", p + ".udp"), destination(protocol, "sctp", p + ".sctp"),
          Optional.ofNullable(f.string(protocol, "destinationNamedPort", p + ".destinationNamedPort"))));
    }
    return Optional.of(out);
  }

  /** {@code tcp}/{@code udp}/{@code sctp}: its destinationPort, {@link DestinationPort#ANY} when none is given. */
  private Optional<DestinationPort> destination(YNode.YMap protocol, String key, String path) {
    YNode.YMap m = f.map(protocol, key, path);
    if (m == null) {
      return Optional.empty();
    }
    f.onlyKnown(m, path, PROTOCOL_PORT);
    String portPath = path + ".destinationPort";
    YNode.YMap port = f.map(m, "destinationPort", portPath);
    if (port == null) {
      return Optional.of(DestinationPort.ANY);
    }
    f.onlyKnown(port, portPath, DESTINATION_PORT);
    Integer number = f.integer(port, "number", portPath + ".number");
    String rangePath = portPath + ".range";
    YNode.YMap range = f.map(port, "range", rangePath);
    Optional<PortRange> r = Optional.empty();
    if (range != null) {
      f.onlyKnown(range, rangePath, RANGE);
      int start = requiredInt(range, "start", rangePath + ".start");
      r = Optional.of(new PortRange(start, requiredInt(range, "end", rangePath + ".end")));
    }
    return Optional.of(new DestinationPort(Optional.ofNullable(number), r));
  }

  private Optional<List<AnpPort>> ports(YNode.YMap rule, String path) {
    YNode.YList list = f.list(rule, "ports", path);
    if (list == null) {
      return Optional.empty();
    }
    List<AnpPort> out = new ArrayList<>(list.items().size());
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      YNode.YMap port = f.asMap(item, p);
      f.onlyKnown(port, p, ANP_PORT);
      Optional<AnpPort.ProtocolPort> number = Optional.empty();
      YNode.YMap n = f.map(port, "portNumber", p + ".portNumber");
      if (n != null) {
        f.onlyKnown(n, p + ".portNumber", PORT_NUMBER);
        String protocol = f.string(n, "protocol", p + ".portNumber.protocol");
        number = Optional.of(new AnpPort.ProtocolPort(protocol == null ? DEFAULT_PROTOCOL : protocol,
            requiredInt(n, "port", p + ".portNumber.port")));
      }
      Optional<String> named = Optional.ofNullable(f.string(port, "namedPort", p + ".namedPort"));
      Optional<AnpPort.ProtocolRange> range = Optional.empty();
      YNode.YMap r = f.map(port, "portRange", p + ".portRange");
      if (r != null) {
        String rp = p + ".portRange";
        f.onlyKnown(r, rp, PORT_RANGE);
        String protocol = f.string(r, "protocol", rp + ".protocol");
        int start = requiredInt(r, "start", rp + ".start");
        range = Optional.of(new AnpPort.ProtocolRange(protocol == null ? DEFAULT_PROTOCOL : protocol, start,
            requiredInt(r, "end", rp + ".end")));
      }
      out.add(new AnpPort(number, named, range));
    }
    return Optional.of(out);
  }

  private String requiredString(YNode.YMap parent, String key, String path) {
    String s = f.string(parent, key, path);
    if (s == null) {
      throw f.missing(parent, path);
    }
    return s;
  }

  private int requiredInt(YNode.YMap parent, String key, String path) {
    Integer i = f.integer(parent, key, path);
    if (i == null) {
      throw f.missing(parent, path);
    }
    return i;
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
