package dev.netpolc.compiler.diff;

/**
 * A diff refused because it would exceed a budget of its {@link DiffScope}: thrown before any
 * class pair is decided (class pairs), or as soon as the collected changes pass the block budget,
 * so neither time nor heap grows past the budget.
 */
public final class DiffTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which budget a refused diff exceeded. */
  public enum Budget {
    /** {@link DiffScope#maxClassPairs()}: too many class pairs to decide. */
    CLASS_PAIRS,
    /** {@link DiffScope#maxBlocks()}: too many changed rectangles to report. */
    BLOCKS
  }

  private final Budget budget;
  private final long count;
  private final long limit;
  private final int sources;
  private final int destinations;

  DiffTooLargeException(Budget budget, long count, long limit, int sources, int destinations) {
    super(message(budget, count, limit, sources, destinations));
    this.budget = budget;
    this.count = count;
    this.limit = limit;
    this.sources = sources;
    this.destinations = destinations;
  }

  private static String message(Budget budget, long count, long limit, int sources, int destinations) {
    String what = budget == Budget.CLASS_PAIRS
        ? count + " pairs of pod classes to decide, more than " + limit + "; refused before deciding any"
        : "more than " + limit + " changed blocks; stopped after collecting " + count;
    return what + " (" + sources + " source pods, " + destinations + " destination pods)";
  }

  /** The budget exceeded. */
  public Budget budget() {
    return budget;
  }

  /** The count that exceeded it: class pairs to decide, or blocks collected when stopped. */
  public long count() {
    return count;
  }

  /** The budget's value. */
  public long limit() {
    return limit;
  }

  /** Source pods in the diff's scope. */
  public int sources() {
    return sources;
  }

  /** Destination pods in the diff's scope. */
  public int destinations() {
    return destinations;
  }
}
