package dev.netpolc.kernel;

import java.util.List;

/**
 * What one finished (or timed-out) external command produced.
 *
 * @param command  the argument vector that was run
 * @param exitCode the exit status, or -1 when the command timed out
 * @param stdout   everything written to standard output
 * @param stderr   everything written to standard error
 * @param timedOut true when the harness killed the command at its deadline
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

  /** Copies the argument vector. */
  public CommandResult {
    command = List.copyOf(command);
  }

  /** True when the command finished in time with exit status 0. */
  public boolean ok() {
    return !timedOut && exitCode == 0;
  }

  /** This result if {@link #ok()}; otherwise throws a {@link KernelHarnessException} describing it. */
  public CommandResult orThrow() {
    if (!ok()) {
      throw new KernelHarnessException(describe());
    }
    return this;
  }

  /** One readable account of the command and how it ended, with its stderr, for failure messages. */
  public String describe() {
    String how = timedOut ? "timed out" : "exited with status " + exitCode;
    String err = stderr.strip();
    return "command `" + String.join(" ", command) + "` " + how + (err.isEmpty() ? "" : ": " + err);
  }
}
