package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Severity;

/**
 * NP301 (information, off by default): a {@code ports} entry without {@code protocol}, which
 * the API server defaults to TCP. Teams that want every protocol spelled out turn it on.
 */
public final class PortWithoutProtocol extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP301";

  /** The rule. */
  public PortWithoutProtocol() {
    super(ID, Severity.OFF, "port without protocol (defaults to TCP)", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      for (RuleWalk w : RuleWalk.of(p)) {
        for (int k = 0; k < w.rule().ports().size(); k++) {
          if (w.rule().ports().get(k).protocol().isEmpty()) {
            String path = w.path() + ".ports[" + k + "]";
            sink.report(p, finding(p, path, "no protocol given; it defaults to TCP"));
          }
        }
      }
    }
  }
}
