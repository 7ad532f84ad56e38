package dev.netpolc.compiler.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.diff.PolicyDiff;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import org.junit.jupiter.api.Test;

/**
 * Until Cilium policies are lowered, every entry point that decides connections refuses an input
 * holding one, naming it, instead of deciding as if it were absent.
 */
class CiliumNotYetEnforcedTest {
  private static final String INVENTORY = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      status: {podIP: 10.0.0.1}
      """;
  private static final String CNP = """
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: deny-world, namespace: shop}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        ingressDeny:
        - fromEntities: [world]
      """;

  private static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString("c.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  @Test
  void compileAndSessionsRefuseACiliumPolicyButTheReferenceEvaluatorDecidesIt() {
    Cluster c = read(INVENTORY + CNP);
    assertThat(c.cilium().policies()).hasSize(1);
    assertThatThrownBy(() -> new Compiler().compile(c, CompileOptions.DEFAULTS)).isInstanceOf(CompileException.class)
        .hasMessageContaining("c.yaml:10:1").hasMessageContaining("CiliumNetworkPolicy/shop/deny-world")
        .hasMessageContaining("not enforced");
    assertThatThrownBy(() -> new CompilerSession(new Compiler(), c, CompileOptions.DEFAULTS))
        .isInstanceOf(CompileException.class).hasMessageContaining("CiliumNetworkPolicy/shop/deny-world");
    // The reference evaluator has the cilium profile (CiliumEvaluator); only the lowering is missing.
    assertThat(new ReferenceEvaluator(c).cluster()).isSameAs(c);
  }

  @Test
  void diffRefusesCiliumPoliciesOnEitherSide() {
    Cluster inventory = read(INVENTORY);
    Cluster withCnp = read(INVENTORY + CNP);
    assertThatThrownBy(() -> PolicyDiff.compute(inventory, inventory, withCnp,
        dev.netpolc.compiler.SemanticsOptions.DEFAULTS)).isInstanceOf(CompileException.class)
        .hasMessageContaining("CiliumNetworkPolicy/shop/deny-world");
  }

  @Test
  void countsTheOtherPoliciesAndAcceptsAClusterWithoutAny() {
    Cluster c = read(INVENTORY + CNP + CNP.replace("deny-world", "other").replace("CiliumNetworkPolicy",
        "CiliumClusterwideNetworkPolicy").replace(", namespace: shop", ""));
    assertThatThrownBy(() -> CiliumNotYetEnforced.refuseUnsupported(c))
        .hasMessageContaining("(and 1 more Cilium policies)");
    Cluster plain = read(INVENTORY);
    CiliumNotYetEnforced.refuseUnsupported(plain);
    assertThat(new Compiler().compile(plain, CompileOptions.DEFAULTS).graph()).isNotNull();
  }
}
