package dev.netpolc.compiler.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.gen.CiliumClusterGen;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.cilium.CiliumResources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sessions over Cilium clusters keep the Cilium policies and recompile on every change: after
 * pod, namespace and NetworkPolicy changes the session's graph decides as the reference on the
 * session's cluster, and equals a fresh compile of it; replacing the Cilium policies recompiles
 * to the fresh graph.
 */
class CiliumSessionTest {
  @Test
  void changesRecompileAndDecideAsTheReference() {
    qt().withExamples(40).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      CompilerSession s = new Compiler().session(c, CompileOptions.DEFAULTS);
      assertThat(s.cluster().cilium()).isEqualTo(c.cilium());
      DialectSessionChecks.relabelEveryPod(s, c);
      // Namespace labels are Cilium identity labels (io.cilium.k8s.namespace.labels.*).
      s.apply(List.of(new ClusterChange.NamespaceUpserted(Namespace.of("b", Map.of("team", "x")))));
      DialectSessionChecks.removeFirstNetworkPolicy(s, c);
      DialectSessionChecks.assertFreshGraphDecidingAsTheReference(s, s.cluster());
    });
  }

  @Test
  void ciliumPoliciesReplacedRecompileToTheFreshGraph() {
    qt().withExamples(30).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      Cluster without = c.withCilium(CiliumResources.EMPTY);
      CompilerSession s = new Compiler().session(without, CompileOptions.DEFAULTS);
      GraphUpdate u = s.apply(List.of(new ClusterChange.CiliumPoliciesReplaced(c.cilium())));
      assertThat(u.incremental()).isFalse();
      assertThat(s.cluster().cilium()).isEqualTo(c.cilium());
      DialectSessionChecks.assertFreshGraphDecidingAsTheReference(s, c);
      s.apply(List.of(new ClusterChange.CiliumPoliciesReplaced(CiliumResources.EMPTY)));
      DialectSessionChecks.assertFreshGraph(s, without);
    });
  }
}
