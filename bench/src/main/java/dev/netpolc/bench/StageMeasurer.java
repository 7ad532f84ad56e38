package dev.netpolc.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs a stage a few times in this JVM and measures its warm runs: wall time (median), heap
 * allocated by all threads (median; {@code getTotalThreadAllocatedBytes}, so parallel stages count in
 * full), peak heap (highest of the runs) and the heap its result keeps reachable. Each run starts
 * after a full collection.
 */
final class StageMeasurer implements AutoCloseable {
  private final int warmups;
  private final int runs;
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final HeapWatch heap = new HeapWatch();

  StageMeasurer(int warmups, int runs) {
    if (warmups < 0 || runs < 1) {
      throw new IllegalArgumentException("need warmups >= 0 and runs >= 1");
    }
    this.warmups = warmups;
    this.runs = runs;
  }

  /** What a stage produced and how it was measured. */
  record Measured<T>(T value, StageResult result) {}

  /** Measures {@code stage}; the value returned is the last run's. */
  <T> Measured<T> measure(String preset, String stageName, Callable<T> stage) throws Exception {
    for (int i = 0; i < warmups; i++) {
      stage.call();
    }
    double[] millis = new double[runs];
    long[] allocated = new long[runs];
    long peak = 0;
    long retained = 0;
    T value = null;
    for (int i = 0; i < runs; i++) {
      value = null;
      heap.start();
      long alloc0 = totalAllocated();
      long t0 = System.nanoTime();
      value = stage.call();
      long t1 = System.nanoTime();
      allocated[i] = totalAllocated() - alloc0;
      millis[i] = (t1 - t0) / 1e6;
      long[] peakAndRetained = heap.stop();
      peak = Math.max(peak, peakAndRetained[0]);
      retained = peakAndRetained[1];
    }
    return new Measured<>(value, new StageResult(preset, stageName, runs, median(millis), median(allocated), peak,
        retained, Map.of()));
  }

  /**
   * Bytes allocated by every thread so far. {@code getTotalThreadAllocatedBytes} (which also
   * counts threads that have ended) is in JDK 17 updates and JDK 21+, but not in the Java 17 API
   * we compile against, so it is looked up by reflection; without it, the live threads' sum.
   */
  private long totalAllocated() {
    if (TOTAL_ALLOCATED != null) {
      try {
        return (long) TOTAL_ALLOCATED.invoke(threads);
      } catch (ReflectiveOperationException e) {
        // fall through to the live threads' sum
      }
    }
    long sum = 0;
    for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, a);
    }
    return sum;
  }

  private static final java.lang.reflect.Method TOTAL_ALLOCATED = totalAllocatedMethod();

  private static java.lang.reflect.Method totalAllocatedMethod() {
    try {
      return com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static long median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  @Override
  public void close() {
    heap.close();
  }
}
