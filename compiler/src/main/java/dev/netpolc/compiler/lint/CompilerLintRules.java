package dev.netpolc.compiler.lint;

import com.google.common.collect.ImmutableList;
import dev.netpolc.backend.Backend;
import dev.netpolc.model.lint.LintRule;
import dev.netpolc.model.lint.LintRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The full lint catalogue: the model's rules ({@link LintRules#all()}) plus the rules that need
 * the compiler, in id order.
 *
 * <pre>{@code
 * Linter linter = new Linter(config, CompilerLintRules.all(Backends.find("iptables")));
 * }</pre>
 */
public final class CompilerLintRules {
  private CompilerLintRules() {}

  /** Every rule; NP209 checks no backend (it reports nothing). */
  public static List<LintRule> all() {
    return all(Optional.empty());
  }

  /** Every rule, with NP209 checking the capabilities of {@code backend} when given. */
  public static List<LintRule> all(Optional<Backend> backend) {
    List<LintRule> out = new ArrayList<>(LintRules.all());
    out.add(new RuleContainedInAnother());
    out.add(new RedundantPolicy());
    out.add(new BackendCannotExpress(backend));
    out.add(new UnreachableTieredRule());
    out.add(new ShadowedBaselinePolicy());
    out.sort(Comparator.comparing(LintRule::id));
    return ImmutableList.copyOf(out);
  }
}
