package dev.netpolc.compiler.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.netpolc.model.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** PortSet against brute force over ports 1–40 of TCP and UDP. */
class PortSetTest {
  private static Gen<PortSet> sets() {
    Gen<PortRange> range = integers().between(1, 40).zip(integers().between(0, 5),
        (from, len) -> new PortRange(from, Math.min(40, from + len)));
    return lists().of(range).ofSizeBetween(0, 4).zip(lists().of(range).ofSizeBetween(0, 3),
        (tcp, udp) -> PortSet.of(Map.of(6, tcp, 17, udp)));
  }

  @Test
  void canonicalUnionAndContainmentMatchBruteForce() {
    qt().withExamples(500).forAll(sets(), sets()).checkAssert((a, b) -> {
      PortSet u = a.union(b);
      boolean bInA = true;
      for (int proto : List.of(6, 17, 132)) {
        for (int p = 1; p <= 41; p++) {
          assertThat(a.canonical().matches(proto, p)).isEqualTo(a.matches(proto, p));
          assertThat(u.matches(proto, p)).isEqualTo(a.matches(proto, p) || b.matches(proto, p));
          bInA &= !b.matches(proto, p) || a.matches(proto, p);
        }
      }
      assertThat(a.containsAll(b)).isEqualTo(bInA);
      assertThat(a.canonical().elementCount()).isLessThanOrEqualTo(a.elementCount());
      assertThat(a.canonical().isMinimal()).isTrue();
    });
  }

  @Test
  void everyProtocolMatchesIcmpButPortSetsDoNot() {
    assertThat(PortSet.ALL_PROTOCOLS.matches(Protocol.ICMP, 0)).isTrue();
    PortSet tcpAll = PortSet.of(Protocol.TCP, PortRange.ALL);
    assertThat(tcpAll.matches(Protocol.ICMP, 0)).isFalse();
    assertThat(tcpAll.matches(6, 65535)).isTrue();
    assertThat(tcpAll.matches(17, 53)).isFalse();
    assertThat(PortSet.ALL_PROTOCOLS.containsAll(tcpAll)).isTrue();
    assertThat(tcpAll.containsAll(PortSet.ALL_PROTOCOLS)).isFalse();
    assertThat(PortSet.of(Map.of(6, List.of(PortRange.of(80), PortRange.of(81)))).canonical().toString())
        .isEqualTo("TCP 80-81");
  }
}
