package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;

/**
 * Metadata and finding construction shared by the lint rules, here and in the compiler's rules.
 */
public abstract class BaseRule implements LintRule {
  private final String id;
  private final Severity severity;
  private final String summary;
  private final boolean needsInventory;

  /** A rule with its catalogue metadata. */
  protected BaseRule(String id, Severity severity, String summary, boolean needsInventory) {
    this.id = id;
    this.severity = severity;
    this.summary = summary;
    this.needsInventory = needsInventory;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final Severity defaultSeverity() {
    return severity;
  }

  @Override
  public final String summary() {
    return summary;
  }

  @Override
  public final boolean needsInventory() {
    return needsInventory;
  }

  /** A finding of this rule at {@code path} of {@code policy}; the message starts with the path. */
  protected final Diagnostic finding(NetworkPolicy policy, String path, String message, List<Diagnostic.Related> related) {
    return new Diagnostic(id, severity, policy.source().find(path), path,
        path + ": " + message + " (" + policy.key() + ")", related);
  }

  /** A finding without related locations. */
  protected final Diagnostic finding(NetworkPolicy policy, String path, String message) {
    return finding(policy, path, message, List.of());
  }

  /**
   * A finding of this rule at {@code path} of an object other than a NetworkPolicy (a cluster
   * policy), positioned by its {@code source} and named by {@code key} ({@code cnp:NAME}); the
   * message starts with the path.
   */
  protected final Diagnostic finding(SourceMap source, String key, String path, String message,
      List<Diagnostic.Related> related) {
    return new Diagnostic(id, severity, source.find(path), path, path + ": " + message + " (" + key + ")", related);
  }

  /** Up to three names, then how many more. */
  protected static String sample(List<String> names) {
    int shown = Math.min(3, names.size());
    String head = String.join(", ", names.subList(0, shown));
    return names.size() > shown ? head + " and " + (names.size() - shown) + " more" : head;
  }
}
