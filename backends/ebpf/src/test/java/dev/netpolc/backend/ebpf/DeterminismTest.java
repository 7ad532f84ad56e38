package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Equal input gives byte-identical files: emitting twice, and with every input list reversed. */
class DeterminismTest {

  @Test
  void sameClusterInAnyOrderGivesIdenticalFiles() {
    qt().withExamples(60).forAll(ClusterGen.clusters()).checkAssert(c -> {
      for (CompileOptions o : List.of(CompileOptions.DEFAULTS, CompileOptions.DEFAULTS.withNode("n1"))) {
        Artifact a = emit(c, o);
        assertThat(emit(c, o).files()).isEqualTo(a.files());
        assertThat(emit(reversed(c), o).files()).isEqualTo(a.files());
      }
    });
  }

  private static Artifact emit(Cluster c, CompileOptions o) {
    return Fixtures.emit(Fixtures.compile(c, o), BackendOptions.DEFAULTS);
  }

  private static Cluster reversed(Cluster c) {
    return new Cluster(rev(c.namespaces()), rev(c.pods()), rev(c.nodes()), rev(c.policies()));
  }

  private static <T> List<T> rev(List<T> xs) {
    List<T> out = new ArrayList<>(xs);
    Collections.reverse(out);
    return out;
  }
}
