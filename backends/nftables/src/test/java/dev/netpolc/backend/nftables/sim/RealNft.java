package dev.netpolc.backend.nftables.sim;

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
 * The real {@code nft}, run inside a throwaway network namespace {@code np-sim-<pid>} so that
 * nothing touches the machine's own ruleset. Tests open it with {@link #open()} and {@link #assumeAvailable}: without
 * root or without nft they skip with one line, unless the variable {@code CI} is set, when they fail.
 */
final class RealNft implements AutoCloseable {

  static final String PREFIX = "np-sim-";

  /** The outcome of one nft run. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final String namespace;

  private RealNft(String namespace) {
    this.namespace = namespace;
  }

  /** What is missing to run the real nft, if anything. */
  static Optional<String> missing() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("not root");
    }
    if (findOnPath("nft").isEmpty()) {
      return Optional.of("no nft binary");
    }
    if (findOnPath("ip").isEmpty()) {
      return Optional.of("no ip binary (iproute2)");
    }
    return Optional.empty();
  }

  private static Optional<Path> findOnPath(String tool) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.add("/usr/sbin");
    dirs.add("/sbin");
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst();
  }

  /**
   * Opens a fresh namespace, or returns empty after printing one line saying why the real nft
   * cannot run here; when the variable {@code CI} is set, that is a failure instead.
   */
  static Optional<RealNft> open() {
    Optional<String> why = missing();
    if (why.isPresent()) {
      String line = "real nft tests skipped: " + why.get();
      if (System.getenv("CI") != null) {
        Assertions.fail(line + " (CI is set, so this is a failure)");
      }
      System.out.println(line);
      return Optional.empty();
    }
    return Optional.of(require());
  }

  /** Skips the calling test when {@code nft} is absent (the reason was printed by {@link #open()}). */
  static RealNft assumeAvailable(Optional<RealNft> nft) {
    Assumptions.assumeTrue(nft.isPresent(), () -> "real nft tests skipped: " + missing().orElse("unavailable"));
    return nft.get();
  }

  /** Opens a fresh namespace; fails (or skips outside CI) when nft cannot run here. */
  static RealNft require() {
    Optional<String> why = missing();
    if (why.isPresent()) {
      String line = "real nft tests skipped: " + why.get();
      if (System.getenv("CI") != null) {
        Assertions.fail(line + " (CI is set, so this is a failure)");
      }
      Assumptions.abort(line);
    }
    removeStaleNamespaces();
    String ns = PREFIX + ProcessHandle.current().pid();
    run(List.of("ip", "netns", "del", ns)); // left over from an aborted run of this very pid
    Result r = run(List.of("ip", "netns", "add", ns));
    if (!r.ok()) {
      Assertions.fail("cannot create network namespace " + ns + ": " + r.stderr());
    }
    return new RealNft(ns);
  }

  /** Deletes namespaces with our prefix whose owning process is gone. */
  private static void removeStaleNamespaces() {
    for (String line : run(List.of("ip", "netns", "list")).stdout().split("\n")) {
      String name = line.split(" ")[0];
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      try {
        long pid = Long.parseLong(name.substring(PREFIX.length()));
        if (ProcessHandle.of(pid).isEmpty()) {
          run(List.of("ip", "netns", "del", name));
        }
      } catch (NumberFormatException e) {
        // Not one of ours.
      }
    }
  }

  /** {@code nft -c -f file}: check mode, nothing is loaded. */
  Result check(Path file) {
    return nft("-c", "-f", file.toString());
  }

  /** {@code nft -c -f} of a text. */
  Result checkText(String text) {
    return withTempFile(text, this::check);
  }

  /** Flushes the namespace's ruleset, loads {@code file} for real and lists the result. */
  Result loadAndList(Path file) {
    Result flush = nft("flush", "ruleset");
    if (!flush.ok()) {
      return flush;
    }
    Result load = nft("-f", file.toString());
    if (!load.ok()) {
      return load;
    }
    return nft("list", "ruleset");
  }

  /** Flushes and loads {@code text} for real. */
  Result loadText(String text) {
    nft("flush", "ruleset");
    return withTempFile(text, f -> nft("-f", f.toString()));
  }

  private Result nft(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "nft"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private static Result withTempFile(String text, java.util.function.Function<Path, Result> f) {
    try {
      Path tmp = Files.createTempFile("np-sim-", ".nft");
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

  private static Result run(List<String> cmd) {
    try {
      Path out = Files.createTempFile("np-sim-out", ".txt");
      Path err = Files.createTempFile("np-sim-err", ".txt");
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
