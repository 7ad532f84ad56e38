package dev.netpolc.backend.nftables;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * The {@link SetLayout} of the last few rulesets this JVM emitted, keyed by the identity of the
 * script text (weakly: a ruleset nobody holds any more drops out). The incremental fast path
 * needs the layout of the previous artifact; an artifact not found here (read from a file, or
 * emitted long ago) takes the full recompile-and-diff path instead. Thread-safe.
 */
final class LayoutCache {
  private static final int CAPACITY = 4;

  private record Entry(WeakReference<String> text, SetLayout layout) {}

  private final Deque<Entry> entries = new ArrayDeque<>();

  /** Records the layout of the script {@code text}. */
  synchronized void put(String text, SetLayout layout) {
    entries.removeIf(e -> e.text().get() == null || e.text().get() == text);
    entries.addFirst(new Entry(new WeakReference<>(text), layout));
    while (entries.size() > CAPACITY) {
      entries.removeLast();
    }
  }

  /** The layout of exactly this script instance, if it was emitted here recently. */
  synchronized Optional<SetLayout> get(String text) {
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      String t = e.text().get();
      if (t == null) {
        it.remove();
      } else if (t == text) {
        return Optional.of(e.layout());
      }
    }
    return Optional.empty();
  }
}
