package dev.netpolc.backend.iptables;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Feature;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.backend.iptables.sim.IptRuleset;
import dev.netpolc.backend.iptables.sim.IptSyntaxException;
import dev.netpolc.backend.iptables.sim.IptablesSimulator;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The iptables backend: {@code ipset.restore} (peer and dispatch sets, each filled under a
 * temporary name and swapped in), {@code iptables.rules} and {@code ip6tables.rules} (for
 * {@code iptables-restore --noflush}: the filter table's {@code NETPOLC-} chains only) and
 * {@code apply.sh}, which loads them in order and hooks {@code NETPOLC-FORWARD} (and INPUT /
 * OUTPUT when node traffic is policed, INPUT alone when pods with Admin or Baseline egress rules
 * reach their own node) into the built-in chains once. Read back with
 * {@link IptArtifactReader} and simulated with {@link IptablesSimulator}.
 *
 * <pre>{@code
 * Backend ipt = new IptablesBackend();
 * Artifact a = ipt.emit(graph, BackendOptions.DEFAULTS.with("maxIpsets", "100"));
 * a.files().forEach((name, text) -> Files.writeString(dir.resolve(name), text));
 * }</pre>
 *
 * <p>Options: the table name gives the prefix of every chain and set (upper-cased, then
 * {@code -}: {@code netpolc} → {@code NETPOLC-}); extra key {@code maxIpsets} (0 to 255,
 * default 200) caps the ipsets (the kernel allows 256 per network namespace, and loading needs
 * one temporary set): beyond it the smallest sets are encoded as bits of the packet mark, set in
 * the mangle table from up to four identity sets ({@code hash:net skbinfo}) and tested in the
 * filter rules; {@code markMask} (default {@code 0xffff3fff}) gives the bits. What still does not
 * fit is rendered inline, one rule per element. The files say so in their header, and
 * {@link #warnings} reports it.
 *
 * <p>Updates: {@link #delta} and {@link #update} give {@code delta-*} files run by
 * {@code delta-apply.sh} (ipset changes, then our chains when a rule changed, then unused sets
 * destroyed); a session's pod event is {@code ipset add}/{@code del} only. See
 * {@code backends/iptables/README.md}, section Deltas.
 */
public final class IptablesBackend implements Backend {
  /** The backend's name. */
  public static final String NAME = "iptables";
  /** The ipset restore file. */
  public static final String IPSET_FILE = "ipset.restore";
  /** The IPv4 rules file. */
  public static final String IPTABLES_FILE = "iptables.rules";
  /** The IPv6 rules file. */
  public static final String IP6TABLES_FILE = "ip6tables.rules";
  /** The script that applies them. */
  public static final String APPLY_FILE = "apply.sh";
  /** The default {@code maxIpsets}. */
  public static final int DEFAULT_MAX_IPSETS = 200;
  /**
   * The default {@code markMask}: the mark bits identity-encoded sets may use, all but
   * kube-proxy's 0x4000 (masquerade) and 0x8000 (drop).
   */
  public static final int DEFAULT_MARK_MASK = 0xffff3fff;
  /** Mark bits that are never ours: kube-proxy's. */
  static final int KUBE_PROXY_BITS = 0x0000c000;
  /** The header marker of the ipset budget line. */
  static final String BUDGET_MARK = "netpolc-ipsets:";

  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9]{0,6}");
  private static final Pattern BUDGET = Pattern.compile(
      "^# " + BUDGET_MARK + " needed=(\\d+) ipsets=(\\d+) regular=(\\d+) identity=(\\d+) inlined=(\\d+) max=(\\d+)"
      + " markMask=(0x[0-9a-f]+)$", Pattern.MULTILINE);
  private static final Set<String> EXTRA_KEYS = Set.of("maxIpsets", "markMask");

  /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
  public IptablesBackend() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "ipset.restore + iptables.rules + ip6tables.rules (iptables-restore --noflush, NETPOLC- chains) + apply.sh";
  }

  /** Counters are implicit: iptables counts every rule. */
  @Override
  public Set<Feature> capabilities() {
    return ImmutableSet.of(Feature.IPV4, Feature.IPV6, Feature.SCTP, Feature.ALL_PROTOCOLS, Feature.PORT_RANGES,
        Feature.NAMED_PORTS, Feature.DENY_ACTION, Feature.PASS_ACTION, Feature.LOG_ACTION, Feature.TIERS, Feature.NODE_TRAFFIC_POLICY,
        Feature.COUNTERS, Feature.DROP_LOGGING, Feature.INCREMENTAL_DELTAS);
  }

  @Override
  public Artifact emit(RuleGraph graph, BackendOptions options) throws BackendException {
    String prefix = prefix(options.tableName());
    checkExtra(options);
    return new ScriptWriter(graph, options, prefix, maxIpsets(options), markMask(options)).write();
  }

  /**
   * The update from the state {@code previous} installed to {@code next}'s: the delta files of
   * {@code backends/iptables/README.md} (new and changed ipsets, then our chains replaced
   * atomically when a rule changed, then unused sets destroyed). When a hook chain comes or goes
   * (the mangle table appears or disappears, node policing changes) it is the full artifact,
   * applied with its {@code apply.sh}.
   *
   * @throws BackendException when an option is invalid, {@code previous} is not a netpolc iptables
   *     artifact, or the delta would need more ipsets at once than the kernel allows
   */
  @Override
  public Delta delta(Artifact previous, RuleGraph next, BackendOptions options) throws BackendException {
    checkPrevious(previous);
    Artifact after = emit(next, options);
    return new Delta(NAME, DeltaWriter.diff(previous, after, prefix(options.tableName())).orElse(after.files()));
  }

  /**
   * The delta of one session batch: for an incremental update whose peer-set changes all land
   * in regular ipsets of {@code previous} (and keep the ipset plan), only {@code add}/{@code del}
   * lines, computed without rendering the next artifact; otherwise
   * {@link #delta(Artifact, RuleGraph, BackendOptions)}.
   */
  @Override
  public Delta update(Artifact previous, GraphUpdate update, BackendOptions options) throws BackendException {
    if (!update.incremental()) {
      return delta(previous, update.next(), options);
    }
    checkPrevious(previous);
    String prefix = prefix(options.tableName());
    checkExtra(options);
    maxIpsets(options);
    markMask(options);
    Optional<SortedMap<String, String>> fast = DeltaWriter.fast(previous, update, prefix, peerHashes(update));
    return fast.isPresent() ? new Delta(NAME, fast.get()) : delta(previous, update.next(), options);
  }

  /** The last role keys' name hashes: the same key instance across incremental updates. */
  private static final AtomicReference<Map.Entry<Object, Map<String, String>>> PEER_HASHES =
      new AtomicReference<>(Map.entry(new Object(), Map.of()));

  private static Map<String, String> peerHashes(GraphUpdate update) throws BackendException {
    Map.Entry<Object, Map<String, String>> last = PEER_HASHES.get();
    if (last.getKey() == update.roleKeys()) {
      return last.getValue();
    }
    Map<String, String> h = ScriptWriter.peerHashes(update.roleKeys());
    PEER_HASHES.set(Map.entry(update.roleKeys(), h));
    return h;
  }

  /**
   * Reads the state {@code delta} leaves when applied to what {@code previous} installed, as
   * {@code delta-apply.sh} (or, for a full replacement, {@code apply.sh}) would.
   */
  public static IptArtifactReader read(Artifact previous, Delta delta) throws BackendException {
    SortedMap<String, String> d = delta.files();
    String prevSets = previous.files().get(IPSET_FILE);
    List<Map.Entry<String, String>> before = new ArrayList<>();
    before.add(Map.entry(IPSET_FILE, prevSets == null ? "" : prevSets));
    List<Map.Entry<String, String>> after = new ArrayList<>();
    SortedMap<String, String> rules = new TreeMap<>();
    try {
      if (d.containsKey(APPLY_FILE)) {
        String prefix = prefixOf(previous);
        String nextSets = d.get(IPSET_FILE);
        before.add(Map.entry("delta " + IPSET_FILE, nextSets));
        rules.put(IPTABLES_FILE, d.get(IPTABLES_FILE));
        rules.put(IP6TABLES_FILE, d.get(IP6TABLES_FILE));
        StringBuilder stale = new StringBuilder();
        Set<String> keep = DeltaWriter.sets(nextSets, prefix).keySet();
        DeltaWriter.sets(prevSets, prefix).keySet().stream().filter(n -> !keep.contains(n))
            .forEach(n -> stale.append("destroy ").append(n).append('\n'));
        after.add(Map.entry("apply.sh stale sets", stale.toString()));
      } else {
        Optional.ofNullable(d.get(DeltaWriter.SETS_FILE)).ifPresent(t -> before.add(Map.entry(DeltaWriter.SETS_FILE, t)));
        rules.put(d.containsKey(DeltaWriter.RULES_FILE) ? DeltaWriter.RULES_FILE : IPTABLES_FILE,
            d.getOrDefault(DeltaWriter.RULES_FILE, previous.files().get(IPTABLES_FILE)));
        rules.put(d.containsKey(DeltaWriter.RULES6_FILE) ? DeltaWriter.RULES6_FILE : IP6TABLES_FILE,
            d.getOrDefault(DeltaWriter.RULES6_FILE, previous.files().get(IP6TABLES_FILE)));
        Optional.ofNullable(d.get(DeltaWriter.DESTROY_FILE))
            .ifPresent(t -> after.add(Map.entry(DeltaWriter.DESTROY_FILE, t)));
      }
      return IptArtifactReader.applied(before, rules, after);
    } catch (IptSyntaxException e) {
      throw new BackendException(e.getMessage(), e);
    }
  }

  /** The chain and set prefix of an artifact: its hook chain's name without {@code FORWARD}. */
  private static String prefixOf(Artifact a) throws BackendException {
    String rules = a.files().getOrDefault(IPTABLES_FILE, "");
    Matcher m = Pattern.compile("^:([A-Z0-9]+-)FORWARD ", Pattern.MULTILINE).matcher(rules);
    if (!m.find()) {
      throw new BackendException("iptables: the previous artifact has no hook chain");
    }
    return m.group(1);
  }

  private static void checkPrevious(Artifact previous) throws BackendException {
    if (!previous.backend().equals(NAME)) {
      throw new BackendException("iptables: the previous artifact was made by " + previous.backend());
    }
  }

  @Override
  public ConnectionDecider simulator(Artifact artifact, SimulationContext context) throws BackendException {
    IptArtifactReader r = read(artifact);
    return new IptablesSimulator(r.v4(), r.v6(), context.nodeAddresses());
  }

  /**
   * Counts: {@code chains}, {@code rules} (both families), {@code ipsets}, {@code ipsetElements},
   * and from the header {@code setsNeeded}, {@code setsIdentity} (encoded as mark bits) and
   * {@code setsInlined} (the fallbacks over the ipset budget). Counted line by line in constant
   * memory ({@link IptStatistics}); {@link #simulator} and {@link #read} parse and check.
   */
  @Override
  public SortedMap<String, Long> statistics(Artifact artifact) throws BackendException {
    SortedMap<String, Long> out = IptStatistics.count(artifact.files());
    String ipset = artifact.files().get(IPSET_FILE);
    if (ipset != null) {
      Matcher m = BUDGET.matcher(ipset);
      if (m.find()) {
        out.put("setsNeeded", Long.parseLong(m.group(1)));
        out.put("setsIdentity", Long.parseLong(m.group(4)));
        out.put("setsInlined", Long.parseLong(m.group(5)));
      }
    }
    return out;
  }

  /** Reads every file of {@code artifact}, naming the file in errors. */
  public static IptArtifactReader read(Artifact artifact) throws BackendException {
    try {
      return IptArtifactReader.read(artifact.files());
    } catch (IptSyntaxException e) {
      throw new BackendException(e.getMessage(), e);
    }
  }

  /** The chain and set prefix for {@code tableName}: upper-cased, then {@code -}. */
  static String prefix(String tableName) throws BackendException {
    if (!TABLE_NAME.matcher(tableName).matches()) {
      throw new BackendException("iptables: invalid table name '" + IptText.sanitize(IptText.truncate(tableName, 40))
          + "': use a letter then up to 6 letters or digits (it prefixes chain names, at most 28 characters)");
    }
    return tableName.toUpperCase(Locale.ROOT) + "-";
  }

  /**
   * One line per fallback the artifact took over the ipset budget (empty when every set is an
   * ipset), for a tool to show as a warning.
   */
  @Override
  public java.util.List<String> warnings(Artifact artifact) {
    String ipset = artifact.files().get(IPSET_FILE);
    Matcher m = ipset == null ? null : BUDGET.matcher(ipset);
    if (m == null || !m.find()) {
      return java.util.List.of();
    }
    long identity = Long.parseLong(m.group(4));
    long inlined = Long.parseLong(m.group(5));
    if (identity == 0 && inlined == 0) {
      return java.util.List.of();
    }
    return java.util.List.of("iptables: " + m.group(1) + " address sets needed, over maxIpsets=" + m.group(6) + ": "
        + m.group(3) + " ipsets, " + identity + " encoded as mark bits (" + (Long.parseLong(m.group(2))
        - Long.parseLong(m.group(3))) + " identity sets, markMask " + m.group(7) + "), " + inlined
        + " inlined as one rule per element");
  }

  private static void checkExtra(BackendOptions options) throws BackendException {
    for (String key : options.extra().keySet()) {
      if (!EXTRA_KEYS.contains(key)) {
        throw new BackendException("iptables: unknown option '" + IptText.sanitize(key) + "' (known: maxIpsets, markMask)");
      }
    }
  }

  private static int markMask(BackendOptions options) throws BackendException {
    String v = options.extra("markMask").orElse(null);
    if (v == null) {
      return DEFAULT_MARK_MASK;
    }
    long n;
    try {
      n = Long.decode(v);
    } catch (NumberFormatException e) {
      throw new BackendException("iptables: option markMask must be a number such as 0xffff0000, got '"
          + IptText.sanitize(IptText.truncate(v, 40)) + "'");
    }
    if (n <= 0 || n > 0xffffffffL) {
      throw new BackendException("iptables: option markMask must be a non-zero 32-bit mask, got " + v);
    }
    if ((n & KUBE_PROXY_BITS) != 0) {
      throw new BackendException("iptables: option markMask must leave out 0x4000 and 0x8000 (kube-proxy's"
          + " masquerade and drop bits), got " + IptText.sanitize(v));
    }
    return (int) n;
  }

  private static int maxIpsets(BackendOptions options) throws BackendException {
    String v = options.extra("maxIpsets").orElse(Integer.toString(DEFAULT_MAX_IPSETS));
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new BackendException("iptables: option maxIpsets must be an integer, got '" + IptText.sanitize(v) + "'");
    }
    if (n < 0 || n > 255) {
      throw new BackendException("iptables: option maxIpsets must be between 0 and 255, got " + n
          + " (the kernel allows 256 sets per network namespace; loading needs one temporary set)");
    }
    return n;
  }
}
