package dev.netpolc.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Peak heap use of a stretch of code, exactly: between collections the heap only grows, so its
 * peak is the heap in use just before one of the collections (read from the GC notifications)
 * or at the end (read from the explicit collection that closes the stretch). The same closing
 * collection tells what the stage's result keeps alive.
 */
final class HeapWatch implements AutoCloseable {
  private static final String EXPLICIT_CAUSE = "System.gc()";

  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private final AtomicLong peakBeforeGc = new AtomicLong();
  private final Object explicitLock = new Object();
  private long explicitCollections;
  private long lastExplicitAfter;
  private long lastExplicitBefore;
  private final javax.management.NotificationListener listener = (n, handback) -> onNotification(n);

  HeapWatch() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener(listener,
          n -> n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION), null);
    }
  }

  /** Heap after a full collection: the baseline a stage starts from; also restarts the peak. */
  long start() {
    long[] beforeAfter = collect();
    peakBeforeGc.set(beforeAfter[1]);
    return beforeAfter[1];
  }

  /** Ends the stretch: {@code [peak heap, heap still reachable after a full collection]}. */
  long[] stop() {
    long[] beforeAfter = collect();
    // A compacting collection can report a little more in use after than before (region rounding).
    long peak = Math.max(peakBeforeGc.get(), Math.max(beforeAfter[0], beforeAfter[1]));
    return new long[] {peak, beforeAfter[1]};
  }

  /** A full collection, waiting for its notification: {@code [heap before, heap after]}. */
  private long[] collect() {
    synchronized (explicitLock) {
      long seen = explicitCollections;
      System.gc();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (explicitCollections == seen) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no notification for System.gc(); is -XX:+DisableExplicitGC set?");
        }
        try {
          explicitLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      return new long[] {lastExplicitBefore, lastExplicitAfter};
    }
  }

  private void onNotification(javax.management.Notification n) {
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long before = heap(info.getGcInfo().getMemoryUsageBeforeGc());
    long after = heap(info.getGcInfo().getMemoryUsageAfterGc());
    peakBeforeGc.accumulateAndGet(before, Math::max);
    if (EXPLICIT_CAUSE.equals(info.getGcCause())) {
      synchronized (explicitLock) {
        lastExplicitBefore = before;
        lastExplicitAfter = after;
        explicitCollections++;
        explicitLock.notifyAll();
      }
    }
  }

  private long heap(Map<String, MemoryUsage> usage) {
    long sum = 0;
    for (Map.Entry<String, MemoryUsage> e : usage.entrySet()) {
      if (heapPools.contains(e.getKey())) {
        sum += e.getValue().getUsed();
      }
    }
    return sum;
  }

  @Override
  public void close() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      try {
        ((NotificationEmitter) gc).removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException e) {
        // Already gone: nothing to undo.
      }
    }
  }
}
