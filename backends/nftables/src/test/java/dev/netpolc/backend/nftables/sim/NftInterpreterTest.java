package dev.netpolc.backend.nftables.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.IpAddress;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** One test per construct, over the hand-written rulesets of sim/valid (all also pass nft -c). */
class NftInterpreterTest {

  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final int SCTP = 132;
  private static final int ICMP = 1;
  private static final int ICMPV6 = 58;

  private static Packet pkt(String src, String dst, int proto, int port) {
    return Packet.newConnection(IpAddress.parse(src), IpAddress.parse(dst), proto, port);
  }

  private static Verdict eval(String file, Hook hook, Packet p) {
    return new NftInterpreter(Corpus.valid(file)).evaluate(hook, p);
  }

  private static Verdict fwd(String file, String src, String dst, int proto, int port) {
    return eval(file, Hook.FORWARD, pkt(src, dst, proto, port));
  }

  @Test
  void acceptEndsOnlyItsBaseChainAndDropIsFinal() {
    // first (prio -10) accepts .1, second (prio 0) drops it.
    assertThat(fwd("two_tables.nft", "10.0.0.9", "198.18.0.1", TCP, 80)).isEqualTo(Verdict.DROP);
    assertThat(fwd("two_tables.nft", "10.0.0.9", "198.18.0.2", TCP, 80)).isEqualTo(Verdict.DROP);
    assertThat(fwd("two_tables.nft", "10.0.0.9", "198.18.0.3", TCP, 80)).isEqualTo(Verdict.REJECT);
    // Both earlier chains accept by policy; the late chain (policy drop) accepts .4 by rule.
    assertThat(fwd("two_tables.nft", "10.0.0.9", "198.18.0.4", TCP, 80)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("two_tables.nft", "10.0.0.9", "198.18.0.5", TCP, 80)).isEqualTo(Verdict.DROP);
  }

  @Test
  void icmpv6TypeMatchesOnlyIcmpv6PacketsThatCarryTheType() {
    Packet ns = pkt("fd00::9", "fd00::4", ICMPV6, 0).withIcmpType(135);
    assertThat(eval("neighbour_discovery.nft", Hook.FORWARD, ns)).isEqualTo(Verdict.ACCEPT);
    assertThat(eval("neighbour_discovery.nft", Hook.FORWARD, ns.withIcmpType(136))).isEqualTo(Verdict.ACCEPT);
    // Echo requests are no neighbour discovery; a policy connection carries no type at all.
    assertThat(eval("neighbour_discovery.nft", Hook.FORWARD, ns.withIcmpType(128))).isEqualTo(Verdict.DROP);
    assertThat(eval("neighbour_discovery.nft", Hook.FORWARD, pkt("fd00::9", "fd00::1", ICMPV6, 0).withIcmpType(128)))
        .isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("neighbour_discovery.nft", "fd00::9", "fd00::4", ICMPV6, 0)).isEqualTo(Verdict.DROP);
    // The type of another protocol never matches.
    assertThat(eval("neighbour_discovery.nft", Hook.FORWARD, pkt("fd00::9", "fd00::4", ICMP, 0).withIcmpType(135)))
        .isEqualTo(Verdict.DROP);
  }

  @Test
  void familiesDecideWhichTablesSeeThePacket() {
    // The ip table does not see IPv6; ip saddr rules of the inet table do not match IPv6.
    assertThat(fwd("two_tables.nft", "fd00::9", "fd00::4", TCP, 80)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("two_tables.nft", "fd00::9", "fd00::5", TCP, 80)).isEqualTo(Verdict.DROP);
    // The ip6 table's input chain (policy drop) sees only IPv6.
    assertThat(eval("two_tables.nft", Hook.INPUT, pkt("fd00::9", "fd00::1", TCP, 22))).isEqualTo(Verdict.ACCEPT);
    assertThat(eval("two_tables.nft", Hook.INPUT, pkt("fd00::9", "fd00::1", TCP, 23))).isEqualTo(Verdict.DROP);
    assertThat(eval("two_tables.nft", Hook.INPUT, pkt("10.0.0.9", "10.0.0.1", TCP, 23))).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void lowerPriorityRunsFirstWhateverTheTableOrder() {
    assertThat(fwd("priority_order.nft", "10.0.0.9", "198.18.0.1", TCP, 80)).isEqualTo(Verdict.REJECT);
    // Equal priorities: table order (b before c).
    assertThat(fwd("priority_order.nft", "10.0.0.9", "198.18.0.2", TCP, 80)).isEqualTo(Verdict.REJECT);
  }

  @Test
  void noBaseChainAtTheHookAccepts() {
    assertThat(eval("jumps.nft", Hook.INPUT, pkt("10.0.0.9", "198.18.0.1", TCP, 22))).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void jumpReturnsAtChainEndAndAtReturn() {
    assertThat(fwd("jumps.nft", "10.0.0.9", "198.18.0.1", TCP, 22)).isEqualTo(Verdict.DROP);
    assertThat(fwd("jumps.nft", "10.0.0.9", "198.18.0.1", TCP, 80)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("jumps.nft", "10.0.0.9", "198.18.0.3", TCP, 80)).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void continueGoesOnWithTheNextRule() {
    assertThat(fwd("jumps.nft", "10.0.0.9", "198.18.0.1", UDP, 53)).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void gotoDoesNotReturnToTheCaller() {
    // After goto sub, the end of sub ends the base chain: policy drop, not the accept after the goto.
    assertThat(fwd("jumps.nft", "10.0.0.9", "198.18.0.2", TCP, 80)).isEqualTo(Verdict.DROP);
  }

  @Test
  void nestedJumpsUnwindOneLevelAtATime() {
    assertThat(fwd("jumps.nft", "10.0.0.9", "198.18.0.4", TCP, 80)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("jumps.nft", "10.0.0.9", "198.18.0.4", TCP, 22)).isEqualTo(Verdict.DROP);
    assertThat(fwd("jumps.nft", "10.0.0.9", "198.18.0.4", TCP, 81)).isEqualTo(Verdict.DROP);
  }

  @Test
  void intervalSetsIncludeBothEndsOfRangesAndPrefixes() {
    assertThat(fwd("sets.nft", "10.0.0.0", "8.8.8.8", TCP, 22)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "10.255.255.255", "8.8.8.8", TCP, 22)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "198.18.0.5", "8.8.8.8", TCP, 443)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "198.18.0.9", "8.8.8.8", TCP, 443)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "192.168.1.1", "8.8.8.8", TCP, 443)).isEqualTo(Verdict.ACCEPT);
    // Just outside: the packet falls through to the vmap, which drops ports 1-1023.
    assertThat(fwd("sets.nft", "11.0.0.0", "8.8.8.8", TCP, 22)).isEqualTo(Verdict.DROP);
    assertThat(fwd("sets.nft", "198.18.0.4", "8.8.8.8", TCP, 443)).isEqualTo(Verdict.DROP);
    assertThat(fwd("sets.nft", "198.18.0.10", "8.8.8.8", TCP, 443)).isEqualTo(Verdict.DROP);
    assertThat(fwd("sets.nft", "fd00:ffff::1", "fd00::1", UDP, 9999)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "fe80::9", "fd00::1", UDP, 9999)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "fe80::a", "fd00::1", UDP, 9999)).isEqualTo(Verdict.DROP);
  }

  @Test
  void concatenationsMatchEveryComponent() {
    assertThat(fwd("sets.nft", "10.1.2.3", "8.8.8.8", TCP, 8500)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "10.1.2.3", "8.8.8.8", UDP, 8500)).isEqualTo(Verdict.DROP);
    assertThat(fwd("sets.nft", "10.2.0.1", "8.8.8.8", UDP, 53)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "10.2.0.1", "8.8.8.8", SCTP, 9)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "10.2.0.2", "8.8.8.8", UDP, 53)).isEqualTo(Verdict.DROP);
  }

  @Test
  void verdictMapAppliesTheElementVerdictOrFallsThrough() {
    assertThat(fwd("sets.nft", "8.8.8.8", "8.8.4.4", TCP, 8080)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "8.8.8.8", "8.8.4.4", TCP, 1023)).isEqualTo(Verdict.DROP);
    // 5353 is not in the map: the next rules decide (negated anonymous set, udp).
    assertThat(fwd("sets.nft", "8.8.8.8", "8.8.4.4", UDP, 5353)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "8.8.8.8", "8.8.4.4", UDP, 5000)).isEqualTo(Verdict.DROP);
  }

  @Test
  void anonymousVerdictMapsJumpAndGoto() {
    Hook out = Hook.OUTPUT;
    assertThat(eval("anonvmap.nft", out, pkt("10.0.0.9", "198.18.0.1", TCP, 85))).isEqualTo(Verdict.DROP);
    assertThat(eval("anonvmap.nft", out, pkt("10.0.0.9", "198.18.0.2", TCP, 85))).isEqualTo(Verdict.ACCEPT);
    assertThat(eval("anonvmap.nft", out, pkt("10.0.0.9", "198.18.0.2", TCP, 86))).isEqualTo(Verdict.DROP);
    assertThat(eval("anonvmap.nft", out, pkt("10.0.0.9", "198.18.1.7", TCP, 80))).isEqualTo(Verdict.ACCEPT);
    assertThat(eval("anonvmap.nft", out, pkt("10.0.0.9", "198.18.0.9", TCP, 80))).isEqualTo(Verdict.DROP);
    assertThat(eval("anonvmap.nft", out, pkt("10.0.0.9", "198.18.0.9", TCP, 82))).isEqualTo(Verdict.DROP);
    assertThat(eval("anonvmap.nft", out, pkt("10.0.0.9", "198.18.0.9", TCP, 85))).isEqualTo(Verdict.ACCEPT);
    assertThat(eval("anonvmap.nft", out, pkt("10.0.0.9", "198.18.0.9", UDP, 53))).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void negatedMatchOnAFieldThePacketLacksStillFails() {
    // ip saddr != {...} on an IPv6 packet: the implicit nfproto dependency fails, so no accept.
    assertThat(fwd("sets.nft", "2001:db8::1", "2001:db8::2", UDP, 5353)).isEqualTo(Verdict.DROP);
    assertThat(fwd("sets.nft", "172.16.0.1", "8.8.4.4", UDP, 5353)).isEqualTo(Verdict.DROP);
    assertThat(fwd("sets.nft", "100.64.0.1", "8.8.4.4", UDP, 5353)).isEqualTo(Verdict.DROP);
  }

  @Test
  void thDportDoesNotMatchIcmpEvenNegated() {
    assertThat(fwd("icmp.nft", "10.0.0.1", "10.0.0.2", ICMP, 0)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("icmp.nft", "fd00::1", "fd00::2", ICMPV6, 0)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("icmp.nft", "10.0.0.1", "10.0.0.2", TCP, 80)).isEqualTo(Verdict.DROP);
    assertThat(fwd("sets.nft", "8.8.8.8", "8.8.4.4", ICMP, 0)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "8.8.8.8", "8.8.4.4", 47, 0)).isEqualTo(Verdict.DROP);
  }

  @Test
  void ipProtocolAndMetaL4protoAgreeOnIpv4() {
    assertThat(fwd("sets.nft", "8.8.8.8", "8.8.4.4", ICMP, 0)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "2001:db8::1", "fd00::1", ICMPV6, 0)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("sets.nft", "2001:db8::1", "fd01::1", ICMPV6, 0)).isEqualTo(Verdict.DROP);
  }

  @Test
  void establishedTrafficIsAcceptedNewTrafficIsFiltered() {
    Packet toOne = pkt("10.0.0.9", "198.18.0.1", TCP, 80);
    Packet toTwo = pkt("10.0.0.9", "198.18.0.2", TCP, 80);
    assertThat(eval("ctstate.nft", Hook.FORWARD, toOne)).isEqualTo(Verdict.ACCEPT);
    assertThat(eval("ctstate.nft", Hook.FORWARD, toTwo)).isEqualTo(Verdict.DROP);
    assertThat(eval("ctstate.nft", Hook.FORWARD, toTwo.withCtState(CtState.ESTABLISHED))).isEqualTo(Verdict.ACCEPT);
    assertThat(eval("ctstate.nft", Hook.FORWARD, toTwo.withCtState(CtState.RELATED))).isEqualTo(Verdict.ACCEPT);
    assertThat(eval("ctstate.nft", Hook.FORWARD, toOne.withCtState(CtState.INVALID))).isEqualTo(Verdict.DROP);
    Verdict est = eval("example.nft", Hook.FORWARD, pkt("198.18.0.20", "8.8.8.8", TCP, 80).withCtState(CtState.ESTABLISHED));
    assertThat(est).isEqualTo(Verdict.ACCEPT);
    assertThat(eval("example.nft", Hook.FORWARD, pkt("198.18.0.20", "8.8.8.8", TCP, 80))).isEqualTo(Verdict.DROP);
  }

  @Test
  void interfaceNamesMatchExactlyOrByWildcardAndFailWhenAbsent() {
    Packet p = pkt("10.0.0.1", "198.18.0.9", TCP, 80);
    assertThat(eval("ctstate.nft", Hook.FORWARD, p.withInterfaces(Optional.of("veth12"), Optional.empty())))
        .isEqualTo(Verdict.ACCEPT);
    assertThat(eval("ctstate.nft", Hook.FORWARD, p.withInterfaces(Optional.of("vet"), Optional.empty())))
        .isEqualTo(Verdict.DROP);
    assertThat(eval("ctstate.nft", Hook.FORWARD, p)).isEqualTo(Verdict.DROP);
    Packet q = pkt("10.0.0.1", "8.8.8.8", TCP, 80);
    assertThat(eval("listing.nft", Hook.FORWARD, q.withInterfaces(Optional.of("eth0"), Optional.of("eth1"))))
        .isEqualTo(Verdict.ACCEPT);
    assertThat(eval("listing.nft", Hook.FORWARD, q.withInterfaces(Optional.of("eth0"), Optional.of("lo"))))
        .isEqualTo(Verdict.DROP);
    assertThat(eval("listing.nft", Hook.FORWARD, q.withInterfaces(Optional.of("eth1"), Optional.of("eth2"))))
        .isEqualTo(Verdict.DROP);
    // oifname != "lo" with no output interface fails too.
    assertThat(eval("listing.nft", Hook.FORWARD, q.withInterfaces(Optional.of("eth0"), Optional.empty())))
        .isEqualTo(Verdict.DROP);
  }

  @Test
  void exampleRulesetDispatchesThroughVerdictMaps() {
    assertThat(fwd("example.nft", "198.18.0.5", "198.18.0.10", TCP, 80)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("example.nft", "198.18.0.5", "198.18.0.10", TCP, 81)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("example.nft", "198.18.0.5", "198.18.0.10", TCP, 91)).isEqualTo(Verdict.DROP);
    assertThat(fwd("example.nft", "198.18.0.5", "198.18.0.10", UDP, 1500)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("example.nft", "10.0.0.1", "198.18.0.11", TCP, 22)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("example.nft", "10.0.0.1", "198.18.0.11", TCP, 23)).isEqualTo(Verdict.DROP);
    // Not in any endpoint map: the base chain's policy accept.
    assertThat(fwd("example.nft", "10.0.0.1", "198.18.0.99", TCP, 23)).isEqualTo(Verdict.ACCEPT);
    // Egress of .20: g_3_out returns for in-range destinations, then ingress maps decide.
    assertThat(fwd("example.nft", "198.18.0.20", "198.18.0.99", TCP, 23)).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void sourcePortMatchesNeedAKnownSourcePort() {
    NftInterpreter nft = new NftInterpreter(Corpus.valid("sport.nft"));
    Packet p = pkt("10.0.0.1", "10.0.0.2", TCP, 80);
    assertThat(nft.evaluate(Hook.INPUT, p)).isEqualTo(Verdict.DROP);
    Packet withPort = new Packet(p.saddr(), p.daddr(), TCP, OptionalInt.of(40000), 80, CtState.NEW,
        Optional.empty(), Optional.empty());
    assertThat(nft.evaluate(Hook.INPUT, withPort)).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void incrementalCommandsApplyInOrder() {
    // .10 was deleted from the endpoint map, .11 goes to g_2, .12 to the re-filled g_3.
    assertThat(fwd("delta.nft", "10.0.0.1", "198.18.0.10", TCP, 443)).isEqualTo(Verdict.DROP);
    assertThat(fwd("delta.nft", "10.0.0.1", "198.18.0.11", TCP, 443)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("delta.nft", "10.0.0.1", "198.18.0.11", TCP, 80)).isEqualTo(Verdict.DROP);
    assertThat(fwd("delta.nft", "10.0.0.1", "198.18.0.12", UDP, 5353)).isEqualTo(Verdict.ACCEPT);
    assertThat(fwd("delta.nft", "10.0.0.1", "198.18.0.12", UDP, 53)).isEqualTo(Verdict.DROP);
    Table t = Corpus.valid("delta.nft").tables().get(0);
    assertThat(t.set("peers").orElseThrow().elements()).hasSize(3);
    assertThat(t.set("tmp").orElseThrow().elements()).isEmpty();
  }
}
