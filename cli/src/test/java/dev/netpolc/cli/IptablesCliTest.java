package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iptables backend through the CLI: {@code compile --backend iptables} writes the four files
 * (equal to the backend's goldens, byte-identical on a second run), warns on stderr when over
 * the ipset budget ({@code --backend-option maxIpsets=N}) and fails closed on a bad option;
 * {@code matrix --via iptables} equals {@code --via reference}; {@code verify --backend
 * iptables DIR} passes on the compiled files and fails on tampered ones (a dropped rule:
 * findings; a broken line: usage error naming file:line:column).
 */
class IptablesCliTest {
  private static final Path BACKEND_GOLDEN = Path.of("..", "backends", "iptables", "src", "test", "resources",
      "golden");
  private static final List<String> FILES = List.of("apply.sh", "ip6tables.rules", "ipset.restore", "iptables.rules");

  private static Run run(String... args) {
    return CompileCommandTest.run(args);
  }

  private static Path compile(Path dir, String... extra) {
    List<String> argv = new ArrayList<>(List.of("compile", "--backend", "iptables", "--output", dir.toString()));
    argv.addAll(List.of(extra));
    argv.add(CompileCommandTest.demo().toString());
    Run r = run(argv.toArray(new String[0]));
    assertThat(r.rc()).as(r.err()).isZero();
    return dir;
  }

  @Test
  void compileWritesTheFourFilesDeterministically(@TempDir Path tmp) throws IOException {
    Path a = compile(tmp.resolve("a"));
    Path b = compile(tmp.resolve("b"), "--node", "node-a");
    Path again = compile(tmp.resolve("again"), "--node", "node-a");
    try (Stream<Path> listed = Files.list(a)) {
      assertThat(listed.map(p -> p.getFileName().toString()).sorted()).containsExactlyElementsOf(FILES);
    }
    for (String f : FILES) {
      assertThat(Files.readString(a.resolve(f))).as(f)
          .isEqualTo(Files.readString(BACKEND_GOLDEN.resolve("demo-cluster").resolve(f)));
      assertThat(Files.readString(b.resolve(f))).as(f)
          .isEqualTo(Files.readString(BACKEND_GOLDEN.resolve("demo-node-a").resolve(f)))
          .isEqualTo(Files.readString(again.resolve(f)));
    }
    assertThat(Files.readString(a.resolve("apply.sh"))).startsWith("#!/usr/bin/env bash\n");
    assertThat(Files.readString(a.resolve("iptables.rules"))).contains("*filter\n").endsWith("COMMIT\n");
  }

  @Test
  void overTheBudgetItWarnsAndStillWrites(@TempDir Path tmp) throws IOException {
    Run r = run("compile", "--backend", "iptables", "--backend-option", "maxIpsets=3", "--output",
        tmp.toString(), CompileCommandTest.demo().toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).containsPattern("netpolc: warning: iptables: \\d+ address sets needed, over maxIpsets=3: "
        + "\\d+ ipsets, \\d+ encoded as mark bits");
    assertThat(Files.readString(tmp.resolve("ipset.restore"))).contains(" skbinfo");
    Run quiet = run("compile", "--backend", "iptables", "--output", tmp.resolve("q").toString(),
        CompileCommandTest.demo().toString());
    assertThat(quiet.err()).doesNotContain("warning");
    Run verified = run("verify", "--backend", "iptables", tmp.toString(), CompileCommandTest.demo().toString());
    assertThat(verified.rc()).as(verified.out() + verified.err()).isZero();
  }

  @Test
  void badBackendOptionsFailClosed(@TempDir Path tmp) {
    for (String[] bad : new String[][] {{"maxIpsets=300", "maxIpsets must be between 0 and 255"},
        {"maxIpsets=lots", "maxIpsets must be an integer"}, {"markMask=0xc000", "markMask must leave out"},
        {"colour=blue", "unknown option 'colour'"}, {"novalue", "expected KEY=VALUE"}}) {
      Path out = tmp.resolve("out");
      Run r = run("compile", "--backend", "iptables", "--backend-option", bad[0], "--output", out.toString(),
          CompileCommandTest.demo().toString());
      assertThat(r.rc()).as(bad[0]).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err()).contains(bad[1]).doesNotContain("Exception");
      assertThat(out).doesNotExist();
    }
  }

  @Test
  void matrixViaIptablesEqualsTheReference() {
    Run ref = run("matrix", "--via", "reference", CompileCommandTest.demo().toString());
    Run ipt = run("matrix", "--via", "iptables", CompileCommandTest.demo().toString());
    assertThat(ipt.rc()).as(ipt.err()).isEqualTo(ref.rc());
    assertThat(ipt.out()).isNotBlank().isEqualTo(ref.out());
  }

  @Test
  void verifyPassesOnTheCompiledFilesAndCatchesTampering(@TempDir Path tmp) throws IOException {
    Path dir = compile(tmp.resolve("node-a"), "--node", "node-a");
    Run ok = run("verify", "--backend", "iptables", "--node", "node-a", dir.toString(),
        CompileCommandTest.demo().toString());
    assertThat(ok.rc()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("agrees");

    Path rules = dir.resolve("iptables.rules");
    List<String> lines = new ArrayList<>(Files.readAllLines(rules));
    int victim = -1;
    for (int i = 0; i < lines.size() && victim < 0; i++) {
      if (lines.get(i).startsWith("-A NETPOLC-I-") && lines.get(i).contains("ingress[") && lines.get(i)
          .endsWith("-j ACCEPT")) {
        victim = i;
      }
    }
    assertThat(victim).as("an ingress allow rule").isNotNegative();
    String removed = lines.remove(victim);
    Files.write(rules, lines);
    Run dropped = run("verify", "--backend", "iptables", "--node", "node-a", dir.toString(),
        CompileCommandTest.demo().toString());
    assertThat(dropped.rc()).as("after removing %s", removed).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(dropped.out()).contains("disagrees").contains("expected allowed, got denied");

    lines.add(victim, "-A NETPOLC-FORWARD -m set --match-set NETPOLC-NOWHERE-4 src -j ACCEPT");
    Files.write(rules, lines);
    Run broken = run("verify", "--backend", "iptables", "--node", "node-a", dir.toString(),
        CompileCommandTest.demo().toString());
    assertThat(broken.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(broken.err()).contains("iptables.rules:" + (victim + 1) + ":").contains("NETPOLC-NOWHERE-4")
        .doesNotContain("Exception");
  }
}
