package dev.netpolc.backend.iptables;

import dev.netpolc.backend.Artifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real ipset, iptables-restore and ip6tables-restore, run inside a throwaway network
 * namespace {@code np-ipt-<pid>} so that nothing touches the machine's own tables.
 * {@link #require()} skips with one line when root or a tool is missing, and fails instead when
 * the variable {@code CI} is set.
 */
final class RealIptables implements AutoCloseable {
  /** The outcome of one command. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final String namespace;
  private final Path dir;

  private RealIptables(String namespace, Path dir) {
    this.namespace = namespace;
    this.dir = dir;
  }

  /** Skips (or under CI fails) when the tools cannot run; otherwise opens a fresh namespace. */
  static RealIptables require() {
    Optional<String> why = missing();
    if (why.isPresent()) {
      String line = "real iptables checks skipped: " + why.get();
      if (System.getenv("CI") != null) {
        Assertions.fail(line + " (CI is set, so this is a failure)");
      }
      Assumptions.abort(line);
    }
    String ns = "np-ipt-" + ProcessHandle.current().pid();
    run(List.of("ip", "netns", "del", ns));
    Result r = run(List.of("ip", "netns", "add", ns));
    if (!r.ok()) {
      Assertions.fail("cannot create network namespace " + ns + ": " + r.stderr());
    }
    try {
      return new RealIptables(ns, Files.createTempDirectory("np-ipt-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<String> missing() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("not root");
    }
    for (String tool : List.of("ip", "ipset", "iptables-restore", "ip6tables-restore", "bash")) {
      if (!run(List.of("sh", "-c", "command -v " + tool)).ok()) {
        return Optional.of("no " + tool + " binary");
      }
    }
    return Optional.empty();
  }

  /** Starts over with an empty namespace. */
  void reset() {
    run(List.of("ip", "netns", "del", namespace));
    Result r = run(List.of("ip", "netns", "add", namespace));
    if (!r.ok()) {
      Assertions.fail("cannot recreate network namespace " + namespace + ": " + r.stderr());
    }
  }

  /** Writes the artifact's files into a fresh directory and returns it. */
  Path write(Artifact a) {
    try {
      Path d = Files.createTempDirectory(dir, "a");
      for (Map.Entry<String, String> f : a.files().entrySet()) {
        Files.writeString(d.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
      }
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a shell command inside the namespace. */
  Result sh(String command) {
    return run(List.of("ip", "netns", "exec", namespace, "bash", "-c", command));
  }

  /**
   * Loads the ipsets for real, then checks both rules files with {@code --test} (nothing
   * committed); the first failing step's result.
   */
  Result loadSetsAndTestRules(Artifact a) {
    Path d = write(a);
    for (String cmd : List.of("ipset restore < ipset.restore", "iptables-restore --test --noflush < iptables.rules",
        "ip6tables-restore --test --noflush < ip6tables.rules")) {
      Result r = sh("cd " + d + " && " + cmd);
      if (!r.ok()) {
        return r;
      }
    }
    return new Result(0, "", "");
  }

  /** Runs apply.sh of {@code a}. */
  Result apply(Artifact a) {
    return sh("bash " + write(a).resolve("apply.sh"));
  }

  @Override
  public void close() {
    run(List.of("ip", "netns", "del", namespace));
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }

  static Result run(List<String> cmd) {
    try {
      Path out = Files.createTempFile("np-ipt", ".out");
      Path err = Files.createTempFile("np-ipt", ".err");
      try {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectOutput(out.toFile()).redirectError(err.toFile())
            .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(-1, "", "timed out: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
