package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;
import java.util.Optional;

/**
 * NP206: a named port that no destination pod declares (with that protocol), so the port entry
 * allows nothing. For ingress the destinations are the pods the policy selects; for egress the
 * pods its selector peers match (every pod when the rule has no peers). Rules whose
 * destinations are no pod at all are left to NP201/NP202/NP208.
 */
public final class NamedPortUnresolved extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP206";

  /** The rule. */
  public NamedPortUnresolved() {
    super(ID, Severity.WARNING, "a named port resolves to no container port on the destination pods", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    Selection selection = context.selection();
    for (NetworkPolicy p : context.cluster().policies()) {
      List<Pod> subjects = selection.subjects(p);
      for (int i = 0; i < p.ingress().size(); i++) {
        checkRule(sink, p, p.ingress().get(i), "spec.ingress[" + i + "]", subjects, "selected pods");
      }
      for (int i = 0; i < p.egress().size(); i++) {
        PolicyRule rule = p.egress().get(i);
        checkRule(sink, p, rule, "spec.egress[" + i + "]", selection.rulePods(p, rule), "destination pods");
      }
    }
  }

  private void checkRule(LintSink sink, NetworkPolicy p, PolicyRule rule, String rulePath, List<Pod> destinations,
      String what) {
    if (destinations.isEmpty()) {
      return;
    }
    for (int k = 0; k < rule.ports().size(); k++) {
      PolicyPort port = rule.ports().get(k);
      Optional<Protocol> protocol = port.effectiveProtocol();
      if (port.port().isEmpty() || !port.port().get().isNamed() || protocol.isEmpty()) {
        continue;
      }
      String name = port.port().get().name();
      boolean resolves = destinations.stream().anyMatch(pod -> pod.namedPort(name, protocol.get()).isPresent());
      if (!resolves) {
        sink.report(p, finding(p, rulePath + ".ports[" + k + "].port", "named port \"" + name + "\" ("
            + protocol.get() + ") is declared by none of the " + destinations.size() + " " + what + " ("
            + sample(destinations.stream().map(Pod::key).collect(java.util.stream.Collectors.toList()))
            + "), so this port entry allows nothing"));
      }
    }
  }
}
