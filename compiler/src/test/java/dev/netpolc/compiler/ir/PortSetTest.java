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
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  /** Sets over TCP, ICMP and GRE (47), some with every other protocol, values probed at 0–41 and 65535. */
  private static Gen<PortSet> generalSets() {
    Gen<PortRange> tcp = integers().between(1, 40).zip(integers().between(0, 5),
        (from, len) -> new PortRange(from, Math.min(40, from + len)));
    Gen<PortRange> icmp = integers().between(0, 40).zip(integers().between(0, 5),
        (from, len) -> new PortRange(from, Math.min(40, from + len)));
    Gen<List<PortRange>> gre = booleans().all().map(b -> b ? List.of(new PortRange(0, 0)) : List.of());
    Gen<java.util.Map<Integer, List<PortRange>>> maps = lists().of(tcp).ofSizeBetween(0, 3)
        .zip(lists().of(icmp).ofSizeBetween(0, 3), gre, (t, i, g) -> Map.of(6, t, 1, i, 47, g));
    return maps.zip(integers().between(0, 3), (m, mode) -> switch (mode) {
      case 0 -> PortSet.of(m);
      case 1 -> PortSet.of(m, true);
      case 2 -> PortSet.of(m).complement();
      default -> PortSet.of(m, false);
    });
  }

  private static final List<Integer> PROTOCOLS = List.of(1, 6, 17, 47, 58, 200);

  private static List<Integer> probes(int proto) {
    if (proto == 47 || proto == 200) {
      return List.of(0);
    }
    List<Integer> out = new java.util.ArrayList<>();
    for (int v = PortSet.domain(proto).from(); v <= 41; v++) {
      out.add(v);
    }
    out.add(65535);
    return out;
  }

  @Test
  void generalSetOperationsMatchBruteForce() {
    qt().withExamples(500).forAll(generalSets(), generalSets()).checkAssert((a, b) -> {
      PortSet u = a.union(b);
      PortSet i = a.intersection(b);
      PortSet c = a.complement();
      PortSet d = a.minus(b);
      boolean bInA = true;
      for (int proto : PROTOCOLS) {
        for (int v : probes(proto)) {
          boolean ia = a.matches(proto, v);
          boolean ib = b.matches(proto, v);
          assertThat(a.canonical().matches(proto, v)).isEqualTo(ia);
          assertThat(u.matches(proto, v)).isEqualTo(ia || ib);
          assertThat(i.matches(proto, v)).isEqualTo(ia && ib);
          assertThat(c.matches(proto, v)).isEqualTo(!ia);
          assertThat(d.matches(proto, v)).isEqualTo(ia && !ib);
          bInA &= !ib || ia;
        }
      }
      assertThat(a.containsAll(b)).isEqualTo(bInA);
      assertThat(c.complement().samePorts(a)).isTrue();
      assertThat(u.isMinimal()).isTrue();
      assertThat(i.isMinimal()).isTrue();
      if (u.otherProtocols()) {
        u.byProtocol().forEach((proto, rs) -> assertThat(rs).isNotEqualTo(List.of(PortSet.domain(proto))));
      }
    });
  }

  @Test
  void protocolsWithoutPortsAndIcmpValues() {
    PortSet gre = PortSet.wholeProtocol(47);
    assertThat(gre.matches(47, 0)).isTrue();
    assertThat(gre.matches(6, 80)).isFalse();
    assertThat(gre.toString()).isEqualTo("proto 47");
    PortSet notTcp = PortSet.wholeProtocol(6).complement();
    assertThat(notTcp.otherProtocols()).isTrue();
    assertThat(notTcp.matches(6, 80)).isFalse();
    assertThat(notTcp.matches(17, 53)).isTrue();
    assertThat(notTcp.toString()).isEqualTo("TCP none; other protocols");
    assertThat(notTcp.complement()).isEqualTo(PortSet.wholeProtocol(6));
    PortSet echo = PortSet.of(Map.of(1, List.of(new PortRange(8 * 256, 8 * 256 + 255))));
    assertThat(echo.matches(1, 8 * 256)).isTrue();
    assertThat(echo.matches(1, 0)).isFalse();
    assertThat(echo.toString()).isEqualTo("ICMP 8");
    assertThat(PortSet.of(Map.of(1, List.of(PortRange.of(3 * 256 + 1)))).toString()).isEqualTo("ICMP 3/1");
    assertThat(PortSet.wholeProtocol(58).toString()).isEqualTo("ICMPv6");
    assertThat(PortSet.wholeProtocol(6).union(notTcp)).isEqualTo(PortSet.ALL_PROTOCOLS);
    assertThat(PortSet.ALL_PROTOCOLS.complement()).isEqualTo(PortSet.EMPTY);
    assertThat(PortSet.EMPTY.complement()).isEqualTo(PortSet.ALL_PROTOCOLS);
    assertThat(PortSet.of(Map.of(6, List.of(PortRange.of(80)))).portProtocolsOnly()).isTrue();
    assertThat(echo.portProtocolsOnly()).isFalse();
    assertThatThrownBy(() -> PortSet.of(Map.of(47, List.of(PortRange.of(80)))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PortSet.wholeProtocol(256)).isInstanceOf(IllegalArgumentException.class);
  }
}
