package dev.netpolc.cli.format.matrix;

/**
 * Allowed pairs out of all pairs of distinct pods between two groups. A pod reaching itself is
 * never counted: it always does, so it would only add noise.
 *
 * @param allowed pairs where a new connection is allowed
 * @param total   all pairs of distinct pods between the two groups
 */
public record PairCount(int allowed, int total) {
  public PairCount {
    if (allowed < 0 || total < allowed) {
      throw new IllegalArgumentException("need 0 <= allowed <= total: " + allowed + "/" + total);
    }
  }

  /** {@code allowed/total}, e.g. {@code 2/6}. */
  public String label() {
    return allowed + "/" + total;
  }

  /** The allowed fraction, 0 when there are no pairs. */
  public double fraction() {
    return total == 0 ? 0 : (double) allowed / total;
  }
}
