package dev.netpolc.model.lint;

import dev.netpolc.model.npa.AnpPort;
import dev.netpolc.model.npa.AnpRule;
import java.util.List;
import java.util.function.BiConsumer;

/** Walks the {@code ports} entries of v1alpha1 rules with their field paths. */
final class V1alpha1Ports {
  private V1alpha1Ports() {}

  /** Calls {@code visit} with every port entry of the rules and its path ({@code spec.egress[1].ports[0]}). */
  static void forEach(List<AnpRule> ingress, List<AnpRule> egress, BiConsumer<AnpPort, String> visit) {
    for (boolean in : new boolean[] {true, false}) {
      List<AnpRule> rules = in ? ingress : egress;
      for (int i = 0; i < rules.size(); i++) {
        List<AnpPort> ports = rules.get(i).ports().orElse(List.of());
        for (int k = 0; k < ports.size(); k++) {
          visit.accept(ports.get(k), (in ? "spec.ingress[" : "spec.egress[") + i + "].ports[" + k + "]");
        }
      }
    }
  }
}
