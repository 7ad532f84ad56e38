package dev.netpolc.backend.nftables;

import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.backend.nftables.sim.Chain;
import dev.netpolc.backend.nftables.sim.NftSet;
import dev.netpolc.backend.nftables.sim.Ruleset;
import dev.netpolc.backend.nftables.sim.Table;
import java.util.SortedMap;

/**
 * The size of a parsed ruleset, as {@code netpolc compile --stats} prints it.
 *
 * <pre>{@code
 * RulesetStats s = RulesetStats.of(NftParser.parse(text, "netpolc.nft"));
 * }</pre>
 *
 * @param chains      chains (base and regular)
 * @param rules       rules over all chains
 * @param sets        named sets (not maps)
 * @param setElements elements over all named sets
 * @param maps        verdict maps
 * @param mapElements elements over all verdict maps
 */
public record RulesetStats(long chains, long rules, long sets, long setElements, long maps, long mapElements) {

  /** Counts every table of {@code ruleset}. */
  public static RulesetStats of(Ruleset ruleset) {
    long chains = 0;
    long rules = 0;
    long sets = 0;
    long setElements = 0;
    long maps = 0;
    long mapElements = 0;
    for (Table t : ruleset.tables()) {
      for (Chain c : t.chains()) {
        chains++;
        rules += c.rules().size();
      }
      for (NftSet s : t.sets()) {
        if (s.map()) {
          maps++;
          mapElements += s.elements().size();
        } else {
          sets++;
          setElements += s.elements().size();
        }
      }
    }
    return new RulesetStats(chains, rules, sets, setElements, maps, mapElements);
  }

  /**
   * Counts a script {@link RulesetWriter} wrote (or {@link RulesetPatch} patched) by its layout,
   * one pass over the lines and no parse: a table block of sets, maps and chains, one element or
   * rule per line. Equal to {@link #of} of the parsed script; for other text use {@link #of}.
   */
  static RulesetStats ofScript(String text) {
    long chains = 0;
    long rules = 0;
    long sets = 0;
    long setElements = 0;
    long maps = 0;
    long mapElements = 0;
    char kind = 0; // 'c' chain, 's' set, 'm' map, 0 outside
    boolean inElements = false;
    int pos = 0;
    int n = text.length();
    while (pos < n) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? n : nl;
      if (end - pos >= 2 && text.charAt(pos) == '\t' && text.charAt(pos + 1) != '\t') {
        // A declaration of the table block, or its end.
        if (text.startsWith("\tchain ", pos)) {
          kind = 'c';
          chains++;
        } else if (text.startsWith("\tset ", pos)) {
          kind = 's';
          sets++;
        } else if (text.startsWith("\tmap ", pos)) {
          kind = 'm';
          maps++;
        } else {
          kind = 0;
        }
        inElements = false;
      } else if (kind != 0 && text.startsWith("\t\t", pos)) {
        int b = pos;
        while (b < end && text.charAt(b) == '\t') {
          b++;
        }
        if (inElements) {
          if (text.startsWith("}", b)) {
            inElements = false;
          } else if (kind == 's') {
            setElements++;
          } else {
            mapElements++;
          }
        } else if (text.startsWith("elements = {", b)) {
          inElements = true;
        } else if (kind == 'c' && !text.startsWith("type ", b) && !text.startsWith("typeof ", b)
            && !text.startsWith("flags ", b) && !text.startsWith("comment ", b) && b < end) {
          rules++;
        }
      }
      pos = end + 1;
    }
    return new RulesetStats(chains, rules, sets, setElements, maps, mapElements);
  }

  /** The counts by name: chains, map_elements, maps, rules, set_elements, sets. */
  public SortedMap<String, Long> toMap() {
    return ImmutableSortedMap.of("chains", chains, "rules", rules, "sets", sets, "set_elements", setElements,
        "maps", maps, "map_elements", mapElements);
  }
}
