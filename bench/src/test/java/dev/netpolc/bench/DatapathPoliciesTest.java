package dev.netpolc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.backend.Backends;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The datapath benchmark's inputs and output format, without a kernel. */
class DatapathPoliciesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void peersAreDealtInOrderEveryPolicyHasOneAndTheClientIsTheLastAdded() {
    qt().forAll(integers().between(1, 2_000), integers().between(1, 2_000)).checkAssert((p, n) -> {
      DatapathPolicies d = new DatapathPolicies(p, n);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < p; i++) {
        assertThat(d.endPeer(i)).isGreaterThan(d.firstPeer(i));
        for (int j = d.firstPeer(i); j < d.endPeer(i); j++) {
          order.add(j);
        }
      }
      assertThat(order.get(order.size() - 1)).isEqualTo(n - 1);
      assertThat(d.peer(order.get(order.size() - 1))).isEqualTo(DatapathLanes.CLIENT_IP);
      assertThat(new HashSet<>(order)).hasSize(n); // every peer used
      assertThat(order).isSorted();
    });
  }

  @Test
  void peersAreDistinctAndNoTwoAdjacentSoNothingFoldsIntoWiderPrefixes() {
    DatapathPolicies d = new DatapathPolicies(3, 100_000);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < d.peers() - 1; i++) {
      long a = 0;
      for (String octet : d.peer(i).split("\\.")) {
        a = a * 256 + Integer.parseInt(octet);
      }
      // plain Set calls: AssertJ's doesNotContain walks the whole set
      assertThat(seen.add(a)).as(d.peer(i)).isTrue();
      assertThat(seen.contains(a - 1) || seen.contains(a + 1)).as(d.peer(i)).isFalse();
    }
    assertThat(d.peer(0)).isEqualTo("10.0.0.1");
    assertThat(d.peer(1)).isEqualTo("10.0.0.3");
    assertThat(d.peer(128)).isEqualTo("10.0.1.1");
  }

  @Test
  void theWrittenYamlReadsBackAsThePoliciesAndCompilesForTheNode(@TempDir Path dir) throws Exception {
    DatapathPolicies d = new DatapathPolicies(7, 20);
    Pipeline pipe = new Pipeline(Optional.of(DatapathBench.NODE));
    Cluster c = pipe.read(d.write(dir));
    pipe.validate(c);
    assertThat(c.pods()).hasSize(3);
    assertThat(c.policies()).hasSize(7).extracting(NetworkPolicy::name).startsWith("bench-0").endsWith("bench-6");
    var stats = Backends.find("nftables").orElseThrow().statistics(pipe.compileInMemory(c,
        Backends.find("nftables").orElseThrow()));
    assertThat(stats.get("set_elements")).isGreaterThanOrEqualTo(20L);
  }

  @Test
  void theStrawmanHasOneRulePerPeerAndPortWithTheClientsLast() {
    DatapathPolicies d = new DatapathPolicies(4, 10);
    List<String> rules = d.naiveNftables().lines()
        .filter(l -> l.contains(" accept") && l.contains("ip saddr")).toList();
    assertThat(rules).hasSize(10 * DatapathPolicies.PORTS.size());
    assertThat(rules.get(rules.size() - 1)).contains("ip saddr " + DatapathLanes.CLIENT_IP + " udp dport 5201 accept");
    assertThat(d.naiveNftables()).startsWith("# STRAWMAN").contains("hook forward priority filter");
    assertThat(DatapathPolicies.minimalNftables()).contains("ct state established,related accept")
        .contains("ip daddr " + DatapathLanes.SERVER_IP + " drop");
  }

  @Test
  void aRowPrintsTheExactJsonKeysWithMediansAndTheirRatio() throws Exception {
    var row = new DatapathBench.Row(DatapathBench.Kind.NAIVE_NFTABLES, 10_000, 100_000, DatapathBench.Metric.TCP_CRR,
        List.of(300.0, 100.0, 200.0), List.of(1000.0, 900.0, 800.0, 700.0), "");
    assertThat(row.json()).isEqualTo("{\"backend\": \"naive-nftables\", \"policies\": 10000, \"peers\": 100000, "
        + "\"metric\": \"tcp_crr\", \"value\": 200.0, \"baseline\": 850.0, \"ratio\": 0.2353}");
    var missing = new DatapathBench.Row(DatapathBench.Kind.EBPF, 10, 10, DatapathBench.Metric.UDP_PPS, List.of(),
        List.of(), "cannot load: map full");
    JsonNode m = JSON.readTree(missing.json());
    assertThat(m.get("value").isNull()).isTrue();
    assertThat(m.get("ratio").isNull()).isTrue();
  }

  @Test
  void optionsParseQuickAndRejectNonsense() {
    DatapathBench.Options q = DatapathBench.parse(new String[] {"--quick", "--json", "--runs", "5"});
    assertThat(q.policies()).containsExactly(10_000);
    assertThat(q.peers()).containsExactly(100_000);
    assertThat(q.runs()).isEqualTo(5);
    assertThat(q.backends()).extracting(k -> k.label).containsExactly("nftables", "iptables", "ebpf", "naive-nftables");
    assertThatThrownBy(() -> DatapathBench.parse(new String[] {"--backends", "pf"}))
        .hasMessageContaining("unknown backend 'pf'");
    assertThatThrownBy(() -> DatapathBench.parse(new String[] {"--runs", "0"})).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> DatapathBench.parse(new String[] {"--duration"})).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> DatapathBench.parse(new String[] {"--runs", "x"}))
        .hasMessage("--runs needs a number, got 'x'");
  }

  @Test
  void crrResultLinesRoundTrip() {
    Crr.Result r = new Crr.Result(12_345, 2, 5.0);
    assertThat(Crr.Result.parse("noise\n" + r.line() + "\n")).isEqualTo(r);
    assertThat(r.rate()).isEqualTo(2469.0);
    assertThatThrownBy(() -> Crr.Result.parse("Exception in thread main")).isInstanceOf(IllegalArgumentException.class);
  }
}
