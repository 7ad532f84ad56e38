package dev.netpolc.backend.ebpf;

import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.Feature;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The eBPF backend: the entries of the maps a tc datapath on each pod's host-side veth looks up
 * (layout in {@code backends/ebpf/README.md}), as {@code maps.json} (every entry as hex and as
 * decoded fields, with each map's definition, maximum and entry count) and {@code maps.batch}
 * (the same entries as {@code bpftool batch file} commands on pinned maps). A CNI that embeds
 * the library uses {@link #maps} and the typed {@link EbpfMaps} directly. Admin, NetworkPolicy and
 * Baseline tiers with Allow, Deny and Pass are flattened at compile time into one final verdict
 * per (group, peer identity, protocol, port block), so the datapath still makes one policy lookup
 * sequence per direction (README, "Tiers").
 *
 * <pre>{@code
 * EbpfBackend ebpf = new EbpfBackend();
 * EbpfMaps maps = ebpf.maps(graph, BackendOptions.DEFAULTS.with("maxEntries.np_policy", "131072"));
 * Artifact a = ebpf.emit(graph, BackendOptions.DEFAULTS.with("pinDir", "/run/netpolc/bpf"));
 * Delta d = ebpf.delta(a, nextGraph, BackendOptions.DEFAULTS); // delta.batch: updates, then deletes
 * }</pre>
 *
 * <p>Options: the table name gives the default pin directory {@code /sys/fs/bpf/<table>}; extra
 * key {@code pinDir} (an absolute path) replaces it; {@code maxEntries.<map>} (1 to 16,777,216,
 * default 65,536) sets a map's maximum; a graph needing more entries is an error that names the
 * policies responsible.
 */
public final class EbpfBackend implements Backend {
  /** The backend's name. */
  public static final String NAME = "ebpf";
  /** The file of a delta. */
  public static final String DELTA_FILE = "delta.batch";
  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,30}");
  private static final String MAX_PREFIX = "maxEntries.";

  /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
  public EbpfBackend() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "eBPF map entries: maps.json (hex and decoded) + maps.batch (bpftool batch file on pinned maps)";
  }

  @Override
  public Set<Feature> capabilities() {
    return ImmutableSet.of(Feature.IPV4, Feature.IPV6, Feature.SCTP, Feature.ALL_PROTOCOLS, Feature.PORT_RANGES,
        Feature.NAMED_PORTS, Feature.DENY_ACTION, Feature.PASS_ACTION, Feature.LOG_ACTION, Feature.TIERS, Feature.NODE_TRAFFIC_POLICY,
        Feature.INCREMENTAL_DELTAS);
  }

  @Override
  public Artifact emit(RuleGraph graph, BackendOptions options) throws BackendException {
    String pinDir = pinDir(options); // validates the options first, as artifact() does
    MapLimits limits = limits(options);
    MapsEmitter.Emitted e = MapsEmitter.emitWithLogs(graph, limits);
    MapsArtifact a = new MapsArtifact(graph.node(), pinDir, limits, e.maps());
    ImmutableSortedMap.Builder<String, String> files = ImmutableSortedMap.<String, String>naturalOrder()
        .put(MapsJson.FILE, MapsJson.write(a)).put(MapsBatch.FILE, MapsBatch.write(a));
    if (!e.logs().isEmpty()) {
      files.put(LogSets.FILE, e.logs().write()); // only with LOG rules: other artifacts are as ever
    }
    return new Artifact(NAME, files.build());
  }

  /**
   * The log sets of an artifact ({@value LogSets#FILE}): empty when it has none.
   *
   * @throws BackendException naming the line when the file does not parse
   */
  public static LogSets logSets(Artifact artifact) throws BackendException {
    String text = artifact.files().get(LogSets.FILE);
    return text == null ? new LogSets() : LogSets.read(text);
  }

  /**
   * The typed entries of {@code graph}, for a CNI that loads them itself.
   *
   * @throws BackendException when an option is invalid or a map would exceed its maximum
   */
  public EbpfMaps maps(RuleGraph graph, BackendOptions options) throws BackendException {
    return artifact(graph, options).maps();
  }

  /** The entries with the node, pin directory and limits they are emitted with. */
  public MapsArtifact artifact(RuleGraph graph, BackendOptions options) throws BackendException {
    String pinDir = pinDir(options);
    MapLimits limits = limits(options);
    return new MapsArtifact(graph.node(), pinDir, limits, MapsEmitter.emit(graph, limits));
  }

  @Override
  public ConnectionDecider simulator(Artifact artifact, SimulationContext context) throws BackendException {
    return new EbpfSimulator(read(artifact));
  }

  /**
   * Entry counts per map (by map name), {@code entries} (their sum) and {@code bytes} (keys and
   * values, what the entries hold in the kernel before per-entry overhead).
   */
  @Override
  public SortedMap<String, Long> statistics(Artifact artifact) throws BackendException {
    EbpfMaps maps = read(artifact);
    SortedMap<String, Long> out = new TreeMap<>();
    long total = 0;
    long bytes = 0;
    for (EbpfMap m : EbpfMap.values()) {
      long n = maps.count(m);
      if (n > 0 || m != EbpfMap.HOST_PODS) {
        out.put(m.mapName(), n);
      }
      total += n;
      bytes += n * (m.keySize() + m.valueSize());
    }
    out.put("entries", total);
    out.put("bytes", bytes);
    return out;
  }

  /**
   * The map commands turning what {@code previous} loaded into the maps of {@code next}:
   * {@value #DELTA_FILE}, a bpftool batch file of updates then deletes on the pinned maps.
   *
   * @throws BackendException when {@code previous} does not parse, an option is invalid, or a
   *                          map would exceed its maximum while the delta runs (old and new
   *                          entries coexist between the updates and the deletes)
   */
  @Override
  public Delta delta(Artifact previous, RuleGraph next, BackendOptions options) throws BackendException {
    EbpfMaps before = read(previous);
    MapsArtifact after = artifact(next, options);
    List<MapCommand> commands = MapsDiff.between(before, after.maps());
    Map<EbpfMap, Integer> peak = MapsDiff.peak(before, commands);
    for (EbpfMap m : EbpfMap.values()) {
      if (peak.get(m) > after.limits().of(m)) {
        throw new BackendException("ebpf: the delta would hold " + peak.get(m) + " entries in " + m
            + " between its updates and deletes, more than the maximum " + after.limits().of(m)
            + " (option maxEntries." + m + "); load the new maps into fresh maps instead");
      }
    }
    String header = "netpolc eBPF map delta, " + after.scope().replaceAll("[^A-Za-z0-9 ._-]", "?") + ": "
        + count(commands, true) + " updates then " + count(commands, false) + " deletes; bpftool batch file "
        + DELTA_FILE;
    return new Delta(NAME, ImmutableSortedMap.of(DELTA_FILE, MapsBatch.write(header, after.pinDir(), commands)));
  }

  private static long count(List<MapCommand> commands, boolean updates) {
    return commands.stream().filter(c -> (c instanceof MapCommand.Update) == updates).count();
  }

  /**
   * The entries of an artifact: maps.json, maps.batch, or both (which must agree).
   *
   * @throws BackendException naming file:line:column when a file does not parse
   */
  public static EbpfMaps read(Artifact artifact) throws BackendException {
    for (String name : artifact.files().keySet()) {
      if (!name.equals(MapsJson.FILE) && !name.equals(MapsBatch.FILE) && !name.equals(LogSets.FILE)) {
        throw new BackendException("ebpf: unexpected file '" + name.replaceAll("[^A-Za-z0-9._-]", "?")
            + "' (an eBPF artifact holds " + MapsJson.FILE + " and/or " + MapsBatch.FILE + ")");
      }
    }
    try {
      String json = artifact.files().get(MapsJson.FILE);
      String batch = artifact.files().get(MapsBatch.FILE);
      EbpfMaps fromJson = json == null ? null : MapsJson.read(MapsJson.FILE, json).maps();
      EbpfMaps fromBatch = batch == null ? null : MapsBatch.read(MapsBatch.FILE, batch);
      if (fromJson != null && fromBatch != null && !fromJson.equals(fromBatch)) {
        throw new BackendException("ebpf: " + MapsJson.FILE + " and " + MapsBatch.FILE + " hold different entries ("
            + MapsDiff.between(fromJson, fromBatch).size() + " commands apart)");
      }
      return fromJson != null ? fromJson : fromBatch;
    } catch (MapsFormatException e) {
      throw new BackendException(e.getMessage(), e);
    }
  }

  /** The pin directory: option {@code pinDir}, else {@code /sys/fs/bpf/<table name>}. */
  static String pinDir(BackendOptions options) throws BackendException {
    if (options.counters() || options.logDrops()) {
      // Not silently dropped: layout v1 has no counter or log fields for the datapath to fill.
      throw new BackendException("ebpf: " + (options.counters() ? "counters" : "drop logging")
          + " cannot be expressed in map layout v1 (the capabilities of 'ebpf' list neither)");
    }
    for (String key : options.extra().keySet()) {
      boolean known = key.equals("pinDir")
          || (key.startsWith(MAX_PREFIX) && EbpfMap.byName(key.substring(MAX_PREFIX.length())).isPresent());
      if (!known) {
        throw new BackendException("ebpf: unknown option '" + printable(key) + "' (known: pinDir, " + MAX_PREFIX
            + "<map> for " + String.join(", ", java.util.Arrays.stream(EbpfMap.values()).map(EbpfMap::mapName)
            .toList()) + ")");
      }
    }
    if (!TABLE_NAME.matcher(options.tableName()).matches()) {
      throw new BackendException("ebpf: invalid table name '" + printable(options.tableName())
          + "': use a letter then up to 30 letters, digits or '_' (it names the pin directory /sys/fs/bpf/<table>)");
    }
    String dir = options.extra("pinDir").orElse("/sys/fs/bpf/" + options.tableName());
    String problem = MapsArtifact.pinDirProblem(dir);
    if (problem != null) {
      throw new BackendException("ebpf: option pinDir '" + printable(dir) + "': " + problem);
    }
    return dir;
  }

  static MapLimits limits(BackendOptions options) throws BackendException {
    Map<EbpfMap, Integer> max = new EnumMap<>(EbpfMap.class);
    for (EbpfMap m : EbpfMap.values()) {
      String v = options.extra(MAX_PREFIX + m.mapName()).orElse(null);
      if (v == null) {
        continue;
      }
      int n;
      try {
        n = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > MapLimits.CEILING) {
        throw new BackendException("ebpf: option " + MAX_PREFIX + m.mapName() + " must be an integer from 1 to "
            + MapLimits.CEILING + ", got '" + printable(v) + "'");
      }
      max.put(m, n);
    }
    return new MapLimits(max);
  }

  /** {@code s} shortened and with anything but printable ASCII replaced, for messages. */
  private static String printable(String s) {
    String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
