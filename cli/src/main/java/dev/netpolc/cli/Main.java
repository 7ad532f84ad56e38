package dev.netpolc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code netpolc} command: subcommands lint, matrix, compile, explain, diff, generate. Thin: parse
 * arguments, call the library, format output.
 */
@Command(
    name = "netpolc",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Kubernetes network policy compiler and linter.",
    subcommands = {
        // Each subcommand is one class; add new ones here, one per line.
        CommandLine.HelpCommand.class,
        MatrixCommand.class,
        LintCommand.class,
        CompileCommand.class,
        VerifyCommand.class,
        ExplainCommand.class,
        DiffCommand.class,
        GenerateCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Exit codes shared by every subcommand. */
  public static final int EXIT_OK = 0;
  /** Findings at or above the failure threshold, or a disagreement found. */
  public static final int EXIT_FINDINGS = 1;
  /** Unusable input or arguments. */
  public static final int EXIT_USAGE = 2;
  /** A bug in netpolc. */
  public static final int EXIT_INTERNAL = 3;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and returns the exit code (no {@code System.exit}), for tests and embedding. */
  public static int execute(String[] args, java.io.PrintWriter out, java.io.PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new InternalErrorHandler());
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("netpolc: " + ex.getMessage());
      ex.getCommandLine().getErr().println("Try 'netpolc " + ex.getCommandLine().getCommandName() + " --help'.");
      return EXIT_USAGE;
    });
    int rc = cl.execute(args);
    out.flush();
    err.flush();
    return rc;
  }

  /** Entry point of the launcher. */
  public static void main(String[] args) {
    java.io.PrintWriter out = new java.io.PrintWriter(
        new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), false);
    java.io.PrintWriter err = new java.io.PrintWriter(
        new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
    System.exit(execute(args, out, err));
  }
}
