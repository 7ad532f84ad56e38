package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.cli.format.matrix.GroupBy;
import dev.netpolc.cli.format.matrix.HtmlMatrixFormatter;
import dev.netpolc.cli.format.matrix.MatrixReportContext;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.model.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/** {@code netpolc matrix --format html}: self-contained, script-safe, and faithful to the matrices. */
class MatrixHtmlReportTest {
  static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"netpolc-data\">(.*?)</script>", Pattern.DOTALL);

  /** Names that try every way out of a JSON string inside a script element. */
  static final List<String> HOSTILE = List.of(
      "</script><script>alert(1)</script>", "<!--", "a\"b'c&d", "line\u2028sep\u2029x", "http://evil.example/x",
      "{{data}}", "$1\\", "<b id=\"pwned\">x</b>", "tab\tnl\ncr\r", "ünï©ødé");

  static final MatrixReportContext CONTEXT =
      new MatrixReportContext(OptionalInt.of(7), "netpolc 9.9", GroupBy.namespace);

  /** A matrix over hostile namespace and pod names: each pod reaches itself and the next one. */
  static ReachabilityMatrix hostileMatrix() {
    List<String> pods = new ArrayList<>();
    for (int i = 0; i < HOSTILE.size(); i++) {
      pods.add(HOSTILE.get(i) + "/" + HOSTILE.get((i + 3) % HOSTILE.size()));
    }
    Map<String, List<String>> allowed = new TreeMap<>();
    for (int i = 0; i < pods.size(); i++) {
      allowed.put(pods.get(i), List.of(pods.get(i), pods.get((i + 1) % pods.size())));
    }
    return new ReachabilityMatrix(PortSpec.named("h<t>tp\"s"), Protocol.TCP, new TreeMap<>(allowed));
  }

  static String dataBlock(String html) {
    Matcher m = DATA.matcher(html);
    assertThat(m.find()).as("embedded data block").isTrue();
    return m.group(1);
  }

  /** The matrices read back from the page's embedded JSON, as {@code ns/pod} → reached pods. */
  static List<Map<String, List<String>>> readBack(String html) {
    try {
      JsonNode root = new ObjectMapper().readTree(dataBlock(html));
      List<Map<String, List<String>>> out = new ArrayList<>();
      for (JsonNode m : root.get("matrices")) {
        List<String> keys = new ArrayList<>();
        for (JsonNode p : m.get("pods")) {
          keys.add(m.get("namespaces").get(p.get(0).asInt()).asText() + "/" + p.get(1).asText());
        }
        Map<String, List<String>> allowed = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
          List<String> to = new ArrayList<>();
          m.get("allowed").get(i).forEach(t -> to.add(keys.get(t.asInt())));
          allowed.put(keys.get(i), to.stream().sorted().toList());
        }
        out.add(allowed);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void pageIsSelfContained() {
    String html = new HtmlMatrixFormatter().format(List.of(hostileMatrix()), false, CONTEXT);
    String outsideData = DATA.matcher(html).replaceAll("");
    assertThat(outsideData.toLowerCase())
        .doesNotContain("http://", "https://", "<script src", "<link", "<img", "<iframe", "@import", "url(",
            "src=", "href=", "//cdn");
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
  }

  @Test
  void hostileNamesCannotLeaveTheDataBlock() {
    String html = new HtmlMatrixFormatter().format(List.of(hostileMatrix()), false, CONTEXT);
    // Only the template's own script elements and no comment opener anywhere.
    assertThat(Pattern.compile("</script", Pattern.CASE_INSENSITIVE).matcher(html).results().count()).isEqualTo(2);
    assertThat(html).doesNotContain("<!--", "\u2028", "\u2029", "pwned\">");
    assertThat(DATA.matcher(html).replaceAll("")).doesNotContain("{{");
    assertThat(dataBlock(html)).doesNotContain("<", ">", "&", "\n\"", "\t");
    assertThat(readBack(html)).containsExactly(hostileMatrix().allowed());
    JsonNode title = readTree(dataBlock(html)).get("matrices").get(0).get("title");
    assertThat(title.asText()).isEqualTo("TCP port h<t>tp\"s");
  }

  @Test
  void summaryShowsCountsAndGeneratorWithoutTimestamps() {
    ReachabilityMatrix m = hostileMatrix();
    String html = new HtmlMatrixFormatter().format(List.of(m, m), false,
        new MatrixReportContext(OptionalInt.of(7), "netpolc <9.9>", GroupBy.namespace));
    assertThat(html).contains("<dd id=\"stat-pods\">" + m.pods().size() + "</dd>",
        "<dd id=\"stat-namespaces\">" + HOSTILE.size() + "</dd>", "<dd id=\"stat-policies\">7</dd>",
        "<dd id=\"stat-probes\">2</dd>", "Generated by netpolc &lt;9.9&gt;.");
    assertThat(html).doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}|\\d{2}:\\d{2}:\\d{2}");
  }

  @Test
  void demoReportIsDeterministicAndCarriesEveryProbe() {
    String demo = CompileCommandTest.demo().toString();
    String first = MatrixHtmlGoldenTest.run("matrix", "--format", "html", demo);
    assertThat(MatrixHtmlGoldenTest.run("matrix", "--format", "html", demo)).isEqualTo(first);
    String json = MatrixHtmlGoldenTest.run("matrix", "--format", "json", demo);
    JsonNode expected = readTree(json);
    List<Map<String, List<String>>> embedded = readBack(first);
    assertThat(embedded).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      Map<String, List<String>> allowed = new TreeMap<>();
      expected.get(i).get("allowed").properties().forEach(e -> {
        List<String> to = new ArrayList<>();
        e.getValue().forEach(t -> to.add(t.asText()));
        allowed.put(e.getKey(), to);
      });
      assertThat(embedded.get(i)).as("probe %d", i).isEqualTo(allowed);
    }
  }

  @Test
  void anyMatrixRoundTripsThroughThePage() {
    qt().withExamples(300).forAll(matrices()).checkAssert(m -> {
      String html = new HtmlMatrixFormatter().format(List.of(m), false, CONTEXT);
      assertThat(readBack(html)).containsExactly(m.allowed());
      assertThat(Pattern.compile("</script", Pattern.CASE_INSENSITIVE).matcher(html).results().count())
          .isEqualTo(2);
    });
  }

  /** Random matrices over names drawn from an alphabet of characters that matter to HTML and JSON. */
  static Gen<ReachabilityMatrix> matrices() {
    Gen<String> name = SourceDSL.lists().of(Generate.pick(List.of(
            "a", "b", "-", "<", ">", "&", "\"", "'", "\\", "/", "\u2028", "\u2029", "\n", "é", "\uD83D\uDE00", "{{", "$")))
        .ofSizeBetween(1, 4).map(l -> String.join("", l));
    Gen<List<String>> keys = SourceDSL.lists().of(name.zip(name, (ns, pod) -> ns.replace("/", "") + "/" + pod))
        .ofSizeBetween(0, 6);
    return keys.zip(SourceDSL.longs().all(), (list, seed) -> {
      List<String> pods = list.stream().distinct().filter(k -> !k.startsWith("/")).toList();
      java.util.Random random = new java.util.Random(seed);
      Map<String, List<String>> allowed = new TreeMap<>();
      for (String from : pods) {
        List<String> to = new ArrayList<>();
        for (String t : pods) {
          if (t.equals(from) || random.nextBoolean()) {
            to.add(t);
          }
        }
        allowed.put(from, to);
      }
      return new ReachabilityMatrix(PortSpec.of(80), Protocol.UDP, new TreeMap<>(allowed));
    });
  }

  static JsonNode readTree(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
