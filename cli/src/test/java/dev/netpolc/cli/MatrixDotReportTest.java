package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.cli.format.matrix.DotMatrixFormatter;
import dev.netpolc.cli.format.matrix.GroupBy;
import dev.netpolc.cli.format.matrix.GroupEdge;
import dev.netpolc.cli.format.matrix.GroupMatrix;
import dev.netpolc.cli.format.matrix.MatrixReportContext;
import dev.netpolc.cli.format.matrix.PodKeys;
import dev.netpolc.cli.format.matrix.PairCount;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code netpolc matrix --format dot} and the group folding it shares with mermaid: counts equal
 * a brute-force count, labels decode back to the names, and Graphviz itself (when installed)
 * accepts the output.
 */
class MatrixDotReportTest {
  static final Pattern LABEL = Pattern.compile("label=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static MatrixReportContext context(GroupBy by) {
    return new MatrixReportContext(OptionalInt.of(1), "netpolc test", by);
  }

  @Test
  void groupCountsEqualABruteForceCount() {
    qt().withExamples(400).forAll(MatrixHtmlReportTest.matrices(), org.quicktheories.generators.SourceDSL
        .booleans().all()).checkAssert((m, byPod) -> {
          GroupBy by = byPod ? GroupBy.pod : GroupBy.namespace;
          GroupMatrix g = GroupMatrix.of(m, by);
          assertThat(g.groups()).containsExactlyInAnyOrderElementsOf(
              new TreeSet<>(m.pods().stream().map(by::groupOf).toList()));
          List<GroupEdge> expectedEdges = new ArrayList<>();
          for (String a : g.groups()) {
            for (String b : g.groups()) {
              int allowed = 0;
              int total = 0;
              for (String from : m.pods()) {
                for (String to : m.pods()) {
                  if (!from.equals(to) && by.groupOf(from).equals(a) && by.groupOf(to).equals(b)) {
                    total++;
                    allowed += m.reaches(from, to) ? 1 : 0;
                  }
                }
              }
              assertThat(g.count(a, b)).isEqualTo(new PairCount(allowed, total));
              if (allowed > 0) {
                expectedEdges.add(new GroupEdge(a, b, new PairCount(allowed, total)));
              }
            }
          }
          assertThat(g.edges()).containsExactlyElementsOf(expectedEdges);
        });
  }

  @Test
  void hostileLabelsDecodeBackToTheNames() {
    ReachabilityMatrix m = MatrixHtmlReportTest.hostileMatrix();
    for (GroupBy by : GroupBy.values()) {
      String dot = new DotMatrixFormatter().format(List.of(m), false, context(by));
      List<String> labels = new ArrayList<>();
      Matcher matcher = LABEL.matcher(dot);
      while (matcher.find()) {
        labels.add(unquote(matcher.group(1)));
      }
      List<String> names = m.pods().stream()
          .map(by == GroupBy.namespace ? PodKeys::namespaceOf : PodKeys::nameOf).toList();
      assertThat(labels).as(by.name()).containsAll(names).contains("TCP port h<t>tp\"s");
      // Nothing but comments, statements and the escaped labels: no raw newline inside a label.
      for (String line : dot.split("\n")) {
        assertThat(line).matches("\\s*(//.*|digraph \"netpolc\" \\{|\\}|(graph|node|edge) \\[.*\\];|"
            + "subgraph \"cluster_m\\d+(_s\\d+)?\" \\{|label=\".*\";|\"m\\d+_(n\\d+|empty)\"( -> \"m\\d+_n\\d+\")?.*;|)");
      }
    }
  }

  @Test
  void graphvizAcceptsHostileAndDemoGraphs() throws Exception {
    Assumptions.assumeTrue(onPath("dot"), "graphviz 'dot' not installed: skipping the Graphviz parse check");
    String demo = CompileCommandTest.demo().toString();
    List<String> graphs = List.of(
        new DotMatrixFormatter().format(List.of(MatrixHtmlReportTest.hostileMatrix()), false, context(GroupBy.namespace)),
        new DotMatrixFormatter().format(List.of(MatrixHtmlReportTest.hostileMatrix()), false, context(GroupBy.pod)),
        MatrixHtmlGoldenTest.run("matrix", "--format", "dot", demo),
        MatrixHtmlGoldenTest.run("matrix", "--format", "dot", "--group-by", "pod", demo));
    for (String graph : graphs) {
      Path in = Files.createTempFile("netpolc-", ".dot");
      Path svg = Files.createTempFile("netpolc-", ".svg");
      try {
        Files.writeString(in, graph, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("dot", "-Tsvg", "-o", svg.toString(), in.toString())
            .redirectErrorStream(true).start();
        String messages = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(messages).isZero();
        assertThat(messages).as("graphviz warnings").isEmpty();
        assertThat(Files.readString(svg, StandardCharsets.UTF_8)).contains("<svg");
      } finally {
        Files.deleteIfExists(in);
        Files.deleteIfExists(svg);
      }
    }
  }

  @Test
  void groupByIsOnlyForGraphs() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(new String[] {"matrix", "--format", "html", "--group-by", "pod",
        CompileCommandTest.demo().toString()}, new PrintWriter(out), new PrintWriter(err));
    assertThat(rc).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--group-by applies to --format dot and mermaid only");
    assertThat(out.toString()).isEmpty();
  }


  /** Reads a DOT quoted string's content back: backslash escapes and the entities we write. */
  static String unquote(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        sb.append(s.charAt(++i));
      } else if (c == '&') {
        int semi = s.indexOf(';', i);
        String entity = s.substring(i + 1, semi);
        sb.append(entity.equals("amp") ? '&' : (char) Integer.parseInt(entity.substring(1)));
        i = semi;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
