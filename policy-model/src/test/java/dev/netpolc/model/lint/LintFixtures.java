package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Fixtures that carry their expected findings inline: a line ending in
 * {@code # expect: NP206} expects that finding on that line, at the column where the reader
 * places the line's field: the value for {@code key: scalar}, else where the content starts
 * (after indentation and list dashes), as for {@code key:} with a nested value.
 * {@code # expect: NP206@27} names the column explicitly. Several are separated by commas.
 */
final class LintFixtures {
  private static final Pattern EXPECT = Pattern.compile("#\\s*expect:\\s*(.+)$");
  private static final Pattern ONE = Pattern.compile("(NP[0-9]{3})(?:@([0-9]+))?");

  private LintFixtures() {}

  /** Reads a fixture under {@code lint-fixtures/}; fails on reader errors. */
  static Cluster read(String name) {
    ReadResult r = new PolicyReader().readString(name, text(name));
    assertThat(r.errors()).as("reader errors in " + name).isEmpty();
    return r.cluster();
  }

  /** The fixture's text. */
  static String text(String name) {
    try (InputStream in = LintFixtures.class.getResourceAsStream("/lint-fixtures/" + name)) {
      assertThat(in).as("fixture " + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The expectations for {@code ruleId} as {@code "NP206 12:9"}. */
  static List<String> expected(String name, String ruleId) {
    List<String> out = new ArrayList<>();
    String[] lines = text(name).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = EXPECT.matcher(lines[i]);
      if (!m.find()) {
        continue;
      }
      Matcher one = ONE.matcher(m.group(1));
      while (one.find()) {
        int column = one.group(2) != null ? Integer.parseInt(one.group(2)) : contentColumn(lines[i]);
        if (one.group(1).equals(ruleId)) {
          out.add(ruleId + " " + (i + 1) + ":" + column);
        }
      }
    }
    return out;
  }

  private static final Pattern KEY_SCALAR = Pattern.compile("[A-Za-z0-9_.-]+:\\s+([^{\\[#\\s])");

  /**
   * 1-based column of the line's field: the first character after indentation and {@code - }
   * list markers, or the value of a {@code key: scalar} line.
   */
  static int contentColumn(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || (line.charAt(i) == '-' && i + 1 < line.length()
        && line.charAt(i + 1) == ' '))) {
      i++;
    }
    Matcher m = KEY_SCALAR.matcher(line).region(i, line.length());
    return m.lookingAt() ? m.start(1) + 1 : i + 1;
  }

  /** Lints the fixture with every rule and checks that {@code ruleId} reports exactly what is marked. */
  static List<Diagnostic> assertMarked(String name, String ruleId, LintConfig config) {
    LintReport report = new Linter(config).lint(read(name));
    List<Diagnostic> mine = report.findings().stream().filter(d -> d.ruleId().equals(ruleId))
        .collect(Collectors.toList());
    List<String> actual = mine.stream()
        .map(d -> d.ruleId() + " " + d.position().line() + ":" + d.position().column())
        .collect(Collectors.toList());
    List<String> expected = expected(name, ruleId);
    assertThat(expected).as("fixture %s marks no %s", name, ruleId).isNotEmpty();
    assertThat(actual).as("findings of %s in %s: %s", ruleId, name, mine).containsExactlyElementsOf(expected);
    assertThat(mine).allSatisfy(d -> assertThat(d.position().file()).isEqualTo(name));
    return mine;
  }

  /** {@link #assertMarked(String, String, LintConfig)} with the default configuration. */
  static List<Diagnostic> assertMarked(String name, String ruleId) {
    return assertMarked(name, ruleId, LintConfig.DEFAULT);
  }
}
