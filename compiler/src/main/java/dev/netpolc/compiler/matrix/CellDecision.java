package dev.netpolc.compiler.matrix;

import dev.netpolc.model.PolicyType;
import java.util.Locale;
import java.util.Objects;

/**
 * Why one cell of a reachability matrix (a pair of distinct pods on one probe) is allowed or
 * denied, as the reference evaluator decides it: either both directions were evaluated, or the
 * pair was settled before any policy was consulted.
 */
public sealed interface CellDecision permits CellDecision.Evaluated, CellDecision.Settled {

  /** The cell's verdict. */
  boolean allowed();

  /** The tier that decided the cell. */
  DecidingTier tier();

  /**
   * Egress at the source and ingress at the destination were evaluated.
   *
   * @param egress  the egress decision at the source
   * @param ingress the ingress decision at the destination
   */
  record Evaluated(DirectionDecision egress, DirectionDecision ingress) implements CellDecision {
    public Evaluated {
      Objects.requireNonNull(egress, "egress");
      Objects.requireNonNull(ingress, "ingress");
      if (egress.direction() != PolicyType.Egress || ingress.direction() != PolicyType.Ingress) {
        throw new IllegalArgumentException("egress and ingress swapped");
      }
    }

    @Override
    public boolean allowed() {
      return egress.allowed() && ingress.allowed();
    }

    /**
     * The direction that decided, in evaluation order: a denying direction (egress first); when
     * both allow, egress if a tier had a say in it, else ingress.
     */
    public DirectionDecision deciding() {
      if (!egress.allowed()) {
        return egress;
      }
      if (!ingress.allowed()) {
        return ingress;
      }
      return egress.tier() != DecidingTier.DEFAULT ? egress : ingress;
    }

    @Override
    public DecidingTier tier() {
      return deciding().tier();
    }
  }

  /**
   * The pair was settled without consulting policy.
   *
   * @param reason why
   */
  record Settled(Reason reason) implements CellDecision {
    public Settled {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public boolean allowed() {
      return reason.allowed;
    }

    @Override
    public DecidingTier tier() {
      return DecidingTier.NONE;
    }
  }

  /** Why a pair was settled without policy. */
  enum Reason {
    /** Between a pod and the node it runs on (a hostNetwork pod): exempt (allowNodeToLocalPods). */
    NODE_LOCAL(true),
    /** The two pods have the same address (hostNetwork pods of one node): it never leaves the host. */
    SAME_ADDRESS(true),
    /** The destination does not declare the probe's named port: nothing to connect to. */
    NO_PORT(false),
    /** The two pods share no address family. */
    NO_ADDRESS(false);

    private final boolean allowed;

    Reason(boolean allowed) {
      this.allowed = allowed;
    }

    /** The report's name: {@code node-local}, {@code same-address}, {@code no-port}, {@code no-address}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
