package dev.netpolc.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs external commands with a deadline, capturing stdout and stderr. Every command the harness
 * runs goes through here, so none can hang a test run.
 */
public final class Commands {

  /** Daemon threads so a stuck pipe reader can never keep the JVM alive. */
  private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "netpolc-kernel-io");
    t.setDaemon(true);
    return t;
  });

  /** How long to wait for pipes to drain after a process has ended or been killed. */
  private static final Duration DRAIN = Duration.ofSeconds(2);

  private Commands() {}

  /** Runs {@code command} with no input; see {@link #run(Duration, String, List)}. */
  public static CommandResult run(Duration timeout, String... command) {
    return run(timeout, null, List.of(command));
  }

  /**
   * Runs {@code command}, feeding it {@code stdin} (or nothing when null), and waits at most
   * {@code timeout}; past it the process and all its descendants are killed and the result says
   * {@code timedOut}. Never throws for a non-zero exit: callers decide with
   * {@link CommandResult#orThrow()}.
   */
  public static CommandResult run(Duration timeout, String stdin, List<String> command) {
    Process process = start(command);
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    CompletableFuture<Void> in = CompletableFuture.runAsync(() -> feed(process.getOutputStream(), stdin), IO);
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      killTree(process);
    }
    in.cancel(true);
    String stdout = collect(out);
    String stderr = collect(err);
    return new CommandResult(command, finished ? process.exitValue() : -1, stdout, stderr, !finished);
  }

  /** Starts {@code command} with piped stdio; throws a {@link KernelHarnessException} if it cannot start. */
  public static Process start(List<String> command) {
    try {
      return new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new KernelHarnessException("cannot start `" + String.join(" ", command) + "`: " + e.getMessage(), e);
    }
  }

  /** Kills {@code process} and every process it spawned, and waits briefly for them to go. */
  public static void killTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    descendants.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads a stream to its end on a background thread. */
  static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream s = stream) {
        return new String(s.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }, IO);
  }

  private static void feed(OutputStream stream, String text) {
    try (OutputStream s = stream) {
      if (text != null) {
        s.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The command exited without reading all its input; its exit status tells the story.
    }
  }

  private static String collect(CompletableFuture<String> future) {
    try {
      return future.get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    } catch (ExecutionException | TimeoutException e) {
      // A leftover grandchild still holds the pipe; report what we have rather than hang.
      return "";
    }
  }

  /** Runs {@code task} on the harness's daemon I/O pool. */
  static void background(Runnable task) {
    IO.execute(task);
  }
}
