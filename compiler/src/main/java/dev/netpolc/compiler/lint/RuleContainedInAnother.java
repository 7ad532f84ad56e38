package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintContext;
import dev.netpolc.model.lint.LintSink;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * NP203: a rule that allows nothing beyond what another rule already allows to the same pods:
 * for every pod it applies to, some other rule (of this or another policy) selecting that pod
 * has the same or wider peers and ports. The rule can be deleted; often it shows that one of
 * the two was meant to be narrower. Names the containing rule (policy and rule index) and
 * gives its position as a related location. Read off the compiler's literal rule graph, per
 * endpoint group (see {@link ContainmentAnalysis}); without an inventory, decided from the
 * policies alone so that it holds for every possible set of pods.
 */
public final class RuleContainedInAnother extends CompilerRule {
  /** The rule id. */
  public static final String ID = "NP203";

  /** The rule. */
  public RuleContainedInAnother() {
    super(ID, Severity.WARNING, "a rule is shadowed by or contained in another rule for the same pods", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    check(ContainmentAnalysis.of(context), context, sink);
  }

  /** The findings read off {@code analysis} (of {@code context}'s cluster). */
  void check(ContainmentAnalysis analysis, LintContext context, LintSink sink) {
    for (ContainmentAnalysis.RuleFacts f : analysis.facts.values()) {
      NetworkPolicy p = analysis.policiesByKey.get(f.origin.policy());
      if (!f.contained() || p == null) {
        continue;
      }
      String path = "spec." + f.origin.direction().apiName() + "[" + f.origin.ruleIndex() + "]";
      List<Diagnostic.Related> related = new ArrayList<>();
      for (Origin c : f.containers) {
        related.add(new Diagnostic.Related(c.position(), "contains it: " + c));
      }
      String names = sample(f.containers.stream().map(Origin::toString).collect(Collectors.toList()));
      String pods = analysis.isStatic ? "every pod" : f.pods == 1 ? "the 1 pod" : "all " + f.pods + " pods";
      sink.report(p, new Diagnostic(ID, defaultSeverity(), p.source().find(path), path, path
          + ": this rule is contained in " + names + ": for " + pods + " it applies to, "
          + (f.containers.size() == 1 ? "that rule already allows" : "those rules already allow")
          + " every peer and port it allows (" + p.key() + ")", related));
    }
  }
}
