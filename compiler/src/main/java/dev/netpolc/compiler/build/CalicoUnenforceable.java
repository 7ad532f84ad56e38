package dev.netpolc.compiler.build;

import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoRule;
import java.util.List;

/**
 * The Calico fields netpolc reads but does not enforce as pod policy (host-endpoint options,
 * L7 matches, source ports): one refusal, shared by the lowering and the reference evaluator so
 * both refuse the same input with the same message (fail closed, never ignore).
 */
public final class CalicoUnenforceable {
  private CalicoUnenforceable() {}

  /**
   * Refuses {@code p} when it sets a field netpolc does not enforce.
   *
   * @throws CompileException naming the first such field and its position
   */
  public static void refuse(CalicoPolicy p) {
    refuse(p, p.doNotTrack(), "spec.doNotTrack", "doNotTrack applies to host endpoints");
    refuse(p, p.preDNAT(), "spec.preDNAT", "preDNAT applies to host endpoints");
    refuse(p, p.applyOnForward(), "spec.applyOnForward", "applyOnForward applies to forwarded host traffic");
    for (boolean ingress : new boolean[] {true, false}) {
      List<CalicoRule> rules = p.rules(ingress);
      for (int i = 0; i < rules.size(); i++) {
        String path = (ingress ? "spec.ingress[" : "spec.egress[") + i + "]";
        CalicoRule r = rules.get(i);
        refuse(p, r.http(), path + ".http", "an http match is an L7 rule");
        refuse(p, !r.source().ports().isEmpty(), path + ".source.ports",
            "a source port match needs the connection's source port, which netpolc does not model");
        refuse(p, !r.source().notPorts().isEmpty(), path + ".source.notPorts",
            "a source port match needs the connection's source port, which netpolc does not model");
      }
    }
  }

  private static void refuse(CalicoPolicy p, boolean set, String path, String why) {
    if (set) {
      throw new CompileException(p.source().find(path), path, "Calico " + p.key() + ": " + why
          + ", which netpolc does not enforce; remove it or keep this policy out of netpolc's input");
    }
  }
}
