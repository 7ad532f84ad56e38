package dev.netpolc.backend;

import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.Set;

/**
 * A target the compiler emits for: nftables, iptables, eBPF, or a CNI's own format. A backend
 * renders a {@link RuleGraph} into an {@link Artifact} and reads an artifact (its own output, or
 * what the kernel lists back) into a {@link ConnectionDecider}, so that every artifact can be
 * checked against the reference evaluator. Implementations are registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services/dev.netpolc.backend.Backend}, have
 * a public no-argument constructor, are stateless and thread-safe, and are deterministic: equal
 * graphs and options give byte-identical artifacts.
 *
 * <pre>{@code
 * Backend nft = Backends.find("nftables").orElseThrow();
 * RuleGraph g = new Compiler().compile(cluster, CompileOptions.DEFAULTS.withNode("node-a")).graph();
 * Artifact a = nft.emit(g, BackendOptions.DEFAULTS);
 * ConnectionDecider sim = nft.simulator(a, SimulationContext.of(g));
 * }</pre>
 */
public interface Backend {

  /** The name users select it by ({@code --backend nftables}): lower case, stable. */
  String name();

  /** One line for help output. */
  String description();

  /** What the backend can express; anything else in a graph is an error of {@link #emit}. */
  Set<Feature> capabilities();

  /**
   * Renders {@code graph}.
   *
   * @throws BackendException when an option is invalid or the graph needs a missing capability
   */
  Artifact emit(RuleGraph graph, BackendOptions options) throws BackendException;

  /**
   * Reads {@code artifact} (made by {@link #emit} or listed back from the kernel) into a decider
   * that behaves as the artifact would on the node {@code context} describes.
   *
   * @throws BackendException when the artifact does not parse; the message names file:line:column
   */
  ConnectionDecider simulator(Artifact artifact, SimulationContext context) throws BackendException;

  /**
   * Counts describing an artifact for {@code --stats} (rules, set elements, ...), by name in a
   * stable order. Empty by default.
   *
   * @throws BackendException when the artifact does not parse
   */
  default java.util.SortedMap<String, Long> statistics(Artifact artifact) throws BackendException {
    return new java.util.TreeMap<>();
  }

  /**
   * What a user should know about an emitted artifact, one line each (a fallback the backend took,
   * such as the iptables backend going over its ipset budget); a CLI prints them as warnings.
   * Empty by default.
   */
  default java.util.List<String> warnings(Artifact artifact) {
    return java.util.List.of();
  }

  /**
   * The update from the state {@code previous} installed to {@code next}. By default a full
   * replacement: the files of {@code emit(next, options)} (every backend's artifact replaces
   * what it owns atomically). Backends that can do better diff {@code previous} against
   * {@code next} and add {@link Feature#INCREMENTAL_DELTAS} to their capabilities.
   *
   * @throws BackendException when an option is invalid or {@code previous} is not this backend's
   */
  default Delta delta(Artifact previous, RuleGraph next, BackendOptions options) throws BackendException {
    return new Delta(name(), emit(next, options).files());
  }

  /**
   * The update for one {@link dev.netpolc.compiler.incremental.CompilerSession#apply} batch, from
   * the state {@code previous} installed (made from the session's graph before the batch). An
   * incremental {@code update} carries the exact set-content and group-member changes, which a
   * backend renders without rendering the whole graph (nftables: element additions and
   * deletions; ipset: add/del; eBPF: map updates). By default {@link #delta} of
   * {@code update.next()}.
   *
   * <pre>{@code
   * GraphUpdate u = session.apply(changes);
   * Delta d = backend.update(installed, u, options);
   * }</pre>
   *
   * @throws BackendException when an option is invalid or {@code previous} is not this backend's
   */
  default Delta update(Artifact previous, dev.netpolc.compiler.incremental.GraphUpdate update,
      BackendOptions options) throws BackendException {
    return delta(previous, update.next(), options);
  }

  /**
   * The artifact the kernel holds once {@code delta}, made by {@link #update} from
   * {@code previous} and {@code update}, is applied on top of {@code previous}: what the next
   * {@link #update} is computed against. It decides every connection as {@code emit} of
   * {@code update.next()} does. By default that emit; a backend whose incremental delta only
   * edits elements may derive it from {@code previous} instead of rendering the whole graph.
   *
   * <pre>{@code
   * Delta d = backend.update(installed, u, options);
   * kernel.apply(d);
   * installed = backend.applied(installed, u, d, options);
   * }</pre>
   *
   * @throws BackendException when an option is invalid or {@code previous} is not this backend's
   */
  default Artifact applied(Artifact previous, dev.netpolc.compiler.incremental.GraphUpdate update, Delta delta,
      BackendOptions options) throws BackendException {
    return emit(update.next(), options);
  }
}
