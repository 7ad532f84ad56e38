package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.conformance.ConformanceCase;
import dev.netpolc.compiler.conformance.ConformanceCorpus;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every step of every conformance case, those the kernel runs skip for now included (tiered
 * cases), can be laid out as a kernel topology, so enabling a feature in a kernel run never meets
 * a case it cannot build. No kernel needed: layouts are values.
 */
class KernelLayoutCorpusTest {

  @Test
  void everyStepOfEveryCaseLaysOut() {
    List<String> failures = new ArrayList<>();
    int steps = 0;
    for (ConformanceCase c : ConformanceCorpus.all()) {
      for (ConformanceCase step : c.steps()) {
        steps++;
        Cluster cluster = step.toCluster();
        try {
          KernelLayout layout = KernelLayout.of(cluster);
          for (Pod p : KernelLayout.activePods(cluster)) {
            // A pod is a pod namespace of the layout, or (hostNetwork) its node's address.
            boolean laidOut = p.hostNetwork() ? layout.nodeAddresses().containsKey(p.nodeName())
                : layout.pods().stream().anyMatch(lp -> lp.key().equals(p.key()));
            if (!laidOut) {
              failures.add(step.name() + ": " + p.key() + " is not in the layout");
            }
          }
        } catch (IllegalArgumentException e) {
          failures.add(step.name() + ": " + e.getMessage());
        }
      }
    }
    assertThat(steps).isGreaterThan(ConformanceCorpus.all().size());
    assertThat(failures).isEmpty();
  }
}
