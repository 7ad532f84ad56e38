package dev.netpolc.cli;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads the PATH arguments of a command with {@link PolicyReader} ({@code -} is stdin). When the
 * input is unusable it hands every reader error to the command's printer, so each command shows
 * them in its own output format, and answers empty: the command then exits with
 * {@link Main#EXIT_USAGE} and writes no partial output.
 */
public final class InputLoader {
  /** The reader's id for paths that cannot be read. */
  static final String IO_ERROR_ID = "NP010";

  /** Shows reader errors in a command's output format. */
  @FunctionalInterface
  public interface ErrorPrinter {
    /** Prints {@code errors}, in input order. */
    void print(List<Diagnostic> errors);
  }

  private InputLoader() {}

  /**
   * Reads {@code paths}. Returns the cluster when everything was read; otherwise prints the errors
   * with {@code printer} and returns empty. Kinds netpolc does not read are noted on {@code err}.
   */
  public static Optional<Cluster> load(List<String> paths, ErrorPrinter printer, PrintWriter err) {
    ImmutableList.Builder<Path> resolved = ImmutableList.builder();
    ImmutableList.Builder<Diagnostic> bad = ImmutableList.builder();
    for (String p : paths) {
      try {
        resolved.add(Path.of(p));
      } catch (InvalidPathException e) {
        bad.add(Diagnostic.of(IO_ERROR_ID, Severity.ERROR, new SourcePosition(p, 0, 0), "",
            "not a valid path: " + e.getReason()));
      }
    }
    List<Diagnostic> badPaths = bad.build();
    if (!badPaths.isEmpty()) {
      printer.print(badPaths);
      return Optional.empty();
    }
    ReadResult result = new PolicyReader().read(resolved.build());
    if (!result.ok()) {
      printer.print(result.errors());
      return Optional.empty();
    }
    if (!result.skippedKinds().isEmpty()) {
      err.println("netpolc: ignored objects of kinds netpolc does not read: " + result.skippedKinds().entrySet()
          .stream().map(InputLoader::countOf).collect(Collectors.joining(", ")));
    }
    return Optional.of(result.cluster());
  }

  /**
   * Reads {@code paths} and asks the {@link AcceptanceGate} about them, as every command but
   * lint does: see {@link #accept}. Empty when the input is unreadable or blocked.
   */
  static Optional<Cluster> loadAccepted(List<String> paths, PrintWriter err, String refusal) {
    Optional<Cluster> loaded = load(paths, textPrinter(err), err);
    if (loaded.isEmpty() || !accept(AcceptanceGate.DEFAULT.check(loaded.get()), err, refusal)) {
      return Optional.empty();
    }
    return loaded;
  }

  /**
   * Shows the gate's {@code verdict} on {@code err}: its warnings (the command goes on), then,
   * when it blocks, every blocking finding and the {@code refusal} line. True when the command
   * may go on.
   */
  static boolean accept(AcceptanceGate.Verdict verdict, PrintWriter err, String refusal) {
    ErrorPrinter printer = textPrinter(err);
    printer.print(verdict.warnings());
    if (verdict.accepted()) {
      return true;
    }
    printer.print(verdict.blocking());
    err.println(refusal);
    return false;
  }

  /** A printer writing {@code file:line:col: error[ID]: message} lines, for commands without formats. */
  public static ErrorPrinter textPrinter(PrintWriter out) {
    return errors -> errors.forEach(d ->
        out.println(d.position() + ": " + d.severity().label() + "[" + d.ruleId() + "]: " + d.message()));
  }

  private static String countOf(Map.Entry<String, Integer> e) {
    return e.getValue() + " " + e.getKey();
  }
}
