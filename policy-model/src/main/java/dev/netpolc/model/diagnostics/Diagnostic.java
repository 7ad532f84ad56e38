package dev.netpolc.model.diagnostics;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Objects;

/**
 * A finding about the input: a stable rule id, a severity, where, the field path, and a
 * message. Formatters (text, JSON, SARIF, GitHub) render this data; they add no logic.
 *
 * @param ruleId   a stable id such as {@code NP101}; never reused once published
 * @param severity how serious it is
 * @param position where in the input
 * @param path     the field path ({@code spec.ingress[0].from[1].ipBlock.except[0]}), or empty
 * @param message  one sentence naming the problem
 * @param related  other places that explain the finding (the rule that shadows, …)
 */
public record Diagnostic(String ruleId, Severity severity, SourcePosition position, String path, String message,
    List<Related> related) {

  /**
   * A related location.
   *
   * @param position where
   * @param message  what is there
   */
  public record Related(SourcePosition position, String message) {}

  public Diagnostic {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    related = ImmutableList.copyOf(related);
  }

  /** A finding with no related locations. */
  public static Diagnostic of(String ruleId, Severity severity, SourcePosition position, String path, String message) {
    return new Diagnostic(ruleId, severity, position, path, message, List.of());
  }

  /** This finding with another severity. */
  public Diagnostic withSeverity(Severity s) {
    return new Diagnostic(ruleId, s, position, path, message, related);
  }
}
