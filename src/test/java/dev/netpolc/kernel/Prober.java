package dev.netpolc.kernel;

import dev.netpolc.kernel.ProbeProgram.Attempt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes connection attempts in a {@link Topology} and reports what got through. One
 * long-lived {@code ip netns exec … perl} per source endpoint ({@link ProbeSession},
 * {@link ProbeProgram}) makes all of that source's attempts of a round in parallel; a few sources run at once. Attempts that fail are tried again (with a doubled timeout) before
 * they count as blocked, so a loaded machine cannot turn "allowed" into "blocked"; a success is
 * an exact echo and cannot be produced by a blocked path, so "blocked" cannot turn into "allowed".
 */
public final class Prober {

  /**
   * Tuning knobs.
   *
   * @param timeout         connect and answer timeout of the first round (later rounds double it)
   * @param retries         extra rounds for attempts that failed
   * @param parallelSources how many source namespaces probe at the same time
   */
  public record Options(Duration timeout, int retries, int parallelSources) {

    /**
     * 500 ms, one retry at 1 s, four sources at a time.
     */
    public static final Options DEFAULT = new Options(Duration.ofMillis(500), 1, 4);

    /** Rejects non-positive values. */
    public Options {
      if (timeout.isNegative() || timeout.isZero() || retries < 0 || parallelSources < 1) {
        throw new IllegalArgumentException("bad prober options: " + timeout + ", " + retries + ", " + parallelSources);
      }
    }
  }

  private Prober() {}

  /** Probes with {@link Options#DEFAULT}. */
  public static Reachability probe(Topology topology, List<Probe> probes) {
    return probe(topology, probes, Options.DEFAULT);
  }

  /**
   * Makes every attempt in {@code probes} (servers must already run on the destinations) and
   * returns the outcome of each, in the order given. Throws {@link KernelHarnessException} when a
   * probe script itself fails, never a silent "blocked".
   */
  public static Reachability probe(Topology topology, List<Probe> probes, Options options) {
    Map<Probe, Attempt> attempts = new LinkedHashMap<>();
    for (Probe p : probes) {
      if (!topology.isEndpoint(p.from())) {
        throw new IllegalArgumentException("probe source is not an endpoint of the topology: " + p);
      }
      if (attempts.containsKey(p)) {
        continue;
      }
      attempts.put(p, new Attempt(attempts.size(), p.protocol(), topology.address(p.from(), p.family()),
          topology.resolve(p.to(), p.family()), p.port()));
    }
    Map<Probe, Boolean> outcome = new LinkedHashMap<>();
    List<Probe> pending = new ArrayList<>(attempts.keySet());
    List<Probe> recovered = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(options.parallelSources(), r -> {
      Thread t = new Thread(r, "netpolc-prober");
      t.setDaemon(true);
      return t;
    });
    try {
      Duration timeout = options.timeout();
      for (int round = 0; round <= options.retries() && !pending.isEmpty(); round++) {
        Map<Integer, Boolean> seen = runRound(topology, pending, attempts, timeout, pool);
        List<Probe> failed = new ArrayList<>();
        for (Probe p : pending) {
          if (seen.get(attempts.get(p).id())) {
            outcome.put(p, true);
            if (round > 0) {
              recovered.add(p);
            }
          } else {
            failed.add(p);
          }
        }
        pending = failed;
        timeout = timeout.multipliedBy(2);
      }
    } finally {
      pool.shutdownNow();
    }
    pending.forEach(p -> outcome.put(p, false));
    Map<Probe, Boolean> ordered = new LinkedHashMap<>();
    for (Probe p : attempts.keySet()) {
      ordered.put(p, outcome.get(p));
    }
    return new Reachability(ordered, recovered);
  }

  private static Map<Integer, Boolean> runRound(Topology topology, List<Probe> pending, Map<Probe, Attempt> attempts,
      Duration timeout, ExecutorService pool) {
    Map<String, List<Attempt>> bySource = new LinkedHashMap<>();
    for (Probe p : pending) {
      bySource.computeIfAbsent(p.from(), k -> new ArrayList<>()).add(attempts.get(p));
    }
    // Generous: the program ends at its own deadline; this only catches a wedged process.
    Duration deadline = timeout.multipliedBy(4).plusSeconds(20);
    List<Future<Map<Integer, Boolean>>> futures = new ArrayList<>();
    for (Map.Entry<String, List<Attempt>> e : bySource.entrySet()) {
      List<Attempt> all = e.getValue();
      for (int from = 0; from < all.size(); from += ProbeProgram.MAX_ATTEMPTS_PER_PROCESS) {
        List<Attempt> chunk = all.subList(from, Math.min(all.size(), from + ProbeProgram.MAX_ATTEMPTS_PER_PROCESS));
        futures.add(pool.submit(() -> topology.probeSession(e.getKey()).run(chunk, timeout.toMillis(), deadline)));
      }
    }
    Map<Integer, Boolean> seen = new LinkedHashMap<>();
    for (Future<Map<Integer, Boolean>> f : futures) {
      try {
        seen.putAll(f.get());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new KernelHarnessException("interrupted while probing", ex);
      } catch (ExecutionException ex) {
        Throwable cause = ex.getCause();
        throw cause instanceof RuntimeException ? (RuntimeException) cause
            : new KernelHarnessException("probing failed: " + cause, cause);
      }
    }
    return seen;
  }
}
