package dev.netpolc.compiler.build;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.calico.CalicoPolicy;
import java.util.List;

/**
 * Input netpolc reads and validates but does not yet compile or evaluate: enforced Calico
 * policies. Ignoring one would decide connections as if its Deny or Allow were not there, so
 * every compile and evaluation refuses the cluster instead (fail closed); {@code netpolc lint}
 * still reads and checks it.
 */
public final class NotYetEnforced {
  private NotYetEnforced() {}

  /**
   * Refuses {@code cluster} when it holds an enforced Calico policy.
   *
   * @throws CompileException at the first such policy
   */
  public static void refuseUnsupported(Cluster cluster) {
    List<CalicoPolicy> enforced = cluster.calico().enforcedPolicies();
    if (!enforced.isEmpty()) {
      CalicoPolicy first = enforced.get(0);
      throw new CompileException(first.position(), "kind", message(first, enforced.size()));
    }
  }

  private static String message(CalicoPolicy first, int count) {
    return "Calico " + first.key()
        + (count > 1 ? " (and " + (count - 1) + " more Calico policies)" : "")
        + " is not enforced by this version of netpolc: Calico policies are read and checked by"
        + " 'netpolc lint' only, and other commands refuse them rather than ignore them";
  }
}
