package dev.netpolc.kernel;

/**
 * A kernel-test harness operation failed: a command exited non-zero, timed out or produced
 * output the harness did not expect. The message always names the command and quotes its stderr.
 */
public final class KernelHarnessException extends RuntimeException {

  /** A failure described by {@code message}. */
  public KernelHarnessException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public KernelHarnessException(String message, Throwable cause) {
    super(message, cause);
  }
}
