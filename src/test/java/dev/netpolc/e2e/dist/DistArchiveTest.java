package dev.netpolc.e2e.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.Main;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI distribution as a user meets it: {@code netpolc-<version>.tar.gz} (built by the
 * {@code dist} module) unpacked into an empty directory outside the checkout and run with a
 * {@code PATH} of the JDK and the basic tools only, so that nothing of the checkout can help.
 */
class DistArchiveTest {

  private static final String VERSION = System.getProperty("netpolc.version");
  private static Path tmp;
  private static Path home;
  private static Path javaBin;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("netpolc.dist.archive"));
    assertThat(archive).as("the dist module's archive (mvn package builds it)").isRegularFile();
    tmp = Files.createTempDirectory("netpolc-dist-test").toRealPath();
    String checkout = System.getenv("NETPOLC_TEST_ROOT");
    if (checkout != null) {
      assertThat(tmp.startsWith(Path.of(checkout).toRealPath())).as("unpacked outside the checkout").isFalse();
    }
    Path into = Files.createDirectory(tmp.resolve("install"));
    Run r = run(List.of("tar", "-xzf", archive.toString(), "-C", into.toString()), tmp, Map.of("PATH", "/usr/bin:/bin"));
    assertThat(r.rc).as(r.err).isZero();
    home = into.resolve("netpolc-" + VERSION);
    javaBin = Path.of(System.getProperty("java.home"), "bin");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (tmp != null) {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The environment of a user with a JDK: only its bin/ and the basic tools on the PATH. */
  private static Map<String, String> userEnv() {
    return Map.of("PATH", javaBin + ":/usr/bin:/bin", "HOME", tmp.toString(), "LANG", "C.UTF-8");
  }

  @Test
  void versionLintMatrixAndCompileRunFromTheUnpackedArchive() throws Exception {
    Path netpolc = home.resolve("bin/netpolc");
    Run version = run(List.of(netpolc.toString(), "--version"), tmp, userEnv());
    assertThat(version.rc).as(version.err).isZero();
    assertThat(version.out).isEqualTo("netpolc " + VERSION + "\n");
    // As installed with a symbolic link on the PATH (ln -s .../bin/netpolc /usr/local/bin/).
    Path links = Files.createDirectories(tmp.resolve("links"));
    Files.createSymbolicLink(links.resolve("netpolc"), netpolc);
    Run linked = run(List.of("/usr/bin/env", "netpolc", "--version"), tmp,
        Map.of("PATH", links + ":" + javaBin + ":/usr/bin:/bin", "HOME", tmp.toString()));
    assertThat(linked.rc).as(linked.err).isZero();
    assertThat(linked.out).isEqualTo(version.out);
    // The first run trained the class-data sharing archive beside the jar.
    try (Stream<Path> cds = Files.list(home.resolve("lib/cds"))) {
      assertThat(cds.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".jsa"));
    }

    String demo = home.resolve("examples/demo").toString();
    Run lint = run(List.of(netpolc.toString(), "lint", "examples/demo"), home, userEnv());
    assertThat(lint.rc).as(lint.err).isZero();
    assertThat(lint.out).isEqualTo(inProcess("lint", demo));

    // The same bytes as the CLI run in this JVM: the archive carries the whole program.
    for (List<String> args : List.of(
        List.of("matrix", "--port", "8443", "--protocol", "TCP", demo),
        List.of("compile", "--backend", "nftables", "--node", "node-a", "--output", "-", demo))) {
      List<String> cmd = new ArrayList<>(List.of(netpolc.toString()));
      cmd.addAll(args);
      Run r = run(cmd, tmp, userEnv());
      assertThat(r.rc).as(args + ": " + r.err).isZero();
      assertThat(r.err).as(args.toString()).isEmpty();
      assertThat(r.out).as(args.toString()).isNotEmpty().isEqualTo(inProcess(args.toArray(String[]::new)));
    }
  }

  @Test
  void launcherExplainsAMissingOrOldJava() throws Exception {
    // A PATH with the tools the launcher uses and no java.
    Path tools = Files.createDirectories(tmp.resolve("tools-" + System.nanoTime()));
    for (String t : List.of("bash", "dirname", "readlink", "sed", "stat", "cksum", "cut", "mkdir", "rm", "mv", "env")) {
      for (String dir : List.of("/usr/bin", "/bin")) {
        if (Files.isExecutable(Path.of(dir, t)) && !Files.exists(tools.resolve(t))) {
          Files.createSymbolicLink(tools.resolve(t), Path.of(dir, t));
        }
      }
    }
    String netpolc = home.resolve("bin/netpolc").toString();
    Run none = run(List.of(netpolc, "--version"), tmp, Map.of("PATH", tools.toString(), "HOME", tmp.toString()));
    assertThat(none.rc).isEqualTo(2);
    assertThat(none.out).isEmpty();
    assertThat(none.err).contains("no java on the PATH").contains("Java 17 or newer");

    // A JDK 11 by its release file: refused before it runs (its java would print a line).
    Path old = Files.createDirectories(tmp.resolve("jdk-11/bin"));
    Files.writeString(old.resolve("java"), "#!/bin/sh\necho old java ran\n");
    old.resolve("java").toFile().setExecutable(true);
    Files.writeString(old.getParent().resolve("release"), "JAVA_VERSION=\"11.0.2\"\n");
    Map<String, String> env = Map.of("PATH", tools.toString(), "HOME", tmp.toString(), "JAVA_HOME", old.getParent().toString());
    Run tooOld = run(List.of(netpolc, "--version"), tmp, env);
    assertThat(tooOld.rc).isEqualTo(2);
    assertThat(tooOld.out).isEmpty();
    assertThat(tooOld.err).contains("is Java 11").contains("Java 17 or newer");

    Run badHome = run(List.of(netpolc, "--version"), tmp,
        Map.of("PATH", tools.toString(), "HOME", tmp.toString(), "JAVA_HOME", tmp.resolve("no-such-jdk").toString()));
    assertThat(badHome.rc).isEqualTo(2);
    assertThat(badHome.err).contains("JAVA_HOME points to").contains("not an executable java");
  }

  @Test
  void everyManPageRenders() throws Exception {
    boolean hasMan = Files.isExecutable(Path.of("/usr/bin/man"));
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(hasMan, "man is not installed (Debian package man-db): man pages not rendered");
    }
    assertThat(hasMan).as("man (Debian package man-db, in .ci/run's list)").isTrue();
    TreeSet<String> expected = new TreeSet<>();
    expected.add("netpolc.1");
    // Every subcommand that --help lists (independent of the generator's own walk of the model).
    String help = inProcess("--help");
    for (String line : help.substring(help.indexOf("Commands:")).split("\n")) {
      Matcher m = Pattern.compile("^  ([a-z]+)  ").matcher(line);
      if (m.find()) {
        expected.add("netpolc-" + m.group(1) + ".1");
      }
    }
    assertThat(expected).hasSizeGreaterThan(6);
    TreeSet<String> pages = new TreeSet<>();
    try (Stream<Path> s = Files.list(home.resolve("man/man1"))) {
      s.forEach(p -> pages.add(p.getFileName().toString()));
    }
    assertThat(pages).isEqualTo(expected);
    for (String page : pages) {
      Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString(), "LANG", "C.UTF-8",
          "MANWIDTH", "100", "MAN_KEEP_FORMATTING", "");
      Run r = run(List.of("man", "-l", home.resolve("man/man1").resolve(page).toString()), tmp, env);
      assertThat(r.rc).as(page + ": " + r.err).isZero();
      assertThat(r.err).as(page).isEmpty();
      String name = page.substring(0, page.length() - 2);
      assertThat(r.out).as(page).containsPattern("NAME\\n +" + Pattern.quote(name) + " - \\S").contains("SYNOPSIS")
          .doesNotContain("\\f").doesNotContain("\\-");
    }
  }

  @Test
  void completionCompletesSubcommandsOptionsAndValuesInBash() throws Exception {
    Path script = home.resolve("completion/netpolc");
    // Drive the completion function as bash does on <TAB>: COMP_WORDS, COMP_CWORD, COMP_LINE.
    String driver = """
        source "$1"
        complete -p netpolc
        complete_at() {
          COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
          COMPREPLY=()
          _complete_netpolc "$1" "${!#}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
          echo "$*: ${COMPREPLY[*]}"
        }
        complete_at netpolc li
        complete_at netpolc co
        complete_at netpolc com
        complete_at netpolc lint --fail
        complete_at netpolc lint --format s
        """;
    Run r = run(List.of("bash", "--norc", "--noprofile", "-c", driver, "bash", script.toString()), tmp,
        Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString()));
    assertThat(r.rc).as(r.err).isZero();
    assertThat(r.out.split("\n")).containsExactly(
        "complete -o default -F _complete_netpolc netpolc",
        "netpolc li: lint",
        "netpolc co: compile convert",
        "netpolc com: compile",
        "netpolc lint --fail: --fail-on",
        "netpolc lint --format s: sarif");
  }

  /**
   * zsh as a user meets it: an interactive {@code zsh -f} (no rc files) in a pseudo-terminal
   * ({@code zsh/zpty}), the script sourced as a {@code .zshrc} line would, then a partial command
   * line and a real TAB typed and the line accepted. {@code netpolc} is a shell function there that
   * prints the arguments it was called with, so the completed line is read back exactly. Once with
   * nothing loaded (the script runs compinit itself) and once after a {@code .zshrc}'s own
   * {@code compinit} (frameworks such as oh-my-zsh), where the script must not run it again.
   */
  @Test
  void completionCompletesSubcommandsAndOptionsInZsh() throws Exception {
    boolean hasZsh = Files.isExecutable(Path.of("/usr/bin/zsh")) || Files.isExecutable(Path.of("/bin/zsh"));
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(hasZsh, "zsh is not installed (Debian package zsh): zsh completion not driven");
    }
    assertThat(hasZsh).as("zsh (Debian package zsh, in .ci/run's list)").isTrue();
    Path script = home.resolve("completion/netpolc");
    // The fake netpolc prints its arguments between markers the echoed typing does not contain
    // ("@@""[" is echoed with its quotes), so a match is the function's output.
    String driver = """
        zmodload zsh/zpty || exit 3
        zpty z 'zsh -f -i'
        zpty -w z "PS1='%% '; $2 source ${(q)1}; netpolc() { print -r -- \\"@@\\"\\"[\\$*]\\" }"
        for typed in 'netpolc li' 'netpolc com' 'netpolc lint --fail' 'netpolc lint --format s'; do
          zpty -n -w z "$typed"$'\\t\\r'
          zpty -r -m z out '*@@\\[*\\]*' || exit 4
          print -r -- "$typed: ${${out##*@@\\[}%%\\]*}"
        done
        zpty -d z
        """;
    for (String zshrc : List.of("", "autoload -U compinit && compinit;")) {
      Run r = run(List.of("timeout", "120", "zsh", "-f", "-c", driver, "zsh", script.toString(), zshrc), tmp,
          Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString(), "TERM", "dumb"));
      assertThat(r.rc).as(zshrc + ": " + r.err + r.out).isZero();
      assertThat(r.out.split("\n")).as(zshrc).containsExactly(
          "netpolc li: lint",
          "netpolc com: compile",
          "netpolc lint --fail: lint --fail-on",
          "netpolc lint --format s: lint --format sarif");
    }
  }

  @Test
  void zipHoldsWhatTheTarballHolds() throws Exception {
    Path tgz = Path.of(System.getProperty("netpolc.dist.archive"));
    Path zip = tgz.resolveSibling("netpolc-" + VERSION + ".zip");
    Run list = run(List.of("tar", "-tzf", tgz.toString()), tmp, Map.of("PATH", "/usr/bin:/bin"));
    assertThat(list.rc).as(list.err).isZero();
    TreeSet<String> tarFiles = new TreeSet<>();
    for (String line : list.out.split("\n")) {
      if (!line.endsWith("/")) {
        tarFiles.add(line);
      }
    }
    TreeSet<String> zipFiles = new TreeSet<>();
    try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
        if (!e.isDirectory()) {
          zipFiles.add(e.getName());
        }
      }
    }
    assertThat(zipFiles).isEqualTo(tarFiles).contains(
        "netpolc-" + VERSION + "/bin/netpolc", "netpolc-" + VERSION + "/lib/netpolc.jar",
        "netpolc-" + VERSION + "/completion/netpolc", "netpolc-" + VERSION + "/examples/demo/cluster.yaml");
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
    Path out = Files.createTempFile(tmp == null ? null : tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp == null ? null : tmp, "err", ".txt");
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
