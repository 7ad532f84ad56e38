package dev.netpolc.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands for the datapath benchmark: output captured in files (no pipe can fill), a timeout each. */
final class Exec {
  private Exec() {}

  /**
   * What a finished command left.
   *
   * @param argv   the command
   * @param exit   its exit status (124 when it timed out and was killed)
   * @param stdout its standard output
   * @param stderr its standard error
   */
  record Result(List<String> argv, int exit, String stdout, String stderr) {
    boolean ok() {
      return exit == 0;
    }

    /** This result, or an {@link IllegalStateException} naming the command and its error output. */
    Result orThrow() {
      if (!ok()) {
        throw new IllegalStateException(describe());
      }
      return this;
    }

    String describe() {
      String err = stderr.strip();
      if (err.length() > 2_000) {
        err = "..." + err.substring(err.length() - 2_000);
      }
      return String.join(" ", argv.size() > 12 ? argv.subList(0, 12) : argv) + (argv.size() > 12 ? " ..." : "")
          + " exited " + exit + (err.isEmpty() ? "" : ": " + err);
    }
  }

  static Result run(Duration timeout, String stdin, List<String> argv) {
    File out = null;
    File err = null;
    File in = null;
    try {
      out = File.createTempFile("npdp-out-", ".txt");
      err = File.createTempFile("npdp-err-", ".txt");
      ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out).redirectError(err);
      if (stdin != null) {
        in = File.createTempFile("npdp-in-", ".txt");
        Files.writeString(in.toPath(), stdin, StandardCharsets.UTF_8);
        pb.redirectInput(in);
      } else {
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      }
      Process p = pb.start();
      int exit;
      if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        exit = p.exitValue();
      } else {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
        exit = 124;
      }
      return new Result(List.copyOf(argv), exit, Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv, e);
    } finally {
      for (File f : new File[] {out, err, in}) {
        if (f != null) {
          f.delete();
        }
      }
    }
  }

  static Result run(Duration timeout, String... argv) {
    return run(timeout, null, List.of(argv));
  }

  /** {@code argv} inside network namespace {@code ns}. */
  static Result inNs(Duration timeout, String ns, String stdin, String... argv) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(argv));
    return run(timeout, stdin, full);
  }

  /** Starts {@code argv} in {@code ns} in the background, its output discarded (to a log file when given). */
  static Process background(String ns, File log, String... argv) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(argv));
    try {
      ProcessBuilder pb = new ProcessBuilder(full).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      if (log == null) {
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
      } else {
        pb.redirectErrorStream(true).redirectOutput(log);
      }
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code name} is an executable on PATH, /usr/sbin or /sbin. */
  static boolean onPath(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.add("/usr/sbin");
    dirs.add("/sbin");
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> new File(d, name))
        .anyMatch(f -> f.isFile() && f.canExecute());
  }
}
