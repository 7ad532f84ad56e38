package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * NP207: a named port of an ingress rule that resolves to different numbers across the pods
 * the policy selects. It works, since each pod's own number is used, but one rule then opens
 * different ports on different pods, which is rarely what a reader of the policy expects. Egress
 * rules are left alone: naming one port across many different destinations (a "metrics" port
 * for every scraped application) is what named ports are for.
 */
public final class NamedPortResolvesInconsistently extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP207";

  /** The rule. */
  public NamedPortResolvesInconsistently() {
    super(ID, Severity.WARNING, "a named port resolves to different numbers across the selected pods", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    Selection selection = context.selection();
    for (NetworkPolicy p : context.cluster().policies()) {
      if (!p.isolatesIngress() || p.ingress().stream().allMatch(r -> r.ports().stream().noneMatch(
          NamedPortResolvesInconsistently::named))) {
        continue;
      }
      List<Pod> subjects = selection.subjects(p);
      for (int i = 0; i < p.ingress().size(); i++) {
        List<PolicyPort> ports = p.ingress().get(i).ports();
        for (int k = 0; k < ports.size(); k++) {
          PolicyPort port = ports.get(k);
          Optional<Protocol> protocol = port.effectiveProtocol();
          if (!named(port) || protocol.isEmpty()) {
            continue;
          }
          String name = port.port().get().name();
          Map<Integer, List<String>> byNumber = new TreeMap<>();
          for (Pod pod : subjects) {
            pod.namedPort(name, protocol.get())
                .ifPresent(n -> byNumber.computeIfAbsent(n, x -> new ArrayList<>()).add(pod.key()));
          }
          if (byNumber.size() > 1) {
            String detail = byNumber.entrySet().stream()
                .map(e -> e.getKey() + " on " + sample(e.getValue()))
                .collect(Collectors.joining("; "));
            sink.report(p, finding(p, "spec.ingress[" + i + "].ports[" + k + "].port", "named port \"" + name
                + "\" (" + protocol.get() + ") resolves to different numbers across the selected pods: " + detail
                + ", so this rule opens different ports on different pods"));
          }
        }
      }
    }
  }

  private static boolean named(PolicyPort port) {
    return port.port().isPresent() && port.port().get().isNamed();
  }
}
