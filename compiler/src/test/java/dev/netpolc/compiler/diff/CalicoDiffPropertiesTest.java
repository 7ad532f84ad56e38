package dev.netpolc.compiler.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.BruteForce.Probe;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.Draw;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.validation.CalicoValidator;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The diff over rule graphs whose port sets tell ICMP types and codes and other protocols apart
 * (Calico rules: {@code icmp}/{@code notICMP}, protocol numbers, {@code notProtocol}), against the
 * reference evaluator pair by pair: every pod pair on every probe (ports, ICMP messages on both
 * sides of every reported range's edges, whole other protocols) is reported exactly when its
 * verdict changes, as newly allowed or newly denied.
 */
class CalicoDiffPropertiesTest {
  /** TCP/UDP/SCTP ports, ICMP echo/echo reply/unreachable codes, ICMPv6 echo, GRE, and protocol 0. */
  private static final List<Probe> FIXED = List.of(Probe.of(Protocol.TCP, 80), Probe.of(Protocol.TCP, 8080),
      Probe.of(Protocol.TCP, 9999), Probe.of(Protocol.UDP, 53), Probe.of(Protocol.SCTP, 81), new Probe(1, 0),
      new Probe(1, 8 * 256), new Probe(1, 8 * 256 + 1), new Probe(1, 3 * 256), new Probe(1, 3 * 256 + 1),
      new Probe(1, 65535), new Probe(58, 128 * 256), new Probe(58, 0), new Probe(47, 0), new Probe(0, 0),
      new Probe(50, 0));

  /** Rule templates ({@code %s} is the peer side: source for ingress, destination for egress). */
  private static final List<String> RULES = List.of(
      "- action: Allow\n",
      "- action: Allow\n  protocol: ICMP\n  icmp: {type: 8}\n",
      "- action: Deny\n  protocol: ICMP\n  icmp: {type: 8, code: 0}\n",
      "- action: Allow\n  protocol: ICMP\n  notICMP: {type: 3}\n",
      "- action: Deny\n  protocol: ICMP\n  icmp: {type: 3, code: 1}\n",
      "- action: Allow\n  protocol: 47\n",
      "- action: Deny\n  notProtocol: TCP\n",
      "- action: Allow\n  notProtocol: 47\n",
      "- action: Allow\n  protocol: ICMPv6\n  icmp: {type: 128}\n",
      "- action: Allow\n  protocol: TCP\n  destination: {ports: [80, '8000:8080']}\n",
      "- action: Pass\n  protocol: UDP\n",
      "- action: Deny\n  %s: {selector: app == 'web'}\n",
      "- action: Log\n  protocol: ICMP\n",
      "- action: Pass\n  protocol: ICMP\n  icmp: {type: 8}\n",
      "- action: Deny\n");
  private static final List<String> SELECTORS = List.of("all()", "has(app)", "app == 'web'", "env == 'prod'");

  /** One to three GlobalNetworkPolicies of the default tier over the generators' pod labels, as YAML. */
  static Gen<String> calicoPolicies() {
    return in -> {
      Draw d = Draw.of(in);
      StringBuilder sb = new StringBuilder();
      int n = d.between(1, 3);
      for (int i = 0; i < n; i++) {
        sb.append("---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g")
            .append(d.between(0, 5)).append(i).append("}\nspec:\n  order: ").append(d.between(1, 3) * 10)
            .append("\n  selector: ").append(d.pick(SELECTORS)).append('\n');
        for (String dir : List.of("ingress", "egress")) {
          int rules = d.between(0, 3);
          if (rules == 0) {
            continue;
          }
          sb.append("  ").append(dir).append(":\n");
          for (int r = 0; r < rules; r++) {
            String rule = d.pick(RULES).formatted(dir.equals("ingress") ? "source" : "destination");
            sb.append(rule.indent(2));
          }
        }
      }
      return sb.toString();
    };
  }

  private static CalicoResources read(String yaml) {
    ReadResult r = new PolicyReader().readString("calico.yaml", yaml);
    assertThat(r.errors()).as(yaml).isEmpty();
    assertThat(CalicoValidator.validate(r.cluster().calico())).as(yaml).isEmpty();
    return r.cluster().calico();
  }

  @Test
  void theDiffIsExactOverIcmpTypesAndOtherProtocols() {
    qt().withExamples(120).withShrinkCycles(100)
        .forAll(ClusterGen.clusters(), calicoPolicies(), calicoPolicies())
        .checkAssert((c, before, after) -> {
          Cluster old = c.withCalico(read(before));
          Cluster changed = c.withCalico(read(after));
          check(old, changed);
        });
  }

  @Test
  void addingOnePolicyIsExactAndIdenticalSidesHaveNoDiff() {
    qt().withExamples(80).withShrinkCycles(100)
        .forAll(ClusterGen.clusters(), calicoPolicies(), calicoPolicies())
        .checkAssert((c, base, extra) -> {
          Cluster old = c.withCalico(read(base));
          Cluster changed = c.withCalico(read(base + extra.replace("name: g", "name: extra-g")));
          check(old, changed);
          DiffResult same = PolicyDiff.compute(old, old, old, SemanticsOptions.DEFAULTS);
          assertThat(same.blocks(Change.NEWLY_ALLOWED)).isEmpty();
          assertThat(same.blocks(Change.NEWLY_DENIED)).isEmpty();
        });
  }

  @Test
  void portSpacesTellIcmpTypesAndProtocolsApartAndPrintThem() {
    PortSpace echo = PortSpace.of(Map.of(), Map.of(1, List.of(new PortRange(8 * 256, 8 * 256 + 255))), false);
    PortSpace gre = PortSpace.of(Map.of(), Map.of(47, List.of(PortRange.of(0))), false);
    assertThat(echo.contains(1, 8 * 256 + 3)).isTrue();
    assertThat(echo.contains(1, 0)).isFalse();
    assertThat(echo.contains(47, 0)).isFalse();
    assertThat(echo.toString()).isEqualTo("ICMP 8");
    assertThat(echo.union(gre).toString()).isEqualTo("ICMP 8; proto 47");
    PortSpace allButEcho = PortSpace.portlessOnly().minus(echo);
    assertThat(allButEcho.toString()).isEqualTo("ICMP 0-7, 9-255; other portless protocols");
    assertThat(allButEcho.contains(58, 0)).isTrue();
    assertThat(allButEcho.union(echo)).isEqualTo(PortSpace.portlessOnly());
    assertThat(PortSpace.portlessOnly().minus(PortSpace.portlessOnly().minus(gre)).toString()).isEqualTo("proto 47");
    PortSpace unreachable = PortSpace.of(Map.of(), Map.of(1, List.of(PortRange.of(3 * 256 + 1))), false);
    assertThat(unreachable.toString()).isEqualTo("ICMP 3/1");
    assertThat(PortSpace.portlessOnly().minus(PortSpace.portlessOnly()).isEmpty()).isTrue();
  }

  private static void check(Cluster old, Cluster changed) {
    DiffResult r = PolicyDiff.compute(old, old, changed, SemanticsOptions.DEFAULTS);
    ReferenceEvaluator before = new ReferenceEvaluator(old, SemanticsOptions.DEFAULTS);
    ReferenceEvaluator after = new ReferenceEvaluator(changed, SemanticsOptions.DEFAULTS);
    List<Probe> probes = new ArrayList<>(FIXED);
    BruteForce.addEdges(r, probes);
    for (Probe probe : probes) {
      for (Pod s : r.pods()) {
        for (Pod d : r.pods()) {
          boolean was = BruteForce.allows(before, s, d, probe);
          boolean is = BruteForce.allows(after, s, d, probe);
          Optional<Change> expected = was == is ? Optional.empty()
              : Optional.of(is ? Change.NEWLY_ALLOWED : Change.NEWLY_DENIED);
          assertThat(BruteForce.reported(r, s.key(), d.key(), probe)).as("%s -> %s on %s", s.key(), d.key(), probe)
              .isEqualTo(expected);
        }
      }
    }
  }
}
