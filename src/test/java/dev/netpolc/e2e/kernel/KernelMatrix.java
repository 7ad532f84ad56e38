package dev.netpolc.e2e.kernel;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Prober;
import dev.netpolc.kernel.Reachability;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reachability matrices observed on the real kernel, with the conventions of the matrix command
 * ({@code MatrixComputer}): rows and columns are the active pods sorted by key; per pair the
 * family is the first both pods have (IPv4 before IPv6) and each side uses its first address of
 * it; a named port resolves on the destination with the probe's protocol. A pair with no common
 * family or an unresolvable port is not probed (unreachable); a pod always reaches itself, and
 * that pair is not probed either, since its packets never leave the pod.
 */
public final class KernelMatrix {

  /**
   * One quick round: 300 ms, every source at once (one Perl process each, so no source waits for
   * another's timeouts). A blocked attempt waits the whole timeout, so retrying every blocked
   * attempt would double the cost of each case; instead only the attempts that disagree with the
   * expectation are tried again ({@link #RETRY}) before they count as a mismatch.
   */
  public static final Prober.Options FIRST_ROUND = new Prober.Options(Duration.ofMillis(300), 0, 16);
  /** The one retry of an attempt that came out blocked where it should have been allowed: 1 s. */
  public static final Prober.Options RETRY = new Prober.Options(Duration.ofSeconds(1), 0, 16);

  /**
   * One pair of one matrix, and the kernel probe for it, if any.
   *
   * @param from  source pod key
   * @param to    destination pod key
   * @param probe the connection attempt, or empty when the pair is decided without one
   * @param fixed the verdict of a pair without a probe
   */
  public record Cell(String from, String to, Optional<dev.netpolc.kernel.Probe> probe, boolean fixed) {}

  /**
   * The cells of one matrix.
   *
   * @param probe the matrix's port and protocol
   * @param cells every ordered pair of active pods
   */
  public record Plan(Probe probe, List<Cell> cells) {}

  private KernelMatrix() {}

  /** The cells of each TCP or UDP probe of {@code probes} for {@code cluster} laid out as {@code layout}. */
  public static List<Plan> plan(Cluster cluster, KernelLayout layout, List<Probe> probes) {
    List<Pod> pods = KernelLayout.activePods(cluster);
    List<Plan> out = new ArrayList<>();
    for (Probe pr : probes) {
      if (pr.protocol() == Protocol.SCTP) {
        throw new IllegalArgumentException("SCTP cannot be probed on this kernel: " + pr);
      }
      List<Cell> cells = new ArrayList<>();
      for (Pod from : pods) {
        for (Pod to : pods) {
          cells.add(cell(layout, from, to, pr));
        }
      }
      out.add(new Plan(pr, cells));
    }
    return out;
  }

  private static Cell cell(KernelLayout layout, Pod from, Pod to, Probe pr) {
    if (from.key().equals(to.key())) {
      return new Cell(from.key(), to.key(), Optional.empty(), true);
    }
    Optional<Integer> port = pr.port().isNamed() ? to.namedPort(pr.port().name(), pr.protocol())
        : Optional.of(pr.port().number());
    if (port.isEmpty()) {
      return new Cell(from.key(), to.key(), Optional.empty(), false);
    }
    for (Family f : List.of(Family.V4, Family.V6)) {
      if (first(from, f).isPresent() && first(to, f).isPresent()) {
        return new Cell(from.key(), to.key(), Optional.of(new dev.netpolc.kernel.Probe(layout.endpoint(from),
            layout.endpoint(to), pr.protocol(), port.get(), f)), false);
      }
    }
    return new Cell(from.key(), to.key(), Optional.empty(), false);
  }

  private static Optional<IpAddress> first(Pod p, Family f) {
    return p.ips().stream().filter(ip -> Family.of(ip) == f).findFirst();
  }

  /** Every port the plans connect to, TCP and UDP each, sorted: the servers they need. */
  public static List<PortSpec> ports(List<Plan> plans) {
    TreeSet<String> seen = new TreeSet<>();
    List<PortSpec> out = new ArrayList<>();
    for (Plan p : plans) {
      for (Cell c : p.cells()) {
        c.probe().ifPresent(k -> {
          if (seen.add(k.protocol() + "/" + k.port())) {
            out.add(k.portSpec());
          }
        });
      }
    }
    out.sort((a, b) -> a.protocol() != b.protocol() ? a.protocol().compareTo(b.protocol())
        : Integer.compare(a.port(), b.port()));
    return ImmutableList.copyOf(out);
  }

  /** Every kernel probe of the plans, without repeats. */
  public static List<dev.netpolc.kernel.Probe> probes(List<Plan> plans) {
    Map<dev.netpolc.kernel.Probe, Boolean> all = new LinkedHashMap<>();
    plans.forEach(p -> p.cells().forEach(c -> c.probe().ifPresent(k -> all.put(k, true))));
    return ImmutableList.copyOf(all.keySet());
  }

  /**
   * Makes every probe of {@code plans} at once and returns the observed matrices, in plan order.
   * A probe that comes out blocked where {@code expected} (same order as the plans) allows it is
   * tried once more before it stands.
   */
  public static Observed observe(Topology t, List<Plan> plans, List<ReachabilityMatrix> expected) {
    Map<dev.netpolc.kernel.Probe, Boolean> want = new LinkedHashMap<>();
    for (int i = 0; i < plans.size(); i++) {
      ReachabilityMatrix m = expected.get(i);
      for (Cell c : plans.get(i).cells()) {
        c.probe().ifPresent(k -> want.merge(k, m.reaches(c.from(), c.to()), Boolean::logicalOr));
      }
    }
    Reachability seen = probe(t, probes(plans), want);
    List<ReachabilityMatrix> out = new ArrayList<>();
    for (Plan p : plans) {
      TreeMap<String, List<String>> allowed = new TreeMap<>();
      for (Cell c : p.cells()) {
        List<String> row = allowed.computeIfAbsent(c.from(), k -> new ArrayList<>());
        boolean ok = c.probe().map(seen::reachable).orElse(c.fixed());
        if (ok) {
          row.add(c.to());
        }
      }
      out.add(new ReachabilityMatrix(p.probe().port(), p.probe().protocol(), allowed));
    }
    return new Observed(out, seen);
  }

  /**
   * Makes {@code probes} in one {@link #FIRST_ROUND}, then tries each one that came out blocked
   * where {@code expected} says allowed once more with {@link #RETRY}. A success is an exact echo
   * that no blocked path can fake, so only "blocked" verdicts are worth a second look. The result
   * lists the probes that succeeded only on the retry.
   */
  public static Reachability probe(Topology t, List<dev.netpolc.kernel.Probe> probes,
      Map<dev.netpolc.kernel.Probe, Boolean> expected) {
    if (probes.isEmpty()) {
      return new Reachability(Map.of());
    }
    Reachability first = Prober.probe(t, probes, FIRST_ROUND);
    List<dev.netpolc.kernel.Probe> again = new ArrayList<>();
    for (dev.netpolc.kernel.Probe p : probes) {
      if (!first.reachable(p) && expected.getOrDefault(p, false)) {
        again.add(p);
      }
    }
    if (again.isEmpty()) {
      return first;
    }
    Reachability second = Prober.probe(t, again, RETRY);
    Map<dev.netpolc.kernel.Probe, Boolean> merged = new LinkedHashMap<>(first.asMap());
    List<dev.netpolc.kernel.Probe> recovered = new ArrayList<>();
    for (dev.netpolc.kernel.Probe p : again) {
      if (second.reachable(p)) {
        merged.put(p, true);
        recovered.add(p);
      }
    }
    return new Reachability(merged, recovered);
  }

  /**
   * What one {@link #observe} saw.
   *
   * @param matrices     the observed matrices, in plan order
   * @param reachability every probe's outcome (with the ones that needed a retry)
   */
  public record Observed(List<ReachabilityMatrix> matrices, Reachability reachability) {}
}
