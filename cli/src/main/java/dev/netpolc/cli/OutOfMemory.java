package dev.netpolc.cli;

/**
 * The one line a run prints when the JVM runs out of heap (an input too large for the heap it was
 * given), instead of a stack trace: how much heap there was and how to give it more.
 */
final class OutOfMemory {
  private OutOfMemory() {}

  /** True when {@code t} or one of its causes is an {@link OutOfMemoryError} (a parallel stage wraps it). */
  static boolean in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof OutOfMemoryError) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /** The message, naming the heap limit of this JVM. */
  static String message() {
    long maxMiB = Runtime.getRuntime().maxMemory() >> 20;
    return "netpolc: out of memory: the input needs more than this JVM's " + maxMiB + " MiB of heap."
        + " Give it more, e.g. NETPOLC_JAVA_OPTS=-Xmx4g bin/netpolc ...";
  }
}
