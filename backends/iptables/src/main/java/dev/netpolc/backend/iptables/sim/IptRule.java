package dev.netpolc.backend.iptables.sim;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * One rule of a chain.
 *
 * @param matches every condition (all must hold)
 * @param target  what a match does
 * @param comment the {@code --comment}, or empty
 * @param line    the line it came from
 */
public record IptRule(List<Match> matches, Target target, String comment, int line) {
  public IptRule {
    matches = ImmutableList.copyOf(matches);
  }

  /** True when every condition holds for {@code p}. */
  public boolean matches(Packet p) {
    for (Match m : matches) {
      if (!m.test(p)) {
        return false;
      }
    }
    return true;
  }
}
