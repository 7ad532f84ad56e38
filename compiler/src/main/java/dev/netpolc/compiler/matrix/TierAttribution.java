package dev.netpolc.compiler.matrix;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Pod;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which tier decided each cell of a reachability matrix: the connection {@link MatrixComputer}
 * decides for a pair of pods, explained by the {@link ReferenceEvaluator}. The cells agree with a
 * matrix computed by the same evaluator; another decider should agree too (the backends are
 * tested against it).
 *
 * <pre>{@code
 * TierAttribution tiers = new TierAttribution(new ReferenceEvaluator(cluster, options));
 * CellDecision d = tiers.decide(new Probe(PortSpec.of(80), Protocol.TCP), "a/web", "b/db");
 * }</pre>
 */
public final class TierAttribution {
  private final ReferenceEvaluator evaluator;
  /** The pods a matrix has, by key (the first active pod of a key, as in {@link MatrixComputer}). */
  private final Map<String, Pod> pods;

  /** Attribution over the evaluator's cluster and options. */
  public TierAttribution(ReferenceEvaluator evaluator) {
    this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
    Map<String, Pod> byKey = new TreeMap<>();
    for (Pod p : MatrixComputer.pods(evaluator.cluster(), p -> true)) {
      byKey.put(p.key(), p);
    }
    this.pods = byKey;
  }

  /**
   * The decision for the cell {@code from → to} on {@code probe}.
   *
   * @throws IllegalArgumentException when either is not an active pod of the cluster, or both are
   *         the same pod (that cell is always allowed and has no decision)
   */
  public CellDecision decide(Probe probe, String from, String to) {
    Pod source = pod(from);
    Pod destination = pod(to);
    if (from.equals(to)) {
      throw new IllegalArgumentException("a pod reaching itself has no decision: " + from);
    }
    Optional<Connection> c = MatrixComputer.connection(source, destination, probe);
    if (c.isEmpty()) {
      boolean noPort = !probe.isIcmp() && probe.port().isNamed()
          && destination.namedPort(probe.port().name(), probe.protocol()).isEmpty();
      return new CellDecision.Settled(noPort ? CellDecision.Reason.NO_PORT : CellDecision.Reason.NO_ADDRESS);
    }
    Explanation e = evaluator.explain(c.get());
    if (e.shortcut() == Explanation.Shortcut.NODE_LOCAL || e.shortcut() == Explanation.Shortcut.CILIUM_OWN_NODE) {
      return new CellDecision.Settled(CellDecision.Reason.NODE_LOCAL);
    }
    if (e.shortcut() == Explanation.Shortcut.SAME_POD) {
      // Distinct pods are the same to the evaluator only when they share an address.
      return new CellDecision.Settled(CellDecision.Reason.SAME_ADDRESS);
    }
    return new CellDecision.Evaluated(DirectionDecision.of(e.egress()), DirectionDecision.of(e.ingress()));
  }

  private Pod pod(String key) {
    Pod p = pods.get(key);
    if (p == null) {
      throw new IllegalArgumentException("not an active pod of the cluster: " + key);
    }
    return p;
  }
}
