package dev.netpolc.backend.iptables;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Feature;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.backend.iptables.sim.IptRuleset;
import dev.netpolc.backend.iptables.sim.IptSyntaxException;
import dev.netpolc.backend.iptables.sim.IptablesSimulator;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.Locale;
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
 * OUTPUT when node traffic is policed) into the built-in chains once. Read back with
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
 * one temporary set): beyond it the smallest sets are rendered inline, one rule per element,
 * and the files say so in their header.
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
  /** The header marker of the ipset budget line. */
  static final String BUDGET_MARK = "netpolc-ipsets:";

  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9]{0,6}");
  private static final Pattern BUDGET = Pattern.compile(
      "^# " + BUDGET_MARK + " needed=(\\d+) ipsets=(\\d+) inlined=(\\d+) max=(\\d+)$", Pattern.MULTILINE);
  private static final Set<String> EXTRA_KEYS = Set.of("maxIpsets");

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
        Feature.NAMED_PORTS, Feature.DENY_ACTION, Feature.PASS_ACTION, Feature.TIERS, Feature.NODE_TRAFFIC_POLICY,
        Feature.COUNTERS, Feature.DROP_LOGGING);
  }

  @Override
  public Artifact emit(RuleGraph graph, BackendOptions options) throws BackendException {
    String prefix = prefix(options.tableName());
    for (String key : options.extra().keySet()) {
      if (!EXTRA_KEYS.contains(key)) {
        throw new BackendException("iptables: unknown option '" + IptText.sanitize(key) + "' (known: maxIpsets)");
      }
    }
    return new ScriptWriter(graph, options, prefix, maxIpsets(options)).write();
  }

  @Override
  public ConnectionDecider simulator(Artifact artifact, SimulationContext context) throws BackendException {
    IptArtifactReader r = read(artifact);
    return new IptablesSimulator(r.v4(), r.v6(), context.nodeAddresses());
  }

  /**
   * Counts: {@code chains}, {@code rules} (both families), {@code ipsets}, {@code ipsetElements},
   * and from the header {@code setsNeeded} and {@code setsInlined} (the fallback below the
   * ipset budget).
   */
  @Override
  public SortedMap<String, Long> statistics(Artifact artifact) throws BackendException {
    IptArtifactReader r = read(artifact);
    SortedMap<String, Long> out = new TreeMap<>();
    long chains = 0;
    long rules = 0;
    for (Optional<IptRuleset> rs : java.util.List.of(r.v4(), r.v6())) {
      if (rs.isPresent()) {
        chains += rs.get().userChainCount();
        rules += rs.get().ruleCount();
      }
    }
    out.put("chains", chains);
    out.put("rules", rules);
    out.put("ipsets", (long) r.sets().size());
    out.put("ipsetElements", r.sets().values().stream().mapToLong(s -> s.entries().size()).sum());
    String ipset = artifact.files().get(IPSET_FILE);
    if (ipset != null) {
      Matcher m = BUDGET.matcher(ipset);
      if (m.find()) {
        out.put("setsNeeded", Long.parseLong(m.group(1)));
        out.put("setsInlined", Long.parseLong(m.group(3)));
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
