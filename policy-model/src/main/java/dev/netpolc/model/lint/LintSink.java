package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.Set;

/**
 * Where rules send findings. A finding about a policy names that policy (or, for a cluster-scoped
 * policy, its suppressions) so that its inline {@code # netpolc: disable=ID} comments can
 * suppress it.
 */
public interface LintSink {
  /** A finding about {@code policy}. */
  void report(NetworkPolicy policy, Diagnostic finding);

  /** A finding about no policy (an inventory object). */
  void report(Diagnostic finding);

  /**
   * A finding about an object that carries the inline suppressions {@code suppressedRules} (a
   * cluster-scoped policy). A sink that applies no suppressions takes it as
   * {@link #report(Diagnostic)}.
   */
  default void report(Set<String> suppressedRules, Diagnostic finding) {
    report(finding);
  }
}
