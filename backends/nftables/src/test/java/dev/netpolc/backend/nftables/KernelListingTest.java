package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the ops script relies on, in a throwaway network namespace with the real nft: the demo
 * ruleset loads, loads again over itself (the delete-and-recreate is atomic and idempotent), and
 * what {@code nft list table inet netpolc} prints back parses and still agrees with the reference.
 */
class KernelListingTest {
  private static RealNft nft;

  @BeforeAll
  static void open() {
    nft = RealNft.require();
  }

  @AfterAll
  static void close() {
    if (nft != null) {
      nft.close();
    }
  }

  @ParameterizedTest(name = "node={0} counters/log={1}")
  @CsvSource({"'', false", "node-a, true"})
  void listedTableParsesAndAgrees(String node, boolean extras) throws Exception {
    Cluster demo = Fixtures.demo();
    Optional<String> n = node.isEmpty() ? Optional.empty() : Optional.of(node);
    RuleGraph graph = Fixtures.compile(demo, n.map(CompileOptions.DEFAULTS::withNode).orElse(CompileOptions.DEFAULTS));
    Artifact a = Fixtures.emit(graph, BackendOptions.DEFAULTS.withCounters(extras).withLogDrops(extras));
    RealNft.Result first = nft.load(a.primary());
    assertThat(first.ok()).as(first.stderr()).isTrue();
    RealNft.Result again = nft.withFileLoad(a.primary());
    assertThat(again.ok()).as("reloading over the live table: " + again.stderr()).isTrue();
    RealNft.Result listed = nft.nft("list", "table", "inet", "netpolc");
    assertThat(listed.ok()).as(listed.stderr()).isTrue();
    Artifact live = Artifact.of("nftables", "live.nft", listed.stdout());
    VerifyReport r = Verifier.verify(demo, SemanticsOptions.DEFAULTS, n,
        new NftablesBackend().simulator(live, SimulationContext.of(graph)), 3);
    assertThat(r.first()).as(listed.stdout()).isEmpty();
  }
}
