package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The distribution's man pages and completion script: one page per command with every visible
 * option, the same bytes on every run, and no text from the model that troff could read as a
 * request.
 */
class DocsGeneratorTest {

  /** The requests the generator itself writes; any other line starting with '.' came from text. */
  private static final Set<String> REQUESTS = Set.of(".TH", ".SH", ".TP", ".sp", ".br", ".nf", ".fi", ".ad l", ".nh", ".\\\"");

  @Test
  void onePagePerCommandAndTheCompletionScript() {
    Map<String, String> files = DocsGenerator.generate("1.2.3");
    List<String> expected = new ArrayList<>();
    expected.add("completion/netpolc");
    expected.add("man/man1/netpolc.1");
    Main.SUBCOMMANDS.keySet().forEach(name -> expected.add("man/man1/netpolc-" + name + ".1"));
    assertThat(files.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(files.get("man/man1/netpolc-lint.1"))
        .startsWith(".\\\" Generated")
        .contains(".TH \"NETPOLC\\-LINT\" 1 \"\" \"netpolc 1.2.3\"")
        .contains(".SH EXIT STATUS");
    assertThat(files.get("completion/netpolc")).contains("complete -F _complete_netpolc").contains("_picocli_netpolc_lint");
  }

  @Test
  void everyVisibleOptionIsDocumentedOnItsCommandsPage() {
    Map<String, String> files = DocsGenerator.generate("1.2.3");
    CommandLine root = DocsGenerator.commandLine();
    List<CommandLine> commands = new ArrayList<>();
    commands.add(root);
    commands.addAll(root.getSubcommands().values());
    for (CommandLine cl : commands) {
      String page = files.get("man/man1/" + DocsGenerator.pageName(cl.getCommandSpec()) + ".1");
      for (OptionSpec o : cl.getCommandSpec().options()) {
        if (!o.hidden()) {
          assertThat(page).as(cl.getCommandName()).contains("\\fB" + DocsGenerator.escape(o.longestName()) + "\\fR");
        }
      }
      // Variables are filled in as --help fills them.
      assertThat(page).as(cl.getCommandName()).doesNotContain("${");
    }
    assertThat(files.get("man/man1/netpolc-lint.1")).contains("Output format: text, json, sarif, github (default: text).");
  }

  @Test
  void sameModelSameBytes() {
    assertThat(DocsGenerator.generate("0.1.0")).isEqualTo(DocsGenerator.generate("0.1.0"));
  }

  @Test
  void everyRequestLineIsTheGenerators() {
    for (Map.Entry<String, String> f : DocsGenerator.generate("1.2.3").entrySet()) {
      if (!f.getKey().startsWith("man/")) {
        continue;
      }
      for (String line : f.getValue().split("\n")) {
        if (line.startsWith(".") || line.startsWith("'")) {
          assertThat(REQUESTS).as(f.getKey() + ": " + line).anyMatch(line::startsWith);
        }
      }
    }
  }

  @Test
  void escapedTextIsNeverARequestAndKeepsNoBackslashEscape() {
    assertThat(DocsGenerator.text(".TH evil")).isEqualTo("\\&.TH evil");
    assertThat(DocsGenerator.text("'br")).isEqualTo("\\&'br");
    assertThat(DocsGenerator.escape("a\\fBb-c\nd")).isEqualTo("a\\efBb\\-c d");
    qt().withExamples(500).forAll(strings().allPossible().ofLengthBetween(0, 20)).checkAssert(s -> {
      String t = DocsGenerator.text(s);
      assertThat(t).doesNotContain("\n").doesNotContain("\r");
      assertThat(t.startsWith(".") || t.startsWith("'")).isFalse();
      // Every backslash is one the escaping wrote: \e, \- or the leading \&.
      assertThat(t.replace("\\e", "").replace("\\-", "").replaceFirst("^\\\\&", "")).doesNotContain("\\");
    });
  }
}
