package dev.netpolc.e2e.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The self-contained image ({@code netpolc-<version>-linux-<arch>-image.tar.gz}, the dist module's
 * {@code image} profile) on a machine without Java: unpacked outside the checkout and run with a
 * {@code PATH} of the few tools the launcher uses and no {@code JAVA_HOME}, so only the bundled
 * runtime can run it. The image is built when the build JDK has jmods; a build JDK without them
 * (or {@code -Dnetpolc.image.skip}) builds none, and then this test skips.
 */
class DistImageTest {

  private static final String VERSION = System.getProperty("netpolc.version");
  private static final long MAX_BYTES = 80L * 1024 * 1024;
  private static Path archive;
  private static Path tmp;
  private static Path home;
  private static Path tools;

  @BeforeAll
  static void unpack() throws Exception {
    archive = Path.of(System.getProperty("netpolc.dist.image"));
    boolean jmods = Files.isRegularFile(Path.of(System.getProperty("java.home"), "jmods", "java.base.jmod"));
    if (!Files.isRegularFile(archive)) {
      Assumptions.assumeTrue(jmods && !Boolean.getBoolean("netpolc.image.skip"),
          "no image: the build JDK has no jmods, or netpolc.image.skip is set");
    }
    assertThat(archive).as("the dist module's image (its build JDK has jmods)").isRegularFile();
    tmp = Files.createTempDirectory("netpolc-image-test").toRealPath();
    String checkout = System.getenv("NETPOLC_TEST_ROOT");
    if (checkout != null) {
      assertThat(tmp.startsWith(Path.of(checkout).toRealPath())).as("unpacked outside the checkout").isFalse();
    }
    Path into = Files.createDirectory(tmp.resolve("install"));
    Run r = run(List.of("tar", "-xzf", archive.toString(), "-C", into.toString()), tmp, Map.of("PATH", "/usr/bin:/bin"));
    assertThat(r.rc).as(r.err).isZero();
    home = into.resolve("netpolc-" + VERSION);
    // The launcher's tools and nothing else: no java anywhere on this PATH.
    tools = Files.createDirectories(tmp.resolve("tools"));
    for (String t : List.of("bash", "dirname", "readlink", "sed", "stat", "cksum", "cut", "mkdir", "rm", "mv", "env")) {
      for (String dir : List.of("/usr/bin", "/bin")) {
        if (Files.isExecutable(Path.of(dir, t)) && !Files.exists(tools.resolve(t))) {
          Files.createSymbolicLink(tools.resolve(t), Path.of(dir, t));
        }
      }
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (tmp != null) {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Map<String, String> noJavaEnv() {
    return Map.of("PATH", tools.toString(), "HOME", tmp.toString(), "LANG", "C.UTF-8");
  }

  @Test
  void runsVersionAndADemoCompileWithItsOwnRuntime() throws Exception {
    assertThat(Files.size(archive)).as("the image archive stays under 80 MB").isLessThan(MAX_BYTES);
    Path netpolc = home.resolve("bin/netpolc");
    Run noJava = run(List.of("/bin/bash", "-c", "command -v java || echo none"), tmp, noJavaEnv());
    assertThat(noJava.out).isEqualTo("none\n");

    Run version = run(List.of(netpolc.toString(), "--version"), tmp, noJavaEnv());
    assertThat(version.rc).as(version.err).isZero();
    assertThat(version.out).isEqualTo("netpolc " + VERSION + "\n");
    // The first run trained the dynamic class-data sharing archive on the runtime's base archive.
    try (Stream<Path> cds = Files.list(home.resolve("lib/cds"))) {
      assertThat(cds.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".jsa"));
    }

    String demo = home.resolve("examples/demo").toString();
    String[] args = {"compile", "--backend", "nftables", "--node", "node-a", "--output", "-", demo};
    Run compile = run(Stream.concat(Stream.of(netpolc.toString()), Arrays.stream(args)).toList(), tmp, noJavaEnv());
    assertThat(compile.rc).as(compile.err).isZero();
    assertThat(compile.err).isEmpty();
    assertThat(compile.out).isNotEmpty().isEqualTo(inProcess(args));
  }

  @Test
  void runtimeHoldsTheModulesJdepsFindsInTheJar() throws Exception {
    Run listed = run(List.of(home.resolve("runtime/bin/java").toString(), "--list-modules"), tmp, noJavaEnv());
    assertThat(listed.rc).as(listed.err).isZero();
    TreeSet<String> modules = Arrays.stream(listed.out.split("\n"))
        .map(l -> l.replaceFirst("@.*", "").strip()).filter(l -> !l.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new));
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "--multi-release", "17", "--print-module-deps",
        "--ignore-missing-deps", home.resolve("lib/netpolc.jar").toString());
    assertThat(rc).as(err.toString()).isZero();
    List<String> needed = Arrays.stream(out.toString().strip().split(",")).map(String::strip).toList();
    assertThat(needed).contains("java.base");
    assertThat(modules).as("dist/pom.xml netpolc.image.modules").containsAll(needed);
    // Only what the jar needs (and what those modules require): no JDK tools, no compiler. The
    // java.compiler API module (javax.tools, no compiler in it) is referenced by vert.x's verticle
    // source loader, which the agent's Kubernetes client brings in; jdk.compiler stays out.
    assertThat(modules).doesNotContain("jdk.compiler", "jdk.jlink");
    assertThat(home.resolve("runtime/include")).doesNotExist();
    assertThat(home.resolve("runtime/man")).doesNotExist();
  }

  private static String inProcess(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertThat(rc).as(err.toString()).isZero();
    return out.toString();
  }

  private record Run(int rc, String out, String err) {}

  /** Runs {@code cmd} in {@code dir} with exactly {@code env}; a hung process fails the test. */
  private static Run run(List<String> cmd, Path dir, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("hung: " + cmd);
    }
    Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }
}
