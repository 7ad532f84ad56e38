package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * NP306 (information, off by default): a pod isolated in a direction where none of the
 * policies selecting it has a rule for that direction, so nothing at all is allowed in (or
 * out). Intended for default-deny namespaces, this lists the pods that the allow policies
 * forgot.
 */
public final class PodFullyIsolated extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP306";

  /** The rule. */
  public PodFullyIsolated() {
    super(ID, Severity.OFF, "a pod fully isolated in a direction (nothing allowed)", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    Selection selection = context.selection();
    Map<Pod, List<NetworkPolicy>> selecting = new LinkedHashMap<>();
    for (NetworkPolicy p : context.cluster().policies()) {
      for (Pod pod : selection.subjects(p)) {
        selecting.computeIfAbsent(pod, x -> new ArrayList<>()).add(p);
      }
    }
    for (Map.Entry<Pod, List<NetworkPolicy>> e : selecting.entrySet()) {
      for (boolean ingress : new boolean[] {true, false}) {
        List<NetworkPolicy> isolating = e.getValue().stream()
            .filter(p -> ingress ? p.isolatesIngress() : p.isolatesEgress()).collect(Collectors.toList());
        boolean anyRule = isolating.stream().anyMatch(p -> !(ingress ? p.ingress() : p.egress()).isEmpty());
        if (!isolating.isEmpty() && !anyRule) {
          Pod pod = e.getKey();
          String dir = ingress ? "ingress" : "egress";
          sink.report(new Diagnostic(ID, defaultSeverity(), pod.position(), "metadata.name", "metadata.name: pod "
              + pod.key() + " is fully isolated for " + dir + ": the policies selecting it ("
              + sample(isolating.stream().map(NetworkPolicy::key).collect(Collectors.toList()))
              + ") allow no " + dir, List.of()));
        }
      }
    }
  }
}
