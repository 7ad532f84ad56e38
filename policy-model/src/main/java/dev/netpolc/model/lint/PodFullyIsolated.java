package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.HashMap;
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
    Map<String, List<NetworkPolicy>> byNamespace = new HashMap<>();
    context.cluster().policies().forEach(p -> byNamespace.computeIfAbsent(p.namespace(), k -> new ArrayList<>()).add(p));
    // Which policies select a pod depends only on its namespace and labels: each such shape is
    // decided once (10,000 pods with the same labels under 10,000 policies are one decision).
    Map<List<Object>, List<String>> gapsByShape = new HashMap<>();
    for (Pod pod : context.selection().pods()) {
      List<String> gaps = gapsByShape.computeIfAbsent(List.of(pod.namespace(), pod.labels()),
          k -> gaps(byNamespace.getOrDefault(pod.namespace(), List.of()).stream()
              .filter(p -> p.podSelector().matches(pod.labels())).collect(Collectors.toList())));
      for (String gap : gaps) {
        sink.report(new Diagnostic(ID, defaultSeverity(), pod.position(), "metadata.name", "metadata.name: pod "
            + pod.key() + " is fully isolated for " + gap, List.of()));
      }
    }
  }

  /** For pods selected by {@code selecting}: each direction they are fully isolated in, as the message's end. */
  private static List<String> gaps(List<NetworkPolicy> selecting) {
    List<String> out = new ArrayList<>();
    for (boolean ingress : new boolean[] {true, false}) {
      List<NetworkPolicy> isolating = selecting.stream()
          .filter(p -> ingress ? p.isolatesIngress() : p.isolatesEgress()).collect(Collectors.toList());
      boolean anyRule = isolating.stream().anyMatch(p -> !(ingress ? p.ingress() : p.egress()).isEmpty());
      if (!isolating.isEmpty() && !anyRule) {
        String dir = ingress ? "ingress" : "egress";
        out.add(dir + ": the policies selecting it ("
            + sample(isolating.stream().map(NetworkPolicy::key).collect(Collectors.toList()))
            + ") allow no " + dir);
      }
    }
    return out;
  }
}
