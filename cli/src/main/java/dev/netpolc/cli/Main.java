package dev.netpolc.cli;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code netpolc} command: subcommands lint, matrix, compile, explain, diff, convert, generate. Thin: parse
 * arguments, call the library, format output.
 */
@Command(
    name = "netpolc",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Kubernetes network policy compiler and linter.")
public final class Main implements Runnable {

  /**
   * The subcommands by name, in the order help lists them; each is one class (add new ones here).
   * Registered by {@link #execute} rather than in {@code @Command}, so that a run of one
   * subcommand builds only that one's model (picocli reflects over every registered class, and
   * some, like matrix, load every backend in their static initialisers): a cold-start cost.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("help", CommandLine.HelpCommand.class);
    m.put("matrix", MatrixCommand.class);
    m.put("lint", LintCommand.class);
    m.put("compile", CompileCommand.class);
    m.put("verify", VerifyCommand.class);
    m.put("explain", ExplainCommand.class);
    m.put("diff", DiffCommand.class);
    // CONVERT (issue 19): policy from one dialect to another, with the proof.
    m.put("convert", ConvertCommand.class);
    m.put("generate", GenerateCommand.class);
    // AGENT (issue 16): the node agent; its code lives in the agent module.
    m.put("agent", dev.netpolc.agent.AgentCommand.class);
    return Collections.unmodifiableMap(m);
  }

  /**
   * The subcommands {@code args} can reach: only the named one when the first argument names a
   * subcommand (everything after it belongs to that subcommand), else all of them (for help,
   * --version, suggestions after a typo, and help's own listing).
   */
  static Collection<Class<?>> subcommandsFor(String[] args) {
    if (args.length > 0 && !args[0].equals("help") && SUBCOMMANDS.containsKey(args[0])) {
      return List.of(SUBCOMMANDS.get(args[0]));
    }
    return SUBCOMMANDS.values();
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Exit codes shared by every subcommand. */
  public static final int EXIT_OK = 0;
  /** Findings at or above the failure threshold, or a disagreement found. */
  public static final int EXIT_FINDINGS = 1;
  /** Unusable input or arguments. */
  public static final int EXIT_USAGE = 2;
  /** A bug in netpolc, or a run out of memory. */
  public static final int EXIT_INTERNAL = 3;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and returns the exit code (no {@code System.exit}), for tests and embedding. */
  public static int execute(String[] args, java.io.PrintWriter out, java.io.PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    for (Class<?> sub : subcommandsFor(args)) {
      cl.addSubcommand(sub);
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new InternalErrorHandler());
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("netpolc: " + ex.getMessage());
      ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return EXIT_USAGE;
    });
    int rc;
    try {
      rc = cl.execute(args);
    } catch (OutOfMemoryError e) {
      // Thrown past picocli's handler (it handles exceptions only); the heap is free again here.
      err.println(OutOfMemory.message());
      rc = EXIT_INTERNAL;
    }
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
