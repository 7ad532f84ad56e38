package dev.netpolc.backend.nftables;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small clusters whose peer sets are often shared and split between addresses and prefixes: pods
 * at neighbouring addresses (covers with /31 and /30 blocks), policies whose rules select the
 * same peers from several roles, an ipBlock with exceptions, and a rule whose peers are pods and
 * a distant block (a set whose interval part stays while pod events change it). Two labels agree on every IPv4
 * pod, so that the IPv4 peers selected by either are equal (one shared set) until a pod takes
 * the labels of one of the two IPv6-only pods on which they disagree (the sharing changes).
 */
final class SharedPeersClusters {
  private SharedPeersClusters() {}

  static final String NS = "ns";

  /** A cluster drawn from {@code seed}. */
  static Cluster of(long seed) {
    Random r = new Random(seed);
    List<Pod> pods = new ArrayList<>();
    int count = 8 + r.nextInt(8);
    long address = 0x0A00_0001L;
    for (int i = 0; i < count; i++) {
      boolean a = r.nextBoolean();
      boolean x = a;
      pods.add(new Pod(NS, "p" + i, Map.of("app", a ? "a" : "b", "tier", x ? "x" : "y"),
          List.of(IpAddress.v4(address)), "n1", false, "Running", List.of(), List.of(), SourcePosition.UNKNOWN));
      address += 1 + (r.nextInt(3) == 0 ? 1 : 0);
    }
    pods.add(new Pod(NS, "v6a", Map.of("app", "a", "tier", "y"), List.of(IpAddress.v6(0xfd00L << 48, 1)), "n1",
        false, "Running", List.of(), List.of(), SourcePosition.UNKNOWN));
    pods.add(new Pod(NS, "v6b", Map.of("app", "b", "tier", "x"), List.of(IpAddress.v6(0xfd00L << 48, 2)), "n1",
        false, "Running", List.of(), List.of(), SourcePosition.UNKNOWN));
    LabelSelector appA = LabelSelector.ofLabels(Map.of("app", "a"));
    LabelSelector appB = LabelSelector.ofLabels(Map.of("app", "b"));
    LabelSelector tierX = LabelSelector.ofLabels(Map.of("tier", "x"));
    LabelSelector tierY = LabelSelector.ofLabels(Map.of("tier", "y"));
    List<NetworkPolicy> pols = new ArrayList<>();
    pols.add(NetworkPolicy.of(NS, "b-from-a", appB, List.of("Ingress"), List.of(rule(Peer.pods(appA))), List.of()));
    pols.add(NetworkPolicy.of(NS, "y-from-a", tierY, List.of("Ingress"), List.of(rule(Peer.pods(appA))), List.of()));
    pols.add(NetworkPolicy.of(NS, "b-from-x", appB, List.of("Ingress"), List.of(rule(Peer.pods(tierX))), List.of()));
    pols.add(NetworkPolicy.of(NS, "a-to-a", appA, List.of("Egress"), List.of(), List.of(rule(Peer.pods(appA)))));
    pols.add(NetworkPolicy.of(NS, "a-from-a-or-block", appA, List.of("Ingress"),
        List.of(new PolicyRule(List.of(Peer.pods(appA), Peer.ipBlock(new IpBlock("10.0.1.0/29", List.of()))),
            List.of())), List.of()));
    if (r.nextBoolean()) {
      pols.add(NetworkPolicy.of(NS, "y-from-block", tierY, List.of("Ingress"),
          List.of(rule(Peer.ipBlock(new IpBlock("10.0.0.0/28", List.of("10.0.0.4/30"))))), List.of()));
    }
    return new Cluster(List.of(Namespace.of(NS, Map.of())), pods, List.of(), pols);
  }

  private static PolicyRule rule(Peer peer) {
    return new PolicyRule(List.of(peer), List.of());
  }
}
