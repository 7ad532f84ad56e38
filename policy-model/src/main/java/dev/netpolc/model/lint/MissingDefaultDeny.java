package dev.netpolc.model.lint;

import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * NP213 (opt-in: off by default): a namespace with running pods and no default-deny policy
 * (one with {@code podSelector: {}} isolating ingress, and one isolating egress), and each pod
 * that no policy selects, so that all its traffic is allowed. For clusters whose rule is
 * "every namespace denies by default".
 */
public final class MissingDefaultDeny extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP213";

  /** The rule. */
  public MissingDefaultDeny() {
    super(ID, Severity.OFF, "a namespace has no default-deny, or a pod is selected by no policy", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    Selection selection = context.selection();
    Map<String, List<Pod>> podsByNamespace = new LinkedHashMap<>();
    selection.pods().forEach(p -> podsByNamespace.computeIfAbsent(p.namespace(), n -> new ArrayList<>()).add(p));
    Map<String, List<NetworkPolicy>> policiesByNamespace = new LinkedHashMap<>();
    context.cluster().policies()
        .forEach(p -> policiesByNamespace.computeIfAbsent(p.namespace(), n -> new ArrayList<>()).add(p));
    Map<String, Namespace> declared = new LinkedHashMap<>();
    context.cluster().namespaces().forEach(ns -> declared.putIfAbsent(ns.name(), ns));
    for (Map.Entry<String, List<Pod>> e : podsByNamespace.entrySet()) {
      String ns = e.getKey();
      List<NetworkPolicy> policies = policiesByNamespace.getOrDefault(ns, List.of());
      boolean ingress = policies.stream().anyMatch(p -> p.podSelector().isEmpty() && p.isolatesIngress());
      boolean egress = policies.stream().anyMatch(p -> p.podSelector().isEmpty() && p.isolatesEgress());
      if (!ingress || !egress) {
        String missing = !ingress && !egress ? "ingress or egress" : !ingress ? "ingress" : "egress";
        Namespace decl = declared.get(ns);
        SourcePosition at = decl != null ? decl.position() : e.getValue().get(0).position();
        sink.report(new Diagnostic(ID, defaultSeverity(), at, "metadata.name", "metadata.name: namespace " + ns
            + " has no default-deny policy (podSelector: {}) for " + missing, List.of()));
      }
      // By identity, each distinct subject list once: policies sharing a selector share its list.
      Set<Pod> selected = Collections.newSetFromMap(new IdentityHashMap<>());
      Set<List<Pod>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      for (NetworkPolicy p : policies) {
        List<Pod> subjects = selection.subjects(p);
        if (seen.add(subjects)) {
          selected.addAll(subjects);
        }
      }
      for (Pod pod : e.getValue()) {
        if (!selected.contains(pod)) {
          sink.report(new Diagnostic(ID, defaultSeverity(), pod.position(), "metadata.name", "metadata.name: pod "
              + pod.key() + " is selected by no NetworkPolicy, so all its traffic is allowed", List.of()));
        }
      }
    }
  }
}
