package dev.netpolc.backend.iptables.sim;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;
import java.util.Optional;

/**
 * The filter table of one family as a restore file leaves it, with the sets it references.
 *
 * @param v6     true for ip6tables
 * @param chains chain name → chain (the built-in INPUT, FORWARD, OUTPUT always present)
 */
public record IptRuleset(boolean v6, Map<String, IptChain> chains) {
  public IptRuleset {
    chains = ImmutableSortedMap.copyOf(chains);
  }

  /** The chain named {@code name}. */
  public Optional<IptChain> chain(String name) {
    return Optional.ofNullable(chains.get(name));
  }

  /** Number of rules in all chains. */
  public int ruleCount() {
    return chains.values().stream().mapToInt(c -> c.rules().size()).sum();
  }

  /** Number of user chains. */
  public int userChainCount() {
    return (int) chains.values().stream().filter(c -> !c.builtIn()).count();
  }
}
