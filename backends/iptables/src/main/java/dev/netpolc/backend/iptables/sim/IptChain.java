package dev.netpolc.backend.iptables.sim;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Optional;

/**
 * A chain of the filter table.
 *
 * @param name   its name
 * @param policy the policy of a built-in chain (ACCEPT or DROP); empty for user chains
 * @param rules  its rules in order
 */
public record IptChain(String name, Optional<Verdict> policy, List<IptRule> rules) {
  public IptChain {
    rules = ImmutableList.copyOf(rules);
  }

  /** True for INPUT, FORWARD, OUTPUT. */
  public boolean builtIn() {
    return policy.isPresent();
  }
}
