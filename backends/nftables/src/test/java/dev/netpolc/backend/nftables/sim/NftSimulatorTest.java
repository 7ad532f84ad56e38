package dev.netpolc.backend.nftables.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NftSimulatorTest {

  private static final IpAddress NODE = IpAddress.parse("198.18.0.1");
  private static final IpAddress NODE6 = IpAddress.parse("fd00::1");
  private final NftSimulator sim = new NftSimulator(Corpus.valid("node.nft"), Set.of(NODE, NODE6));

  private static Connection tcp(String src, String dst, int port) {
    return Connection.of(IpAddress.parse(src), IpAddress.parse(dst), Protocol.TCP, port);
  }

  @Test
  void trafficToTheNodeTraversesInput() {
    assertThat(sim.path(tcp("198.18.0.5", "198.18.0.1", 22))).containsExactly(Hook.PREROUTING, Hook.INPUT);
    assertThat(sim.allows(tcp("198.18.0.5", "198.18.0.1", 22))).isTrue();
    assertThat(sim.allows(tcp("198.18.0.5", "198.18.0.1", 23))).isFalse();
    assertThat(sim.allows(tcp("fd00::5", "fd00::1", 22))).isTrue();
  }

  @Test
  void trafficFromTheNodeTraversesOutputOnly() {
    assertThat(sim.path(tcp("198.18.0.1", "198.18.0.10", 9999))).containsExactly(Hook.OUTPUT, Hook.POSTROUTING);
    // The forward chain (policy drop) is not on the path.
    assertThat(sim.allows(tcp("198.18.0.1", "198.18.0.10", 9999))).isTrue();
    assertThat(sim.allows(tcp("198.18.0.1", "198.18.0.66", 80))).isFalse();
  }

  @Test
  void trafficBetweenOtherAddressesIsForwarded() {
    assertThat(sim.path(tcp("198.18.0.5", "198.18.0.10", 80)))
        .containsExactly(Hook.PREROUTING, Hook.FORWARD, Hook.POSTROUTING);
    assertThat(sim.allows(tcp("198.18.0.5", "198.18.0.10", 80))).isTrue();
    assertThat(sim.allows(tcp("198.18.0.5", "198.18.0.10", 81))).isFalse();
    assertThat(sim.allows(tcp("fd00::5", "fd00::10", 80))).isTrue();
    assertThat(sim.verdict(tcp("fd00::5", "fd00::11", 80))).isEqualTo(Verdict.DROP);
  }

  @Test
  void nodeToItselfPassesOutputAndInput() {
    assertThat(sim.path(tcp("198.18.0.1", "198.18.0.1", 22)))
        .containsExactly(Hook.OUTPUT, Hook.POSTROUTING, Hook.PREROUTING, Hook.INPUT);
    assertThat(sim.allows(tcp("198.18.0.1", "198.18.0.1", 22))).isTrue();
    assertThat(sim.allows(tcp("198.18.0.1", "198.18.0.1", 80))).isFalse();
  }

  @Test
  void isAConnectionDecider() {
    ConnectionDecider d = sim;
    Connection icmp = new Connection(IpAddress.parse("198.18.0.5"), IpAddress.parse("198.18.0.10"), Protocol.ICMP, 0);
    assertThat(d.allows(icmp)).isFalse();
  }
}
