package dev.netpolc.model;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * One ingress or egress rule: the peers ({@code from} or {@code to}) and the ports. Empty or
 * absent peers match every address; empty or absent ports match every protocol and port. Use
 * the owning policy's {@link SourceMap} to tell {@code from: []} from an absent {@code from}.
 *
 * @param peers the peers, OR-ed
 * @param ports the ports, OR-ed
 */
public record PolicyRule(List<Peer> peers, List<PolicyPort> ports) {
  public PolicyRule {
    peers = ImmutableList.copyOf(peers);
    ports = ImmutableList.copyOf(ports);
  }
}
