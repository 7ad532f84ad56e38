package dev.netpolc.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running command (a server, a persistent client) whose stdout is read line by line and
 * whose stderr is kept for failure messages. Closing kills it with all its descendants.
 */
final class BackgroundProcess implements AutoCloseable {

  /** Keep at most this much stderr: socat servers may log for the whole run. */
  private static final int STDERR_LIMIT = 16 * 1024;

  private final List<String> command;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder stderr = new StringBuilder();

  private BackgroundProcess(List<String> command, Process process) {
    this.command = List.copyOf(command);
    this.process = process;
  }

  /** Starts {@code command} and begins reading its output. */
  static BackgroundProcess start(List<String> command) {
    BackgroundProcess p = new BackgroundProcess(command, Commands.start(command));
    Commands.background(p::readStdout);
    Commands.background(p::readStderr);
    return p;
  }

  private void readStdout() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The process died; callers see that through isAlive() and the missing lines.
    }
  }

  private void readStderr() {
    byte[] chunk = new byte[4096];
    try (InputStream s = process.getErrorStream()) {
      int n;
      while ((n = s.read(chunk)) >= 0) {
        synchronized (stderr) {
          if (stderr.length() < STDERR_LIMIT) {
            stderr.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException e) {
      // As above: the process is gone.
    }
  }

  /**
   * Waits up to {@code timeout} for a stdout line that satisfies {@code wanted}, discarding the
   * lines before it; empty when none came in time or the process ended first.
   */
  Optional<String> awaitLine(Predicate<String> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
        if (line != null && wanted.test(line)) {
          return Optional.of(line);
        }
        if (line == null && !process.isAlive() && lines.isEmpty()) {
          return Optional.empty();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * The stdout lines up to (not including) the next line equal to {@code end}, waiting up to
   * {@code timeout} for it; empty when it did not come in time or the process ended first.
   */
  Optional<List<String>> linesUntil(String end, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> out = new java.util.ArrayList<>();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
        if (line != null) {
          if (line.equals(end)) {
            return Optional.of(out);
          }
          out.add(line);
        } else if (!process.isAlive() && lines.isEmpty()) {
          return Optional.empty();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Writes one line to the process's stdin; false when the pipe is gone. */
  boolean writeLine(String line) {
    try {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** True while the process runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** The stderr captured so far (first 16 KiB). */
  String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** The command line, for messages. */
  String commandLine() {
    return String.join(" ", command);
  }

  /** Kills the process and all its descendants. */
  @Override
  public void close() {
    Commands.killTree(process);
  }
}
