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

  /** The counts by name: chains, map_elements, maps, rules, set_elements, sets. */
  public SortedMap<String, Long> toMap() {
    return ImmutableSortedMap.of("chains", chains, "rules", rules, "sets", sets, "set_elements", setElements,
        "maps", maps, "map_elements", mapElements);
  }
}
