package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The np_policy entries of the generalised port sets: ICMP values as blocks of
 * {@code type * 256 + code} (a whole type is one prefix-88 entry, a type/code one prefix-96
 * entry), a whole protocol without ports one prefix-80 entry of that protocol, and an
 * other-protocols complement an every-protocol entry with per-protocol entries that override it.
 */
class GeneralPortSetEntriesTest {
  private static final IpAddress WEB = IpAddress.parse("10.0.0.1");
  private static final IpAddress CLIENT = IpAddress.parse("10.0.0.2");
  private static final IpAddress OTHER = IpAddress.parse("10.0.0.3");

  /** A NetworkPolicy allow from the client into the isolated web pod. */
  private static RuleGraph graph(PortSet ports) {
    RuleGraph.Builder b = RuleGraph.builder(SemanticsOptions.DEFAULTS).node(Optional.of("n1"));
    EndpointGroup web = EndpointGroup.of(List.of(new Endpoint("shop/web", List.of(WEB), Optional.of("n1"))), true,
        false);
    b.addGroup(web);
    b.addRule(new Rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web.id(), AddressSet.ofCidrs(List.of(
        Cidr.host(CLIENT))), ports, Action.ALLOW, List.of(new Origin("shop/p", Direction.INGRESS, 0,
        SourcePosition.UNKNOWN))));
    return b.build();
  }

  /** (protocol, prefix length, first value, action) of every np_policy entry. */
  private static List<String> shapes(EbpfMaps maps) {
    return maps.policy().stream().map(e -> e.key().protocol() + " /" + e.key().prefixLength() + " "
        + e.key().port() + " " + e.value().action()).sorted().toList();
  }

  @Test
  void icmpValuesAndWholeProtocolsAreBlocksOfTheirProtocol() {
    // echo request (every code), host unreachable (3/1), GRE
    PortSet ports = PortSet.of(Map.of(1, List.of(new PortRange(8 << 8, (8 << 8) + 255), PortRange.of((3 << 8) + 1)),
        47, List.of(new PortRange(0, 0))));
    RuleGraph g = graph(ports);
    EbpfMaps maps = Fixtures.maps(g);
    assertThat(shapes(maps)).containsExactly("1 /88 2048 ALLOW", "1 /96 769 ALLOW", "47 /80 0 ALLOW");
    PolicyKey echo = maps.policy().stream().map(MapEntry::key).filter(k -> k.prefixLength() == 88).findFirst()
        .orElseThrow();
    // protocol byte 01, port field 0x0800: type 8 in the high byte, as the datapath loads type and code
    assertThat(HexFormat.of().formatHex(echo.encode())).endsWith("000108" + "00");
    assertThat(echo.fields()).containsEntry("ports", "2048-2303");
    EbpfSimulator sim = new EbpfSimulator(maps);
    assertThat(sim.allows(Connection.icmp(CLIENT, WEB, 8, 0))).isTrue();
    assertThat(sim.allows(Connection.icmp(CLIENT, WEB, 8, 255))).isTrue();
    assertThat(sim.allows(Connection.icmp(CLIENT, WEB, 3, 1))).isTrue();
    assertThat(sim.allows(Connection.icmp(CLIENT, WEB, 3, 0))).isFalse();
    assertThat(sim.allows(Connection.icmp(CLIENT, WEB, 0, 0))).isFalse();
    assertThat(sim.allows(new Connection(CLIENT, WEB, 47, 0))).isTrue();
    assertThat(sim.allows(new Connection(CLIENT, WEB, 253, 0))).isFalse();
    assertThat(sim.allows(Connection.of(CLIENT, WEB, Protocol.TCP, 80))).isFalse();
    assertThat(sim.allows(new Connection(OTHER, WEB, 47, 0))).isFalse();
  }

  @Test
  void notIcmpTypeIsTheCoverOfTheComplementWithinIcmp() {
    // notICMP {type: 8} with protocol ICMP: 0-2047 and 2304-65535
    PortSet ports = PortSet.of(Map.of(1, List.of(new PortRange(0, 2047), new PortRange(2304, 65535))));
    EbpfMaps maps = Fixtures.maps(graph(ports));
    int blocks = PortBlocks.cover(0, 2047).size() + PortBlocks.cover(2304, 65535).size();
    assertThat(maps.policy()).hasSize(blocks).allMatch(e -> e.key().protocol() == 1);
    EbpfSimulator sim = new EbpfSimulator(maps);
    for (int type = 0; type < 256; type += 1) {
      assertThat(sim.allows(Connection.icmp(CLIENT, WEB, type, type % 7))).as("type %d", type).isEqualTo(type != 8);
    }
  }

  @Test
  void otherProtocolsAreTheEveryProtocolEntryWithOverridesForTheListedOnes() {
    // notProtocol: TCP, and UDP only to port 53
    PortSet ports = PortSet.of(Map.of(6, List.of(), 17, List.of(PortRange.of(53))), true);
    RuleGraph g = graph(ports);
    EbpfMaps maps = Fixtures.maps(g);
    // Flattened: every protocol allowed, TCP whole and UDP around 53 back to the isolation deny.
    assertThat(shapes(maps)).contains("0 /80 0 ALLOW", "6 /80 0 DENY").noneMatch(s -> s.startsWith("1 "))
        .anyMatch(s -> s.equals("17 /96 53 ALLOW"));
    assertThat(maps.endpoints().get(0).value().isolated(Direction.INGRESS)).isTrue();
    EbpfSimulator sim = new EbpfSimulator(maps);
    RuleGraphEvaluator ref = new RuleGraphEvaluator(g);
    List<Connection> probes = List.of(Connection.of(CLIENT, WEB, Protocol.TCP, 80),
        Connection.of(CLIENT, WEB, Protocol.UDP, 53), Connection.of(CLIENT, WEB, Protocol.UDP, 54),
        Connection.of(CLIENT, WEB, Protocol.SCTP, 80), Connection.icmp(CLIENT, WEB, 8, 0),
        new Connection(CLIENT, WEB, 47, 0), new Connection(OTHER, WEB, 47, 0));
    List<Boolean> want = List.of(false, true, false, true, true, true, false);
    for (int i = 0; i < probes.size(); i++) {
      assertThat(ref.allows(probes.get(i))).as("graph, %s", probes.get(i)).isEqualTo(want.get(i));
      assertThat(sim.allows(probes.get(i))).as("maps, %s", probes.get(i)).isEqualTo(want.get(i));
    }
  }
}
