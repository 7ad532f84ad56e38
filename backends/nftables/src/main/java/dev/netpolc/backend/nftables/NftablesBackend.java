package dev.netpolc.backend.nftables;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.incremental.GraphUpdate;
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
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * The nftables backend: one {@code nft -f} script that atomically replaces table
 * {@code inet <table>} (and nothing else) with verdict maps dispatching each local pod address
 * to its group's chains, shared sets for peers (addresses in hash sets, prefixes in interval
 * sets) and ports, and nft rules per IR rule and address family. Read back with
 * {@link NftParser} and simulated with {@link NftSimulator}.
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
  private static final Set<String> EXTRA_KEYS = Set.of("priority", "conntrack");
  /** The delta's nft file. */
  public static final String DELTA_FILE = "netpolc-delta.nft";
  /** The delta's optional conntrack script (option {@code conntrack=true}). */
  public static final String CONNTRACK_FILE = "conntrack.sh";
  /** Names derived from the last update's group ids: reused while they are the same. */
  private static final NameCache NAMES = new NameCache();
  /** The peer-set layouts of recently emitted rulesets, for the incremental fast path. */
  private static final LayoutCache LAYOUTS = new LayoutCache();
  /** The fast-path deltas made recently, by the identity of their script, for {@link #applied}. */
  private static final FastDeltas FAST = new FastDeltas();
  /** The last emit: a graph rendered again with the same options is not rendered twice (a pure memo). */
  private static volatile LastEmit lastEmit;

  private record LastEmit(RuleGraph graph, BackendOptions options, Artifact artifact) {}

  /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
  public NftablesBackend() {}

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
        Feature.NAMED_PORTS, Feature.DENY_ACTION, Feature.PASS_ACTION, Feature.LOG_ACTION, Feature.TIERS, Feature.NODE_TRAFFIC_POLICY,
        Feature.COUNTERS, Feature.DROP_LOGGING, Feature.INCREMENTAL_DELTAS);
  }

  @Override
  public Artifact emit(RuleGraph graph, BackendOptions options) throws BackendException {
    checkTableName(options.tableName());
    for (String key : options.extra().keySet()) {
      if (!EXTRA_KEYS.contains(key)) {
        throw new BackendException("nftables: unknown option '" + NftText.sanitize(key)
            + "' (known: priority, conntrack)");
      }
    }
    String priority = priority(options);
    LastEmit last = lastEmit;
    if (last != null && last.graph() == graph && last.options().equals(options)) {
      // Graphs are immutable: the same instance renders to the same text (a session's graph is
      // rendered by the full diff, then asked for again as what the kernel holds).
      Optional<SetLayout> layout = LAYOUTS.get(last.artifact().primary());
      if (layout.isPresent()) {
        return last.artifact();
      }
    }
    RulesetWriter writer = new RulesetWriter(graph, options, priority);
    String text = writer.write();
    LAYOUTS.put(text, writer.layout());
    Artifact a = Artifact.of(NAME, options.tableName() + ".nft", text);
    lastEmit = new LastEmit(graph, options, a);
    return a;
  }

  @Override
  public ConnectionDecider simulator(Artifact artifact, SimulationContext context) throws BackendException {
    return new NftSimulator(parse(artifact), context.nodeAddresses());
  }

  /**
   * One {@code nft -f} transaction from the ruleset {@code previous} to {@code next}'s: element
   * additions and deletions, chain replacements, new and removed chains and sets (a full
   * replacement when the table itself differs). With option {@code conntrack=true}, also a
   * {@code conntrack.sh} (see {@code backends/nftables/README.md}).
   */
  @Override
  public Delta delta(Artifact previous, RuleGraph next, BackendOptions options) throws BackendException {
    checkPrevious(previous);
    Artifact after = emit(next, options);
    return delta(options, DeltaWriter.diff(previous.primary(), after.primary()));
  }

  /**
   * The delta of one session batch: for an incremental update only {@code add element} and
   * {@code delete element} statements, computed from the update's changes without rendering
   * either ruleset; otherwise, or when the update changes which roles share a peer set, or when
   * {@code previous} is not a ruleset this JVM emitted recently (its set layout is unknown),
   * {@link #delta(Artifact, RuleGraph, BackendOptions)}.
   */
  @Override
  public Delta update(Artifact previous, GraphUpdate update, BackendOptions options) throws BackendException {
    if (!update.incremental()) {
      return delta(previous, update.next(), options);
    }
    checkPrevious(previous);
    checkTableName(options.tableName());
    priority(options);
    conntrack(options);
    Optional<DeltaWriter.Result> r = fast(previous, update, options);
    if (r.isEmpty()) {
      return delta(previous, update.next(), options);
    }
    Delta d = delta(options, r.get());
    FAST.put(d.files().get(DELTA_FILE), previous.primary(), r.get());
    return d;
  }

  /**
   * The ruleset after {@code delta}: for a fast-path delta of {@link #update} (element additions
   * and deletions only), {@code previous} with those elements edited (one copy of the text, no
   * render; its set layout follows, so the next update takes the fast path too); otherwise
   * {@link #emit} of {@code update.next()}.
   */
  @Override
  public Artifact applied(Artifact previous, GraphUpdate update, Delta delta, BackendOptions options)
      throws BackendException {
    checkPrevious(previous);
    String text = delta.files().get(DELTA_FILE);
    Optional<DeltaWriter.Result> fast = text == null ? Optional.empty() : FAST.get(text, previous.primary());
    Optional<SetLayout> layout = LAYOUTS.get(previous.primary());
    if (fast.isPresent() && layout.isPresent() && update.incremental()) {
      Optional<String> patched = RulesetPatch.apply(previous.primary(), fast.get().edits());
      if (patched.isPresent()) {
        DeltaWriter.LayoutChange ch = fast.get().layoutAfter();
        LAYOUTS.put(patched.get(), layout.get().after(ch.fingerprints(), ch.sizes()));
        return Artifact.of(NAME, previous.primaryName(), patched.get());
      }
    }
    return emit(update.next(), options);
  }

  /** The fast path's delta of an incremental {@code update}, when it applies (see {@link #update}). */
  static Optional<DeltaWriter.Result> fast(Artifact previous, GraphUpdate update, BackendOptions options) {
    return attempt(previous, update, options).delta();
  }

  /** {@link #fast}, saying why it falls back. */
  static DeltaWriter.Fast attempt(Artifact previous, GraphUpdate update, BackendOptions options) {
    Optional<SetLayout> layout = LAYOUTS.get(previous.primary());
    if (layout.isEmpty() || !layout.get().hasRoles(update.roleKeys())) {
      return DeltaWriter.Fast.fallback(DeltaWriter.Fallback.NO_LAYOUT);
    }
    return DeltaWriter.attempt(options.tableName(), update, layout.get(), NAMES.groups(update.groupIds()));
  }

  /** The peer-set layout of {@code artifact}, when this JVM emitted it recently. */
  static Optional<SetLayout> layout(Artifact artifact) {
    return LAYOUTS.get(artifact.primary());
  }


  private Delta delta(BackendOptions options, DeltaWriter.Result r) throws BackendException {
    java.util.SortedMap<String, String> files = new java.util.TreeMap<>();
    files.put(DELTA_FILE, r.nft());
    if (conntrack(options)) {
      String sh = ConntrackWriter.write(options.tableName(), r.cut());
      if (!sh.isEmpty()) {
        files.put(CONNTRACK_FILE, sh);
      }
    }
    return new Delta(NAME, files);
  }

  private static void checkPrevious(Artifact previous) throws BackendException {
    if (!previous.backend().equals(NAME)) {
      throw new BackendException("nftables: the previous artifact was made by " + previous.backend());
    }
  }

  private static boolean conntrack(BackendOptions options) throws BackendException {
    String v = options.extra("conntrack").orElse("false");
    if (!v.equals("true") && !v.equals("false")) {
      throw new BackendException("nftables: option conntrack must be true or false, got '" + NftText.sanitize(v) + "'");
    }
    return v.equals("true");
  }

  /**
   * Parses {@code previous} with {@code delta} applied on top, as {@code nft -f} would apply the
   * delta's file to the ruleset {@code previous} installed.
   */
  public static Ruleset parse(Artifact previous, Delta delta) throws BackendException {
    String text = delta.files().get(DELTA_FILE);
    if (text == null) {
      throw new BackendException("nftables: the delta has no " + DELTA_FILE);
    }
    try {
      return NftParser.parse(previous.primary() + "\n" + text, previous.primaryName() + "+" + DELTA_FILE);
    } catch (NftSyntaxException e) {
      throw new BackendException(e.getMessage(), e);
    }
  }

  /** Counts of the parsed primary file: see {@link RulesetStats#toMap()}. */
  @Override
  public SortedMap<String, Long> statistics(Artifact artifact) throws BackendException {
    if (LAYOUTS.get(artifact.primary()).isPresent()) {
      // Written (or patched) here: counted line by line, without parsing megabytes with ANTLR.
      return RulesetStats.ofScript(artifact.primary()).toMap();
    }
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
