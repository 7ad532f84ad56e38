package dev.netpolc.cli.format.matrix;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reachability matrix folded into groups (namespaces or pods): for every ordered pair of
 * groups, how many pairs of distinct pods between them are allowed. Linear in the pods and the
 * allowed pairs (the counts are kept sparse, never groups²), so it stays cheap on large clusters
 * and on rectangular matrices ({@code --from}/{@code --to}).
 */
public final class GroupMatrix {
  private final GroupBy groupBy;
  private final ImmutableList<String> groups;
  private final Map<String, Integer> index;
  private final int[] sourceSizes;
  private final int[] destinationSizes;
  /** Per group, its pods that are both a source and a destination: the self pairs not counted. */
  private final int[] bothSizes;
  /** Allowed pairs by source group index × groups + destination group index; absent is 0. */
  private final TreeMap<Long, Integer> allowed;

  private GroupMatrix(GroupBy groupBy, ImmutableList<String> groups, Map<String, Integer> index, int[] sourceSizes,
      int[] destinationSizes, int[] bothSizes, TreeMap<Long, Integer> allowed) {
    this.groupBy = groupBy;
    this.groups = groups;
    this.index = index;
    this.sourceSizes = sourceSizes;
    this.destinationSizes = destinationSizes;
    this.bothSizes = bothSizes;
    this.allowed = allowed;
  }

  /** Folds {@code matrix} by {@code groupBy}. */
  public static GroupMatrix of(ReachabilityMatrix matrix, GroupBy groupBy) {
    TreeSet<String> sorted = new TreeSet<>(groupBy == GroupBy.pod ? PodKeys.ORDER : String::compareTo);
    for (String pod : matrix.pods()) {
      sorted.add(groupBy.groupOf(pod));
    }
    ImmutableList<String> groups = ImmutableList.copyOf(sorted);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      index.put(groups.get(i), i);
    }
    int[] sourceSizes = new int[groups.size()];
    int[] destinationSizes = new int[groups.size()];
    int[] bothSizes = new int[groups.size()];
    Set<String> destinations = new HashSet<>(matrix.destinations());
    for (String pod : matrix.sources()) {
      int g = index.get(groupBy.groupOf(pod));
      sourceSizes[g]++;
      if (destinations.contains(pod)) {
        bothSizes[g]++;
      }
    }
    for (String pod : matrix.destinations()) {
      destinationSizes[index.get(groupBy.groupOf(pod))]++;
    }
    TreeMap<Long, Integer> allowed = new TreeMap<>();
    long n = groups.size();
    for (Map.Entry<String, List<String>> e : matrix.allowed().entrySet()) {
      long from = index.get(groupBy.groupOf(e.getKey()));
      for (String to : e.getValue()) {
        // A destination outside the matrix's pods cannot occur; a pod reaching itself is not counted.
        Integer toIndex = index.get(groupBy.groupOf(to));
        if (toIndex != null && !to.equals(e.getKey())) {
          allowed.merge(from * n + toIndex, 1, Integer::sum);
        }
      }
    }
    return new GroupMatrix(groupBy, groups, index, sourceSizes, destinationSizes, bothSizes, allowed);
  }

  /** The grouping. */
  public GroupBy groupBy() {
    return groupBy;
  }

  /** Every group with at least one pod: namespaces sorted, or pods by namespace then name. */
  public List<String> groups() {
    return groups;
  }

  /** The pair count from {@code from} to {@code to}; both must be groups of this matrix. */
  public PairCount count(String from, String to) {
    return count(indexOf(from), indexOf(to));
  }

  private PairCount count(int f, int t) {
    int total = sourceSizes[f] * destinationSizes[t] - (f == t ? bothSizes[f] : 0);
    return new PairCount(allowed.getOrDefault((long) f * groups.size() + t, 0), total);
  }

  /** The edges (at least one allowed pair), by source then destination in {@link #groups()} order. */
  public List<GroupEdge> edges() {
    ImmutableList.Builder<GroupEdge> out = ImmutableList.builder();
    long n = groups.size();
    for (long key : allowed.keySet()) {
      int f = (int) (key / n);
      int t = (int) (key % n);
      out.add(new GroupEdge(groups.get(f), groups.get(t), count(f, t)));
    }
    return out.build();
  }

  private int indexOf(String group) {
    Integer i = index.get(group);
    if (i == null) {
      throw new IllegalArgumentException("not a group of this matrix: " + group);
    }
    return i;
  }
}
