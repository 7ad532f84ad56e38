package dev.netpolc.compiler.convert;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.LabelSelectorRequirement.Operator;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.NamespacedPods;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.RuleAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where Cilium's "a deny wins over every allow" differs from a tier's "the first match wins": an
 * Accept rule of a ClusterNetworkPolicy and a Deny rule at a later position (a later policy of
 * the tier order, Admin before Baseline, or a later rule of the same policy), in the same
 * direction. Written as a Cilium allow and a Cilium deny, every connection both match is allowed
 * by the source and denied by Cilium.
 *
 * <p>Decided syntactically, for every pod, never from today's inventory: a Deny <em>covers</em>
 * an Accept when its subject, its peers and its ports each contain the Accept's (selectors by
 * requirements: a selector whose every requirement is implied by the other's contains it, so
 * {@code {}} contains every selector; CIDRs by containment, {@code 0.0.0.0/0} with {@code ::/0}
 * containing every peer; no protocols containing every port). The pair is <em>disjoint</em> when
 * the ports are (other protocols or ranges, named ports never), both peers are CIDRs that do not
 * overlap, or the subjects or the selectors of a peer pair contradict on one key ({@code In [a]}
 * against {@code In [b]}, {@code Exists} against {@code DoesNotExist}, ...). Anything else may
 * overlap, depending on which pods exist. Rules that match nothing (no peers, {@code protocols:
 * []}), Accepts that an earlier Deny already covers and Pass rules are left out, and so is a later
 * Deny whose overlap with the Accept an earlier Deny covers (the source denies it first, too).
 */
final class DenyWinsCheck {
  private DenyWinsCheck() {}

  /**
   * One rule of a converted policy.
   *
   * @param object the policy
   * @param path   the rule's field path ({@code spec.egress[1]})
   */
  record RuleAt(ConvertedObject.ClusterPolicyObject object, String path) {
    /** The rule's name for a reader: {@code ClusterNetworkPolicy/NAME rule PATH}. */
    String display() {
      return object.kind() + "/" + object.name() + " rule " + path;
    }
  }

  /**
   * An Accept rule and a later Deny rule that Cilium would let override it.
   *
   * @param accept  the Accept
   * @param deny    the first later Deny found
   * @param covered the Deny matches every connection the Accept matches, for every pod; else they
   *                only may overlap
   */
  record Override(RuleAt accept, RuleAt deny, boolean covered) {}

  /**
   * For each Accept rule of {@code objects} that a later Deny covers or may overlap, one
   * {@link Override}: the first covering Deny when there is one, else the first overlapping one.
   * Cost: rules × rules per direction.
   */
  static List<Override> find(List<ConvertedObject.ClusterPolicyObject> objects) {
    List<ConvertedObject.ClusterPolicyObject> ordered = new ArrayList<>(objects);
    ordered.sort(Comparator.comparing((ConvertedObject.ClusterPolicyObject o) ->
        o.policy().parsedTier().orElse(PolicyTier.ADMIN)).thenComparing(o -> o.policy(), ClusterNetworkPolicy.ORDER));
    List<Override> out = new ArrayList<>();
    for (boolean in : new boolean[] {true, false}) {
      List<Shape> rules = new ArrayList<>();
      for (ConvertedObject.ClusterPolicyObject o : ordered) {
        List<ClusterPolicyRule> rs = o.policy().rules(in);
        for (int i = 0; i < rs.size(); i++) {
          Shape.of(o, (in ? "spec.ingress[" : "spec.egress[") + i + "]", rs.get(i)).ifPresent(rules::add);
        }
      }
      for (int a = 0; a < rules.size(); a++) {
        Shape accept = rules.get(a);
        if (accept.action != RuleAction.ACCEPT || deadAfterEarlierDeny(rules, a)) {
          continue;
        }
        Override found = null;
        for (int d = a + 1; d < rules.size() && (found == null || !found.covered()); d++) {
          Shape deny = rules.get(d);
          if (deny.action != RuleAction.DENY || decidedEarlier(rules, a, deny)) {
            continue;
          }
          if (deny.covers(accept)) {
            found = new Override(accept.at, deny.at, true);
          } else if (found == null && !deny.disjoint(accept)) {
            found = new Override(accept.at, deny.at, false);
          }
        }
        if (found != null) {
          out.add(found);
        }
      }
    }
    return out;
  }

  /**
   * True when a Deny before {@code rules[a]} covers every connection that it and {@code deny} both
   * match (in each of subject, peers and ports it contains one of theirs): the source denies those
   * before the Accept is reached, as Cilium does. (An Accept before that Deny is checked on its own.)
   */
  private static boolean decidedEarlier(List<Shape> rules, int a, Shape deny) {
    Shape accept = rules.get(a);
    for (int e = 0; e < a; e++) {
      Shape earlier = rules.get(e);
      if (earlier.action == RuleAction.DENY && earlier.coversEither(accept, deny)) {
        return true;
      }
    }
    return false;
  }

  /** True when a Deny before {@code rules[a]} covers it: it decides nothing, in the source or in Cilium. */
  private static boolean deadAfterEarlierDeny(List<Shape> rules, int a) {
    for (int d = 0; d < a; d++) {
      if (rules.get(d).action == RuleAction.DENY && rules.get(d).covers(rules.get(a))) {
        return true;
      }
    }
    return false;
  }

  /** Pods: a namespace selector and a pod selector. */
  private record Pods(LabelSelector namespaces, LabelSelector pods) {
    static Pods of(NamespacedPods p) {
      return new Pods(p.namespaceSelector(), p.podSelector());
    }

    boolean contains(Pods o) {
      return Selectors.contains(namespaces, o.namespaces) && Selectors.contains(pods, o.pods);
    }

    boolean contradicts(Pods o) {
      return Selectors.contradict(namespaces, o.namespaces) || Selectors.contradict(pods, o.pods);
    }
  }

  /** One peer a rule matches; a {@code networks} peer is one atom per CIDR. */
  private sealed interface Atom permits PodAtom, NodeAtom, CidrAtom, OtherAtom {}

  private record PodAtom(Pods pods) implements Atom {}

  private record NodeAtom(LabelSelector nodes) implements Atom {}

  private record CidrAtom(Cidr cidr) implements Atom {}

  /** A peer not reasoned about (domain names, a CIDR that does not parse): never covered, never disjoint. */
  private record OtherAtom() implements Atom {}

  /** One port entry: a protocol's range, or a named port (any protocol). */
  private record PortAtom(String protocol, int start, int end, Optional<String> name) {
    boolean contains(PortAtom o) {
      if (name.isPresent() || o.name.isPresent()) {
        return name.equals(o.name);
      }
      return protocol.equals(o.protocol) && start <= o.start && o.end <= end;
    }

    boolean disjoint(PortAtom o) {
      if (name.isPresent() || o.name.isPresent()) {
        return false; // a name resolves per pod, to any number
      }
      return !protocol.equals(o.protocol) || end < o.start || o.end < start;
    }
  }

  /** A rule reduced to what the check compares. */
  private static final class Shape {
    final RuleAt at;
    final RuleAction action;
    final Pods subject;
    final List<Atom> peers;
    /** Empty: every protocol and port. */
    final Optional<List<PortAtom>> ports;

    private Shape(RuleAt at, RuleAction action, Pods subject, List<Atom> peers, Optional<List<PortAtom>> ports) {
      this.at = at;
      this.action = action;
      this.subject = subject;
      this.peers = peers;
      this.ports = ports;
    }

    /** The rule's shape; empty for a Pass rule and for a rule that matches nothing. */
    static Optional<Shape> of(ConvertedObject.ClusterPolicyObject o, String path, ClusterPolicyRule r) {
      RuleAction action = r.parsedAction().orElse(RuleAction.PASS);
      if (action == RuleAction.PASS || r.peers().isEmpty()) {
        return Optional.empty();
      }
      ClusterPolicySubject s = o.policy().subject();
      Pods subject = s.namespaces().isPresent() ? new Pods(s.namespaces().get(), LabelSelector.EVERYTHING)
          : Pods.of(s.pods().orElseThrow());
      List<Atom> peers = new ArrayList<>();
      for (ClusterPolicyPeer p : r.peers()) {
        if (p.namespaces().isPresent()) {
          peers.add(new PodAtom(new Pods(p.namespaces().get(), LabelSelector.EVERYTHING)));
        } else if (p.pods().isPresent()) {
          peers.add(new PodAtom(Pods.of(p.pods().get())));
        } else if (p.nodes().isPresent()) {
          peers.add(new NodeAtom(p.nodes().get()));
        } else if (p.networks().isPresent()) {
          for (String n : p.networks().get()) {
            peers.add(Cidr.parse(n).<Atom>map(c -> new CidrAtom(c.cidr())).orElse(new OtherAtom()));
          }
        } else {
          peers.add(new OtherAtom());
        }
      }
      Optional<List<PortAtom>> ports = Optional.empty();
      if (r.protocols().isPresent()) {
        List<PortAtom> list = new ArrayList<>();
        for (ClusterPolicyProtocol p : r.protocols().get()) {
          if (p.destinationNamedPort().isPresent()) {
            list.add(new PortAtom("", 0, 0, p.destinationNamedPort()));
            continue;
          }
          String proto = p.tcp().isPresent() ? "TCP" : p.udp().isPresent() ? "UDP" : "SCTP";
          DestinationPort d = p.tcp().or(p::udp).or(p::sctp).orElse(DestinationPort.ANY);
          int start = d.number().or(() -> d.range().map(x -> x.start())).orElse(0);
          int end = d.number().or(() -> d.range().map(x -> x.end())).orElse(65535);
          list.add(new PortAtom(proto, start, end, Optional.empty()));
        }
        if (list.isEmpty()) {
          return Optional.empty(); // protocols: [] matches nothing
        }
        ports = Optional.of(list);
      }
      return Optional.of(new Shape(new RuleAt(o, path), action, subject, peers, ports));
    }

    /** True when this rule matches every connection {@code o} matches, for every pod. */
    boolean covers(Shape o) {
      return subject.contains(o.subject) && o.peers.stream().allMatch(this::coversPeer) && coversPorts(o);
    }

    /** True when this rule matches every connection both {@code x} and {@code y} match (componentwise). */
    boolean coversEither(Shape x, Shape y) {
      return (subject.contains(x.subject) || subject.contains(y.subject))
          && (x.peers.stream().allMatch(this::coversPeer) || y.peers.stream().allMatch(this::coversPeer))
          && (coversPorts(x) || coversPorts(y));
    }

    private boolean coversPeer(Atom a) {
      if (everyAddress()) {
        return !(a instanceof OtherAtom);
      }
      for (Atom mine : peers) {
        if (mine instanceof PodAtom m && a instanceof PodAtom p && m.pods().contains(p.pods())) {
          return true;
        }
        if (mine instanceof NodeAtom m && a instanceof NodeAtom n && Selectors.contains(m.nodes(), n.nodes())) {
          return true;
        }
        if (mine instanceof CidrAtom m && a instanceof CidrAtom c && m.cidr().v6() == c.cidr().v6()
            && m.cidr().contains(c.cidr())) {
          return true;
        }
      }
      return false;
    }

    /** Both {@code 0.0.0.0/0} and {@code ::/0}: every pod, node and outside address. */
    private boolean everyAddress() {
      boolean v4 = false;
      boolean v6 = false;
      for (Atom a : peers) {
        if (a instanceof CidrAtom c && c.cidr().prefix() == 0) {
          v4 |= !c.cidr().v6();
          v6 |= c.cidr().v6();
        }
      }
      return v4 && v6;
    }

    private boolean coversPorts(Shape o) {
      if (ports.isEmpty()) {
        return true;
      }
      if (o.ports.isEmpty()) {
        return false;
      }
      return o.ports.get().stream().allMatch(p -> ports.get().stream().anyMatch(mine -> mine.contains(p)));
    }

    /** True when no connection, to or from any pod, matches both rules. */
    boolean disjoint(Shape o) {
      if (subject.contradicts(o.subject)) {
        return true;
      }
      if (ports.isPresent() && o.ports.isPresent() && ports.get().stream()
          .allMatch(p -> o.ports.get().stream().allMatch(p::disjoint))) {
        return true;
      }
      return peers.stream().allMatch(p -> o.peers.stream().allMatch(q -> disjoint(p, q)));
    }

    private static boolean disjoint(Atom a, Atom b) {
      if (a instanceof CidrAtom x && b instanceof CidrAtom y) {
        return x.cidr().v6() != y.cidr().v6() || !(x.cidr().contains(y.cidr()) || y.cidr().contains(x.cidr()));
      }
      if (a instanceof PodAtom x && b instanceof PodAtom y) {
        return x.pods().contradicts(y.pods());
      }
      if (a instanceof NodeAtom x && b instanceof NodeAtom y) {
        return Selectors.contradict(x.nodes(), y.nodes());
      }
      return false; // CIDRs match pods and nodes; pods may run on the host network
    }
  }

  /** Containment and contradiction of label selectors, from their requirements alone. */
  static final class Selectors {
    private Selectors() {}

    /** True when every labels {@code inner} matches, {@code outer} matches too. */
    static boolean contains(LabelSelector outer, LabelSelector inner) {
      List<LabelSelectorRequirement> in = requirements(inner);
      return requirements(outer).stream().allMatch(o -> in.stream().anyMatch(i -> implies(i, o)));
    }

    /** True when no labels match both. */
    static boolean contradict(LabelSelector a, LabelSelector b) {
      List<LabelSelectorRequirement> rb = requirements(b);
      return requirements(a).stream().anyMatch(x -> rb.stream().anyMatch(y -> incompatible(x, y)));
    }

    private static List<LabelSelectorRequirement> requirements(LabelSelector s) {
      List<LabelSelectorRequirement> out = new ArrayList<>();
      for (Map.Entry<String, String> e : s.matchLabels().entrySet()) {
        out.add(LabelSelectorRequirement.of(e.getKey(), Operator.In, e.getValue()));
      }
      out.addAll(s.matchExpressions());
      return out;
    }

    /** True when every labels satisfying {@code i} satisfy {@code o}. */
    private static boolean implies(LabelSelectorRequirement i, LabelSelectorRequirement o) {
      if (!i.key().equals(o.key()) || i.op() == null || o.op() == null) {
        return false;
      }
      Set<String> iv = new HashSet<>(i.values());
      Set<String> ov = new HashSet<>(o.values());
      return switch (i.op()) {
        case In -> switch (o.op()) {
          case In -> ov.containsAll(iv);
          case NotIn -> iv.stream().noneMatch(ov::contains);
          case Exists -> true;
          case DoesNotExist -> false;
        };
        case NotIn -> o.op() == Operator.NotIn && iv.containsAll(ov);
        case Exists -> o.op() == Operator.Exists;
        case DoesNotExist -> o.op() == Operator.DoesNotExist || o.op() == Operator.NotIn;
      };
    }

    /** True when no labels satisfy both (same key, conflicting operators or values). */
    private static boolean incompatible(LabelSelectorRequirement a, LabelSelectorRequirement b) {
      if (!a.key().equals(b.key()) || a.op() == null || b.op() == null) {
        return false;
      }
      if (b.op() == Operator.In && a.op() != Operator.In) {
        return incompatible(b, a);
      }
      if (b.op() == Operator.Exists && a.op() == Operator.DoesNotExist) {
        return true;
      }
      if (a.op() == Operator.Exists && b.op() == Operator.DoesNotExist) {
        return true;
      }
      if (a.op() != Operator.In) {
        return false;
      }
      Set<String> av = new HashSet<>(a.values());
      return switch (b.op()) {
        case In -> b.values().stream().noneMatch(av::contains);
        case NotIn -> b.values().containsAll(av);
        case DoesNotExist -> true;
        case Exists -> av.isEmpty();
      };
    }
  }
}
