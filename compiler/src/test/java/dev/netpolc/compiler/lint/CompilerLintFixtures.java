package dev.netpolc.compiler.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.LintRule;
import dev.netpolc.model.lint.Linter;
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
 * Fixtures under {@code lint-fixtures/} that mark their expected findings inline, as the
 * model's lint fixtures do: a line ending in {@code # expect: NP203} expects that finding on
 * that line at the column where the line's content starts (after indentation and list dashes;
 * the value of a {@code key: scalar} line); {@code NP203@7} names the column.
 */
final class CompilerLintFixtures {
  private static final Pattern EXPECT = Pattern.compile("#\\s*expect:\\s*(.+)$");
  private static final Pattern ONE = Pattern.compile("(NP[0-9]{3})(?:@([0-9]+))?");
  private static final Pattern KEY_SCALAR = Pattern.compile("[A-Za-z0-9_.-]+:\\s+([^{\\[#\\s])");

  private CompilerLintFixtures() {}

  /** Reads a fixture; fails on reader errors. */
  static Cluster read(String name) {
    ReadResult r = new PolicyReader().readString(name, text(name));
    assertThat(r.errors()).as("reader errors in " + name).isEmpty();
    return r.cluster();
  }

  static String text(String name) {
    try (InputStream in = CompilerLintFixtures.class.getResourceAsStream("/lint-fixtures/" + name)) {
      assertThat(in).as("fixture " + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The expectations for {@code ruleId}, as {@code "NP203 12:5"}. */
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
        if (one.group(1).equals(ruleId)) {
          int column = one.group(2) != null ? Integer.parseInt(one.group(2)) : contentColumn(lines[i]);
          out.add(ruleId + " " + (i + 1) + ":" + column);
        }
      }
    }
    return out;
  }

  private static int contentColumn(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || (line.charAt(i) == '-' && i + 1 < line.length()
        && line.charAt(i + 1) == ' '))) {
      i++;
    }
    Matcher m = KEY_SCALAR.matcher(line).region(i, line.length());
    return m.lookingAt() ? m.start(1) + 1 : i + 1;
  }

  /** Lints the fixture with {@code rules} and checks that {@code ruleId} reports exactly what is marked. */
  static List<Diagnostic> assertMarked(String name, String ruleId, List<LintRule> rules) {
    List<Diagnostic> mine = new Linter(LintConfig.DEFAULT, rules).lint(read(name)).findings().stream()
        .filter(d -> d.ruleId().equals(ruleId)).collect(Collectors.toList());
    List<String> actual = mine.stream()
        .map(d -> d.ruleId() + " " + d.position().line() + ":" + d.position().column())
        .collect(Collectors.toList());
    List<String> expected = expected(name, ruleId);
    assertThat(expected).as("fixture %s marks no %s", name, ruleId).isNotEmpty();
    assertThat(actual).as("findings of %s in %s: %s", ruleId, name, mine).containsExactlyElementsOf(expected);
    assertThat(mine).allSatisfy(d -> {
      assertThat(d.position().file()).isEqualTo(name);
      assertThat(d.message()).startsWith(d.path() + ": ");
    });
    return mine;
  }

  /** The full catalogue without a backend. */
  static List<Diagnostic> assertMarked(String name, String ruleId) {
    return assertMarked(name, ruleId, CompilerLintRules.all());
  }
}
