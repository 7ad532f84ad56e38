package dev.netpolc.compiler.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.CiliumClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Pod;
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
      for (Pod p : c.pods()) {
        // Relabel each pod in turn: selectors and groups move.
        Pod relabelled = new Pod(p.namespace(), p.name(), Map.of("app", "web", "tier", "db"), p.ips(), p.nodeName(),
            p.hostNetwork(), p.phase(), p.ports(), p.initPorts(), p.position(), p.serviceAccountName());
        GraphUpdate u = s.apply(List.of(new ClusterChange.PodUpserted(relabelled)));
        assertThat(u.incremental()).isFalse();
      }
      // Namespace labels are Cilium identity labels (io.cilium.k8s.namespace.labels.*).
      s.apply(List.of(new ClusterChange.NamespaceUpserted(Namespace.of("b", Map.of("team", "x")))));
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
  void ciliumPoliciesReplacedRecompileToTheFreshGraph() {
    qt().withExamples(30).forAll(CiliumClusterGen.clusters()).checkAssert(c -> {
      Cluster without = c.withCilium(CiliumResources.EMPTY);
      CompilerSession s = new Compiler().session(without, CompileOptions.DEFAULTS);
      GraphUpdate u = s.apply(List.of(new ClusterChange.CiliumPoliciesReplaced(c.cilium())));
      assertThat(u.incremental()).isFalse();
      assertThat(s.cluster().cilium()).isEqualTo(c.cilium());
      assertThat(s.graph()).isEqualTo(new Compiler().compile(c, CompileOptions.DEFAULTS).graph());
      RuleGraphEvaluator ir = new RuleGraphEvaluator(s.graph());
      ReferenceEvaluator ref = new ReferenceEvaluator(c);
      for (Connection conn : ConnectionProbes.of(c)) {
        assertThat(ir.allows(conn)).as(conn.toString()).isEqualTo(ref.allows(conn));
      }
      s.apply(List.of(new ClusterChange.CiliumPoliciesReplaced(CiliumResources.EMPTY)));
      assertThat(s.graph()).isEqualTo(new Compiler().compile(without, CompileOptions.DEFAULTS).graph());
    });
  }
}
