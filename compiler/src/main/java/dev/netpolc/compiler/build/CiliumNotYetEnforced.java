package dev.netpolc.compiler.build;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.cilium.CiliumPolicy;
import java.util.List;

/**
 * Cilium policies, which netpolc reads and validates but does not yet compile or evaluate.
 * Ignoring one would decide connections as if its allows and denies were not there (and its
 * default deny), so every compile and evaluation refuses the cluster instead (fail closed);
 * {@code netpolc lint} still reads and checks it. Delete this gate, and its calls in
 * {@code Compiler.compile}, the {@code CompilerSession} constructor, {@code ReferenceEvaluator}
 * and the CLI's {@code InputLoader.enforceable}, when the Cilium lowering lands.
 */
public final class CiliumNotYetEnforced {
  private CiliumNotYetEnforced() {}

  /**
   * Refuses {@code cluster} when it holds a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy.
   *
   * @throws CompileException at the first such policy
   */
  public static void refuseUnsupported(Cluster cluster) {
    List<CiliumPolicy> policies = cluster.cilium().policies();
    if (!policies.isEmpty()) {
      CiliumPolicy first = policies.get(0);
      throw new CompileException(first.position(), "kind", message(first, policies.size()));
    }
  }

  private static String message(CiliumPolicy first, int count) {
    return "Cilium " + first.key()
        + (count > 1 ? " (and " + (count - 1) + " more Cilium policies)" : "")
        + " is not enforced by this version of netpolc: Cilium policies are read and checked by"
        + " 'netpolc lint' only, and other commands refuse them rather than ignore them";
  }
}
