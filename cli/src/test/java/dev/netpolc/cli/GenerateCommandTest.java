package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netpolc generate}: presets and explicit sizes give valid clusters that compile, the same
 * seed the same bytes, and bad arguments exit 2 with a reason and no output.
 */
class GenerateCommandTest {

  @Test
  void aPresetWrittenToADirectoryCompilesForItsFocusNode(@TempDir Path dir) {
    Run g = CompileCommandTest.run("generate", "--preset", "node-agent", "--scale", "0.002", "--seed", "5",
        "--output", dir.toString());
    assertThat(g.rc()).as(g.err()).isZero();
    assertThat(dir.resolve("inventory.yaml")).isRegularFile();
    assertThat(dir.resolve("policies.yaml")).isRegularFile();
    Run c = CompileCommandTest.run("compile", "--backend", "nftables", "--node", "node-0", dir.toString());
    assertThat(c.rc()).as(c.err()).isZero();
    assertThat(c.out()).contains("table inet netpolc");
  }

  @Test
  void theSameSeedGivesTheSameStreamAndExplicitSizesAreHonoured() {
    String[] args = {"generate", "--namespaces", "3", "--pods", "20", "--policies", "12", "--nodes", "2",
        "--seed", "9"};
    Run first = CompileCommandTest.run(args);
    assertThat(first.rc()).as(first.err()).isZero();
    assertThat(CompileCommandTest.run(args).out()).isEqualTo(first.out());
    assertThat(CompileCommandTest.run("generate", "--namespaces", "3", "--pods", "20", "--policies", "12",
        "--nodes", "2", "--seed", "10").out()).isNotEqualTo(first.out());
    ReadResult r = new PolicyReader().readString("gen.yaml", first.out());
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().namespaces()).hasSize(3);
    assertThat(r.cluster().pods()).hasSize(20);
    assertThat(r.cluster().policies()).hasSize(12);
    assertThat(r.cluster().nodes()).hasSize(2);
  }

  @Test
  void badArgumentsExitTwoWithTheReasonAndWriteNothing(@TempDir Path dir) throws IOException {
    assertUsage(CompileCommandTest.run("generate", "--preset", "huge"), "unknown preset 'huge'", "antrea-large");
    assertUsage(CompileCommandTest.run("generate", "--preset", "antrea-dense", "--pods", "5"), "leave out");
    assertUsage(CompileCommandTest.run("generate", "--preset", "antrea-dense", "--scale", "2"), "scale must be");
    assertUsage(CompileCommandTest.run("generate", "--scale", "0.5"), "--scale needs --preset");
    assertUsage(CompileCommandTest.run("generate", "--pods", "-1"), "pods must be between");
    assertUsage(CompileCommandTest.run("generate", "--pods", "10", "--node-pods", "11"), "focus node");
    assertUsage(CompileCommandTest.run("generate", "--pods", "many"), "--pods");
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Run r = CompileCommandTest.run("generate", "--output", file.resolve("sub").toString());
    assertUsage(r, "cannot write to");
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  private static void assertUsage(Run r, String... fragments) {
    assertThat(r.rc()).as(r.err()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(fragments).doesNotContain("Exception");
  }
}
