package dev.netpolc.backend.nftables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ruleset a fast-path delta leads to, made from the ruleset it was computed against by
 * editing the element lists of the sets and maps it changes (deletions, then additions at the
 * end of the list), instead of rendering the whole graph again. The result holds the same
 * declarations, chains and elements as the ruleset {@link RulesetWriter} renders from the new
 * graph; only the order of the edited sets' elements may differ (nft keeps no order either).
 * The work is one copy of the text plus the edited sets' elements.
 */
final class RulesetPatch {
  private static final String TAB = "\t";

  private RulesetPatch() {}

  /**
   * {@code text} with {@code edits} applied; empty when an edited set or map is not declared, has
   * no element list, or lacks an element the edit deletes (then only a render gives the result).
   */
  static Optional<String> apply(String text, Map<String, DeltaWriter.Edit> edits) {
    if (edits.isEmpty()) {
      return Optional.of(text);
    }
    // Each edited block's element region: [from, to) of the text, replaced by new element lines.
    List<int[]> regions = new ArrayList<>();
    List<String> replacements = new ArrayList<>();
    for (Map.Entry<String, DeltaWriter.Edit> e : edits.entrySet()) {
      String name = e.getKey();
      boolean map = true;
      int at = text.indexOf("\n" + TAB + "map " + name + " {\n");
      if (at < 0) {
        map = false;
        at = text.indexOf("\n" + TAB + "set " + name + " {\n");
      }
      if (at < 0) {
        return Optional.empty();
      }
      int end = text.indexOf("\n" + TAB + "}\n", at + 1);
      String open = TAB + TAB + "elements = {\n";
      int list = text.indexOf(open, at);
      if (end < 0 || list < 0 || list > end) {
        return Optional.empty();
      }
      int from = list + open.length();
      int to = text.indexOf(TAB + TAB + "}\n", from);
      if (to < 0 || to > end) {
        return Optional.empty();
      }
      Optional<String> lines = edited(text.substring(from, to), e.getValue(), map);
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      regions.add(new int[] {from, to});
      replacements.add(lines.get());
    }
    Integer[] order = new Integer[regions.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Integer.compare(regions.get(a)[0], regions.get(b)[0]));
    StringBuilder sb = new StringBuilder(text.length() + 1024);
    int pos = 0;
    for (int i : order) {
      sb.append(text, pos, regions.get(i)[0]).append(replacements.get(i));
      pos = regions.get(i)[1];
    }
    sb.append(text, pos, text.length());
    return Optional.of(sb.toString());
  }

  /** The element lines of one set after {@code edit}; empty when a deleted key is missing. */
  private static Optional<String> edited(String block, DeltaWriter.Edit edit, boolean map) {
    Map<String, String> elements = new LinkedHashMap<>();
    int pos = 0;
    while (pos < block.length()) {
      int nl = block.indexOf('\n', pos);
      String line = block.substring(pos, nl).trim();
      pos = nl + 1;
      String element = line.endsWith(",") ? line.substring(0, line.length() - 1) : line;
      elements.put(key(element, map), element);
    }
    for (String k : edit.removedKeys()) {
      if (elements.remove(k) == null) {
        return Optional.empty();
      }
    }
    for (String a : edit.added()) {
      if (elements.putIfAbsent(key(a, map), a) != null) {
        return Optional.empty();
      }
    }
    if (elements.isEmpty()) {
      return Optional.empty(); // the declaration would change (no element list): render instead
    }
    StringBuilder sb = new StringBuilder(block.length() + 64 * edit.added().size());
    int n = elements.size();
    int i = 0;
    for (String element : elements.values()) {
      sb.append(TAB).append(TAB).append(TAB).append(element).append(++i < n ? ",\n" : "\n");
    }
    return Optional.of(sb.toString());
  }

  /** The key of an element: for a verdict map the part before {@code " : "}. */
  private static String key(String element, boolean map) {
    if (!map) {
      return element;
    }
    int i = element.indexOf(" : ");
    return i < 0 ? element : element.substring(0, i);
  }
}
