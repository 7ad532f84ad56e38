package dev.netpolc.backend.nftables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real {@code nft}, run inside a throwaway network namespace {@code np-emit-<pid>} so that
 * nothing touches the machine's own ruleset. {@link #require()} skips with one line when root or
 * nft is missing, and fails instead when the variable {@code CI} is set.
 */
final class RealNft implements AutoCloseable {
  static final String PREFIX = "np-emit-";

  /** The outcome of one command. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final String namespace;

  private RealNft(String namespace) {
    this.namespace = namespace;
  }

  /** What is missing to run the real nft here, if anything. */
  static Optional<String> missing() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("not root");
    }
    for (String tool : List.of("nft", "ip")) {
      if (findOnPath(tool).isEmpty()) {
        return Optional.of("no " + tool + " binary");
      }
    }
    return Optional.empty();
  }

  /** Skips (or under CI fails) when nft cannot run; otherwise opens a fresh namespace. */
  static RealNft require() {
    Optional<String> why = missing();
    if (why.isPresent()) {
      String line = "real nft checks skipped: " + why.get();
      if (System.getenv("CI") != null) {
        Assertions.fail(line + " (CI is set, so this is a failure)");
      }
      Assumptions.abort(line);
    }
    removeStale();
    String ns = PREFIX + ProcessHandle.current().pid();
    run(List.of("ip", "netns", "del", ns));
    Result r = run(List.of("ip", "netns", "add", ns));
    if (!r.ok()) {
      Assertions.fail("cannot create network namespace " + ns + ": " + r.stderr());
    }
    return new RealNft(ns);
  }

  /** {@code nft -c -f} of a text: checked, nothing loaded. */
  Result check(String text) {
    return withFile(text, f -> nft("-c", "-f", f.toString()));
  }

  /** Loads {@code text} for real (after flushing the namespace's ruleset). */
  Result load(String text) {
    nft("flush", "ruleset");
    return withFile(text, f -> nft("-f", f.toString()));
  }

  /** Loads {@code text} on top of whatever the namespace holds (no flush first). */
  Result withFileLoad(String text) {
    return withFile(text, f -> nft("-f", f.toString()));
  }

  /** Runs nft with these arguments inside the namespace. */
  Result nft(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "nft"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** Runs any command inside the namespace. */
  Result exec(List<String> command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    cmd.addAll(command);
    return run(cmd);
  }

  private static Optional<Path> findOnPath(String tool) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.add("/usr/sbin");
    dirs.add("/sbin");
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst();
  }

  private static void removeStale() {
    for (String line : run(List.of("ip", "netns", "list")).stdout().split("\n")) {
      String name = line.split(" ")[0];
      if (name.startsWith(PREFIX)) {
        try {
          if (ProcessHandle.of(Long.parseLong(name.substring(PREFIX.length()))).isEmpty()) {
            run(List.of("ip", "netns", "del", name));
          }
        } catch (NumberFormatException e) {
          // Not one of ours.
        }
      }
    }
  }

  private static Result withFile(String text, java.util.function.Function<Path, Result> f) {
    try {
      Path tmp = Files.createTempFile("np-emit-", ".nft");
      try {
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        return f.apply(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Result run(List<String> cmd) {
    try {
      Path out = Files.createTempFile("np-emit-out", ".txt");
      Path err = Files.createTempFile("np-emit-err", ".txt");
      try {
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(-1, "", "timed out: " + String.join(" ", cmd));
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

  @Override
  public void close() {
    run(List.of("ip", "netns", "del", namespace));
  }
}
