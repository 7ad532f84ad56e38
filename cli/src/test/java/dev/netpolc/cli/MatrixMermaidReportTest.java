package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.format.matrix.GroupBy;
import dev.netpolc.cli.format.matrix.GroupMatrix;
import dev.netpolc.cli.format.matrix.MatrixReportContext;
import dev.netpolc.cli.format.matrix.PodKeys;
import dev.netpolc.cli.format.matrix.MermaidMatrixFormatter;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code netpolc matrix --format mermaid}: a line grammar, escaped labels and one edge per allowed group pair. */
class MatrixMermaidReportTest {
  static final Pattern LABEL = Pattern.compile("\\[\"([^\"]*)\"]");
  static final Pattern EDGE = Pattern.compile("\\s+m\\d+n\\d+ (-->|-\\.->)(\\|\"\\d+/\\d+\"\\|)? m\\d+n\\d+");

  static String format(ReachabilityMatrix m, GroupBy by) {
    return new MermaidMatrixFormatter().format(List.of(m, m), false,
        new MatrixReportContext(OptionalInt.empty(), "netpolc test", by));
  }

  @Test
  void everyLineFollowsTheFlowchartGrammar() {
    for (GroupBy by : GroupBy.values()) {
      for (String line : format(MatrixHtmlReportTest.hostileMatrix(), by).split("\n")) {
        assertThat(line).as(by.name()).matches("%% .*|flowchart LR|\\s+subgraph m\\d+(s\\d+)?\\[\"[^\"]*\"]|\\s+end|"
            + "\\s+m\\d+(n\\d+|empty)\\[\"[^\"]*\"]|" + EDGE.pattern());
      }
    }
  }

  @Test
  void hostileLabelsUseEntityCodesAndDecodeBack() {
    ReachabilityMatrix m = MatrixHtmlReportTest.hostileMatrix();
    for (GroupBy by : GroupBy.values()) {
      String text = format(m, by);
      List<String> labels = new ArrayList<>();
      Matcher matcher = LABEL.matcher(text);
      while (matcher.find()) {
        assertThat(matcher.group(1)).doesNotContain("<", ">", "|", "`", "\n", "\r", "\u2028");
        labels.add(decode(matcher.group(1)));
      }
      List<String> names = m.pods().stream()
          .map(by == GroupBy.namespace ? PodKeys::namespaceOf : PodKeys::nameOf).toList();
      assertThat(labels).containsAll(names).contains("TCP port h<t>tp\"s");
    }
  }

  @Test
  void oneEdgePerGroupPairWithAnAllowedPair() {
    ReachabilityMatrix m = MatrixHtmlReportTest.hostileMatrix();
    for (GroupBy by : GroupBy.values()) {
      long edges = format(m, by).lines().filter(l -> EDGE.matcher(l).matches()).count();
      // Two copies of the matrix, one subgraph each.
      assertThat(edges).as(by.name()).isEqualTo(2L * GroupMatrix.of(m, by).edges().size());
    }
  }


  /** Mermaid's entity codes as we write them: {@code #quot;}, {@code #lt;}, {@code #35;}. */
  static String decode(String s) {
    Matcher m = Pattern.compile("#(quot|lt|gt|amp|\\d+);").matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(character(m.group(1))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** The character an entity code stands for. */
  private static String character(String entity) {
    if (entity.equals("quot")) {
      return "\"";
    }
    if (entity.equals("lt")) {
      return "<";
    }
    if (entity.equals("gt")) {
      return ">";
    }
    if (entity.equals("amp")) {
      return "&";
    }
    return String.valueOf((char) Integer.parseInt(entity));
  }
}
