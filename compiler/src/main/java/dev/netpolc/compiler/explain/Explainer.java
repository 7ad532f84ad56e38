package dev.netpolc.compiler.explain;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.explain.ExplainReport.CalicoRuleLocation;
import dev.netpolc.compiler.explain.ExplainReport.CalicoTierReport;
import dev.netpolc.compiler.explain.ExplainReport.ConnectionInfo;
import dev.netpolc.compiler.explain.ExplainReport.DirectionReport;
import dev.netpolc.compiler.explain.ExplainReport.PolicyLocation;
import dev.netpolc.compiler.explain.ExplainReport.PolicyMissReport;
import dev.netpolc.compiler.explain.ExplainReport.RuleLocation;
import dev.netpolc.compiler.explain.ExplainReport.RuleMissReport;
import dev.netpolc.compiler.explain.ExplainReport.Side;
import dev.netpolc.compiler.explain.ExplainReport.Suggestion;
import dev.netpolc.compiler.explain.ExplainReport.TierReport;
import dev.netpolc.compiler.explain.ExplainReport.TierRuleLocation;
import dev.netpolc.compiler.reference.CalicoRuleMatch;
import dev.netpolc.compiler.reference.CalicoTierStep;
import dev.netpolc.compiler.reference.DirectionVerdict;
import dev.netpolc.compiler.reference.Endpoint;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.PolicyMiss;
import dev.netpolc.compiler.reference.PolicyRef;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.compiler.reference.RuleMatch;
import dev.netpolc.compiler.reference.RuleMiss;
import dev.netpolc.compiler.reference.TierRuleMatch;
import dev.netpolc.compiler.reference.TierStep;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns the reference evaluator's {@link Explanation} into an {@link ExplainReport} for people,
 * adding the nearest change that would allow a denied connection:
 * <ol>
 *   <li>a rule whose peer matched but whose ports did not: add the port to its {@code ports};</li>
 *   <li>a rule whose ports matched and one of whose peers missed on one selector only: say which
 *       selector missed and what the other side has (labels, namespace);</li>
 *   <li>otherwise: no rule is near; add a rule to the first isolating policy (or a policy when
 *       none has rules), with a peer that selects the other side exactly.</li>
 * </ol>
 *
 * <pre>{@code
 * ExplainReport r = new Explainer(new ReferenceEvaluator(cluster)).explain(connection);
 * }</pre>
 */
public final class Explainer {
  private final ReferenceEvaluator ref;
  private final Map<String, Namespace> namespaces;

  /** An explainer over the evaluator's cluster and options. */
  public Explainer(ReferenceEvaluator ref) {
    this.ref = ref;
    this.namespaces = ref.cluster().namespacesByName();
  }

  /** The report for {@code c}. */
  public ExplainReport explain(Connection c) {
    Explanation e = ref.explain(c);
    Optional<Pod> srcPod = Optional.ofNullable(ref.podsByAddress().get(c.source()));
    Optional<Pod> dstPod = Optional.ofNullable(ref.podsByAddress().get(c.destination()));
    String protocol = c.portProtocol().map(Enum::name)
        .orElse(c.protocol() == Protocol.ICMP ? "ICMP" : c.protocol() == Protocol.ICMPV6 ? "ICMPv6"
            : "protocol " + c.protocol());
    ConnectionInfo info = new ConnectionInfo(protocol, c.protocol(), c.port(), c.source().v6() ? "ipv6" : "ipv4");
    List<Suggestion> suggestions = new ArrayList<>();
    if (!e.allowed()) {
      if (!e.egress().allowed()) {
        suggestions.addAll(suggest(e.egress(), c, info, srcPod, dstPod, e.destination()));
      }
      if (!e.ingress().allowed()) {
        suggestions.addAll(suggest(e.ingress(), c, info, dstPod, srcPod, e.source()));
      }
    }
    return new ExplainReport(e.allowed(), e.shortcut().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        side(e.source(), srcPod), side(e.destination(), dstPod), info, direction(e.egress()),
        direction(e.ingress()), suggestions);
  }

  private static Side side(Endpoint ep, Optional<Pod> pod) {
    return new Side(ep.address().toString(), ep.kind().name().toLowerCase(Locale.ROOT), ep.podKey(), ep.nodeName(),
        pod.map(Pod::labels).orElse(Map.of()));
  }

  private static DirectionReport direction(DirectionVerdict v) {
    List<PolicyLocation> selecting = new ArrayList<>();
    for (PolicyRef p : v.selecting()) {
      selecting.add(new PolicyLocation(p.key(), p.position()));
    }
    Optional<RuleLocation> matched = v.match().map(Explainer::location);
    if (v.decidedBy() == DirectionVerdict.DecidedBy.CILIUM) {
      // The Cilium rule that decided; its peer field says whether it is a deny or an allow rule.
      matched = v.ciliumMatch().map(m -> new RuleLocation(m.policy().key(), m.path(), m.position(),
          m.deny() ? "deny rule" : "allow rule", "its ports"));
    }
    List<PolicyMissReport> misses = new ArrayList<>();
    for (PolicyMiss m : v.misses()) {
      List<RuleMissReport> rules = new ArrayList<>();
      for (RuleMiss r : m.rules()) {
        rules.add(new RuleMissReport(r.path(), r.position(), r.peerFailures(), r.portFailures()));
      }
      misses.add(new PolicyMissReport(m.policy().key(), m.policy().position(), rules));
    }
    List<TierReport> tiers = new ArrayList<>();
    v.admin().ifPresent(t -> tiers.add(tier(t)));
    v.baseline().ifPresent(t -> tiers.add(tier(t)));
    List<CalicoTierReport> calico = new ArrayList<>();
    for (CalicoTierStep step : v.calicoTiers()) {
      List<PolicyLocation> applying = new ArrayList<>();
      for (PolicyRef p : step.applying()) {
        applying.add(new PolicyLocation(p.key(), p.position()));
      }
      calico.add(new CalicoTierReport(step.tier(), step.defaultAction(), applying,
          step.logged().stream().map(Explainer::calicoLocation).toList(), step.match().map(Explainer::calicoLocation),
          step.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-')));
    }
    return new DirectionReport(v.direction() == PolicyType.Egress ? "egress" : "ingress", v.applies(), v.isolated(),
        v.allowed(), selecting, matched, misses, v.decidedBy().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        tiers, v.networkPolicyTierSkipped(), calico);
  }

  private static CalicoRuleLocation calicoLocation(CalicoRuleMatch m) {
    return new CalicoRuleLocation(m.policy().key(), m.path(), m.position(), m.action());
  }

  private static TierReport tier(TierStep step) {
    List<PolicyLocation> considered = new ArrayList<>();
    for (PolicyRef p : step.considered()) {
      considered.add(new PolicyLocation(p.key(), p.position()));
    }
    Optional<TierRuleLocation> matched = step.match().map(m -> {
      String peers = m.direction() == PolicyType.Ingress ? "from" : "to";
      return new TierRuleLocation(m.policy().key(), m.priority(), m.path(), m.position(), m.ruleName(),
          m.action().apiName(), m.path() + "." + peers + "[" + m.peerIndex() + "]",
          m.protocolIndex() < 0 ? "any protocol" : m.path() + ".protocols[" + m.protocolIndex() + "]");
    });
    return new TierReport(step.tier().apiName(), considered, matched);
  }

  private static RuleLocation location(RuleMatch m) {
    String peers = m.direction() == PolicyType.Ingress ? "from" : "to";
    return new RuleLocation(m.policy().key(), m.path(), m.position(),
        m.peerIndex() < 0 ? "any peer" : m.path() + "." + peers + "[" + m.peerIndex() + "]",
        m.portIndex() < 0 ? "any port" : m.path() + ".ports[" + m.portIndex() + "]");
  }

  /**
   * Suggestions for one denied direction. {@code subject} is the pod the policies select,
   * {@code peer} the other side (a pod, or only the endpoint).
   */
  private List<Suggestion> suggest(DirectionVerdict v, Connection c, ConnectionInfo info, Optional<Pod> subject,
      Optional<Pod> peerPod, Endpoint peer) {
    boolean ingress = v.direction() == PolicyType.Ingress;
    String dir = ingress ? "ingress" : "egress";
    if (v.decidedBy() == DirectionVerdict.DecidedBy.ADMIN || v.decidedBy() == DirectionVerdict.DecidedBy.BASELINE) {
      return List.of(tierSuggestion(v, dir));
    }
    if (v.decidedBy() == DirectionVerdict.DecidedBy.CALICO) {
      return calicoSuggestion(v, dir);
    }
    if (v.decidedBy() == DirectionVerdict.DecidedBy.CILIUM) {
      return List.of(); // the NetworkPolicy suggestions below do not fit Cilium's rules
    }
    String peersField = ingress ? "from" : "to";
    String peerWord = ingress ? "source" : "destination";
    List<Suggestion> out = new ArrayList<>();
    for (PolicyMiss miss : v.misses()) {
      Optional<NetworkPolicy> policy = find(miss.policy());
      if (policy.isEmpty()) {
        continue;
      }
      NetworkPolicy pol = policy.get();
      List<PolicyRule> rules = ingress ? pol.ingress() : pol.egress();
      for (RuleMiss r : miss.rules()) {
        PolicyRule rule = rules.get(r.ruleIndex());
        if (r.peerFailures().isEmpty()) {
          // The peer matched: only the ports are in the way.
          String path = r.path() + ".ports";
          String text = c.portProtocol().isPresent()
              ? "add port " + c.port() + "/" + info.protocol() + " to " + pol.key() + " " + path
              : "a rule with ports never matches " + info.protocol() + "; remove " + path + " from " + pol.key()
                  + " (a rule without ports allows every protocol) or add a rule without ports";
          out.add(new Suggestion(dir, Optional.of(pol.key()), path, pol.source().find(path), text));
        } else if (r.portFailures().isEmpty()) {
          nearPeer(pol, rule, r.path() + "." + peersField, peerPod, peer, peerWord).ifPresent(
              s -> out.add(new Suggestion(dir, Optional.of(pol.key()), s[0], pol.source().find(s[0]), s[1])));
        }
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    // Nothing is near: a new rule in the isolating policy most specific to the pod.
    PolicyRef first = target(v.selecting(), ingress);
    String path = "spec." + dir;
    String who = subject.map(Pod::key).orElse("?");
    String ports = c.portProtocol().isPresent()
        ? ", ports: [{port: " + c.port() + ", protocol: " + info.protocol() + "}]" : "";
    String text = "no policy allows " + dir + (ingress ? " to " + who + " from " + peerDescription(peerPod, peer)
        : " from " + who + " to " + peerDescription(peerPod, peer)) + "; add an " + dir + " rule to " + first.key()
        + " " + path + ": {" + peersField + ": [" + peerSpec(peerPod, peer) + "]" + ports + "}";
    Optional<NetworkPolicy> pol = find(first);
    SourcePosition pos = pol.map(p -> p.source().has(path) ? p.source().find(path) : p.position())
        .orElse(first.position());
    out.add(new Suggestion(dir, Optional.of(first.key()), path, pos, text));
    return out;
  }

  /**
   * A denial in a Calico tier: a Deny rule to narrow or precede with an Allow, or a tier's default
   * Deny that an Allow rule in one of its applying policies would avoid.
   */
  private static List<Suggestion> calicoSuggestion(DirectionVerdict v, String dir) {
    CalicoTierStep step = v.decidingCalicoTier().orElseThrow();
    Optional<CalicoRuleMatch> deny = step.match();
    if (deny.isPresent()) {
      CalicoRuleMatch m = deny.get();
      return List.of(new Suggestion(dir, Optional.of(m.policy().key()), m.path(), m.position(),
          "denied by the " + m.action() + " rule " + m.policy().key() + " " + m.path() + " in Calico tier "
              + step.tier() + "; narrow that rule, or add an Allow rule that matches before it (an earlier rule,"
              + " or a policy of lower order in the tier)"));
    }
    PolicyRef first = step.applying().get(0);
    return List.of(new Suggestion(dir, Optional.of(first.key()), "spec." + dir, first.position(),
        "no rule of Calico tier " + step.tier() + " matches, so its default action denies; add an " + dir
            + " Allow rule to one of its policies that apply here (" + step.applying().stream().map(PolicyRef::key)
            .collect(Collectors.joining(", ")) + ")"));
  }

  /** A denial by a cluster-policy Deny rule: what would let the connection through. */
  private static Suggestion tierSuggestion(DirectionVerdict v, String dir) {
    TierRuleMatch m = v.decidingStep().flatMap(TierStep::match).orElseThrow();
    String rule = m.policy().key() + " " + m.path() + m.ruleName().map(n -> " (" + n + ")").orElse("");
    String text = v.decidedBy() == DirectionVerdict.DecidedBy.ADMIN
        ? "denied by the Admin tier rule " + rule + ", which no NetworkPolicy can override; an administrator must "
            + "narrow that rule or add an Accept or Pass rule that matches first (a policy of lower priority "
            + "value, or an earlier rule)"
        : "denied by the Baseline tier rule " + rule + "; a NetworkPolicy selecting the pod that allows this "
            + dir + " overrides it, or narrow the Baseline rule";
    return new Suggestion(dir, Optional.of(m.policy().key()), m.path(), m.position(), text);
  }

  /**
   * The policy a new rule belongs in: the first that selects by labels and already has rules in
   * this direction, else the first that selects by labels, else the first.
   */
  private PolicyRef target(List<PolicyRef> selecting, boolean ingress) {
    PolicyRef byLabels = null;
    for (PolicyRef r : selecting) {
      Optional<NetworkPolicy> p = find(r);
      if (p.isEmpty() || p.get().podSelector().isEmpty()) {
        continue;
      }
      if (!(ingress ? p.get().ingress() : p.get().egress()).isEmpty()) {
        return r;
      }
      if (byLabels == null) {
        byLabels = r;
      }
    }
    return byLabels != null ? byLabels : selecting.get(0);
  }

  private static String peerDescription(Optional<Pod> pod, Endpoint ep) {
    return pod.map(Pod::key).orElse(ep.describe());
  }

  /** A peer that selects exactly this pod's labels in its namespace, or its address. */
  private static String peerSpec(Optional<Pod> pod, Endpoint ep) {
    if (pod.isEmpty()) {
      return "{ipBlock: {cidr: " + ep.address() + "/" + ep.address().bits() + "}}";
    }
    return "{namespaceSelector: {matchLabels: {" + Namespace.NAME_LABEL + ": " + pod.get().namespace()
        + "}}, podSelector: {matchLabels: " + labels(pod.get().labels()) + "}}";
  }

  private static String labels(Map<String, String> labels) {
    return new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /**
   * The first peer of {@code rule} that misses on one thing only, as {path, text}: a
   * namespaceSelector, a podSelector, a podSelector alone in another namespace, an ipBlock.
   */
  private Optional<String[]> nearPeer(NetworkPolicy pol, PolicyRule rule, String path, Optional<Pod> peerPod,
      Endpoint peer, String peerWord) {
    for (int j = 0; j < rule.peers().size(); j++) {
      Peer p = rule.peers().get(j);
      String at = path + "[" + j + "]";
      if (p.ipBlock().isPresent()) {
        if (p.podSelector().isEmpty() && p.namespaceSelector().isEmpty()) {
          return Optional.of(new String[] {at + ".ipBlock", "the " + peerWord + " " + peer.address()
              + " is not in " + at + ".ipBlock (cidr " + p.ipBlock().get().cidr()
              + (p.ipBlock().get().except().isEmpty() ? "" : ", except " + p.ipBlock().get().except())
              + "); add a peer {ipBlock: {cidr: " + peer.address() + "/" + peer.address().bits() + "}} to "
              + pol.key() + " " + path});
        }
        continue;
      }
      if (peerPod.isEmpty()) {
        continue;
      }
      Pod other = peerPod.get();
      Map<String, String> nsLabels = namespaces.containsKey(other.namespace())
          ? namespaces.get(other.namespace()).labels() : Namespace.of(other.namespace(), Map.of()).labels();
      boolean nsOk = p.namespaceSelector().map(s -> s.matches(nsLabels))
          .orElse(other.namespace().equals(pol.namespace()));
      boolean podOk = p.podSelector().map(s -> s.matches(other.labels())).orElse(true);
      if (nsOk && !podOk) {
        LabelSelector sel = p.podSelector().get();
        String matched = p.namespaceSelector().isPresent() ? "namespaceSelector" : "namespace " + pol.namespace();
        return Optional.of(new String[] {at + ".podSelector", "the peer " + at + " of " + pol.key() + " matched "
            + matched + " but not podSelector " + sel + ": the " + peerWord + " " + other.key() + " has labels "
            + labels(other.labels()) + "; change the selector or the pod's labels"});
      }
      if (!nsOk && podOk) {
        if (p.namespaceSelector().isEmpty()) {
          return Optional.of(new String[] {at, "the peer " + at + " of " + pol.key()
              + " has a podSelector alone, which selects pods of namespace " + pol.namespace() + " only, and the "
              + peerWord + " " + other.key() + " is in " + other.namespace() + "; add namespaceSelector {matchLabels: {"
              + Namespace.NAME_LABEL + ": " + other.namespace() + "}} to " + at});
        }
        return Optional.of(new String[] {at + ".namespaceSelector", "the peer " + at + " of " + pol.key()
            + " matched podSelector but not namespaceSelector " + p.namespaceSelector().get() + ": namespace "
            + other.namespace() + " has labels " + labels(nsLabels) + "; change the selector or the namespace's labels"});
      }
    }
    return Optional.empty();
  }

  private Optional<NetworkPolicy> find(PolicyRef ref) {
    for (NetworkPolicy p : this.ref.cluster().policies()) {
      if (p.key().equals(ref.key()) && p.position().equals(ref.position())) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
