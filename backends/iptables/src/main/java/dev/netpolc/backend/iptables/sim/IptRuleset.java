package dev.netpolc.backend.iptables.sim;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;
import java.util.Optional;

/**
 * The filter and mangle tables of one family as a restore file leaves them, with the sets they
 * reference.
 *
 * @param v6     true for ip6tables
 * @param chains filter chain name → chain (the built-in INPUT, FORWARD, OUTPUT always present)
 * @param mangle mangle chain name → chain (INPUT, FORWARD, OUTPUT present when the file has a
 *               mangle table; may be empty)
 */
public record IptRuleset(boolean v6, Map<String, IptChain> chains, Map<String, IptChain> mangle) {
  public IptRuleset {
    chains = ImmutableSortedMap.copyOf(chains);
    mangle = ImmutableSortedMap.copyOf(mangle);
  }

  /** The mangle table as a ruleset of its own (empty when the file had none). */
  public IptRuleset mangleTable() {
    return new IptRuleset(v6, mangle, Map.of());
  }

  /** The chain named {@code name}. */
  public Optional<IptChain> chain(String name) {
    return Optional.ofNullable(chains.get(name));
  }

  /** Number of rules in all chains of both tables. */
  public int ruleCount() {
    return chains.values().stream().mapToInt(c -> c.rules().size()).sum()
        + mangle.values().stream().mapToInt(c -> c.rules().size()).sum();
  }

  /** Number of user chains of both tables. */
  public int userChainCount() {
    return (int) (chains.values().stream().filter(c -> !c.builtIn()).count()
        + mangle.values().stream().filter(c -> !c.builtIn()).count());
  }
}
