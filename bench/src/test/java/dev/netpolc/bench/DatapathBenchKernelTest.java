package dev.netpolc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of {@code bench/run --datapath} at its smallest point (10 policies, 10 peers, one
 * short run, every backend) on the real kernel: the JSON lines are well formed and complete, and
 * every backend's rules really were loaded (the tool checks after each load that the allowed
 * client connects and a pod no policy allows is refused, and says so). No figure is judged.
 * Skips without root or the tools (fails instead when {@code CI} is set).
 */
@Tag("kernel")
class DatapathBenchKernelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KEYS =
      Set.of("backend", "policies", "peers", "metric", "value", "baseline", "ratio");

  @Test
  void theSmallestPointMeasuresEveryBackendWithItsRulesLoaded() throws Exception {
    DatapathBench.Options o = DatapathBench.parse(new String[] {"--json", "--policies", "10", "--peers", "10", "--runs",
        "1", "--duration", "0.3", "--crr-threads", "2", "--crr-warmup", "0.1"});
    List<String> missing = DatapathBench.missing(o);
    String ci = System.getenv("CI");
    if (!missing.isEmpty()) {
      String why = "kernel test skipped: missing " + String.join(", ", missing);
      if (ci != null && !ci.isEmpty()) {
        Assertions.fail(why + " (CI is set, so this fails instead of skipping)");
      }
      Assumptions.abort(why);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = DatapathBench.run(o, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String log = err.toString(StandardCharsets.UTF_8);
    assertThat(status).as(log).isZero();

    List<String> seen = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
      JsonNode row = JSON.readTree(line);
      Map<String, JsonNode> fields = new TreeMap<>();
      row.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
      assertThat(fields.keySet()).as(line).isEqualTo(new java.util.TreeSet<>(KEYS));
      assertThat(row.get("policies").asInt()).isEqualTo(10);
      assertThat(row.get("peers").asInt()).isEqualTo(10);
      double value = row.get("value").asDouble();
      double baseline = row.get("baseline").asDouble();
      assertThat(value).as(line).isPositive();
      assertThat(baseline).as(line).isPositive();
      assertThat(row.get("ratio").asDouble()).as(line).isCloseTo(value / baseline, org.assertj.core.data.Offset.offset(
          1e-3 * Math.max(1, value / baseline)));
      seen.add(row.get("backend").asText() + " " + row.get("metric").asText());
    }
    List<String> expected = new ArrayList<>();
    for (String b : List.of("nftables", "iptables", "ebpf", "naive-nftables", "none")) {
      for (String m : List.of("tcp_crr", "udp_pps", "tcp_throughput")) {
        expected.add(b + " " + m);
      }
    }
    assertThat(seen).containsExactlyElementsOf(expected);
    Set<String> verdicts = log.lines().filter(l -> l.startsWith("# verdicts ")).collect(Collectors.toSet());
    for (String b : List.of("nftables", "iptables", "ebpf", "naive-nftables")) {
      assertThat(verdicts).as(log)
          .contains("# verdicts " + b + " 10 policies / 10 peers: client allowed, other pod refused");
    }
  }
}
