package dev.netpolc.backend;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * The outcome of {@link Verifier#verify}.
 *
 * <pre>{@code
 * VerifyReport r = Verifier.verify(cluster, SemanticsOptions.DEFAULTS, Optional.of("node-a"), sim, 10);
 * if (!r.agrees()) { r.first().forEach(d -> err.print(d.toText())); }
 * }</pre>
 *
 * @param checked       connections checked
 * @param disagreements connections on which the decider disagreed with the reference
 * @param first         the first disagreements, in probe order (at most the requested number)
 */
public record VerifyReport(int checked, int disagreements, List<Disagreement> first) {
  public VerifyReport {
    first = ImmutableList.copyOf(first);
  }

  /** True when there was no disagreement. */
  public boolean agrees() {
    return disagreements == 0;
  }
}
