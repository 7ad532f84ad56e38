package dev.netpolc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.model.generate.Preset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage runner still produces its whole table on a tiny preset (no timing is checked). */
class StageBenchTest {

  @Test
  void aTinyPresetGivesEveryStageWithSizesAndMemory(@TempDir Path artifacts) throws Exception {
    StageBench.Options o = StageBench.parse(new String[] {"--preset", "node-agent", "--scale", "0.002",
        "--warmup", "0", "--runs", "1", "--artifact-dir", artifacts.toString()});
    List<StageResult> rows = StageBench.collect(o);
    assertThat(rows).extracting(StageResult::stage).startsWith("generate", "write-yaml", "graph", "compile-nftables",
        "read", "validate", "lint", "compile-node", "resolve", "build", "optimise")
        .contains("emit-nftables", "emit-iptables");
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.preset()).isEqualTo("node-agent@0.002");
      assertThat(r.peakHeapBytes()).isPositive();
      assertThat(r.peakHeapBytes()).isGreaterThanOrEqualTo(r.retainedBytes());
      assertThat(r.allocatedBytes()).isPositive();
    });
    StageResult read = rows.stream().filter(r -> r.stage().equals("read")).findFirst().orElseThrow();
    assertThat(read.sizes()).containsEntry("pods", 200L).containsEntry("policies", 20L);
    StageResult lint = rows.stream().filter(r -> r.stage().equals("lint")).findFirst().orElseThrow();
    assertThat(lint.sizes().get("findings")).isPositive();
    StageResult agent = rows.stream().filter(r -> r.stage().equals("compile-node")).findFirst().orElseThrow();
    assertThat(agent.sizes().get("rules")).isPositive();
    StageResult nft = rows.stream().filter(r -> r.stage().equals("emit-nftables")).findFirst().orElseThrow();
    assertThat(nft.sizes().get("rules")).isPositive();
    assertThat(nft.sizes().get("bytes")).isPositive();
    assertThat(Files.readString(artifacts.resolve("netpolc.nft"))).contains("table inet netpolc");

    ObjectMapper json = new ObjectMapper();
    for (StageResult r : rows) {
      JsonNode n = json.readTree(ResultTable.json(r));
      assertThat(n.get("preset").asText()).isEqualTo(r.preset());
      assertThat(n.get("stage").asText()).isEqualTo(r.stage());
      assertThat(n.get("millis").isNumber()).isTrue();
      assertThat(n.get("peakHeapBytes").asLong()).isEqualTo(r.peakHeapBytes());
    }
    String table = ResultTable.header() + rows.stream().map(ResultTable::text).collect(Collectors.joining());
    assertThat(table.lines()).hasSize(rows.size() + 1);
  }

  @Test
  void badArgumentsAreRefusedWithTheKnownPresets() {
    assertThatThrownBy(() -> StageBench.parse(new String[] {"--preset", "huge"}))
        .hasMessageContaining("unknown preset 'huge'").hasMessageContaining(Preset.names());
    assertThatThrownBy(() -> StageBench.parse(new String[] {"--runs", "x", "--preset", "antrea-dense"}))
        .hasMessageContaining("--runs: not a number");
    assertThatThrownBy(() -> StageBench.parse(new String[] {})).hasMessageContaining("--preset is required");
  }
}
