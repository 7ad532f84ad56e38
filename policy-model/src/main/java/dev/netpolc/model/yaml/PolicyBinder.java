package dev.netpolc.model.yaml;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.SourceMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Maps a NetworkPolicy object's tree onto {@link NetworkPolicy}, keeping every field as
 * written and recording the position of every field into the policy's {@link SourceMap}.
 * Fields the spec does not define are refused (NP011), as {@code kubectl apply} does.
 */
final class PolicyBinder {
  private static final Set<String> SPEC = ImmutableSet.of("podSelector", "policyTypes", "ingress", "egress");
  /** Calico's StagedKubernetesNetworkPolicy: a NetworkPolicy spec plus the staged action. */
  private static final Set<String> STAGED_SPEC =
      ImmutableSet.of("podSelector", "policyTypes", "ingress", "egress", "stagedAction");
  private static final Set<String> INGRESS_RULE = ImmutableSet.of("from", "ports");
  private static final Set<String> EGRESS_RULE = ImmutableSet.of("to", "ports");
  private static final Set<String> PEER = ImmutableSet.of("podSelector", "namespaceSelector", "ipBlock");
  private static final Set<String> IP_BLOCK = ImmutableSet.of("cidr", "except");
  private static final Set<String> PORT = ImmutableSet.of("protocol", "port", "endPort");

  private final Fields f;
  private final Set<String> specFields;

  private PolicyBinder(Fields f, Set<String> specFields) {
    this.f = f;
    this.specFields = specFields;
  }

  /**
   * Binds one NetworkPolicy.
   *
   * @param obj        the object's mapping
   * @param f          field access for this object (keeping positions)
   * @param suppressed rule ids suppressed by comments on the object
   */
  static NetworkPolicy bind(YNode.YMap obj, Fields f, Set<String> suppressed) {
    return new PolicyBinder(f, SPEC).policy(obj, suppressed);
  }

  /**
   * Binds one Calico StagedKubernetesNetworkPolicy ({@code projectcalico.org/v3}): a
   * NetworkPolicy that is previewed, never enforced; {@code spec.stagedAction} is read by
   * {@link #stagedAction} (arguments as for {@link #bind}).
   */
  static NetworkPolicy bindStaged(YNode.YMap obj, Fields f, Set<String> suppressed) {
    PolicyBinder b = new PolicyBinder(f, STAGED_SPEC);
    return b.policy(obj, suppressed);
  }

  /** A StagedKubernetesNetworkPolicy's {@code spec.stagedAction}, {@code Set} when absent (validated later). */
  static String stagedAction(YNode.YMap obj, Fields f) {
    String action = f.string(f.map(obj, "spec", "spec"), "stagedAction", "spec.stagedAction");
    return action == null ? "Set" : action;
  }

  private NetworkPolicy policy(YNode.YMap obj, Set<String> suppressed) {
    f.present(obj, "apiVersion", "apiVersion");
    f.present(obj, "kind", "kind");
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = f.string(metadata, "name", "metadata.name");
    if (name == null) {
      throw f.missing(metadata == null ? obj : metadata, "metadata.name");
    }
    String namespace = f.string(metadata, "namespace", "metadata.namespace");
    YNode.YMap spec = f.map(obj, "spec", "spec");
    LabelSelector podSelector = LabelSelector.EVERYTHING;
    List<String> policyTypes = List.of();
    List<PolicyRule> ingress = List.of();
    List<PolicyRule> egress = List.of();
    if (spec != null) {
      f.onlyKnown(spec, "spec", specFields);
      podSelector = selector(spec, "podSelector", "spec.podSelector").orElse(LabelSelector.EVERYTHING);
      policyTypes = f.stringList(spec, "policyTypes", "spec.policyTypes");
      ingress = rules(spec, "ingress", "from", INGRESS_RULE);
      egress = rules(spec, "egress", "to", EGRESS_RULE);
    }
    SourceMap source = new SourceMap(f.positions(), f.position(obj));
    return new NetworkPolicy(namespace == null ? "default" : namespace, name, podSelector, policyTypes, ingress,
        egress, source, suppressed);
  }

  private List<PolicyRule> rules(YNode.YMap spec, String key, String peersKey, Set<String> known) {
    String path = "spec." + key;
    YNode.YList list = f.list(spec, key, path);
    if (list == null) {
      return List.of();
    }
    List<PolicyRule> out = new ArrayList<>(list.items().size());
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      if (item instanceof YNode.YScalar && ((YNode.YScalar) item).isNull()) {
        out.add(new PolicyRule(List.of(), List.of())); // "- " alone is an empty rule, as in the API
        continue;
      }
      YNode.YMap rule = f.asMap(item, p);
      f.onlyKnown(rule, p, known);
      out.add(new PolicyRule(peers(rule, peersKey, p + "." + peersKey), ports(rule, p + ".ports")));
    }
    return out;
  }

  private List<Peer> peers(YNode.YMap rule, String key, String path) {
    YNode.YList list = f.list(rule, key, path);
    if (list == null) {
      return List.of();
    }
    List<Peer> out = new ArrayList<>(list.items().size());
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      if (item instanceof YNode.YScalar && ((YNode.YScalar) item).isNull()) {
        out.add(new Peer(Optional.empty(), Optional.empty(), Optional.empty()));
        continue;
      }
      YNode.YMap peer = f.asMap(item, p);
      f.onlyKnown(peer, p, PEER);
      out.add(new Peer(selector(peer, "podSelector", p + ".podSelector"),
          selector(peer, "namespaceSelector", p + ".namespaceSelector"),
          ipBlock(peer, p + ".ipBlock")));
    }
    return out;
  }

  private Optional<IpBlock> ipBlock(YNode.YMap peer, String path) {
    YNode.YMap block = f.map(peer, "ipBlock", path);
    if (block == null) {
      return Optional.empty();
    }
    f.onlyKnown(block, path, IP_BLOCK);
    String cidr = f.string(block, "cidr", path + ".cidr");
    // An absent cidr is kept as "" for validation to report (NP101) with the block's position.
    return Optional.of(new IpBlock(cidr == null ? "" : cidr, f.stringList(block, "except", path + ".except")));
  }

  private List<PolicyPort> ports(YNode.YMap rule, String path) {
    YNode.YList list = f.list(rule, "ports", path);
    if (list == null) {
      return List.of();
    }
    List<PolicyPort> out = new ArrayList<>(list.items().size());
    for (int i = 0; i < list.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = list.items().get(i);
      f.recordItem(item, p);
      if (item instanceof YNode.YScalar && ((YNode.YScalar) item).isNull()) {
        out.add(new PolicyPort(Optional.empty(), Optional.empty(), Optional.empty()));
        continue;
      }
      YNode.YMap port = f.asMap(item, p);
      f.onlyKnown(port, p, PORT);
      out.add(new PolicyPort(Optional.ofNullable(f.string(port, "protocol", p + ".protocol")),
          portValue(port, p + ".port"), Optional.ofNullable(f.integer(port, "endPort", p + ".endPort"))));
    }
    return out;
  }

  /** IntOrString: an integer scalar is a number; any string scalar, even a quoted "80", a name. */
  private Optional<PortValue> portValue(YNode.YMap port, String path) {
    YNode.Field field = f.present(port, "port", path);
    if (field == null) {
      return Optional.empty();
    }
    YNode v = field.value();
    if (v instanceof YNode.YScalar && ((YNode.YScalar) v).type() == YNode.ScalarType.STRING) {
      return Optional.of(PortValue.named(((YNode.YScalar) v).text()));
    }
    return Optional.of(PortValue.of(f.asInteger(v, path)));
  }

  private Optional<LabelSelector> selector(YNode.YMap parent, String key, String path) {
    YNode.YMap sel = f.map(parent, key, path);
    return sel == null ? Optional.empty() : Optional.of(SelectorBinder.bind(f, sel, path));
  }
}
