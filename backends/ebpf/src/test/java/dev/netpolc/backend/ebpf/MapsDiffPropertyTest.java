package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The map diff of two generated clusters (the second sharing the first's inventory with other
 * policies, as a live policy change, or an unrelated cluster): applying it to the old entries
 * gives the new entries; updates come before deletes; the batch text parses back to the same
 * commands; and {@code Backend.delta} on the old artifact is that batch.
 */
class MapsDiffPropertyTest {

  @Test
  void applyingTheDiffGivesTheNextMaps() {
    qt().withExamples(50).forAll(ClusterGen.clusters(), ClusterGen.clusters()).checkAssert((a, b) -> {
      Cluster policyChange = new Cluster(a.namespaces(), a.pods(), a.nodes(), b.policies());
      for (Cluster next : List.of(policyChange, b)) {
        for (String node : List.of("", "n1")) {
          check(a, next, node);
        }
      }
    });
  }

  private static void check(Cluster before, Cluster after, String node) {
    CompileOptions o = node.isEmpty() ? CompileOptions.DEFAULTS : CompileOptions.DEFAULTS.withNode(node);
    RuleGraph g1 = Fixtures.compile(before, o);
    RuleGraph g2 = Fixtures.compile(after, o);
    EbpfMaps m1 = Fixtures.maps(g1);
    EbpfMaps m2 = Fixtures.maps(g2);
    List<MapCommand> diff = MapsDiff.between(m1, m2);
    assertThat(MapsDiff.apply(m1, diff)).isEqualTo(m2);
    assertThat(MapsDiff.between(m2, m2)).isEmpty();
    boolean deleting = false;
    for (MapCommand c : diff) {
      deleting |= c instanceof MapCommand.Delete;
      assertThat(deleting && c instanceof MapCommand.Update).as("an update after a delete").isFalse();
    }
    try {
      Artifact previous = Fixtures.emit(g1, BackendOptions.DEFAULTS);
      Delta d = new EbpfBackend().delta(previous, g2, BackendOptions.DEFAULTS);
      String text = d.files().get(EbpfBackend.DELTA_FILE);
      MapsBatch.Parsed parsed = MapsBatch.parse(EbpfBackend.DELTA_FILE, text);
      assertThat(parsed.commands()).isEqualTo(diff);
      assertThat(parsed.pinDir()).isEqualTo("/sys/fs/bpf/netpolc");
      assertThat(MapsDiff.apply(EbpfBackend.read(previous), parsed.commands())).isEqualTo(m2);
      // Peak: never above the union of old and new keys.
      List<MapCommand> none = new ArrayList<>();
      assertThat(MapsDiff.peak(m1, none)).isEqualTo(m1.counts());
    } catch (BackendException | MapsFormatException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
