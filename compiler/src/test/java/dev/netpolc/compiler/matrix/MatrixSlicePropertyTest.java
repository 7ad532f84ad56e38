package dev.netpolc.compiler.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** A matrix restricted to sources and destinations ({@code --from}/{@code --to}) is the full matrix's slice. */
class MatrixSlicePropertyTest {

  /** The namespaces of {@code cluster}'s pods picked by the bits of {@code mask}, sorted. */
  private static Set<String> pick(Cluster cluster, int mask) {
    List<String> all = new ArrayList<>(new TreeSet<>(cluster.pods().stream().map(Pod::namespace).toList()));
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < all.size(); i++) {
      if ((mask >> (i % 31) & 1) != 0) {
        out.add(all.get(i));
      }
    }
    return out;
  }

  @Test
  void aFilteredMatrixIsTheSliceOfTheFullOne() {
    qt().withExamples(150).forAll(ClusterGen.clusters(), integers().between(0, 1 << 16),
        integers().between(0, 1 << 16)).checkAssert((cluster, fromMask, toMask) -> {
          Set<String> from = pick(cluster, fromMask);
          Set<String> to = pick(cluster, toMask);
          Predicate<Pod> fromPods = p -> from.contains(p.namespace());
          Predicate<Pod> toPods = p -> to.contains(p.namespace());
          ReferenceEvaluator decider = new ReferenceEvaluator(cluster, SemanticsOptions.DEFAULTS);
          Probe probe = new Probe(PortSpec.of(80), Protocol.TCP);
          ReachabilityMatrix full = MatrixComputer.compute(cluster, decider, probe, p -> true);
          ReachabilityMatrix slice = MatrixComputer.compute(cluster, decider, probe, fromPods, toPods);

          List<String> expectedSources = full.sources().stream().filter(k -> from.contains(ns(k))).toList();
          List<String> expectedDestinations = full.sources().stream().filter(k -> to.contains(ns(k))).toList();
          assertThat(slice.sources()).isEqualTo(expectedSources);
          assertThat(slice.destinations()).isEqualTo(expectedDestinations);
          assertThat(slice.cells()).isEqualTo((long) expectedSources.size() * expectedDestinations.size());
          for (String s : expectedSources) {
            assertThat(slice.allowed().get(s)).isEqualTo(
                full.allowed().get(s).stream().filter(d -> to.contains(ns(d))).toList());
          }
          assertThat(MatrixComputer.podCount(cluster, fromPods)).isEqualTo(expectedSources.size());
        });
  }

  @Test
  void theSameFilterOnBothSidesGivesASquareMatrix() {
    qt().withExamples(50).forAll(ClusterGen.clusters(), integers().between(0, 1 << 16)).checkAssert((cluster, mask) -> {
      Set<String> picked = pick(cluster, mask);
      Predicate<Pod> in = p -> picked.contains(p.namespace());
      ReachabilityMatrix m = MatrixComputer.compute(cluster, c -> true, new Probe(PortSpec.of(80), Protocol.TCP), in, in);
      assertThat(m.isSquare()).isTrue();
      assertThat(m.destinations()).isEqualTo(m.sources()).isEqualTo(m.pods());
    });
  }

  private static String ns(String key) {
    return key.substring(0, key.indexOf('/'));
  }
}
