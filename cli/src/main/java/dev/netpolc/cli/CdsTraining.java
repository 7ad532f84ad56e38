package dev.netpolc.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;

/**
 * The training run behind {@code bin/netpolc}'s class-data sharing archive: runs the common
 * commands on an example directory in one JVM, output discarded, so that
 * {@code -XX:ArchiveClassesAtExit} records the classes each of them loads. Later runs map those
 * classes from the archive instead of loading and verifying them from the jar.
 *
 * <pre>{@code
 * java -XX:ArchiveClassesAtExit=netpolc.jsa -cp netpolc.jar dev.netpolc.cli.CdsTraining examples/demo
 * }</pre>
 *
 * <p>Exits 0 when every command succeeded, 1 (naming the failed command on stderr) otherwise.
 */
public final class CdsTraining {
  private CdsTraining() {}

  /** The commands run, each followed by the example directory. */
  static final List<List<String>> COMMANDS = List.of(
      List.of("compile", "--backend", "nftables", "--node", "node-a", "--output", "-"),
      List.of("compile", "--backend", "nftables", "--output", "-"),
      List.of("compile", "--backend", "iptables", "--node", "node-a", "--output", "-"),
      List.of("lint"),
      List.of("matrix"));

  /** Runs {@link #COMMANDS} on the directory {@code args[0]}. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: CdsTraining EXAMPLE_DIR");
      System.exit(Main.EXIT_USAGE);
    }
    System.exit(train(args[0], new PrintWriter(System.err, true)));
  }

  /** Runs every command on {@code exampleDir}; answers 0, or 1 after naming each failed command on {@code err}. */
  static int train(String exampleDir, PrintWriter err) {
    int rc = 0;
    for (List<String> command : COMMANDS) {
      String[] argv = command.toArray(new String[command.size() + 1]);
      argv[command.size()] = exampleDir;
      PrintWriter discard = new PrintWriter(Writer.nullWriter());
      int code = Main.execute(argv, discard, discard);
      if (code != Main.EXIT_OK) {
        err.println("netpolc CDS training: 'netpolc " + String.join(" ", argv) + "' exited " + code);
        rc = 1;
      }
    }
    return rc;
  }
}
