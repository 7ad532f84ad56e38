package dev.netpolc.compiler.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.CalicoClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import dev.netpolc.model.calico.CalicoResources;
import java.util.List;
import java.util.Map;
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
      for (Pod p : c.pods()) {
        // Relabel each pod in turn: selectors and groups move.
        Pod relabelled = new Pod(p.namespace(), p.name(), Map.of("app", "web", "tier", "db"), p.ips(), p.nodeName(),
            p.hostNetwork(), p.phase(), p.ports(), p.initPorts(), p.position(), p.serviceAccountName());
        GraphUpdate u = s.apply(List.of(new ClusterChange.PodUpserted(relabelled)));
        assertThat(u.incremental()).isFalse();
      }
      if (!c.policies().isEmpty()) {
        s.apply(List.of(new ClusterChange.PolicyRemoved(c.policies().get(0).namespace(),
            c.policies().get(0).name())));
      }
      Cluster now = s.cluster();
      assertThat(s.graph()).isEqualTo(new Compiler().compile(now, CompileOptions.DEFAULTS).graph());
      ReferenceEvaluator ref = new ReferenceEvaluator(now);
      RuleGraphEvaluator ir = new RuleGraphEvaluator(s.graph());
      for (Connection conn : ConnectionProbes.of(now)) {
        assertThat(ir.allows(conn)).as(conn.toString()).isEqualTo(ref.allows(conn));
      }
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
      assertThat(s.graph()).isEqualTo(new Compiler().compile(c, CompileOptions.DEFAULTS).graph());
      s.apply(List.of(new ClusterChange.CalicoObjectsReplaced(CalicoResources.EMPTY)));
      assertThat(s.graph()).isEqualTo(new Compiler().compile(without, CompileOptions.DEFAULTS).graph());
    });
  }
}
