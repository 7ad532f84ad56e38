package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.ebpf.EbpfBackend;
import dev.netpolc.backend.ebpf.LogSets;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Probe;
import dev.netpolc.kernel.Reachability;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A LOG rule before an ALLOW on the real kernel, per backend: pod x/a (ingress isolated) has a
 * security-tier LOG of TCP 80 from y/b and y/c, then a NetworkPolicy allow of TCP 80 from y/b
 * only. Both families: y/b gets in, y/c does not (the LOG changes no verdict), and both new
 * connections are logged. Kernel log lines from a network namespace other than the initial one
 * are suppressed here ({@code net.netfilter.nf_log_all_netns} is 0, a host-wide switch the tests
 * leave alone), so the log rules' own counters are what the kernel is asked for: nftables'
 * {@code counter} on the {@code log} rule, iptables' and ip6tables' packet counts of the
 * {@code -j LOG} rules ({@code -save -c}), and the datapath's {@code np_log_count} for the log set.
 */
@Tag("kernel")
class LogRuleKernelTest {
  private static final String NODE = "node0";
  private static final List<String> PODS = List.of("x/a", "y/b", "y/c");
  private static final int PORT = 80;

  @BeforeAll
  static void kernel() {
    List<String> tools = new ArrayList<>(List.of(KernelSupport.ROOT, "ip", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "iptables-save",
        "ip6tables-save", "ipset", "conntrack"));
    tools.addAll(List.of(EbpfDatapath.TOOLS));
    KernelSupport.assumeAvailable(tools.toArray(String[]::new));
  }

  @AfterAll
  static void unmount() {
    EbpfDatapath.closeShared();
  }

  @Test
  void nftablesCountsTheLogRuleAndKeepsTheVerdict() {
    try (Topology t = topology()) {
      RuleGraph g = graph(t);
      String ruleset = emit(NodeRulesets.backend(), g, BackendOptions.DEFAULTS.withCounters(true)).primary();
      NodeRulesets artifacts = new NodeRulesets(Map.of(NODE, ruleset), Map.of(NODE, g), nodeOf(t));
      assertThat(artifacts.check(t)).isEmpty();
      artifacts.load(t);
      ConformanceKernelRun.forgetPreviousCase(t, true);
      assertThat(logCount(t.listNftables(NODE), "counter packets ([0-9]+) bytes [0-9]+ log prefix \"np-log ")).isZero();
      probeAndCheck(t, g, artifacts.simulator());
      String listed = t.listNftables(NODE);
      assertThat(logCount(listed, "counter packets ([0-9]+) bytes [0-9]+ log prefix \"np-log "))
          .as("log rule counters:%n%s", listed).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void iptablesCountsTheLogRulesAndKeepsTheVerdict() {
    try (Topology t = topology()) {
      RuleGraph g = graph(t);
      Artifact a = emit(IptablesNodeArtifacts.backend(), g, BackendOptions.DEFAULTS);
      IptablesNodeArtifacts artifacts = new IptablesNodeArtifacts(Map.of(NODE, a), Map.of(NODE, g), nodeOf(t));
      artifacts.load(t); // apply.sh: the sets, then both restores; fails the test if the kernel refuses a line
      ConformanceKernelRun.forgetPreviousCase(t, true);
      probeAndCheck(t, g, artifacts.simulator());
      for (String save : List.of("iptables-save", "ip6tables-save")) {
        String listed = t.exec(NODE, save, "-c", "-t", "filter").orThrow().stdout();
        assertThat(logCount(listed, "^\\[([0-9]+):[0-9]+\\] .* -j LOG --log-prefix \"np-log "))
            .as("%s -c:%n%s", save, listed).isGreaterThanOrEqualTo(2);
      }
    }
  }

  @Test
  void theEbpfDatapathCountsTheLogSetAndKeepsTheVerdict() throws BackendException {
    EbpfDatapath d = EbpfDatapath.shared();
    try (Topology t = topology()) {
      RuleGraph g = graph(t);
      Artifact a = emit(EbpfNodeArtifacts.backend(), g, BackendOptions.DEFAULTS);
      LogSets sets = EbpfBackend.logSets(a);
      assertThat(sets.sets()).hasSize(1); // the one LOG rule, on the allow and on the isolation deny
      EbpfNodeArtifacts maps = new EbpfNodeArtifacts(Map.of(NODE, a), Map.of(NODE, g), nodeOf(t));
      try {
        maps.load(t);
        String counter = d.pinDir(t, NODE).resolve("np_log_count").toString();
        assertThat(ebpfCount(t, counter, 1)).isZero();
        probeAndCheck(t, g, maps.simulator());
        assertThat(ebpfCount(t, counter, 1)).as("np_log_count[1]").isGreaterThanOrEqualTo(4);
        assertThat(ebpfCount(t, counter, 2)).as("np_log_count[2], no such set").isZero();
      } finally {
        d.run(t, NODE, "detach", "--pin-dir", d.pinDir(t, NODE).toString());
      }
    }
  }

  private static Topology topology() {
    Topology.Builder tb = Topology.builder().mode(Topology.Mode.PTP).node(NODE);
    PODS.forEach(p -> tb.pod(p, NODE));
    Topology t = tb.build();
    t.startServers(List.of(PortSpec.tcp(PORT)), false);
    return t;
  }

  private static Artifact emit(dev.netpolc.backend.Backend b, RuleGraph g, BackendOptions o) {
    try {
      return b.emit(g, o);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }

  /** y/b and y/c to x/a, TCP 80, both families: as the IR and the simulator decide, and logged in both. */
  private static void probeAndCheck(Topology t, RuleGraph g, dev.netpolc.compiler.ConnectionDecider sim) {
    RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
    Map<Probe, Boolean> expected = new LinkedHashMap<>();
    for (Family f : Family.values()) {
      for (String from : List.of("y/b", "y/c")) {
        Connection c = Connection.of(t.address(from, f), t.address("x/a", f), Protocol.TCP, PORT);
        RuleGraphEvaluator.Trace want = ir.trace(c);
        assertThat(want.allowed()).isEqualTo(from.equals("y/b"));
        assertThat(want.loggedOrigins()).extracting(Origin::policy).containsExactly("sec/audit");
        assertThat(sim.allows(c)).as("simulator %s", c).isEqualTo(want.allowed());
        expected.put(new Probe(from, "x/a", Protocol.TCP, PORT, f), want.allowed());
      }
    }
    Reachability seen = KernelMatrix.probe(t, List.copyOf(expected.keySet()), expected);
    assertThat(seen.mismatches(expected)).as("kernel vs the rule graph%n%s", seen.render()).isEmpty();
  }

  /** The sum of group 1 of {@code regex} over the lines of {@code text} that match it. */
  private static long logCount(String text, String regex) {
    Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
    Matcher m = p.matcher(text);
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  /** The per-CPU np_log_count values of log set {@code id}, summed (bpftool's plain lookup output). */
  private static long ebpfCount(Topology t, String pinned, int id) {
    CommandResult r = t.exec(NODE, "bpftool", "map", "lookup", "pinned", pinned, "key", Integer.toString(id & 0xff),
        Integer.toString((id >>> 8) & 0xff), "0", "0").orThrow();
    // With BTF, bpftool prints {"key": 1, "values": [{"cpu": 0, "value": N}, ...]}; without,
    // "value (CPU 00): 01 00 00 00 00 00 00 00" (eight little-endian bytes) per CPU.
    long sum = 0;
    int cpus = 0;
    Matcher json = Pattern.compile("\"cpu\": *[0-9]+,\\s*\"value\":\\s*([0-9]+)").matcher(r.stdout());
    while (json.find()) {
      sum += Long.parseLong(json.group(1));
      cpus++;
    }
    Matcher m = Pattern.compile("value \\(CPU [0-9]+\\): ((?:[0-9a-f]{2} ?){8})").matcher(r.stdout());
    while (m.find()) {
      String[] bytes = m.group(1).trim().split(" ");
      long v = 0;
      for (int i = 7; i >= 0; i--) {
        v = (v << 8) | Integer.parseInt(bytes[i], 16);
      }
      sum += v;
      cpus++;
    }
    assertThat(cpus).as("bpftool output: %s", r.stdout()).isPositive();
    return sum;
  }

  private static Map<IpAddress, String> nodeOf(Topology t) {
    Map<IpAddress, String> out = new LinkedHashMap<>();
    for (String e : List.of("x/a", "y/b", "y/c", NODE)) {
      for (Family f : Family.values()) {
        out.put(t.address(e, f), NODE);
      }
    }
    return out;
  }

  private static RuleGraph graph(Topology t) {
    RuleGraph.Builder b = RuleGraph.builder(SemanticsOptions.DEFAULTS).node(Optional.of(NODE))
        .nodeAddresses(NODE, addresses(t, NODE));
    Map<String, EndpointGroup> groups = new LinkedHashMap<>();
    for (String pod : PODS) {
      Endpoint e = new Endpoint(pod, List.of(t.address(pod, Family.V4), t.address(pod, Family.V6)), Optional.of(NODE));
      EndpointGroup grp = EndpointGroup.of(List.of(e), pod.equals("x/a"), false);
      groups.put(pod, grp);
      b.addGroup(grp);
    }
    PortSet tcp80 = PortSet.of(Protocol.TCP, PortRange.of(PORT));
    String xa = groups.get("x/a").id();
    b.addRule(new Rule(Direction.INGRESS, Tier.ordered(100, "security"), 0, xa,
        addresses(t, "y/b").union(addresses(t, "y/c")), tcp80, Action.LOG,
        List.of(new Origin("sec/audit", Direction.INGRESS, 0, SourcePosition.UNKNOWN))));
    b.addRule(new Rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, xa, addresses(t, "y/b"), tcp80, Action.ALLOW,
        List.of(new Origin("prod/allow-yb", Direction.INGRESS, 0, SourcePosition.UNKNOWN))));
    return b.build();
  }

  private static AddressSet addresses(Topology t, String endpoint) {
    return AddressSet.ofAddresses(List.of(t.address(endpoint, Family.V4), t.address(endpoint, Family.V6)));
  }
}
