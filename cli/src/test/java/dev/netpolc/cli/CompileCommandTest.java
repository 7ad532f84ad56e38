package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code netpolc compile}: golden rulesets for examples/demo, byte-identical output whatever the
 * input order, {@code --output DIR} and {@code -}, and failing closed (exit 2, nothing written)
 * on invalid input, an unknown node, a bad table name or an unknown backend.
 */
class CompileCommandTest {
  static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "compile");

  record Run(int rc, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(rc, out.toString(), err.toString());
  }

  /** examples/demo of this checkout. */
  static Path demo() {
    String root = System.getenv("NETPOLC_TEST_ROOT");
    Path base = root != null ? Path.of(root) : Path.of("..");
    return base.resolve("examples").resolve("demo");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "demo-cluster.nft, ''",
      "demo-node-a.nft, --node node-a",
      "demo-node-a-counters-log.nft, --node node-a --counters --log-drops --table np_demo",
  })
  void demoMatchesGolden(String golden, String flags) throws IOException {
    List<String> argv = new ArrayList<>(List.of("compile", "--backend", "nftables"));
    if (!flags.isBlank()) {
      argv.addAll(List.of(flags.trim().split("\\s+")));
    }
    argv.add(demo().toString());
    Run r = run(argv.toArray(new String[0]));
    assertThat(r.rc()).as(r.err()).isZero();
    Path file = GOLDEN.resolve(golden);
    Path actual = GOLDEN.resolve(golden + ".actual");
    if (Boolean.getBoolean("netpolc.updateGolden")) {
      Files.writeString(file, r.out(), StandardCharsets.UTF_8);
      Files.deleteIfExists(actual);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    if (expected.equals(r.out())) {
      Files.deleteIfExists(actual);
    } else {
      Files.writeString(actual, r.out(), StandardCharsets.UTF_8);
    }
    assertThat(r.out()).as("differs from %s; see %s (regenerate with -Dnetpolc.updateGolden=true)", file, actual)
        .isEqualTo(expected);
  }

  @Test
  void outputIsByteIdenticalWhateverTheInputOrder() throws IOException {
    List<String> files = new ArrayList<>();
    files.add(demo().resolve("cluster.yaml").toString());
    try (Stream<Path> s = Files.list(demo().resolve("policies"))) {
      s.map(Path::toString).sorted().forEach(files::add);
    }
    List<String> reversed = new ArrayList<>(files);
    Collections.reverse(reversed);
    Run a = run(args("compile", "--node", "node-b", files));
    Run b = run(args("compile", "--node", "node-b", files));
    Run c = run(args("compile", "--node", "node-b", reversed));
    assertThat(a.rc()).as(a.err()).isZero();
    assertThat(a.out()).isNotEmpty().isEqualTo(b.out()).isEqualTo(c.out());
  }

  private static String[] args(String cmd, String flag, String value, List<String> paths) {
    List<String> out = new ArrayList<>(List.of(cmd, flag, value));
    out.addAll(paths);
    return out.toArray(new String[0]);
  }

  @Test
  void outputDirGetsTheSameFileAsStdout(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("out");
    Run toDir = run("compile", "--node", "node-a", "--output", dir.toString(), demo().toString());
    Run toStdout = run("compile", "--node", "node-a", "--output", "-", demo().toString());
    assertThat(toDir.rc()).as(toDir.err()).isZero();
    assertThat(toDir.out()).isEmpty();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("netpolc.nft");
    }
    assertThat(Files.readString(dir.resolve("netpolc.nft"))).isEqualTo(toStdout.out());
  }

  @Test
  void statsGoToStderr() {
    Run r = run("compile", "--node", "node-a", "--stats", demo().toString());
    assertThat(r.rc()).isZero();
    assertThat(r.out()).startsWith("# netpolc nftables ruleset");
    assertThat(r.err()).contains("build").contains("nftables: chains=").contains("rules=");
  }

  @Test
  void invalidInputFailsClosed(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, String.join("\n",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: bad, namespace: x}",
        "spec:",
        "  podSelector: {}",
        "  ingress:",
        "  - ports:",
        "    - {protocol: TCP, port: 70000}",
        ""));
    Path dir = tmp.resolve("out");
    Run r = run("compile", "--output", dir.toString(), demo().toString(), bad.toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("bad.yaml:8:").contains("error[").doesNotContain("Exception");
    assertThat(dir).doesNotExist();
    Run toStdout = run("compile", demo().toString(), bad.toString());
    assertThat(toStdout.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(toStdout.out()).isEmpty();
  }

  @Test
  void unreadableInputFailsClosed(@TempDir Path tmp) {
    Run r = run("compile", "--output", tmp.resolve("out").toString(), tmp.resolve("missing.yaml").toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void unknownNodeFailsClosed(@TempDir Path tmp) {
    Run r = run("compile", "--node", "node-z", "--output", tmp.resolve("out").toString(), demo().toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("unknown node 'node-z'").contains("node-a");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void badTableNamesAndBackendsAreUsageErrors() {
    for (String table : List.of("meta", "9lives", "a-b", "x".repeat(32), "t;flush")) {
      Run r = run("compile", "--table", table, demo().toString());
      assertThat(r.rc()).as(table).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.out()).as(table).isEmpty();
      assertThat(r.err()).as(table).contains("invalid table name");
    }
    Run r = run("compile", "--backend", "pf", demo().toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("unknown backend 'pf'").contains("nftables");
  }

  @Test
  void ebpfWritesBothFilesAndTakesBackendOptions(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("out");
    Run r = run("compile", "--backend", "ebpf", "--node", "node-a", "--stats", "--backend-option",
        "pinDir=/run/np/bpf", "--output", dir.toString(), demo().toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("ebpf: bytes=").contains(" np_policy=").contains(" np_ident4=");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("maps.batch", "maps.json");
    }
    assertThat(Files.readString(dir.resolve("maps.batch"))).contains("map update pinned /run/np/bpf/np_policy key hex ");
    Run verify = run("verify", "--backend", "ebpf", "--node", "node-a", dir.toString(), demo().toString());
    assertThat(verify.rc()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("agrees with the policies (node node-a");

    Path small = tmp.resolve("small");
    Run limited = run("compile", "--backend", "ebpf", "--node", "node-a", "--backend-option",
        "maxEntries.np_policy=10", "--output", small.toString(), demo().toString());
    assertThat(limited.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(limited.err()).contains("map np_policy needs").contains("the policies with the most entries: ")
        .doesNotContain("Exception");
    assertThat(small).doesNotExist();
    Run malformed = run("compile", "--backend", "ebpf", "--backend-option", "pinDir", demo().toString());
    assertThat(malformed.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(malformed.err()).contains("--backend-option: expected KEY=VALUE");
  }
}
