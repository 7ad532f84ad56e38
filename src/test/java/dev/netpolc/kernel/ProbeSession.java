package dev.netpolc.kernel;

import dev.netpolc.kernel.ProbeProgram.Attempt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One source endpoint's long-lived probe process ({@link ProbeProgram#SERVE}, started once in
 * its namespace): each {@link #run} hands it one batch of attempts and reads the verdicts back.
 * One batch at a time per process; a process that dies, answers badly or does not finish its
 * batch in time is closed and the failure thrown, so the next batch starts a fresh one and no
 * verdict of a broken process is ever used.
 */
final class ProbeSession implements AutoCloseable {

  private final String endpoint;
  private final BackgroundProcess process;

  private ProbeSession(String endpoint, BackgroundProcess process) {
    this.endpoint = endpoint;
    this.process = process;
  }

  /** Starts the probe process in {@code namespace}, for endpoint {@code endpoint}. */
  static ProbeSession start(String endpoint, String namespace) {
    return startWith(endpoint, List.of("ip", "netns", "exec", namespace, "perl", "-e", ProbeProgram.SERVE));
  }

  /** Starts {@code command} (a way of running {@link ProbeProgram#SERVE}) as the probe process of {@code endpoint}. */
  static ProbeSession startWith(String endpoint, List<String> command) {
    return new ProbeSession(endpoint, BackgroundProcess.start(command));
  }

  /** True while the process runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Makes {@code attempts} with {@code timeoutMillis} and returns the verdict per attempt id;
   * throws {@link KernelHarnessException} when the process fails or takes longer than
   * {@code deadline}.
   */
  synchronized Map<Integer, Boolean> run(List<Attempt> attempts, long timeoutMillis, Duration deadline) {
    if (!process.writeLine(ProbeProgram.batchLine(attempts, timeoutMillis))) {
      throw failed("its stdin is closed");
    }
    Optional<List<String>> lines = process.linesUntil(ProbeProgram.END, deadline);
    if (lines.isEmpty()) {
      throw failed(process.isAlive() ? "no answer within " + deadline : "it ended");
    }
    return ProbeProgram.parse(String.join("\n", lines.get()), attempts);
  }

  private KernelHarnessException failed(String why) {
    close();
    return new KernelHarnessException("probe process of " + endpoint + " failed (" + why + "): "
        + process.stderr().strip());
  }

  /** Stops the process. */
  @Override
  public void close() {
    process.close();
  }
}
