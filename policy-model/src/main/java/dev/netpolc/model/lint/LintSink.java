package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;

/**
 * Where rules send findings. A finding about a policy names that policy so that its inline
 * {@code # netpolc: disable=ID} comments can suppress it.
 */
public interface LintSink {
  /** A finding about {@code policy}. */
  void report(NetworkPolicy policy, Diagnostic finding);

  /** A finding about no policy (an inventory object). */
  void report(Diagnostic finding);
}
