package dev.netpolc.cli.format.matrix;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A reachability matrix folded into groups (namespaces or pods): for every ordered pair of
 * groups, how many pairs of distinct pods between them are allowed. Linear in the allowed pairs,
 * so it stays cheap on large clusters.
 */
public final class GroupMatrix {
  private final GroupBy groupBy;
  private final ImmutableList<String> groups;
  private final Map<String, Integer> index;
  private final int[] sizes;
  private final int[][] allowed;

  private GroupMatrix(GroupBy groupBy, ImmutableList<String> groups, Map<String, Integer> index, int[] sizes,
      int[][] allowed) {
    this.groupBy = groupBy;
    this.groups = groups;
    this.index = index;
    this.sizes = sizes;
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
    int[] sizes = new int[groups.size()];
    for (String pod : matrix.pods()) {
      sizes[index.get(groupBy.groupOf(pod))]++;
    }
    int[][] allowed = new int[groups.size()][groups.size()];
    for (Map.Entry<String, List<String>> e : matrix.allowed().entrySet()) {
      int from = index.get(groupBy.groupOf(e.getKey()));
      for (String to : e.getValue()) {
        // A destination outside the matrix's pods cannot occur; a pod reaching itself is not counted.
        Integer toIndex = index.get(groupBy.groupOf(to));
        if (toIndex != null && !to.equals(e.getKey())) {
          allowed[from][toIndex]++;
        }
      }
    }
    return new GroupMatrix(groupBy, groups, index, sizes, allowed);
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
    int f = indexOf(from);
    int t = indexOf(to);
    int total = sizes[f] * sizes[t] - (f == t ? sizes[f] : 0);
    return new PairCount(allowed[f][t], total);
  }

  /** The edges (at least one allowed pair), by source then destination in {@link #groups()} order. */
  public List<GroupEdge> edges() {
    ImmutableList.Builder<GroupEdge> out = ImmutableList.builder();
    for (String from : groups) {
      for (String to : groups) {
        PairCount c = count(from, to);
        if (c.allowed() > 0) {
          out.add(new GroupEdge(from, to, c));
        }
      }
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
