package dev.netpolc.backend.ebpf;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.backend.BackendException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The log sets of one emission: each distinct set of LOG rules that connections of some
 * np_policy entry pass on their way to its verdict, numbered 1, 2, ... in order of first use
 * (the emission order is deterministic, so the numbering is too). A value's {@code logs} field
 * holds the number; the datapath counts connections per number in {@code np_log_count} and
 * sends a record carrying it to {@code np_log_events}; this table, written beside the maps as
 * {@value #FILE}, says which rules (by their np_policy rule numbers) a number stands for.
 *
 * <p>File format, one line per set: {@code <id> <rule number> [<rule number> ...]} in decimal,
 * rule numbers ascending; lines starting with {@code #} are comments.
 */
public final class LogSets {
  /** The artifact file holding the table. */
  public static final String FILE = "logsets.txt";
  /** The largest id: np_policy's log field is a u16 (0 means none). */
  public static final int MAX_ID = 0xffff;

  private final Map<List<Integer>, Integer> ids = new HashMap<>();
  private final TreeMap<Integer, ImmutableList<Integer>> sets = new TreeMap<>();

  /** An empty table. */
  public LogSets() {}

  /**
   * The id of the set of rule numbers {@code ruleNumbers} (ascending, distinct; not empty),
   * numbered on first use.
   *
   * @throws IllegalStateException past {@link #MAX_ID} sets
   */
  int idOf(List<Integer> ruleNumbers) {
    Integer id = ids.get(ruleNumbers);
    if (id != null) {
      return id;
    }
    if (sets.size() >= MAX_ID) {
      throw new IllegalStateException("more than " + MAX_ID + " distinct sets of LOG rules");
    }
    int next = sets.size() + 1;
    ImmutableList<Integer> copy = ImmutableList.copyOf(ruleNumbers);
    ids.put(copy, next);
    sets.put(next, copy);
    return next;
  }

  /** Every set by id: the np_policy rule numbers of its LOG rules, ascending. */
  public SortedMap<Integer, ImmutableList<Integer>> sets() {
    return ImmutableSortedMap.copyOf(sets);
  }

  /** True when no entry logs. */
  public boolean isEmpty() {
    return sets.isEmpty();
  }

  /** The table as {@value #FILE} text. */
  public String write() {
    StringBuilder sb = new StringBuilder("# netpolc eBPF log sets: id, then the np_policy rule numbers of its LOG rules\n");
    sets.forEach((id, rules) -> {
      sb.append(id);
      rules.forEach(r -> sb.append(' ').append(Integer.toUnsignedLong(r)));
      sb.append('\n');
    });
    return sb.toString();
  }

  /**
   * Reads {@value #FILE} text back.
   *
   * @throws BackendException naming the line when it does not parse
   */
  public static LogSets read(String text) throws BackendException {
    LogSets out = new LogSets();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(" +");
      try {
        int id = Integer.parseInt(parts[0]);
        List<Integer> rules = new ArrayList<>();
        for (int k = 1; k < parts.length; k++) {
          long n = Long.parseLong(parts[k]);
          if (n < 0 || n > 0xffff_ffffL) {
            throw new NumberFormatException("out of range");
          }
          rules.add((int) n);
        }
        if (id != out.sets.size() + 1 || rules.isEmpty()) {
          throw new NumberFormatException("ids must run 1, 2, ... and name at least one rule");
        }
        out.idOf(rules);
      } catch (NumberFormatException e) {
        throw new BackendException("ebpf: " + FILE + ":" + (i + 1) + ":1: not '<id> <rule number>...' ("
            + e.getMessage() + ")");
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogSets l && sets.equals(l.sets);
  }

  @Override
  public int hashCode() {
    return sets.hashCode();
  }

  @Override
  public String toString() {
    return sets.toString();
  }
}
