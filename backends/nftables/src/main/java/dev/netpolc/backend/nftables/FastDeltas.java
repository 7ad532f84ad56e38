package dev.netpolc.backend.nftables;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * The last few fast-path deltas made in this JVM, keyed by the identity of their script and of
 * the ruleset they were computed against (weakly: a delta nobody holds drops out), so that
 * {@link NftablesBackend#applied} can patch the ruleset instead of rendering it. A pure memo:
 * without an entry it renders. Thread-safe.
 */
final class FastDeltas {
  private static final int CAPACITY = 4;

  private record Entry(WeakReference<String> delta, WeakReference<String> previous, DeltaWriter.Result result) {}

  private final Deque<Entry> entries = new ArrayDeque<>();

  /** Records that script {@code delta}, made against {@code previous}, is {@code result}. */
  synchronized void put(String delta, String previous, DeltaWriter.Result result) {
    entries.removeIf(e -> e.delta().get() == null || e.delta().get() == delta);
    entries.addFirst(new Entry(new WeakReference<>(delta), new WeakReference<>(previous), result));
    while (entries.size() > CAPACITY) {
      entries.removeLast();
    }
  }

  /** The fast path's result for exactly this delta script made against exactly this ruleset. */
  synchronized Optional<DeltaWriter.Result> get(String delta, String previous) {
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      String d = e.delta().get();
      if (d == null) {
        it.remove();
      } else if (d == delta && e.previous().get() == previous) {
        return Optional.of(e.result());
      }
    }
    return Optional.empty();
  }
}
