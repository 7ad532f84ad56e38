package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;

/**
 * Input that the {@link AcceptanceGate} blocks, thrown by the library's entry points
 * ({@code Compiler.compile}, {@code CompilerSession}) before any output exists. The message
 * names the first finding with its {@code file:line:column}; {@link #findings()} has them all.
 */
public final class InputRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Diagnostic> findings;

  /** Rejects input because of {@code findings} (at least one, each one blocking). */
  public InputRejectedException(List<Diagnostic> findings) {
    super(message(findings));
    this.findings = ImmutableList.copyOf(findings);
  }

  /** Every blocking finding, in report order. */
  public List<Diagnostic> findings() {
    return findings;
  }

  private static String message(List<Diagnostic> findings) {
    if (findings.isEmpty()) {
      throw new IllegalArgumentException("an InputRejectedException needs a finding");
    }
    Diagnostic first = findings.get(0);
    String more = findings.size() == 1 ? "" : " (and " + (findings.size() - 1) + " more)";
    return "input rejected: " + first.position() + ": " + first.severity().label() + "[" + first.ruleId() + "]: "
        + first.message() + more;
  }
}
