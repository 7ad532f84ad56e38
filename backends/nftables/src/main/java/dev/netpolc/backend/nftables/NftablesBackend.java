package dev.netpolc.backend.nftables;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Feature;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.nftables.sim.NftKeywords;
import dev.netpolc.backend.nftables.sim.NftParser;
import dev.netpolc.backend.nftables.sim.NftSimulator;
import dev.netpolc.backend.nftables.sim.NftSyntaxException;
import dev.netpolc.backend.nftables.sim.Ruleset;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * The nftables backend: one {@code nft -f} script that atomically replaces table
 * {@code inet <table>} (and nothing else) with verdict maps dispatching each local pod address
 * to its group's chains, shared interval sets for peers and ports, and one nft rule per IR rule
 * and address family. Read back with {@link NftParser} and simulated with {@link NftSimulator}.
 *
 * <pre>{@code
 * Backend nft = new NftablesBackend();
 * Artifact a = nft.emit(graph, BackendOptions.DEFAULTS.withCounters(true));
 * Files.writeString(dir.resolve(a.primaryName()), a.primary());   // netpolc.nft
 * }</pre>
 *
 * <p>Backend-specific option: {@code priority} (extra key), the base chains' priority as an
 * integer from -400 to 400 (default 0, printed {@code filter}).
 */
public final class NftablesBackend implements Backend {
  /** The backend's name. */
  public static final String NAME = "nftables";

  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,30}");
  private static final Set<String> EXTRA_KEYS = Set.of("priority");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "one nft -f script: table inet netpolc with verdict maps, interval sets and per-group chains";
  }

  @Override
  public Set<Feature> capabilities() {
    return ImmutableSet.of(Feature.IPV4, Feature.IPV6, Feature.SCTP, Feature.ALL_PROTOCOLS, Feature.PORT_RANGES,
        Feature.NAMED_PORTS, Feature.DENY_ACTION, Feature.PASS_ACTION, Feature.TIERS, Feature.NODE_TRAFFIC_POLICY,
        Feature.COUNTERS, Feature.DROP_LOGGING);
  }

  @Override
  public Artifact emit(RuleGraph graph, BackendOptions options) throws BackendException {
    checkTableName(options.tableName());
    for (String key : options.extra().keySet()) {
      if (!EXTRA_KEYS.contains(key)) {
        throw new BackendException("nftables: unknown option '" + NftText.sanitize(key) + "' (known: priority)");
      }
    }
    String priority = priority(options);
    String text = new RulesetWriter(graph, options, priority).write();
    return Artifact.of(NAME, options.tableName() + ".nft", text);
  }

  @Override
  public ConnectionDecider simulator(Artifact artifact, SimulationContext context) throws BackendException {
    return new NftSimulator(parse(artifact), context.nodeAddresses());
  }

  /** Counts of the parsed primary file: see {@link RulesetStats#toMap()}. */
  @Override
  public SortedMap<String, Long> statistics(Artifact artifact) throws BackendException {
    return RulesetStats.of(parse(artifact)).toMap();
  }

  /** Parses the primary file of {@code artifact}, naming the file in errors. */
  public static Ruleset parse(Artifact artifact) throws BackendException {
    try {
      return NftParser.parse(artifact.primary(), artifact.primaryName());
    } catch (NftSyntaxException e) {
      throw new BackendException(e.getMessage(), e);
    }
  }

  /** Rejects names nft cannot take bare, or that our scheme does not allow. */
  static void checkTableName(String name) throws BackendException {
    String shown = NftText.sanitize(NftText.truncate(name, 40));
    if (!TABLE_NAME.matcher(name).matches()) {
      throw new BackendException("nftables: invalid table name '" + shown
          + "': use a letter then up to 30 letters, digits or '_'");
    }
    // The simulator's parser refuses exactly these words as a table name (NftablesBackendTableNameTest);
    // the set alone spares the compile path loading ANTLR and the grammar.
    if (NftKeywords.isReserved(name)) {
      throw new BackendException("nftables: invalid table name '" + shown + "': it is an nft keyword");
    }
  }

  private static String priority(BackendOptions options) throws BackendException {
    String p = options.extra("priority").orElse("0");
    int v;
    try {
      v = Integer.parseInt(p);
    } catch (NumberFormatException e) {
      throw new BackendException("nftables: option priority must be an integer, got '" + NftText.sanitize(p) + "'");
    }
    if (v < -400 || v > 400) {
      throw new BackendException("nftables: option priority must be between -400 and 400, got " + v);
    }
    return v == 0 ? "filter" : Integer.toString(v);
  }
}
