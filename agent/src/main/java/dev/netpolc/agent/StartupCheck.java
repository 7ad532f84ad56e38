package dev.netpolc.agent;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.VerificationProbes;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The start-up comparison of what the kernel holds with the agent's first compile: both are read
 * by the backend's simulator (the kernel's rules as the applier read them back) and must decide
 * every verification probe of the cluster alike (every pair of its addresses on every probed
 * port, and sampled outside addresses: what {@code netpolc verify} checks).
 *
 * @param result      what the comparison found
 * @param probes      connections compared (0 unless {@link Result#MATCH} or {@link Result#DRIFT})
 * @param differences connections decided differently
 * @param detail      the first difference, or why there was no comparison; empty on a match
 */
public record StartupCheck(Result result, long probes, long differences, String detail) {

  /** What the kernel held at start-up. */
  public enum Result {
    /** Rules deciding every probe as the compile does. */
    MATCH,
    /** Rules deciding some probe otherwise (an older policy set, or edited by hand). */
    DRIFT,
    /** None of the backend's rules. */
    EMPTY,
    /** Rules that could not be read back or parsed. */
    UNREADABLE,
    /** Not compared: more probes than the limit. */
    UNCHECKED;

    /** The metric label and log value. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Checks the fields. */
  public StartupCheck {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * The default probe limit, a tenth of {@code netpolc verify}'s: the first apply waits for the
   * comparison (the old rules stay in force meanwhile), so it is kept to seconds. The probes grow
   * with the square of the cluster's addresses: a few hundred pods at most are compared.
   */
  public static final long DEFAULT_MAX_PROBES = 200_000;

  /**
   * Compares {@code live} (empty: the kernel holds none of the backend's rules) with
   * {@code compiled}, emitted by {@code backend} from {@code graph} of {@code cluster}.
   */
  public static StartupCheck compare(Backend backend, Artifact compiled, Optional<Artifact> live, RuleGraph graph,
      Cluster cluster, long maxProbes) {
    if (live.isEmpty()) {
      return new StartupCheck(Result.EMPTY, 0, 0, "the kernel holds none of the backend's rules");
    }
    long count = VerificationProbes.count(cluster);
    if (count > maxProbes) {
      return new StartupCheck(Result.UNCHECKED, 0, 0, count + " probes, over the limit of " + maxProbes);
    }
    SimulationContext context = SimulationContext.of(graph);
    ConnectionDecider want;
    try {
      want = backend.simulator(compiled, context);
    } catch (BackendException e) {
      // The backend cannot read its own output: a bug, reported as such and not as drift.
      return new StartupCheck(Result.UNCHECKED, 0, 0, "the compiled rules do not simulate: " + e.getMessage());
    }
    ConnectionDecider got;
    try {
      got = backend.simulator(live.get(), context);
    } catch (BackendException | RuntimeException e) {
      return new StartupCheck(Result.UNREADABLE, 0, 0, String.valueOf(e.getMessage()));
    }
    long n = 0;
    long bad = 0;
    String first = "";
    for (Connection c : VerificationProbes.of(cluster)) {
      n++;
      boolean k = got.allows(c);
      if (k != want.allows(c)) {
        if (bad++ == 0) {
          first = c + ": the kernel " + (k ? "allows" : "denies") + " it, the compiled rules " + (k ? "deny" : "allow");
        }
      }
    }
    return new StartupCheck(bad == 0 ? Result.MATCH : Result.DRIFT, n, bad, first);
  }
}
