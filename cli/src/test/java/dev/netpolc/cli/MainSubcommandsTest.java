package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/**
 * {@link Main} registers only the subcommand a run names (a cold-start saving): the name table
 * must match each class's {@code @Command} name, and help, --version and unknown words still see every
 * subcommand.
 */
class MainSubcommandsTest {

  @Test
  void tableNamesMatchTheCommandAnnotations() {
    for (Map.Entry<String, Class<?>> e : Main.SUBCOMMANDS.entrySet()) {
      assertThat(e.getValue().getAnnotation(Command.class).name()).as(e.getValue().getName()).isEqualTo(e.getKey());
    }
    assertThat(Main.SUBCOMMANDS.keySet())
        .containsExactly("help", "matrix", "lint", "compile", "verify", "explain", "diff", "convert", "generate",
            "agent");
  }

  @Test
  void namedSubcommandAloneIsRegistered() {
    assertThat(Main.subcommandsFor(new String[] {"compile", "--node", "node-a", "x"}))
        .containsExactly(CompileCommand.class);
    assertThat(Main.subcommandsFor(new String[] {"lint", "help"})).containsExactly(LintCommand.class);
  }

  @Test
  void helpVersionAndUnknownWordsSeeEverySubcommand() {
    for (String[] args : new String[][] {{}, {"help", "compile"}, {"--help"}, {"--version"}, {"compil"}}) {
      assertThat(Main.subcommandsFor(args)).containsExactlyElementsOf(Main.SUBCOMMANDS.values());
    }
  }

  @Test
  void helpListsEverySubcommandAndSubcommandHelpWorks() {
    CompileCommandTest.Run top = CompileCommandTest.run("--help");
    assertThat(top.rc()).isZero();
    for (String name : Main.SUBCOMMANDS.keySet()) {
      assertThat(top.out()).containsPattern("(?m)^\\s+" + name + "\\s");
    }
    CompileCommandTest.Run viaHelp = CompileCommandTest.run("help", "compile");
    CompileCommandTest.Run direct = CompileCommandTest.run("compile", "--help");
    assertThat(viaHelp.rc()).isZero();
    assertThat(direct.rc()).isZero();
    assertThat(direct.out()).startsWith("Usage: netpolc compile ").isEqualTo(viaHelp.out());
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    CompileCommandTest.Run r = CompileCommandTest.run("compil", "x");
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("netpolc: Unmatched arguments from index 0: 'compil', 'x'")
        .contains("Try 'netpolc --help'.").doesNotContain("netpolc netpolc");
  }

  @Test
  void usageErrorInASubcommandPointsAtThatSubcommandsHelp() {
    CompileCommandTest.Run r = CompileCommandTest.run("compile", "--no-such-option", "x");
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("Try 'netpolc compile --help'.");
  }
}
