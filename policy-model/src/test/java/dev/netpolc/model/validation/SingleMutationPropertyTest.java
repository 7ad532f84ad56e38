package dev.netpolc.model.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Generated valid policies validate clean; after ONE random mutation into an invalid value the
 * validator reports exactly that field path, with the right rule id, and nothing else.
 */
class SingleMutationPropertyTest {
  private static final Validator VALIDATOR = new Validator(ValidationOptions.DEFAULT);

  /** A policy and the one finding (id and path) it must produce; id empty for a valid policy. */
  record Case(NetworkPolicy policy, String id, String path) {
    String expected() {
      return id.isEmpty() ? "" : id + " " + path;
    }

    @Override
    public String toString() {
      return (id.isEmpty() ? "valid" : expected()) + " in " + policy;
    }
  }

  @Test
  void validPoliciesHaveNoFindings() {
    qt().withExamples(400).withShrinkCycles(50).forAll(gen(false)).checkAssert(c ->
        assertThat(VALIDATOR.validate(c.policy())).isEmpty());
  }

  @Test
  void oneMutationGivesExactlyItsFinding() {
    qt().withExamples(1500).withShrinkCycles(50).forAll(gen(true)).checkAssert(c -> {
      List<String> found = VALIDATOR.validate(c.policy()).stream().map(d -> d.ruleId() + " " + d.path())
          .distinct().collect(Collectors.toList());
      assertThat(found).containsExactly(c.expected());
    });
  }

  private static Gen<Case> gen(boolean mutate) {
    return in -> new Builder(new Draw(in)).build(mutate);
  }

  /** Draws small values from the randomness source, so that QuickTheories can shrink them. */
  private static final class Draw {
    private final RandomnessSource in;

    Draw(RandomnessSource in) {
      this.in = in;
    }

    int between(int lo, int hi) {
      return (int) in.next(Constraint.between(lo, hi));
    }

    boolean coin() {
      return between(0, 1) == 1;
    }

    <T> T pick(List<T> options) {
      return options.get(between(0, options.size() - 1));
    }
  }

  /** Builds one policy with mutable rule lists, applies at most one mutation, then freezes it. */
  private static final class Builder {
    private static final List<String> KEYS = List.of("app", "tier", "example.com/team", "k8s-app", "a_b.c-d");
    private static final List<String> VALUES = List.of("web", "db", "", "v1.2", "A-z_0");
    private static final List<String> PORT_NAMES = List.of("http", "dns-tcp", "a", "metrics9", "abcdefghijklmno");

    private final Draw d;
    private String name;
    private LabelSelector podSelector;
    private final List<String> policyTypes = new ArrayList<>();
    private final List<List<List<Peer>>> rulePeers = new ArrayList<>();
    private final List<List<List<PolicyPort>>> rulePorts = new ArrayList<>();

    Builder(Draw d) {
      this.d = d;
      this.name = d.pick(List.of("web", "allow-dns", "x.y-z", "p1"));
      this.podSelector = selector();
      for (int dir = 0; dir < 2; dir++) {
        List<List<Peer>> ps = new ArrayList<>();
        List<List<PolicyPort>> pts = new ArrayList<>();
        int n = d.between(0, 2);
        for (int i = 0; i < n; i++) {
          List<Peer> rp = new ArrayList<>();
          for (int j = d.between(0, 2); j > 0; j--) {
            rp.add(peer());
          }
          List<PolicyPort> rpt = new ArrayList<>();
          for (int j = d.between(0, 2); j > 0; j--) {
            rpt.add(port());
          }
          ps.add(rp);
          pts.add(rpt);
        }
        rulePeers.add(ps);
        rulePorts.add(pts);
      }
      boolean hasIngress = !rulePeers.get(0).isEmpty();
      boolean hasEgress = !rulePeers.get(1).isEmpty();
      if (d.coin() || !hasEgress && !hasIngress && d.coin()) {
        if (hasIngress || d.coin() || !hasEgress) {
          policyTypes.add("Ingress");
        }
        if (hasEgress || d.coin()) {
          policyTypes.add("Egress");
        }
      }
    }

    private Map<String, String> labels() {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = d.between(0, 2); i > 0; i--) {
        m.put(d.pick(KEYS), d.pick(VALUES));
      }
      return m;
    }

    private LabelSelector selector() {
      List<LabelSelectorRequirement> exprs = new ArrayList<>();
      for (int i = d.between(0, 1); i > 0; i--) {
        LabelSelectorRequirement.Operator op = d.pick(List.of(LabelSelectorRequirement.Operator.values()));
        boolean needsValues = op == LabelSelectorRequirement.Operator.In || op == LabelSelectorRequirement.Operator.NotIn;
        exprs.add(new LabelSelectorRequirement(d.pick(KEYS), op.name(),
            needsValues ? List.of(d.pick(VALUES), d.pick(VALUES)) : List.of()));
      }
      return new LabelSelector(labels(), exprs);
    }

    private Peer peer() {
      switch (d.between(0, 3)) {
        case 0:
          return Peer.pods(selector());
        case 1:
          return Peer.namespaces(selector());
        case 2:
          return new Peer(Optional.of(selector()), Optional.of(selector()), Optional.empty());
        default:
          return Peer.ipBlock(block());
      }
    }

    private IpBlock block() {
      switch (d.between(0, 3)) {
        case 0:
          return new IpBlock("10.0.0.0/8", d.coin() ? List.of("10." + d.between(0, 255) + ".0.0/16") : List.of());
        case 1:
          return new IpBlock("0.0.0.0/0", d.coin() ? List.of("192.168.0.0/16", "172.16.0.0/12") : List.of());
        case 2:
          return new IpBlock("fd00::/8", d.coin() ? List.of("fd00::/64") : List.of());
        default:
          return new IpBlock("192.0.2." + d.between(0, 255) + "/32", List.of());
      }
    }

    private PolicyPort port() {
      Optional<String> protocol = d.coin() ? Optional.of(d.pick(List.of("TCP", "UDP", "SCTP"))) : Optional.empty();
      if (d.between(0, 3) == 0) {
        return new PolicyPort(protocol, Optional.of(PortValue.named(d.pick(PORT_NAMES))), Optional.empty());
      }
      if (d.between(0, 4) == 0) {
        return new PolicyPort(protocol, Optional.empty(), Optional.empty());
      }
      int number = d.between(1, 65535);
      Optional<Integer> end = d.coin() ? Optional.of(d.between(number, 65535)) : Optional.empty();
      return new PolicyPort(protocol, Optional.of(PortValue.of(number)), end);
    }

    Case build(boolean mutate) {
      String[] found = mutate ? mutate() : new String[] {"", ""};
      List<List<PolicyRule>> rules = new ArrayList<>();
      for (int dir = 0; dir < 2; dir++) {
        List<PolicyRule> rs = new ArrayList<>();
        for (int i = 0; i < rulePeers.get(dir).size(); i++) {
          rs.add(new PolicyRule(rulePeers.get(dir).get(i), rulePorts.get(dir).get(i)));
        }
        rules.add(rs);
      }
      NetworkPolicy p = NetworkPolicy.of("shop", name, podSelector, policyTypes, rules.get(0), rules.get(1));
      return new Case(p, found[0], found[1]);
    }

    /** A direction the policy isolates (so new rules there raise no NP106), with at least one rule. */
    private int direction() {
      List<Integer> open = new ArrayList<>();
      if (policyTypes.isEmpty() || policyTypes.contains("Ingress")) {
        open.add(0);
      }
      if (policyTypes.contains("Egress") || policyTypes.isEmpty() && !rulePeers.get(1).isEmpty()) {
        open.add(1);
      }
      int dir = d.pick(open);
      if (rulePeers.get(dir).isEmpty()) {
        rulePeers.get(dir).add(new ArrayList<>());
        rulePorts.get(dir).add(new ArrayList<>());
      }
      return dir;
    }

    private static String dirPath(int dir) {
      return dir == 0 ? "spec.ingress" : "spec.egress";
    }

    /** Puts {@code value} at a random index of {@code list} (replacing or appending); answers the index. */
    private <T> int place(List<T> list, T value) {
      int i = d.between(0, list.size());
      if (i == list.size()) {
        list.add(value);
      } else {
        list.set(i, value);
      }
      return i;
    }

    private String peerPath(int dir, int rule, int peer) {
      return dirPath(dir) + "[" + rule + "]." + (dir == 0 ? "from" : "to") + "[" + peer + "]";
    }

    private String[] mutate() {
      int kind = d.between(0, 13);
      if (kind <= 5) {
        int dir = direction();
        int r = d.between(0, rulePeers.get(dir).size() - 1);
        List<Peer> ps = rulePeers.get(dir).get(r);
        switch (kind) {
          case 0: {
            String bad = d.pick(List.of("10.0.0.0/33", "10.0.0.300/8", "bogus", "10.0.0.0", "::g/64", "1.2.3.4/-1", ""));
            int j = place(ps, Peer.ipBlock(new IpBlock(bad, List.of())));
            return new String[] {"NP101", peerPath(dir, r, j) + ".ipBlock.cidr"};
          }
          case 1: {
            List<String> except = new ArrayList<>(List.of("10.0.1.0/24", "10.0.2.0/24"));
            int k = place(except, d.pick(List.of("10.1.0.0/24", "10.0.0.0/16", "10.0.0.0/8", "fd00::/64", "x")));
            int j = place(ps, Peer.ipBlock(new IpBlock("10.0.0.0/16", except)));
            return new String[] {"NP101", peerPath(dir, r, j) + ".ipBlock.except[" + k + "]"};
          }
          case 2: {
            Peer both = new Peer(Optional.of(LabelSelector.EVERYTHING), d.coin() ? Optional.of(LabelSelector.EVERYTHING)
                : Optional.empty(), Optional.of(new IpBlock("10.0.0.0/8", List.of())));
            int j = place(ps, both);
            return new String[] {"NP102", peerPath(dir, r, j)};
          }
          case 3: {
            int j = place(ps, new Peer(Optional.empty(), Optional.empty(), Optional.empty()));
            return new String[] {"NP103", peerPath(dir, r, j)};
          }
          case 4: {
            String bad = d.pick(List.of("-a", "a/b/c", "/a", "x".repeat(64), "a b", "Example.com/x"));
            int j = place(ps, Peer.pods(LabelSelector.ofLabels(Map.of(bad, "v"))));
            return new String[] {"NP105", peerPath(dir, r, j) + ".podSelector.matchLabels"};
          }
          default: {
            String[] opAndField = d.pick(List.of(new String[] {"In", "values"}, new String[] {"NotIn", "values"},
                new String[] {"Exists", "values"}, new String[] {"DoesNotExist", "values"},
                new String[] {"in", "operator"}, new String[] {"Equals", "operator"}));
            boolean withValues = opAndField[0].endsWith("Exist") || opAndField[0].equals("Exists");
            LabelSelectorRequirement req = new LabelSelectorRequirement("app", opAndField[0],
                withValues || opAndField[1].equals("operator") ? List.of("web") : List.of());
            int j = place(ps, Peer.namespaces(new LabelSelector(Map.of(), List.of(req))));
            return new String[] {"NP105", peerPath(dir, r, j) + ".namespaceSelector.matchExpressions[0]."
                + opAndField[1]};
          }
        }
      }
      if (kind <= 10) {
        int dir = direction();
        int r = d.between(0, rulePorts.get(dir).size() - 1);
        List<PolicyPort> pts = rulePorts.get(dir).get(r);
        String at = dirPath(dir) + "[" + r + "].ports[";
        switch (kind) {
          case 6: {
            int n = d.between(2, 65535);
            int k = place(pts, new PolicyPort(Optional.empty(), Optional.of(PortValue.of(n)),
                Optional.of(d.between(1, n - 1))));
            return new String[] {"NP104", at + k + "].endPort"};
          }
          case 7: {
            PolicyPort bad = d.coin() ? new PolicyPort(Optional.empty(), Optional.empty(), Optional.of(d.between(1, 65535)))
                : new PolicyPort(Optional.empty(), Optional.of(PortValue.named(d.pick(PORT_NAMES))),
                    Optional.of(d.between(1, 65535)));
            int k = place(pts, bad);
            return new String[] {"NP104", at + k + "].endPort"};
          }
          case 8: {
            int n = d.coin() ? d.between(-5, 0) : d.between(65536, 200000);
            int k = place(pts, new PolicyPort(Optional.empty(), Optional.of(PortValue.of(n)), Optional.empty()));
            return new String[] {"NP108", at + k + "].port"};
          }
          case 9: {
            String bad = d.pick(List.of("80", "HTTP", "a--b", "-ab", "ab-", "toolongportname16", "a_b", ""));
            int k = place(pts, new PolicyPort(Optional.empty(), Optional.of(PortValue.named(bad)), Optional.empty()));
            return new String[] {"NP108", at + k + "].port"};
          }
          default: {
            String bad = d.pick(List.of("tcp", "ICMP", "", "Tcp", "udp "));
            int k = place(pts, new PolicyPort(Optional.of(bad), Optional.of(PortValue.of(53)), Optional.empty()));
            return new String[] {"NP108", at + k + "].protocol"};
          }
        }
      }
      if (kind <= 12) {
        if (policyTypes.isEmpty()) { // write the defaulted types out first: that changes nothing
          policyTypes.add("Ingress");
          if (!rulePeers.get(1).isEmpty()) {
            policyTypes.add("Egress");
          }
        }
        if (policyTypes.size() == 2) {
          policyTypes.add(d.pick(List.of("Ingress", "Egress")));
          return new String[] {"NP110", "spec.policyTypes"};
        }
        policyTypes.add(d.pick(List.of("ingress", "Foo", "", "EGRESS")));
        return new String[] {"NP110", "spec.policyTypes[1]"};
      }
      if (kind == 13 && d.coin()) {
        name = d.pick(List.of("Web", "web_1", "-web", "web.", "x".repeat(254)));
        return new String[] {"NP109", "metadata.name"};
      }
      String bad = d.pick(List.of("a b", "-a", "x".repeat(64), "a/"));
      podSelector = LabelSelector.ofLabels(Map.of("app", bad));
      return new String[] {"NP105", "spec.podSelector.matchLabels"};
    }
  }
}
