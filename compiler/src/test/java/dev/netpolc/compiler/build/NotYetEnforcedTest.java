package dev.netpolc.compiler.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.ReadResult;
import dev.netpolc.model.yaml.PolicyReader;
import org.junit.jupiter.api.Test;

/**
 * The compiling entry points refuse what they would otherwise ignore: enforced Calico policies
 * (the reference evaluator decides them: CalicoReferenceTest).
 */
class NotYetEnforcedTest {
  private static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString("c.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  @Test
  void compileAndSessionsRefuseAnEnforcedCalicoPolicy() {
    Cluster c = read("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: deny-all}
        spec:
          selector: all()
          ingress: [{action: Deny}]
        """);
    assertThatThrownBy(() -> new Compiler().compile(c, CompileOptions.DEFAULTS)).isInstanceOf(CompileException.class)
        .hasMessageContaining("c.yaml:5:1").hasMessageContaining("GlobalNetworkPolicy/deny-all");
    assertThatThrownBy(() -> new CompilerSession(new Compiler(), c, CompileOptions.DEFAULTS))
        .isInstanceOf(CompileException.class);
  }

  @Test
  void stagedPoliciesAreNeverEnforcedAndPass() {
    Cluster c = read("""
        apiVersion: projectcalico.org/v3
        kind: StagedGlobalNetworkPolicy
        metadata: {name: preview}
        spec:
          selector: all()
          ingress: [{action: Deny}]
        """);
    assertThat(c.calico().policies()).hasSize(1);
    assertThat(new Compiler().compile(c, CompileOptions.DEFAULTS).graph()).isNotNull();
  }
}
