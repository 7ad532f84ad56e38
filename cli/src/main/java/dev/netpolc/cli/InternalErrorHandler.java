package dev.netpolc.cli;

import picocli.CommandLine;

/**
 * Turns an unexpected exception into exit code 3 with one line, never a stack trace, unless
 * {@code --debug} is on the command line. An out-of-memory error wrapped by a parallel stage gets
 * the out-of-memory line ({@link OutOfMemory}).
 */
final class InternalErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    boolean debug = parseResult.originalArgs().contains("--debug");
    if (OutOfMemory.in(ex)) {
      cl.getErr().println(OutOfMemory.message());
      if (debug) {
        ex.printStackTrace(cl.getErr());
      }
      return Main.EXIT_INTERNAL;
    }
    cl.getErr().println("netpolc: internal error: " + ex);
    if (debug) {
      ex.printStackTrace(cl.getErr());
    } else {
      cl.getErr().println("Run again with --debug for details, and please report it.");
    }
    return Main.EXIT_INTERNAL;
  }
}
