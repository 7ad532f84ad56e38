package dev.netpolc.backend.iptables;

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

/**
 * Equal input gives byte-identical files: emitting twice, and emitting a cluster whose policy,
 * pod and namespace lists are reversed (the order of input files and objects).
 */
class DeterminismTest {

  @Test
  void sameClusterInAnyOrderGivesIdenticalFiles() {
    qt().withExamples(100).forAll(ClusterGen.clusters()).checkAssert(c -> {
      Artifact a = emit(c);
      assertThat(emit(c).files()).isEqualTo(a.files());
      assertThat(emit(reversed(c)).files()).isEqualTo(a.files());
    });
  }

  @Test
  void demoTwice() {
    Cluster demo = Fixtures.demo();
    assertThat(emit(demo).files()).isEqualTo(emit(Fixtures.demo()).files());
    assertThat(emit(reversed(demo)).files()).isEqualTo(emit(demo).files());
  }

  private static Artifact emit(Cluster c) {
    return Fixtures.emit(Fixtures.compile(c, CompileOptions.DEFAULTS), BackendOptions.DEFAULTS.withLogDrops(true));
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
