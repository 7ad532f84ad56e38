package dev.netpolc.bench;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;

/**
 * One row of the bench table: a stage of one preset, measured over warm runs.
 *
 * @param preset         the preset (or input) name
 * @param stage          the stage, e.g. {@code read} or {@code emit-nftables}
 * @param runs           measured runs (after the warm-up runs)
 * @param millis         median wall time of the measured runs
 * @param allocatedBytes median heap allocation of the measured runs, over all threads
 * @param peakHeapBytes  highest heap use seen during any measured run (live inputs included)
 * @param retainedBytes  heap reachable after the stage (inputs plus result), after a full collection
 * @param sizes          what the stage produced: objects, rules, set elements, map entries, bytes
 */
record StageResult(String preset, String stage, int runs, double millis, long allocatedBytes, long peakHeapBytes,
    long retainedBytes, Map<String, Long> sizes) {
  StageResult {
    sizes = ImmutableSortedMap.copyOf(sizes);
  }

  /** The same row with these sizes. */
  StageResult withSizes(Map<String, Long> newSizes) {
    return new StageResult(preset, stage, runs, millis, allocatedBytes, peakHeapBytes, retainedBytes,
        ImmutableSortedMap.copyOf(newSizes));
  }
}
