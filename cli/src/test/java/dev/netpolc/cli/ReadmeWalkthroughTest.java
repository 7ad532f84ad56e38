package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.ExplainCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's dialect walkthroughs ("Calico policy", "Cilium policy") stay true: every
 * {@code bin/netpolc} command of the section runs on its example with exit 0, and where the README
 * shows its output (the plain code block right after the command's {@code sh} block) it prints
 * exactly that.
 */
class ReadmeWalkthroughTest {
  private static Path root() {
    String root = System.getenv("NETPOLC_TEST_ROOT");
    return root != null ? Path.of(root) : Path.of("..");
  }

  /** A command of the section and the output shown after it, if any. */
  record Step(String command, String shown) {}

  static List<Step> steps(String section) throws IOException {
    String readme = Files.readString(root().resolve("README.md"));
    int start = readme.indexOf("\n### " + section + "\n");
    assertThat(start).as("README has a " + section + " section").isNotNegative();
    int end = readme.indexOf("\n### ", start + 1);
    List<String> lines = readme.substring(start, end < 0 ? readme.length() : end).lines().toList();
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals("```sh")) {
        continue;
      }
      String command = lines.get(i + 1);
      assertThat(lines.get(i + 2)).as("one command per block: " + command).isEqualTo("```");
      int j = i + 3;
      while (j < lines.size() && lines.get(j).isEmpty()) {
        j++;
      }
      String shown = null;
      if (j < lines.size() && lines.get(j).equals("```")) {
        StringBuilder sb = new StringBuilder();
        for (j++; !lines.get(j).equals("```"); j++) {
          sb.append(lines.get(j)).append('\n');
        }
        shown = sb.toString();
      }
      steps.add(new Step(command, shown));
    }
    return steps;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Calico policy | lint matrix explain diff compile",
      "Cilium policy | lint matrix explain compile"})
  void everyCommandRunsAndPrintsWhatTheReadmeShows(String section, String commands) throws IOException {
    List<Step> steps = steps(section);
    assertThat(steps).extracting(s -> s.command().split(" ")[1]).contains(commands.split(" "));
    String examples = root().resolve("examples").toString();
    for (Step step : steps) {
      assertThat(step.command()).startsWith("bin/netpolc ");
      List<String> argv = new ArrayList<>();
      for (String a : step.command().substring("bin/netpolc ".length()).split(" ")) {
        argv.add(a.startsWith("examples/") ? examples + a.substring("examples".length()) : a);
      }
      Run r = ExplainCommandTest.run(argv.toArray(new String[0]));
      assertThat(r.rc()).as(step.command() + "\n" + r.err()).isZero();
      assertThat(r.out()).as(step.command()).isNotEmpty();
      if (step.shown() != null) {
        // Positions name the files as the README's command does (examples/…).
        assertThat(r.out().replace(examples + "/", "examples/")).as(step.command()).isEqualTo(step.shown());
      }
    }
  }
}
