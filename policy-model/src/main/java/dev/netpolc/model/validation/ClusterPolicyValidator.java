package dev.netpolc.model.validation;

import dev.netpolc.model.SourceMap;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.AnpPort;
import dev.netpolc.model.npa.AnpRule;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.NamespacedPods;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates cluster-scoped policies as their CRDs do, one profile per kind and version
 * ({@link Api}): the object name (NP109), then spec in schema order (tier, priority, subject,
 * ingress rules, egress rules), each rule's name, action, peers and ports. The checks
 * themselves are {@link ClusterPolicyChecks} (NP151–NP163) and {@link LabelSelectorCheck}
 * (NP105: the CRD schema itself does not check selector syntax, but implementations cannot turn
 * a selector with a bad key or operator into a selector, so netpolc rejects it as for
 * NetworkPolicy). Required fields missing are the reader's NP006 and never reach here.
 *
 * <p>A value outside its enum or range is reported and the rest of the object is still checked,
 * so one run reports every problem of an object.
 */
public final class ClusterPolicyValidator {
  /**
   * What the CRDs of one kind and version allow.
   *
   * @param kind          the kind, for messages
   * @param maxRules      most rules per direction
   * @param maxPeers      most peers per rule
   * @param maxPorts      most {@code protocols} (v1alpha2) or {@code ports} (v1alpha1) entries per rule
   * @param actions       the action enum
   * @param domainNames   whether egress peers have {@code domainNames}
   */
  public record Api(String kind, int maxRules, int maxPeers, int maxPorts, List<String> actions,
      boolean domainNames) {
    /** v1alpha2 ClusterNetworkPolicy. */
    public static final Api CLUSTER_NETWORK_POLICY =
        new Api("ClusterNetworkPolicy", 25, 25, 25, List.of("Accept", "Deny", "Pass"), true);
    /** v1alpha1 AdminNetworkPolicy. */
    public static final Api ADMIN_NETWORK_POLICY =
        new Api("AdminNetworkPolicy", 100, 100, 100, List.of("Allow", "Deny", "Pass"), true);
    /** v1alpha1 BaselineAdminNetworkPolicy. */
    public static final Api BASELINE_ADMIN_NETWORK_POLICY =
        new Api("BaselineAdminNetworkPolicy", 100, 100, 100, List.of("Allow", "Deny"), false);

    public Api {
      actions = List.copyOf(actions);
    }
  }

  private static final List<String> SUBJECT_FIELDS = List.of("namespaces", "pods");
  private static final List<String> PROTOCOL_FIELDS = List.of("tcp", "udp", "sctp", "destinationNamedPort");
  private static final List<String> DESTINATION_PORT_FIELDS = List.of("number", "range");
  private static final List<String> PORT_FIELDS = List.of("portNumber", "namedPort", "portRange");

  private ClusterPolicyValidator() {}

  /** Every finding about a v1alpha2 ClusterNetworkPolicy. */
  public static List<Diagnostic> validate(ClusterNetworkPolicy p) {
    Api api = Api.CLUSTER_NETWORK_POLICY;
    Findings out = new Findings(p.source());
    ObjectNameCheck.checkName(p.name(), out);
    ClusterPolicyChecks.tier(p.tier(), "spec.tier", out);
    ClusterPolicyChecks.priority(p.priority(), "spec.priority", out);
    subject(p.subject(), out);
    for (boolean ingress : new boolean[] {true, false}) {
      List<ClusterPolicyRule> rules = p.rules(ingress);
      String path = direction(ingress);
      ClusterPolicyChecks.listSize(rules.size(), 0, api.maxRules(), path, out);
      for (int i = 0; i < rules.size(); i++) {
        ClusterPolicyRule r = rules.get(i);
        String rulePath = path + "[" + i + "]";
        rule(r.name(), r.action(), r.peers(), ingress, api, rulePath, out);
        r.protocols().ifPresent(ps -> protocols(ps, api, rulePath + ".protocols", p.source(), out));
        if (!ingress) {
          List<String> named = new ArrayList<>();
          List<ClusterPolicyProtocol> ps = r.protocols().orElse(List.of());
          for (int k = 0; k < ps.size(); k++) {
            if (ps.get(k).destinationNamedPort().isPresent()) {
              named.add(rulePath + ".protocols[" + k + "].destinationNamedPort");
            }
          }
          namedPortRule(r.peers(), named, api, rulePath, out);
        }
      }
    }
    return out.list();
  }

  /** Every finding about a v1alpha1 AdminNetworkPolicy. */
  public static List<Diagnostic> validate(AdminNetworkPolicy p) {
    Findings out = new Findings(p.source());
    ObjectNameCheck.checkName(p.name(), out);
    ClusterPolicyChecks.priority(p.priority(), "spec.priority", out);
    v1alpha1Spec(p.subject(), p.ingress(), p.egress(), Api.ADMIN_NETWORK_POLICY, out);
    return out.list();
  }

  /** Every finding about a v1alpha1 BaselineAdminNetworkPolicy. */
  public static List<Diagnostic> validate(BaselineAdminNetworkPolicy p) {
    Findings out = new Findings(p.source());
    ObjectNameCheck.checkName(p.name(), out);
    ClusterPolicyChecks.baselineName(p.name(), "metadata.name", out);
    v1alpha1Spec(p.subject(), p.ingress(), p.egress(), Api.BASELINE_ADMIN_NETWORK_POLICY, out);
    return out.list();
  }

  private static void v1alpha1Spec(ClusterPolicySubject subject, List<AnpRule> ingressRules, List<AnpRule> egressRules,
      Api api, Findings out) {
    subject(subject, out);
    for (boolean ingress : new boolean[] {true, false}) {
      List<AnpRule> rules = ingress ? ingressRules : egressRules;
      String path = direction(ingress);
      ClusterPolicyChecks.listSize(rules.size(), 0, api.maxRules(), path, out);
      for (int i = 0; i < rules.size(); i++) {
        AnpRule r = rules.get(i);
        String rulePath = path + "[" + i + "]";
        rule(r.name(), r.action(), r.peers(), ingress, api, rulePath, out);
        r.ports().ifPresent(ps -> ports(ps, api, rulePath + ".ports", out));
        if (!ingress) {
          List<String> named = new ArrayList<>();
          List<AnpPort> ps = r.ports().orElse(List.of());
          for (int k = 0; k < ps.size(); k++) {
            if (ps.get(k).namedPort().isPresent()) {
              named.add(rulePath + ".ports[" + k + "].namedPort");
            }
          }
          namedPortRule(r.peers(), named, api, rulePath, out);
        }
      }
    }
  }

  private static String direction(boolean ingress) {
    return ingress ? "spec.ingress" : "spec.egress";
  }

  private static void subject(ClusterPolicySubject s, Findings out) {
    List<String> set = new ArrayList<>();
    s.namespaces().ifPresent(sel -> {
      set.add("namespaces");
      LabelSelectorCheck.check(sel, "spec.subject.namespaces", out);
    });
    s.pods().ifPresent(pods -> {
      set.add("pods");
      pods(pods, "spec.subject.pods", out);
    });
    ClusterPolicyChecks.exactlyOne(SUBJECT_FIELDS, set, "spec.subject", out);
  }

  private static void pods(NamespacedPods pods, String path, Findings out) {
    LabelSelectorCheck.check(pods.namespaceSelector(), path + ".namespaceSelector", out);
    LabelSelectorCheck.check(pods.podSelector(), path + ".podSelector", out);
  }

  /** A rule's name, action and peers (what every version shares). */
  private static void rule(Optional<String> name, String action, List<ClusterPolicyPeer> peers, boolean ingress,
      Api api, String path, Findings out) {
    name.ifPresent(n -> ClusterPolicyChecks.ruleName(n, path + ".name", out));
    ClusterPolicyChecks.action(action, api.actions(), path + ".action", out);
    String peersPath = path + (ingress ? ".from" : ".to");
    ClusterPolicyChecks.listSize(peers.size(), 1, api.maxPeers(), peersPath, out);
    for (int j = 0; j < peers.size(); j++) {
      peer(peers.get(j), ingress, api, peersPath + "[" + j + "]", out);
    }
  }

  private static void peer(ClusterPolicyPeer peer, boolean ingress, Api api, String path, Findings out) {
    List<String> allowed = new ArrayList<>(SUBJECT_FIELDS);
    List<String> set = new ArrayList<>();
    boolean misplaced = false;
    peer.namespaces().ifPresent(sel -> {
      set.add("namespaces");
      LabelSelectorCheck.check(sel, path + ".namespaces", out);
    });
    peer.pods().ifPresent(pods -> {
      set.add("pods");
      pods(pods, path + ".pods", out);
    });
    if (!ingress) {
      allowed.add("nodes");
      allowed.add("networks");
      if (api.domainNames()) {
        allowed.add("domainNames");
      }
    }
    String where = ingress ? "ingress peers (from); only egress peers (to) have it"
        : api.kind() + " egress peers";
    if (peer.nodes().isPresent()) {
      if (ingress) {
        misplaced = true;
        ClusterPolicyChecks.misplacedPeerField("nodes", where, path + ".nodes", out);
      } else {
        set.add("nodes");
        LabelSelectorCheck.check(peer.nodes().get(), path + ".nodes", out);
      }
    }
    if (peer.networks().isPresent()) {
      if (ingress) {
        misplaced = true;
        ClusterPolicyChecks.misplacedPeerField("networks", where, path + ".networks", out);
      } else {
        set.add("networks");
        List<String> networks = peer.networks().get();
        ClusterPolicyChecks.listSize(networks.size(), 1, ClusterPolicyChecks.MAX_ADDRESSES, path + ".networks", out);
        ClusterPolicyChecks.networks(networks, path + ".networks", out);
      }
    }
    if (peer.domainNames().isPresent()) {
      if (ingress || !api.domainNames()) {
        misplaced = true;
        ClusterPolicyChecks.misplacedPeerField("domainNames", where, path + ".domainNames", out);
      } else {
        set.add("domainNames");
        List<String> names = peer.domainNames().get();
        ClusterPolicyChecks.listSize(names.size(), 1, ClusterPolicyChecks.MAX_ADDRESSES, path + ".domainNames", out);
        ClusterPolicyChecks.domainNames(names, path + ".domainNames", out);
      }
    }
    // A peer of misplaced fields only is reported once, by NP162.
    if (!(set.isEmpty() && misplaced)) {
      ClusterPolicyChecks.exactlyOne(allowed, set, path, out);
    }
  }

  private static void protocols(List<ClusterPolicyProtocol> protocols, Api api, String path, SourceMap source,
      Findings out) {
    ClusterPolicyChecks.listSize(protocols.size(), 1, api.maxPorts(), path, out);
    for (int k = 0; k < protocols.size(); k++) {
      ClusterPolicyProtocol p = protocols.get(k);
      String pp = path + "[" + k + "]";
      List<String> set = new ArrayList<>();
      destination(p.tcp(), "tcp", pp, set, source, out);
      destination(p.udp(), "udp", pp, set, source, out);
      destination(p.sctp(), "sctp", pp, set, source, out);
      if (p.destinationNamedPort().isPresent()) {
        set.add("destinationNamedPort");
      }
      ClusterPolicyChecks.exactlyOne(PROTOCOL_FIELDS, set, pp, out);
    }
  }

  private static void destination(Optional<DestinationPort> port, String protocol, String path, List<String> set,
      SourceMap source, Findings out) {
    if (port.isEmpty()) {
      return;
    }
    set.add(protocol);
    String pp = path + "." + protocol + ".destinationPort";
    DestinationPort d = port.get();
    if (d.number().isEmpty() && d.range().isEmpty() && !source.has(pp)) {
      ClusterPolicyChecks.missingDestinationPort(path + "." + protocol, out);
      return;
    }
    List<String> fields = new ArrayList<>();
    d.number().ifPresent(n -> {
      fields.add("number");
      ClusterPolicyChecks.port(n, pp + ".number", out);
    });
    d.range().ifPresent(r -> {
      fields.add("range");
      ClusterPolicyChecks.port(r.start(), pp + ".range.start", out);
      ClusterPolicyChecks.port(r.end(), pp + ".range.end", out);
      ClusterPolicyChecks.rangeOrder(r.start(), r.end(), pp + ".range", out);
    });
    ClusterPolicyChecks.exactlyOne(DESTINATION_PORT_FIELDS, fields, pp, out);
  }

  private static void ports(List<AnpPort> ports, Api api, String path, Findings out) {
    ClusterPolicyChecks.listSize(ports.size(), 1, api.maxPorts(), path, out);
    for (int k = 0; k < ports.size(); k++) {
      AnpPort p = ports.get(k);
      String pp = path + "[" + k + "]";
      List<String> set = new ArrayList<>();
      p.portNumber().ifPresent(n -> {
        set.add("portNumber");
        ClusterPolicyChecks.port(n.port(), pp + ".portNumber.port", out);
      });
      if (p.namedPort().isPresent()) {
        set.add("namedPort");
      }
      p.portRange().ifPresent(r -> {
        set.add("portRange");
        ClusterPolicyChecks.port(r.start(), pp + ".portRange.start", out);
        ClusterPolicyChecks.port(r.end(), pp + ".portRange.end", out);
      });
      ClusterPolicyChecks.exactlyOne(PORT_FIELDS, set, pp, out);
    }
  }

  /** NP163 for one egress rule, given the paths of its named ports. */
  private static void namedPortRule(List<ClusterPolicyPeer> peers, List<String> namedPorts, Api api, String rulePath,
      Findings out) {
    if (namedPorts.isEmpty()) {
      return;
    }
    for (int j = 0; j < peers.size(); j++) {
      ClusterPolicyPeer peer = peers.get(j);
      String field = peer.networks().isPresent() ? "networks" : peer.nodes().isPresent() ? "nodes"
          : peer.domainNames().isPresent() && api.domainNames() ? "domainNames" : null;
      if (field != null) {
        ClusterPolicyChecks.namedPortWithAddressPeer(rulePath, rulePath + ".to[" + j + "]." + field,
            namedPorts.get(0), out);
        return;
      }
    }
  }

}
