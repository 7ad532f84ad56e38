package dev.netpolc.kernel;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link Prober} observed: for each probe, whether the connection worked (TCP: connected
 * and echoed; UDP: the datagram's echo came back). Kept in probe order, so rendering is
 * deterministic.
 */
public final class Reachability {

  private final ImmutableMap<Probe, Boolean> results;
  private final ImmutableList<Probe> recovered;

  /** The observations, in the order given. */
  public Reachability(Map<Probe, Boolean> results) {
    this(results, List.of());
  }

  /** The observations, and the probes that got through only when tried again. */
  public Reachability(Map<Probe, Boolean> results, List<Probe> recoveredOnRetry) {
    this.results = ImmutableMap.copyOf(results);
    this.recovered = ImmutableList.copyOf(recoveredOnRetry);
  }

  /**
   * Probes that failed at first and got through on a retry. A few mean the machine is loaded; a
   * steady stream for one destination hints at a rule that drops some packets of a flow.
   */
  public ImmutableList<Probe> recoveredOnRetry() {
    return recovered;
  }

  /** Every observation, in probe order. */
  public ImmutableMap<Probe, Boolean> asMap() {
    return results;
  }

  /** Whether {@code probe} got through; throws if it was not probed. */
  public boolean reachable(Probe probe) {
    Boolean r = results.get(probe);
    if (r == null) {
      throw new IllegalArgumentException("not probed: " + probe);
    }
    return r;
  }

  /** The probes that got through, in probe order. */
  public ImmutableList<Probe> reachableProbes() {
    return filter(true);
  }

  /** The probes that were blocked, in probe order. */
  public ImmutableList<Probe> blockedProbes() {
    return filter(false);
  }

  private ImmutableList<Probe> filter(boolean value) {
    return results.entrySet().stream().filter(e -> e.getValue() == value).map(Map.Entry::getKey)
        .collect(ImmutableList.toImmutableList());
  }

  /**
   * One line per probe whose observation differs from {@code expected} (true = allowed), plus
   * one per expected probe that was not made; empty when everything agrees.
   */
  public List<String> mismatches(Map<Probe, Boolean> expected) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Probe, Boolean> e : expected.entrySet()) {
      Boolean seen = results.get(e.getKey());
      if (seen == null) {
        out.add(e.getKey() + ": not probed");
      } else if (!seen.equals(e.getValue())) {
        out.add(e.getKey() + ": expected " + word(e.getValue()) + ", observed " + word(seen));
      }
    }
    return out;
  }

  private static String word(boolean allowed) {
    return allowed ? "allowed" : "blocked";
  }

  /**
   * A text table per (protocol, port, family), rows = source, columns = destination, {@code .}
   * reachable, {@code X} blocked, blank not probed. Meant for failure messages and logs.
   */
  public String render() {
    Map<String, List<Probe>> groups = new LinkedHashMap<>();
    for (Probe p : results.keySet()) {
      groups.computeIfAbsent(p.protocol() + "/" + p.port() + " " + p.family().label(), k -> new ArrayList<>()).add(p);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<Probe>> g : groups.entrySet()) {
      Set<String> rows = new LinkedHashSet<>();
      Set<String> cols = new LinkedHashSet<>();
      Map<String, Boolean> cell = new LinkedHashMap<>();
      for (Probe p : g.getValue()) {
        rows.add(p.from());
        cols.add(p.to());
        cell.put(p.from() + "\n" + p.to(), results.get(p));
      }
      int w = Math.max(g.getKey().length(), rows.stream().mapToInt(String::length).max().orElse(0));
      StringBuilder header = new StringBuilder(pad(g.getKey(), w));
      for (String c : cols) {
        header.append(' ').append(c);
      }
      out.append(header).append('\n');
      for (String r : rows) {
        StringBuilder line = new StringBuilder(pad(r, w));
        for (String c : cols) {
          Boolean v = cell.get(r + "\n" + c);
          line.append(' ').append(pad(v == null ? " " : v ? "." : "X", c.length()));
        }
        out.append(line.toString().stripTrailing()).append('\n');
      }
    }
    return out.toString();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Reachability && ((Reachability) o).results.equals(results);
  }

  @Override
  public int hashCode() {
    return Objects.hash(results);
  }

  @Override
  public String toString() {
    return render();
  }
}
