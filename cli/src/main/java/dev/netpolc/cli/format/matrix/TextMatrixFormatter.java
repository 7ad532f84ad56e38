package dev.netpolc.cli.format.matrix;

import com.google.common.base.Strings;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A grid per probe for terminals: destination columns grouped by namespace (namespace on the
 * first header line, pod names on the second), one row per source pod, ✓ allowed and ✗ denied,
 * and a count of allowed pairs.
 */
public final class TextMatrixFormatter implements MatrixFormatter {

  @Override
  public String format(List<ReachabilityMatrix> matrices, boolean single) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < matrices.size(); i++) {
      if (i > 0) {
        sb.append('\n');
      }
      grid(sb, matrices.get(i));
    }
    return sb.toString();
  }

  private static void grid(StringBuilder sb, ReachabilityMatrix m) {
    sb.append(MatrixFormatter.title(m)).append(" (✓ allowed, ✗ denied; rows: from, columns: to)\n\n");
    List<String> sources = m.sources();
    List<String> pods = m.destinations();
    if (sources.isEmpty() || pods.isEmpty()) {
      sb.append("(no pods)\n");
      return;
    }
    // Namespace → its pods' names, in sorted key order.
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String key : pods) {
      int slash = key.indexOf('/');
      groups.computeIfAbsent(key.substring(0, slash), k -> new ArrayList<>()).add(key.substring(slash + 1));
    }
    int labelWidth = "from".length();
    for (String p : sources) {
      labelWidth = Math.max(labelWidth, p.length());
    }
    StringBuilder nsLine = new StringBuilder(Strings.padEnd("", labelWidth, ' '));
    StringBuilder podLine = new StringBuilder(Strings.padEnd("from", labelWidth, ' '));
    StringBuilder rule = new StringBuilder(Strings.repeat("-", labelWidth));
    Map<String, Integer> width = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> g : groups.entrySet()) {
      StringBuilder names = new StringBuilder();
      for (String name : g.getValue()) {
        names.append(names.length() == 0 ? "" : " ").append(name);
        width.put(g.getKey() + "/" + name, name.length());
      }
      // A namespace name longer than its pods widens the group's last column.
      int extra = Math.max(0, g.getKey().length() - names.length());
      String last = g.getKey() + "/" + g.getValue().get(g.getValue().size() - 1);
      width.put(last, width.get(last) + extra);
      int groupWidth = names.length() + extra;
      nsLine.append(" | ").append(Strings.padEnd(g.getKey(), groupWidth, ' '));
      podLine.append(" | ").append(Strings.padEnd(names.toString(), groupWidth, ' '));
      rule.append("-+-").append(Strings.repeat("-", groupWidth));
    }
    sb.append(stripEnd(nsLine)).append('\n').append(stripEnd(podLine)).append('\n').append(rule).append('\n');
    for (String from : sources) {
      StringBuilder row = new StringBuilder(Strings.padEnd(from, labelWidth, ' '));
      String currentNs = null;
      for (String to : pods) {
        String ns = to.substring(0, to.indexOf('/'));
        row.append(ns.equals(currentNs) ? " " : " | ");
        currentNs = ns;
        row.append(Strings.padEnd(m.reaches(from, to) ? "✓" : "✗", width.get(to), ' '));
      }
      sb.append(stripEnd(row)).append('\n');
    }
    sb.append('\n').append(m.allowedPairs()).append(" of ").append(m.cells())
        .append(" pairs allowed\n");
  }

  private static String stripEnd(CharSequence s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.subSequence(0, end).toString();
  }
}
