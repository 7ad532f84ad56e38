package dev.netpolc.compiler.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.gen.CalicoClusterGen;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.calico.CalicoResources;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sessions over Calico clusters keep the Calico objects and recompile on every change: after
 * pod and NetworkPolicy changes the session's graph decides as the reference on the session's
 * cluster, and equals a fresh compile of it.
 */
class CalicoSessionTest {
  @Test
  void changesRecompileAndDecideAsTheReference() {
    qt().withExamples(40).forAll(CalicoClusterGen.clusters()).checkAssert(c -> {
      CompilerSession s = new Compiler().session(c, CompileOptions.DEFAULTS);
      assertThat(s.cluster().calico()).isEqualTo(c.calico());
      DialectSessionChecks.relabelEveryPod(s, c);
      DialectSessionChecks.removeFirstNetworkPolicy(s, c);
      DialectSessionChecks.assertFreshGraphDecidingAsTheReference(s, s.cluster());
    });
  }

  @Test
  void calicoObjectsReplacedRecompileToTheFreshGraph() {
    qt().withExamples(30).forAll(CalicoClusterGen.clusters()).checkAssert(c -> {
      Cluster without = c.withCalico(CalicoResources.EMPTY);
      CompilerSession s = new Compiler().session(without, CompileOptions.DEFAULTS);
      GraphUpdate u = s.apply(List.of(new ClusterChange.CalicoObjectsReplaced(c.calico())));
      assertThat(u.incremental()).isFalse();
      assertThat(s.cluster().calico()).isEqualTo(c.calico());
      DialectSessionChecks.assertFreshGraph(s, c);
      s.apply(List.of(new ClusterChange.CalicoObjectsReplaced(CalicoResources.EMPTY)));
      DialectSessionChecks.assertFreshGraph(s, without);
    });
  }
}
