package dev.netpolc.backend;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.reference.Explanation;
import java.util.Objects;

/**
 * A connection on which a backend's simulator and the reference evaluator disagree.
 *
 * <pre>{@code
 * for (Disagreement d : report.first()) { err.print(d.toText()); }
 * }</pre>
 *
 * @param connection  the connection
 * @param expected    the reference's decision (restricted to the node's checks when node-scoped)
 * @param got         the simulator's decision
 * @param explanation the reference's explanation
 */
public record Disagreement(Connection connection, boolean expected, boolean got, Explanation explanation) {
  public Disagreement {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(explanation, "explanation");
  }

  /** {@code connection: expected allowed, got denied} and the indented explanation. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(connection).append(": expected ").append(word(expected)).append(", got ").append(word(got))
        .append('\n');
    for (String line : explanation.toText().split("\n")) {
      sb.append("    ").append(line).append('\n');
    }
    return sb.toString();
  }

  private static String word(boolean allowed) {
    return allowed ? "allowed" : "denied";
  }
}
