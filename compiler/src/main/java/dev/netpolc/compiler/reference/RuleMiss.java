package dev.netpolc.compiler.reference;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Objects;

/**
 * Why one rule did not match a connection: each of its peers that failed and why, and each of
 * its port entries that failed and why. A rule whose peers matched lists no peer failures; a
 * rule whose ports matched lists no port failures.
 *
 * @param ruleIndex    index of the rule in its direction's list
 * @param path         field path of the rule, e.g. {@code spec.egress[1]}
 * @param position     position of the rule in the input
 * @param peerFailures one reason per peer, when no peer matched (empty when one did)
 * @param portFailures one reason per port entry, when no port matched (empty when one did)
 */
public record RuleMiss(int ruleIndex, String path, SourcePosition position, List<String> peerFailures,
    List<String> portFailures) {
  public RuleMiss {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(position, "position");
    peerFailures = ImmutableList.copyOf(peerFailures);
    portFailures = ImmutableList.copyOf(portFailures);
  }
}
