package dev.netpolc.compiler.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.explain.ExplainReport.DirectionReport;
import dev.netpolc.compiler.explain.ExplainReport.RuleLocation;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyRule;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Over generated clusters and every probe: explain's {@code allowed} is the reference decision;
 * every "matched" rule, kept alone in its policy, still allows that direction; every denial
 * comes with at least one suggestion and every allowed connection with none.
 */
class ExplainerPropertiesTest {

  @Test
  void theReportAgreesWithTheReferenceAndMatchedRulesReallyMatch() {
    qt().withExamples(150).withShrinkCycles(200).forAll(ClusterGen.clusters()).checkAssert(c -> {
      ReferenceEvaluator ref = new ReferenceEvaluator(c);
      Explainer explainer = new Explainer(ref);
      for (Connection conn : ConnectionProbes.of(c)) {
        ExplainReport r = explainer.explain(conn);
        assertThat(r.allowed()).as("%s", conn).isEqualTo(ref.allows(conn));
        if (r.shortcut().equals("none")) {
          assertThat(r.allowed()).isEqualTo(r.egress().allowed() && r.ingress().allowed());
        }
        checkMatch(c, conn, r.egress(), true);
        checkMatch(c, conn, r.ingress(), false);
        if (r.allowed()) {
          assertThat(r.suggestions()).isEmpty();
        } else {
          assertThat(r.suggestions()).as("suggestions for %s", conn).isNotEmpty();
        }
      }
    });
  }

  /** The matched rule alone, in a copy of its policy with nothing else, allows the direction. */
  private static void checkMatch(Cluster c, Connection conn, DirectionReport d, boolean egress) {
    if (d.matched().isEmpty()) {
      assertThat(d.allowed()).isEqualTo(!d.isolated());
      return;
    }
    RuleLocation m = d.matched().get();
    NetworkPolicy pol = c.policies().stream().filter(p -> p.key().equals(m.policy())).findFirst().orElseThrow();
    int index = Integer.parseInt(m.path().replaceAll(".*\\[(\\d+)\\]$", "$1"));
    PolicyRule rule = (egress ? pol.egress() : pol.ingress()).get(index);
    NetworkPolicy alone = new NetworkPolicy(pol.namespace(), pol.name(), pol.podSelector(),
        List.of(egress ? "Egress" : "Ingress"), egress ? List.of() : List.of(rule), egress ? List.of(rule) : List.of(),
        pol.source(), Set.of());
    Explanation e = new ReferenceEvaluator(c.withPolicies(List.of(alone))).explain(conn);
    assertThat((egress ? e.egress() : e.ingress()).match()).as("%s alone on %s", m, conn).isPresent();
  }
}
