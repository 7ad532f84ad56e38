package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.model.calico.CalicoKind;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoProtocol;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.IcmpMatch;
import dev.netpolc.model.calico.ServiceAccountMatch;
import dev.netpolc.model.calico.ServiceMatch;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.SourceMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/**
 * Reading a generated Calico policy printed as YAML (in varied quoting and collection styles)
 * gives the same record back, on both parser paths; and every recorded position points at the
 * text of its field.
 */
class CalicoReadPropertyTest {
  private static final String[] NAMES = {"p", "allow-dns", "security.guard", "knp.default.x", "a-1"};
  private static final String[] NAMESPACES = {"default", "shop", "kube-system"};
  private static final String[] TIERS = {"default", "security", "platform-2"};
  private static final double[] ORDERS = {0, 5, 100.5, -3, 1_000_000, 0.25};
  private static final String[] SELECTORS = {"all()", "app == 'web'", "has(x) && !has(y)", "role in {'a', 'b'}",
      "k starts with \"it's\"", "a == 'say \"hi\"'", "(a == 'x' || b != 'y')", "global()", "t ends with 'é'",
      "!(a contains 'b')", "x not in {'1', ''}"};
  private static final String[] ACTIONS = {"Allow", "Deny", "Log", "Pass", "allow"};
  private static final String[] PROTOCOLS = {"TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite", "tcp"};
  private static final String[] NETS = {"10.0.0.0/8", "fd00::/64", "0.0.0.0/0", "10.0.0.1/8", "nonsense"};
  private static final String[] PORTS = {"80", "8000:8080", "http", "0", "70000", "9:1", "dns-tcp"};
  private static final String[] SA_NAMES = {"default", "web", "it's"};
  private static final List<List<String>> TYPES = List.of(List.of(), List.of("Ingress"), List.of("Egress"),
      List.of("Ingress", "Egress"), List.of("Egress", "Ingress"));

  @Test
  void readingThePrintedPolicyGivesItBack() {
    qt().withExamples(400).forAll(policies(), longs().all()).checkAssert((p, style) -> {
      String yaml = CalicoRecords.print(p, style);
      for (boolean fast : new boolean[] {true, false}) {
        ReadResult r = new PolicyReader(ReaderLimits.DEFAULTS, fast).readString("p.yaml", yaml);
        assertThat(r.errors()).as(yaml).isEmpty();
        assertThat(r.cluster().calico().policies()).as(yaml).hasSize(1);
        CalicoPolicy read = r.cluster().calico().policies().get(0);
        assertThat(CalicoRecords.strip(read)).as(yaml).isEqualTo(p);
        String[] lines = yaml.split("\n", -1);
        read.source().all().forEach((path, pos) -> {
          // A scalar's position is its first character, a mapping's or list's its key: never blank.
          String line = lines[pos.line() - 1];
          assertThat(pos.column()).as(path + " in\n" + yaml).isBetween(1, line.length());
          assertThat(line.charAt(pos.column() - 1)).as(path + " in\n" + yaml).isNotIn(' ', '\t');
        });
      }
    });
  }

  static Gen<CalicoPolicy> policies() {
    return CalicoReadPropertyTest::policy;
  }

  private static CalicoPolicy policy(RandomnessSource in) {
    CalicoKind kind = CalicoKind.values()[pick(in, 0, 3)];
    boolean global = !kind.namespaced();
    List<CalicoRule> ingress = rules(in);
    List<CalicoRule> egress = rules(in);
    return new CalicoPolicy(kind, global ? "" : of(in, NAMESPACES), of(in, NAMES), of(in, TIERS),
        pick(in, 0, 2) == 0 ? OptionalDouble.empty() : OptionalDouble.of(ORDERS[pick(in, 0, ORDERS.length - 1)]),
        selector(in), global ? optSelector(in) : Optional.empty(), optSelector(in), TYPES.get(pick(in, 0, 4)),
        ingress, egress, global && pick(in, 0, 5) == 0, global && pick(in, 0, 5) == 0, global && pick(in, 0, 5) == 0,
        SourceMap.EMPTY, Set.of());
  }

  private static List<CalicoRule> rules(RandomnessSource in) {
    List<CalicoRule> out = new ArrayList<>();
    for (int n = pick(in, 0, 3); n > 0; n--) {
      out.add(new CalicoRule(of(in, ACTIONS),
          pick(in, 0, 2) == 0 ? OptionalInt.of(new int[] {4, 6, 5}[pick(in, 0, 2)]) : OptionalInt.empty(),
          protocol(in), protocol(in), icmp(in), icmp(in), entity(in), entity(in), false));
    }
    return out;
  }

  private static Optional<CalicoProtocol> protocol(RandomnessSource in) {
    return switch (pick(in, 0, 3)) {
      case 0 -> Optional.of(CalicoProtocol.named(of(in, PROTOCOLS)));
      case 1 -> Optional.of(CalicoProtocol.number(new int[] {1, 6, 58, 255, 300}[pick(in, 0, 4)]));
      default -> Optional.empty();
    };
  }

  private static Optional<IcmpMatch> icmp(RandomnessSource in) {
    if (pick(in, 0, 2) != 0) {
      return Optional.empty();
    }
    return Optional.of(new IcmpMatch(pick(in, 0, 1) == 0 ? OptionalInt.of(pick(in, 0, 300)) : OptionalInt.empty(),
        pick(in, 0, 1) == 0 ? OptionalInt.of(pick(in, 0, 300)) : OptionalInt.empty()));
  }

  private static EntityRule entity(RandomnessSource in) {
    if (pick(in, 0, 2) == 0) {
      return EntityRule.ANY;
    }
    return new EntityRule(strings(in, NETS), strings(in, NETS), optSelector(in), optSelector(in), optSelector(in),
        pick(in, 0, 3) == 0 ? Optional.of(new ServiceAccountMatch(strings(in, SA_NAMES), optSelector(in)))
            : Optional.empty(),
        pick(in, 0, 3) == 0 ? Optional.of(new ServiceMatch(of(in, new String[] {"", "svc"}),
            of(in, new String[] {"", "ns"}))) : Optional.empty(),
        strings(in, PORTS).stream().map(CalicoPort::new).toList(),
        strings(in, PORTS).stream().map(CalicoPort::new).toList());
  }

  private static List<String> strings(RandomnessSource in, String[] pool) {
    List<String> out = new ArrayList<>();
    for (int n = pick(in, 0, 2); n > 0; n--) {
      out.add(of(in, pool));
    }
    return out;
  }

  private static CalicoSelector selector(RandomnessSource in) {
    return CalicoSelector.parse(of(in, SELECTORS));
  }

  private static Optional<CalicoSelector> optSelector(RandomnessSource in) {
    return pick(in, 0, 2) == 0 ? Optional.of(selector(in)) : Optional.empty();
  }

  private static String of(RandomnessSource in, String[] pool) {
    return pool[pick(in, 0, pool.length - 1)];
  }

  private static int pick(RandomnessSource in, int min, int max) {
    return integers().between(min, max).generate(in);
  }
}
