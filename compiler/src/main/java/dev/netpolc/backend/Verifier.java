package dev.netpolc.backend;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.reference.Endpoint;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares any decider (typically a backend's simulator over a ruleset) with the reference
 * evaluator on {@link VerificationProbes}. For a node, the reference is restricted to the checks
 * that node enforces: egress of its pods and ingress to its pods; everything else must pass.
 *
 * <pre>{@code
 * ConnectionDecider sim = backend.simulator(artifact, context);
 * VerifyReport r = Verifier.verify(cluster, SemanticsOptions.DEFAULTS, Optional.of("node-a"), sim, 10);
 * }</pre>
 */
public final class Verifier {
  private Verifier() {}

  /**
   * Checks {@code candidate} against the reference on every probe of {@code cluster}.
   *
   * @param node  the node the candidate enforces for, or empty for cluster-wide
   * @param keep  how many disagreements to keep in {@link VerifyReport#first()}
   */
  public static VerifyReport verify(Cluster cluster, SemanticsOptions options, Optional<String> node,
      ConnectionDecider candidate, int keep) {
    return verify(new ReferenceEvaluator(cluster, options), node, candidate, VerificationProbes.of(cluster), keep);
  }

  /** Like {@link #verify(Cluster, SemanticsOptions, Optional, ConnectionDecider, int)} on given probes. */
  public static VerifyReport verify(ReferenceEvaluator reference, Optional<String> node, ConnectionDecider candidate,
      List<Connection> probes, int keep) {
    Objects.requireNonNull(node, "node");
    List<Disagreement> first = new ArrayList<>();
    int bad = 0;
    for (Connection c : probes) {
      boolean got = candidate.allows(c);
      Explanation e = reference.explain(c);
      boolean want = expected(e, node);
      if (got != want) {
        bad++;
        if (first.size() < keep) {
          first.add(new Disagreement(c, want, got, e));
        }
      }
    }
    return new VerifyReport(probes.size(), bad, first);
  }

  /**
   * The reference's decision restricted to the checks {@code node} enforces (the whole decision
   * when cluster-wide): shortcuts allow; otherwise egress counts only when the source is a pod
   * on the node, ingress only when the destination is.
   */
  public static boolean expected(Explanation e, Optional<String> node) {
    if (node.isEmpty()) {
      return e.allowed();
    }
    if (e.shortcut() != Explanation.Shortcut.NONE) {
      return true;
    }
    boolean egress = !isLocalPod(e.source(), node.get()) || e.egress().allowed();
    boolean ingress = !isLocalPod(e.destination(), node.get()) || e.ingress().allowed();
    return egress && ingress;
  }

  /** The reference restricted to {@code node}'s checks, as a decider. */
  public static ConnectionDecider restricted(ReferenceEvaluator reference, Optional<String> node) {
    return c -> node.isEmpty() ? reference.allows(c) : expected(reference.explain(c), node);
  }

  private static boolean isLocalPod(Endpoint end, String node) {
    return end.kind() == Endpoint.Kind.POD && end.nodeName().equals(Optional.of(node));
  }
}
