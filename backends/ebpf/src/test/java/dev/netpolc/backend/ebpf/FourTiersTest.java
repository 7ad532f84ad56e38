package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The four-tier graph of {@link TieredGraphGen#fourTiers} in maps: the dialect tiers get tier
 * bytes 3, 4 and 5 in rank order (the standard tiers keep 0, 1, 2), the entries a dialect tier
 * decides carry its byte, maps.json names it {@code TIER_<n>}, and the maps decide as the IR
 * evaluator, cluster-wide and per node.
 */
class FourTiersTest {
  private static final IpAddress WEB = IpAddress.parse("198.18.0.10");

  @Test
  void dialectTiersGetBytesAfterTheStandardOnesInRankOrder() throws BackendException {
    RuleGraph g = TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS);
    assertThat(PolicyValue.tierBytes(g.tiers())).isEqualTo(Map.of(TieredGraphGen.SECURITY, 3,
        TieredGraphGen.PLATFORM, 4, TieredGraphGen.APP, 5, Tier.ADMIN, 0, Tier.NETWORK_POLICY, 1, Tier.BASELINE, 2));
    assertThat(PolicyValue.tierBytes(Tier.standard()))
        .isEqualTo(Map.of(Tier.ADMIN, 0, Tier.NETWORK_POLICY, 1, Tier.BASELINE, 2));
  }

  @Test
  void entriesCarryTheDecidingTiersByte() {
    RuleGraph g = TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS);
    EbpfMaps maps = Fixtures.maps(g);
    Set<String> seen = new TreeSet<>();
    for (MapEntry<PolicyKey, PolicyValue> e : maps.policy()) {
      seen.add(e.value().tier() + " " + e.value().action());
    }
    // security denies outsiders and the kubelet port, platform denies a and node TCP, app allows
    // b; NetworkPolicy allows c and the pods' block, or denies by isolation; allows past the end.
    assertThat(seen).contains("3 DENY", "4 DENY", "5 ALLOW")
        .isSubsetOf("3 DENY", "4 DENY", "5 ALLOW", "1 ALLOW", "1 DENY", "2 ALLOW");
    String json = Fixtures.emit(g, BackendOptions.DEFAULTS).files().get(MapsJson.FILE);
    assertThat(json).contains("\"tier\": \"TIER_3\"", "\"tier\": \"TIER_4\"", "\"tier\": \"TIER_5\"")
        .doesNotContain("platform", "security");
  }

  @Test
  void theMapsDecideLikeTheEvaluatorClusterWideAndPerNode() throws BackendException, MapsFormatException {
    RuleGraph cluster = TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS);
    for (RuleGraph g : List.of(cluster, TieredGraphGen.restrict(cluster, "n1"), TieredGraphGen.restrict(cluster, "n2"))) {
      Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
      EbpfMaps maps = MapsJson.read(MapsJson.FILE, a.files().get(MapsJson.FILE)).maps();
      assertThat(maps).isEqualTo(Fixtures.maps(g));
      EbpfSimulator sim = new EbpfSimulator(maps);
      RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
      for (Connection c : probes()) {
        assertThat(sim.allows(c)).as("%s on %s", c, g.node()).isEqualTo(ir.allows(c));
      }
    }
    EbpfSimulator sim = new EbpfSimulator(Fixtures.maps(cluster));
    assertThat(sim.allows(tcp("198.18.0.20", WEB, 80))).as("security Pass, platform Deny").isFalse();
    assertThat(sim.allows(tcp("198.18.0.21", WEB, 80))).as("security Pass, app Allow").isTrue();
    assertThat(sim.allows(tcp("198.18.0.22", WEB, 80))).as("app Pass, NetworkPolicy Allow").isTrue();
    assertThat(sim.allows(tcp("198.18.0.23", WEB, 80))).as("isolation").isFalse();
    assertThat(sim.allows(Connection.of(WEB, IpAddress.parse("192.0.2.1"), Protocol.TCP, 22))).isTrue();
    assertThat(sim.allows(Connection.of(WEB, IpAddress.parse("192.0.2.2"), Protocol.TCP, 22))).isFalse();
  }

  @Test
  void moreTiersThanTheTierByteHoldsAreRefused() {
    RuleGraph base = TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS);
    RuleGraph.Builder b = base.toBuilder();
    for (int i = 0; i < 256; i++) {
      b.addRule(new Rule(Direction.INGRESS, Tier.ordered(5_000_000 + i, "t"), 0, "prod/web-0", AddressSet.ALL,
          PortSet.ALL_PROTOCOLS, Action.PASS, List.of()));
    }
    RuleGraph big = b.build();
    assertThatThrownBy(() -> new EbpfBackend().emit(big, BackendOptions.DEFAULTS))
        .isInstanceOf(BackendException.class).hasMessageContaining("u8 tier");
  }

  private static Connection tcp(String from, IpAddress to, int port) {
    return Connection.of(IpAddress.parse(from), to, Protocol.TCP, port);
  }

  /** Every client, node and an outsider to and from web, on the ports the rules name. */
  private static List<Connection> probes() {
    List<IpAddress> others = List.of("198.18.0.20", "198.18.0.21", "198.18.0.22", "198.18.0.23", "203.0.113.7",
        "192.0.2.1", "192.0.2.2", "8.8.8.8").stream().map(IpAddress::parse).toList();
    List<Connection> out = new ArrayList<>();
    for (IpAddress o : others) {
      for (int port : List.of(22, 80, 81, 10250)) {
        out.add(Connection.of(o, WEB, Protocol.TCP, port));
        out.add(Connection.of(WEB, o, Protocol.TCP, port));
      }
      out.add(Connection.of(o, WEB, Protocol.UDP, 53));
      out.add(Connection.of(WEB, o, Protocol.UDP, 53));
    }
    return out;
  }
}
