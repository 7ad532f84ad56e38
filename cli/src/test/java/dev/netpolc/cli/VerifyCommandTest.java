package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netpolc verify}: a compiled ruleset agrees with the policies; a hand-edited one does not
 * and the first disagreements are listed; unusable rulesets and inputs exit 2.
 */
class VerifyCommandTest {
  static final Path NODE_A = CompileCommandTest.GOLDEN.resolve("demo-node-a.nft");

  private static Run run(String... args) {
    return CompileCommandTest.run(args);
  }

  @Test
  void theCompiledRulesetAgrees() {
    Run r = run("verify", "--backend", "nftables", "--node", "node-a", NODE_A.toString(),
        CompileCommandTest.demo().toString());
    assertThat(r.rc()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("agrees").contains("node node-a");
  }

  @Test
  void deletingOneAcceptRuleIsCaught(@TempDir Path tmp) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(NODE_A));
    int victim = -1;
    for (int i = 0; i < lines.size() && victim < 0; i++) {
      if (lines.get(i).contains("@p_") && lines.get(i).contains(" accept comment ")) {
        victim = i;
      }
    }
    assertThat(victim).as("an accept rule in the golden ruleset").isNotNegative();
    String removed = lines.remove(victim);
    Path edited = tmp.resolve("edited.nft");
    Files.write(edited, lines);
    Run r = run("verify", "--node", "node-a", edited.toString(), CompileCommandTest.demo().toString());
    assertThat(r.rc()).as(r.err()).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(r.out()).as("after removing: %s", removed).contains("disagrees")
        .containsPattern("\\S+ -> \\S+ TCP/\\d+: expected allowed, got denied")
        .contains("allowed by");
  }

  /** The probe budget counts exactly the connections a check makes, and refuses before checking. */
  @Test
  void moreConnectionsThanMaxProbesAreRefusedBeforeChecking() {
    Run ok = run("verify", "--node", "node-a", NODE_A.toString(), CompileCommandTest.demo().toString());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) connections checked").matcher(ok.out());
    assertThat(m.find()).as(ok.out()).isTrue();
    long checked = Long.parseLong(m.group(1));
    Run refused = run("verify", "--max-probes", Long.toString(checked - 1), "--node", "node-a", NODE_A.toString(),
        CompileCommandTest.demo().toString());
    assertThat(refused.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).contains(checked + " connections to check")
        .contains("more than --max-probes " + (checked - 1) + ": refused before checking any")
        .doesNotContain("Exception");
    assertThat(run("verify", "--max-probes", Long.toString(checked), "--node", "node-a", NODE_A.toString(),
        CompileCommandTest.demo().toString()).rc()).isZero();
    assertThat(run("verify", "--max-probes", "0", NODE_A.toString(), CompileCommandTest.demo().toString()).rc())
        .isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void aNodeRulesetIsNotACLusterWideOne() {
    Run r = run("verify", "--max-listed", "2", NODE_A.toString(), CompileCommandTest.demo().toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(r.out()).contains("the first 2:");
  }

  @Test
  void anUnparsableRulesetIsAUsageErrorWithItsPosition(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("bad.nft");
    Files.writeString(bad, "table inet netpolc {\n\tchain forward {\n\t\tip saddr @nowhere accept\n\t}\n}\n");
    Run r = run("verify", bad.toString(), CompileCommandTest.demo().toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("bad.nft:3:").doesNotContain("Exception");
    Run missing = run("verify", tmp.resolve("none.nft").toString(), CompileCommandTest.demo().toString());
    assertThat(missing.rc()).isEqualTo(Main.EXIT_USAGE);
    Run unknownNode = run("verify", "--node", "node-q", NODE_A.toString(), CompileCommandTest.demo().toString());
    assertThat(unknownNode.rc()).isEqualTo(Main.EXIT_USAGE);
  }
}
