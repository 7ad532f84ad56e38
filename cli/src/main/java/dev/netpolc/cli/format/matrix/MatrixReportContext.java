package dev.netpolc.cli.format.matrix;

import dev.netpolc.compiler.matrix.TierAttribution;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a report for people says besides the matrices: the inputs summary and the grouping.
 * Holds no time of day, so a report is byte-identical for the same input.
 *
 * @param policies the number of NetworkPolicies read, when known
 * @param version  the generator, e.g. {@code netpolc 0.1.0}
 * @param groupBy  what a graph node stands for
 * @param tiers    which tier decided each cell, when the input has cluster network policies
 *                 (Admin/Baseline tiers); the HTML report then marks it per cell
 */
public record MatrixReportContext(OptionalInt policies, String version, GroupBy groupBy,
    Optional<TierAttribution> tiers) {
  public MatrixReportContext {
    Objects.requireNonNull(policies, "policies");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(groupBy, "groupBy");
    Objects.requireNonNull(tiers, "tiers");
  }

  /** A context without tier attribution (input with NetworkPolicies only). */
  public MatrixReportContext(OptionalInt policies, String version, GroupBy groupBy) {
    this(policies, version, groupBy, Optional.empty());
  }

  /** No policy count, an unnamed generator, grouped by namespace: for formatting bare matrices. */
  public static MatrixReportContext unknown() {
    return new MatrixReportContext(OptionalInt.empty(), "netpolc", GroupBy.namespace);
  }
}
