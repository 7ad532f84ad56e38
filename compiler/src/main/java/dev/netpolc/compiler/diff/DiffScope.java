package dev.netpolc.compiler.diff;

import dev.netpolc.model.Pod;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which pod pairs a diff looks at, and how much it may do: the changes from the pods accepted by
 * {@code sources} to those accepted by {@code destinations}, each decided exactly as in the whole
 * diff (so a scoped diff is the whole diff's slice), within two budgets that bound time and heap
 * on a large cluster ({@link DiffTooLargeException} when one is exceeded).
 *
 * @param sources       the source pods to compare
 * @param destinations  the destination pods to compare
 * @param maxClassPairs the most (source class, destination class) pairs to decide, counted
 *                      before any is decided; only pairs where a side's rules changed count
 * @param maxBlocks     the most changed rectangles (one source namespace × one destination
 *                      namespace × one port space) to collect, before merging into blocks
 */
public record DiffScope(Predicate<Pod> sources, Predicate<Pod> destinations, long maxClassPairs, long maxBlocks) {

  /** The default class-pair budget: tens of seconds of deciding on a busy machine. */
  public static final long DEFAULT_MAX_CLASS_PAIRS = 50_000_000;

  /** The default block budget: far more than anyone reads, well within the CLI's default heap. */
  public static final long DEFAULT_MAX_BLOCKS = 100_000;

  /** Every pod pair, with the default budgets. */
  public static final DiffScope ALL = new DiffScope(p -> true, p -> true, DEFAULT_MAX_CLASS_PAIRS,
      DEFAULT_MAX_BLOCKS);

  public DiffScope {
    Objects.requireNonNull(sources, "sources");
    Objects.requireNonNull(destinations, "destinations");
    if (maxClassPairs < 1 || maxBlocks < 1) {
      throw new IllegalArgumentException("budgets must be at least 1");
    }
  }

  /** Every pod pair without budgets: what the unscoped {@link PolicyDiff#compute} does. */
  static final DiffScope UNBOUNDED = new DiffScope(p -> true, p -> true, Long.MAX_VALUE, Long.MAX_VALUE);

  /** This scope with other pod filters. */
  public DiffScope between(Predicate<Pod> newSources, Predicate<Pod> newDestinations) {
    return new DiffScope(newSources, newDestinations, maxClassPairs, maxBlocks);
  }

  /** This scope with other budgets. */
  public DiffScope withBudgets(long newMaxClassPairs, long newMaxBlocks) {
    return new DiffScope(sources, destinations, newMaxClassPairs, newMaxBlocks);
  }
}
