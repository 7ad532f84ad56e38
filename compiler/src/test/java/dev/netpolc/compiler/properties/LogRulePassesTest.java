package dev.netpolc.compiler.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.GraphSize;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.passes.Pass;
import dev.netpolc.compiler.passes.PassManager;
import dev.netpolc.compiler.passes.Passes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On graphs with LOG rules ({@link TieredGraphGen#logCases()}), every pass alone and the whole
 * pipeline keep, for every probe, both the verdict and the set of LOG rules (by origin) the
 * connection logs under; and stay idempotent and never grow the graph.
 */
class LogRulePassesTest {
  private static final int EXAMPLES = 250;

  /** What the run exercised, so that a vacuous run fails. */
  private static final class Coverage {
    int graphs;
    int probes;
    int logged;
    int loggedAndDenied;
    int logRulesRemoved;
    int logRulesNotReached;

    @Override
    public String toString() {
      return graphs + " graphs, " + probes + " probes, logged " + logged + " (denied " + loggedAndDenied
          + "), LOG rules removed by passes " + logRulesRemoved + ", matching LOG rules not reached "
          + logRulesNotReached;
    }
  }

  @Test
  void passesKeepVerdictsAndLoggedRules() {
    Coverage cov = new Coverage();
    qt().withExamples(EXAMPLES).forAll(TieredGraphGen.logCases()).checkAssert(c -> {
      List<RuleGraph> inputs = new ArrayList<>(List.of(c.clusterWide()));
      TieredGraphGen.NODES.forEach(n -> inputs.add(c.forNode(n)));
      for (RuleGraph g : inputs) {
        cov.graphs++;
        List<RuleGraph> outputs = new ArrayList<>();
        for (Pass p : Passes.DEFAULT_ORDER) {
          RuleGraph once = p.apply(g);
          assertThat(p.apply(once)).as("%s applied twice", p.name()).isEqualTo(once);
          GraphSize before = g.size();
          GraphSize after = once.size();
          assertThat(after.rules()).as("%s rules", p.name()).isLessThanOrEqualTo(before.rules());
          assertThat(after.addressElements()).as("%s CIDRs", p.name()).isLessThanOrEqualTo(before.addressElements());
          outputs.add(once);
        }
        RuleGraph all = PassManager.defaults().run(g).graph();
        outputs.add(all);
        cov.logRulesRemoved += logRules(g) - logRules(all);
        check(g, outputs, c.probes(), cov);
      }
    });
    System.out.println("LOG passes coverage: " + cov);
    // About one probe in a hundred is logged (6,171 of 593,208 in one run): a guard at 1% failed
    // on some seeds, so it asks for a third of that.
    assertThat(cov.logged).as("%s", cov).isGreaterThan(cov.probes / 300);
    assertThat(cov.loggedAndDenied).as("%s", cov).isGreaterThan(cov.logged / 20);
    // Passes remove a LOG rule in about one graph in a hundred (one covered by an earlier
    // terminating rule): the random seed changes the count, so only its presence is required.
    assertThat(cov.logRulesRemoved).as("%s", cov).isPositive();
    assertThat(cov.logRulesNotReached).as("%s", cov).isGreaterThan(EXAMPLES / 10);
  }

  private static long logRules(RuleGraph g) {
    return g.rules().stream().filter(r -> r.action() == Action.LOG).count();
  }

  private static void check(RuleGraph g, List<RuleGraph> outputs, List<Connection> probes, Coverage cov) {
    RuleGraphEvaluator before = new RuleGraphEvaluator(g);
    List<RuleGraphEvaluator> after = outputs.stream().map(RuleGraphEvaluator::new).toList();
    for (Connection c : probes) {
      RuleGraphEvaluator.Trace want = before.trace(c);
      assertThat(want.allowed()).isEqualTo(before.allows(c));
      cov.probes++;
      if (!want.logged().isEmpty()) {
        cov.logged++;
        cov.loggedAndDenied += want.allowed() ? 0 : 1;
      }
      cov.logRulesNotReached += matchingLogRules(g, c) > want.logged().size() ? 1 : 0;
      for (int i = 0; i < after.size(); i++) {
        RuleGraphEvaluator.Trace got = after.get(i).trace(c);
        String pass = i < Passes.DEFAULT_ORDER.size() ? Passes.DEFAULT_ORDER.get(i).name() : "all passes";
        assertThat(got.allowed()).as("%s: verdict of %s%n%s", pass, c, g).isEqualTo(want.allowed());
        assertThat(got.loggedOrigins()).as("%s: logged origins of %s%n%s", pass, c, g)
            .isEqualTo(want.loggedOrigins());
      }
    }
  }

  /** LOG rules of the source's egress and destination's ingress whose peers and ports match, reached or not. */
  private static int matchingLogRules(RuleGraph g, Connection c) {
    int n = 0;
    for (Rule r : g.rules()) {
      if (r.action() != Action.LOG) {
        continue;
      }
      boolean egress = r.direction() == dev.netpolc.compiler.ir.Direction.EGRESS;
      var subject = g.endpointAt(egress ? c.source() : c.destination());
      if (subject.isPresent() && g.groupOfPod(subject.get().pod()).orElseThrow().id().equals(r.subject())
          && r.matches(egress ? c.destination() : c.source(), c.protocol(), c.port())) {
        n++;
      }
    }
    return n;
  }
}
