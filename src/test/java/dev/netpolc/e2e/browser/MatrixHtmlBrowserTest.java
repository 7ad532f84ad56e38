package dev.netpolc.e2e.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.cli.Main;
import dev.netpolc.cli.format.matrix.GroupBy;
import dev.netpolc.cli.format.matrix.HtmlMatrixFormatter;
import dev.netpolc.cli.format.matrix.MatrixReportContext;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.model.Protocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML matrix report of examples/demo in a real headless Chromium: it draws, its heat map
 * and drill-down (opened from the URL fragment) show exactly the computed matrix, filters work,
 * and hostile names stay text; the report of examples/tiers marks each cell with the tier that
 * decided it, as its embedded data says. Skips when Chromium is absent, except under CI.
 */
@Tag("browser")
class MatrixHtmlBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Pattern HEAT_CELL = Pattern.compile("<td ([^>]*)><button [^>]*>([^<]*)</button></td>");
  static final Pattern POD_CELL = Pattern.compile("<td ([^>]*)>([^<]*)</td>");
  static final Pattern ATTRIBUTE = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");
  static final Pattern TIER_HEAT_CELL = Pattern.compile(
      "<td ([^>]*)><button [^>]*>([^<]*)<span class=\"tier-strip\"");
  static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"netpolc-data\">(.*?)</script>", Pattern.DOTALL);

  @TempDir
  static Path dir;
  static Path report;
  static Path tiersReport;
  /** The embedded data of the tiers report. */
  static JsonNode tiersData;
  /** Probe ({@code 5432/TCP}) → {@code ns/pod} → reached pods, from {@code --format json}. */
  static final Map<String, Map<String, List<String>>> MATRICES = new LinkedHashMap<>();

  @BeforeAll
  static void generate() throws IOException {
    if (!Files.isExecutable(CHROMIUM)) {
      if (System.getenv("CI") != null) {
        fail("CI is set but " + CHROMIUM + " is missing (apt-get install chromium)");
      }
      Assumptions.abort(CHROMIUM + " not installed: skipping the browser test");
    }
    report = dir.resolve("matrix-demo.html");
    Files.writeString(report, netpolc("matrix", "--format", "html", demo().toString()), StandardCharsets.UTF_8);
    String tiers = netpolc("matrix", "--format", "html", demo().resolveSibling("tiers").toString());
    tiersReport = dir.resolve("matrix-tiers.html");
    Files.writeString(tiersReport, tiers, StandardCharsets.UTF_8);
    Matcher data = DATA.matcher(tiers);
    assertThat(data.find()).isTrue();
    tiersData = new ObjectMapper().readTree(data.group(1));
    for (JsonNode m : new ObjectMapper().readTree(netpolc("matrix", "--format", "json", demo().toString()))) {
      Map<String, List<String>> allowed = new TreeMap<>();
      m.get("allowed").properties().forEach(e -> {
        List<String> to = new ArrayList<>();
        e.getValue().forEach(t -> to.add(t.asText()));
        allowed.put(e.getKey(), to);
      });
      MATRICES.put(m.get("port").asText() + "/" + m.get("protocol").asText(), allowed);
    }
  }

  @Test
  void screenshotShowsTheReport() throws Exception {
    Path png = dir.resolve("shot.png");
    chromium("--screenshot=" + png, "--window-size=1400,1000", "--hide-scrollbars",
        url(report, "#port=5432/TCP&drill=backend,database"));
    assertThat(png).exists();
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
    // A blank 1400x1000 page compresses to a few kilobytes; the drawn report is far larger.
    assertThat(bytes.length).isGreaterThan(40_000);
    Path target = Path.of("target");
    Files.createDirectories(target);
    Files.copy(png, target.resolve("matrix-demo.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void heatMapOfTheFirstProbeMatchesTheMatrix() throws Exception {
    String dom = chromium("--dump-dom", url(report, ""));
    String first = MATRICES.keySet().iterator().next();
    assertHeatMap(dom, MATRICES.get(first));
    assertThat(dom).contains("<option value=\"0\">" + title(first) + "</option>");
    assertThat(POD_CELL.matcher(dom).results().filter(r -> r.group(1).contains("class=\"cell ")).count()).isZero();
  }

  @Test
  void fragmentOpensTheDrillDown() throws Exception {
    String dom = chromium("--dump-dom", url(report, "#drill=backend,database&port=5432/TCP"));
    Map<String, List<String>> m = MATRICES.get("5432/TCP");
    assertHeatMap(dom, m);
    assertThat(dom).contains("<h2 id=\"drill-title\">backend → database<button");
    Map<String, String> cells = new HashMap<>();
    Matcher cell = POD_CELL.matcher(dom);
    while (cell.find()) {
      Map<String, String> a = attributes(cell.group(1));
      if (a.getOrDefault("class", "").startsWith("cell ")) {
        assertThat(cell.group(2)).isEqualTo(a.get("data-allowed").equals("true") ? "✓" : "✗");
        cells.put(a.get("data-from") + " -> " + a.get("data-to"), a.get("data-allowed"));
      }
    }
    Map<String, String> expected = new HashMap<>();
    for (String from : m.keySet()) {
      for (String to : m.keySet()) {
        if (from.startsWith("backend/") && to.startsWith("database/")) {
          expected.put(from + " -> " + to, Boolean.toString(m.get(from).contains(to)));
        }
      }
    }
    assertThat(cells).isNotEmpty().isEqualTo(expected);
    assertThat(cells).containsValue("true").containsValue("false");
  }

  @Test
  void filtersNarrowTheHeatMapAndDimCells() throws Exception {
    String dom = chromium("--dump-dom", url(report, "#port=5432/TCP&ns=back,%20data&show=allowed"));
    List<Map<String, String>> cells = heatCells(dom);
    assertThat(cells).extracting(c -> c.get("data-from") + ">" + c.get("data-to"))
        .containsExactly("backend>backend", "backend>database", "database>backend", "database>database");
    for (Map<String, String> c : cells) {
      boolean dim = c.get("class").contains("dim");
      assertThat(dim).as(c.toString()).isEqualTo(c.get("data-allowed").equals("0"));
    }
  }

  @Test
  void hostileNamesStayText() throws Exception {
    String evil = "<b id=\"pwned\">x</b>";
    List<String> pods = List.of(evil + "/</script><script>document.title='pwned'</script>", "ok/\u2028\"'&amp;");
    TreeMap<String, List<String>> allowed = new TreeMap<>();
    allowed.put(pods.get(0), pods);
    allowed.put(pods.get(1), List.of(pods.get(1)));
    ReachabilityMatrix m = new ReachabilityMatrix(PortSpec.of(80), Protocol.TCP, allowed);
    Path page = dir.resolve("hostile.html");
    Files.writeString(page, new HtmlMatrixFormatter().format(List.of(m), true,
        new MatrixReportContext(OptionalInt.of(0), "netpolc test", GroupBy.namespace)), StandardCharsets.UTF_8);
    String dom = chromium("--dump-dom", url(page, "#drill=" + encode("<b id=\"pwned\">x<") + ",ok"));
    assertThat(dom).doesNotContain("<b id=\"pwned\"").contains("<title>Reachability report · netpolc</title>");
    List<Map<String, String>> cells = heatCells(dom);
    assertThat(cells).extracting(c -> c.get("data-from")).contains("<b id=\"pwned\">x<", "ok");
    assertThat(dom).contains("&lt;b id=\"pwned\"&gt;x&lt; → ok");
  }

  @Test
  void tiersReportMarksTheDecidingTierOfEveryCell() throws Exception {
    Path png = dir.resolve("tiers.png");
    chromium("--screenshot=" + png, "--window-size=1400,1000", "--hide-scrollbars",
        url(tiersReport, "#port=8080/TCP&drill=tenant-a,tenant-b"));
    Files.createDirectories(Path.of("target"));
    Files.copy(png, Path.of("target", "matrix-tiers.png"), StandardCopyOption.REPLACE_EXISTING);
    for (String drill : List.of("tenant-a,tenant-a", "tenant-a,tenant-b", "monitoring,tenant-b")) {
      String dom = chromium("--dump-dom", url(tiersReport, "#port=8080/TCP&drill=" + drill));
      JsonNode m = tiersMatrix("8080/TCP");
      List<String> keys = keys(m);
      int cells = 0;
      Matcher cell = POD_CELL.matcher(dom);
      while (cell.find()) {
        Map<String, String> a = attributes(cell.group(1));
        if (!a.getOrDefault("class", "").startsWith("cell ") || a.get("data-from").equals(a.get("data-to"))) {
          continue;
        }
        JsonNode d = decision(m, keys.indexOf(a.get("data-from")), keys.indexOf(a.get("data-to")));
        String tier = d.get("tier").asText();
        assertThat(a.get("data-tier")).as(a.toString()).isEqualTo(tier);
        assertThat(a.get("class")).contains("tier-" + tier);
        assertThat(a.get("title")).as(a.toString()).contains("Decided by: ");
        if (d.has("egress")) {
          // The tooltip names the deciding rule's policy, and the Pass chain when there is one.
          JsonNode v = tiersData.get("tiers").get("verdicts").get(d.get(d.get("by").asText()).asInt());
          if (v.has("rule")) {
            assertThat(a.get("title")).contains(string(v.get("rule").get("policy")));
          }
          if (v.has("passes")) {
            assertThat(a.get("title")).contains("after Pass by " + string(v.get("passes").get(0).get("policy")));
          }
        }
        cells++;
      }
      assertThat(cells).as(drill).isPositive();
      // Heat-map cells count their pairs by deciding tier.
      Map<String, String> expected = new TreeMap<>();
      Map<String, String> actual = new TreeMap<>();
      Matcher heat = TIER_HEAT_CELL.matcher(dom);
      while (heat.find()) {
        Map<String, String> a = attributes(heat.group(1));
        actual.put(a.get("data-from") + " -> " + a.get("data-to"), a.get("data-tiers"));
        expected.put(a.get("data-from") + " -> " + a.get("data-to"), tierCounts(m, keys, a.get("data-from"),
            a.get("data-to")));
      }
      assertThat(actual).hasSize(14).isEqualTo(expected); // 4 x 4 namespaces, less two one-pod diagonals
    }
  }

  @Test
  void tierFilterInTheQueryDimsCellsOfOtherTiers() throws Exception {
    String dom = chromium("--dump-dom",
        tiersReport.toUri() + "?tier=baseline#port=8080/TCP&drill=tenant-a,tenant-b");
    int baseline = 0;
    int other = 0;
    Matcher cell = POD_CELL.matcher(dom);
    while (cell.find()) {
      Map<String, String> a = attributes(cell.group(1));
      if (a.containsKey("data-tier")) {
        boolean dim = a.get("class").contains("tier-dim");
        assertThat(dim).as(a.toString()).isEqualTo(!a.get("data-tier").equals("baseline"));
        baseline += dim ? 0 : 1;
        other += dim ? 1 : 0;
      }
    }
    assertThat(baseline).isPositive();
    assertThat(other).isPositive();
    Matcher heat = TIER_HEAT_CELL.matcher(dom);
    int heatCells = 0;
    while (heat.find()) {
      Map<String, String> a = attributes(heat.group(1));
      assertThat(a.get("class").contains("tier-dim")).as(a.toString())
          .isEqualTo(!(" " + a.get("data-tiers")).contains(" baseline:"));
      heatCells++;
    }
    assertThat(heatCells).isEqualTo(14);
  }

  static JsonNode tiersMatrix(String probe) {
    for (JsonNode m : tiersData.get("matrices")) {
      if (m.get("probe").asText().equals(probe)) {
        return m;
      }
    }
    throw new AssertionError("no matrix for " + probe);
  }

  static List<String> keys(JsonNode m) {
    List<String> keys = new ArrayList<>();
    for (JsonNode p : m.get("pods")) {
      keys.add(m.get("namespaces").get(p.get(0).asInt()).asText() + "/" + p.get(1).asText());
    }
    return keys;
  }

  /** The decision of cell i -> j, read from the run-length encoded row. */
  static JsonNode decision(JsonNode m, int i, int j) {
    JsonNode runs = m.get("decided").get(i);
    int k = 0;
    for (int r = 0; r < runs.size(); r += 2) {
      k += runs.get(r + 1).asInt();
      if (j < k) {
        return tiersData.get("tiers").get("decisions").get(runs.get(r).asInt());
      }
    }
    throw new AssertionError("row " + i + " has no cell " + j);
  }

  static String string(JsonNode index) {
    return tiersData.get("tiers").get("strings").get(index.asInt()).asText();
  }

  /** {@code admin:1 baseline:2} for the pairs of distinct pods between two namespaces, in tier order. */
  static String tierCounts(JsonNode m, List<String> keys, String from, String to) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String t : List.of("admin", "network-policy", "baseline", "default", "none")) {
      counts.put(t, 0);
    }
    for (int i = 0; i < keys.size(); i++) {
      for (int j = 0; j < keys.size(); j++) {
        if (i != j && namespace(keys.get(i)).equals(from) && namespace(keys.get(j)).equals(to)) {
          counts.merge(decision(m, i, j).get("tier").asText(), 1, Integer::sum);
        }
      }
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((t, n) -> {
      if (n > 0) {
        parts.add(t + ":" + n);
      }
    });
    return String.join(" ", parts);
  }

  /** Every namespace pair is a cell whose counts are the matrix's pairs of distinct pods. */
  static void assertHeatMap(String dom, Map<String, List<String>> m) {
    Map<String, String> expected = new TreeMap<>();
    TreeSet<String> namespaces = new TreeSet<>();
    m.keySet().forEach(p -> namespaces.add(namespace(p)));
    for (String a : namespaces) {
      for (String b : namespaces) {
        int allowed = 0;
        int total = 0;
        for (String from : m.keySet()) {
          for (String to : m.keySet()) {
            if (!from.equals(to) && namespace(from).equals(a) && namespace(to).equals(b)) {
              total++;
              allowed += m.get(from).contains(to) ? 1 : 0;
            }
          }
        }
        expected.put(a + " -> " + b, allowed + "/" + total);
      }
    }
    Map<String, String> actual = new TreeMap<>();
    for (Map<String, String> c : heatCells(dom)) {
      String label = c.get("data-allowed") + "/" + c.get("data-total");
      assertThat(c.get("text")).isEqualTo(c.get("data-total").equals("0") ? "–" : label);
      actual.put(c.get("data-from") + " -> " + c.get("data-to"), label);
    }
    assertThat(actual).isEqualTo(expected);
  }

  static List<Map<String, String>> heatCells(String dom) {
    List<Map<String, String>> out = new ArrayList<>();
    Matcher cell = HEAT_CELL.matcher(dom);
    while (cell.find()) {
      Map<String, String> a = attributes(cell.group(1));
      if (a.getOrDefault("class", "").startsWith("hm")) {
        a.put("text", unescape(cell.group(2)));
        out.add(a);
      }
    }
    return out;
  }

  static Map<String, String> attributes(String tag) {
    Map<String, String> out = new HashMap<>();
    Matcher a = ATTRIBUTE.matcher(tag);
    while (a.find()) {
      out.put(a.group(1), unescape(a.group(2)));
    }
    return out;
  }

  static String unescape(String s) {
    return s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u00a0")
        .replace("&amp;", "&");
  }

  static String namespace(String pod) {
    return pod.substring(0, pod.indexOf('/'));
  }

  static String title(String probe) {
    String[] parts = probe.split("/");
    return parts[1] + " port " + parts[0];
  }

  static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String url(Path file, String fragment) {
    return file.toUri() + fragment;
  }

  /** Runs headless Chromium offline on {@code args}; returns its standard output. */
  static String chromium(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--user-data-dir=" + Files.createTempDirectory(dir, "profile"),
        "--virtual-time-budget=2000"));
    command.addAll(List.of(args));
    Path stderr = Files.createTempFile(dir, "chromium", ".log");
    Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish: " + command);
    }
    assertThat(p.exitValue()).as("chromium exit; stderr:%n%s", Files.readString(stderr)).isZero();
    return out;
  }

  static String netpolc(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertThat(rc).as(err.toString()).isZero();
    return out.toString();
  }

  static Path demo() {
    String root = System.getenv("NETPOLC_TEST_ROOT");
    return (root != null ? Path.of(root) : Path.of("..", "..")).resolve("examples").resolve("demo");
  }
}
