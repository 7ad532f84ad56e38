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
 * and hostile names stay text. Skips when Chromium is absent, except under CI.
 */
@Tag("browser")
class MatrixHtmlBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Pattern HEAT_CELL = Pattern.compile("<td ([^>]*)><button [^>]*>([^<]*)</button></td>");
  static final Pattern POD_CELL = Pattern.compile("<td ([^>]*)>([^<]*)</td>");
  static final Pattern ATTRIBUTE = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");

  @TempDir
  static Path dir;
  static Path report;
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
