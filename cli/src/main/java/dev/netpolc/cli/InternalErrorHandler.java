package dev.netpolc.cli;

import picocli.CommandLine;

/**
 * Turns an unexpected exception into exit code 3 with one line, never a stack trace, unless
 * {@code --debug} is on the command line.
 */
final class InternalErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    boolean debug = parseResult.originalArgs().contains("--debug");
    cl.getErr().println("netpolc: internal error: " + ex);
    if (debug) {
      ex.printStackTrace(cl.getErr());
    } else {
      cl.getErr().println("Run again with --debug for details, and please report it.");
    }
    return Main.EXIT_INTERNAL;
  }
}
