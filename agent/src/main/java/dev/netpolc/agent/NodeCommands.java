package dev.netpolc.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the node's tools (nft, iptables-restore, bpftool, ...) for the appliers; package-private. */
final class NodeCommands {
  private static final long TIMEOUT_SECONDS = 60;
  private static final int MAX_QUOTED = 2000;

  private NodeCommands() {}

  /** How a command ended: its exit code, stdout and stderr. */
  record Result(List<String> command, int exit, String stdout, String stderr) {
    boolean ok() {
      return exit == 0;
    }

    /** The command, its exit code and the tail of its output, for error messages. */
    String describe() {
      String out = (stderr.strip() + "\n" + stdout.strip()).strip();
      if (out.length() > MAX_QUOTED) {
        out = "..." + out.substring(out.length() - MAX_QUOTED);
      }
      return String.join(" ", command) + " exited " + exit + (out.isEmpty() ? "" : ": " + out);
    }
  }

  /** {@code prefix} then {@code args}: the command line as run (e.g. {@code ip netns exec NODE iptables-save}). */
  static List<String> line(List<String> prefix, String... args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs {@code cmd} with {@code stdin} (may be empty); a program that cannot start or hangs is an apply error. */
  static Result run(List<String> cmd, String stdin) throws RuleApplier.ApplyException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).start();
    } catch (IOException e) {
      throw new RuleApplier.ApplyException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
    }
    // stderr read on its own thread: a chatty tool must not block on a full pipe while we read stdout.
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The tool exited early; its exit code and output say why.
    }
    try {
      String out = readAll(p.getInputStream());
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new RuleApplier.ApplyException(String.join(" ", cmd) + " timed out after " + TIMEOUT_SECONDS + " s");
      }
      return new Result(List.copyOf(cmd), p.exitValue(), out, err.join());
    } catch (UncheckedIOException e) {
      throw new RuleApplier.ApplyException("reading the output of " + String.join(" ", cmd) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RuleApplier.ApplyException("interrupted while " + String.join(" ", cmd) + " ran");
    }
  }

  /** Runs {@code cmd}; a non-zero exit is an apply error. Returns stdout. */
  static String check(List<String> cmd, String stdin) throws RuleApplier.ApplyException {
    Result r = run(cmd, stdin);
    if (!r.ok()) {
      throw new RuleApplier.ApplyException(r.describe());
    }
    return r.stdout();
  }

  private static String readAll(InputStream s) {
    try (s) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh private directory holding {@code files} (artifact file name → text). */
  static Path write(Map<String, String> files) throws RuleApplier.ApplyException {
    try {
      Path dir = Files.createTempDirectory("netpolc-agent-");
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = dir.resolve(f.getKey()).normalize();
        if (!p.getParent().equals(dir)) {
          throw new RuleApplier.ApplyException("artifact file name '" + Agent.quote(f.getKey()) + "' is not plain");
        }
        Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      }
      return dir;
    } catch (IOException e) {
      throw new RuleApplier.ApplyException("cannot write the artifact's files: " + e.getMessage());
    }
  }

  /** Removes a directory {@link #write} made; a leftover temporary directory is harmless. */
  static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // harmless, see above
    }
  }
}
