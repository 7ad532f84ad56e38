package dev.netpolc.compiler.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * The steps and checks the Calico and Cilium session tests share: sessions over those dialects
 * recompile on every change, so each change must leave the graph a fresh compile would give.
 */
final class DialectSessionChecks {
  private DialectSessionChecks() {}

  /** Relabels each pod of {@code c} in turn (selectors and groups move); each change recompiles. */
  static void relabelEveryPod(CompilerSession s, Cluster c) {
    for (Pod p : c.pods()) {
      Pod relabelled = new Pod(p.namespace(), p.name(), Map.of("app", "web", "tier", "db"), p.ips(), p.nodeName(),
          p.hostNetwork(), p.phase(), p.ports(), p.initPorts(), p.position(), p.serviceAccountName());
      GraphUpdate u = s.apply(List.of(new ClusterChange.PodUpserted(relabelled)));
      assertThat(u.incremental()).isFalse();
    }
  }

  /** Removes the first NetworkPolicy of {@code c}, if it has one. */
  static void removeFirstNetworkPolicy(CompilerSession s, Cluster c) {
    if (!c.policies().isEmpty()) {
      s.apply(List.of(new ClusterChange.PolicyRemoved(c.policies().get(0).namespace(), c.policies().get(0).name())));
    }
  }

  /** The session's graph equals a fresh compile of {@code expected}. */
  static void assertFreshGraph(CompilerSession s, Cluster expected) {
    assertThat(s.graph()).isEqualTo(new Compiler().compile(expected, CompileOptions.DEFAULTS).graph());
  }

  /**
   * The session's graph equals a fresh compile of {@code expected} and decides every probe of it as
   * the reference does.
   */
  static void assertFreshGraphDecidingAsTheReference(CompilerSession s, Cluster expected) {
    assertFreshGraph(s, expected);
    ReferenceEvaluator ref = new ReferenceEvaluator(expected);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(s.graph());
    for (Connection conn : ConnectionProbes.of(expected)) {
      assertThat(ir.allows(conn)).as(conn.toString()).isEqualTo(ref.allows(conn));
    }
  }
}
