package dev.netpolc.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.model.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves the harness on the real kernel with hand-written rules: open networks are fully
 * reachable, a drop rule blocks exactly its connections, established flows survive a reload
 * that accepts them, and nothing is left behind.
 */
@Tag("kernel")
class KernelHarnessTest {

  private static final List<PortSpec> PORTS =
      List.of(PortSpec.tcp(80), PortSpec.tcp(81), PortSpec.udp(80), PortSpec.udp(81));
  private static final List<Family> BOTH = List.of(Family.V4, Family.V6);

  @BeforeAll
  static void kernelAvailable() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "iptables-restore", "ipset");
  }

  @Test
  void nineBridgedPodsReachEachOtherWithoutRulesAndClosedPortsAreBlocked() {
    long t0 = System.nanoTime();
    Topology.Builder b = Topology.builder().mode(Topology.Mode.BRIDGE).node("node0");
    for (String ns : List.of("x", "y", "z")) {
      for (String pod : List.of("a", "b", "c")) {
        b.pod(ns + "/" + pod, "node0");
      }
    }
    try (Topology t = b.build()) {
      long built = System.nanoTime();
      t.startServers(PORTS);
      long serving = System.nanoTime();
      List<Probe> probes = Probe.matrix(t.podKeys(), t.podKeys(), PORTS, BOTH);
      Reachability seen = Prober.probe(t, probes);
      long probed = System.nanoTime();
      assertThat(probes).hasSize(9 * 9 * 4 * 2);
      assertThat(seen.blockedProbes()).as(seen.render()).isEmpty();

      // Nothing listens on port 9: the prober must see every such attempt fail.
      List<Probe> closed = Probe.matrix(List.of("x/a", "y/b"), t.podKeys(),
          List.of(PortSpec.tcp(9), PortSpec.udp(9)), BOTH);
      assertThat(Prober.probe(t, closed).reachableProbes()).isEmpty();
      System.out.printf("9-pod BRIDGE topology: build %d ms, servers %d ms, %d probes %d ms (%d recovered on retry)%n",
          ms(built - t0), ms(serving - built), probes.size(), ms(probed - serving), seen.recoveredOnRetry().size());
    }
  }

  @Test
  void ptpPodsReachEachOtherWithoutRules() {
    try (Topology t = Topology.builder().mode(Topology.Mode.PTP).node("node0")
        .pod("x/a", "node0", "198.18.0.10", "fd00::10")
        .pod("x/b", "node0", "198.18.0.11", "fd00::11")
        .pod("y/a", "node0", "198.18.0.12", "fd00::12")
        .build()) {
      t.startServers(PORTS, true);
      List<String> all = t.endpoints();
      Reachability seen = Prober.probe(t, Probe.matrix(all, all, PORTS, BOTH));
      assertThat(seen.blockedProbes()).as(seen.render()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void podsAndNodesOnTwoNodesReachEachOther(Topology.Mode mode) {
    try (Topology t = Topology.builder().mode(mode).node("node0").node("node1")
        .pod("x/a", "node0").pod("x/b", "node0")
        .pod("y/a", "node1").pod("y/b", "node1")
        .build()) {
      assertThat(t.pod("y/a").ipv4().toString()).isEqualTo("198.18.1.10");
      assertThat(t.pod("y/b").ipv6().toString()).isEqualTo("fd00:0:0:1::b");
      List<PortSpec> ports = List.of(PortSpec.tcp(80), PortSpec.udp(80));
      t.startServers(ports, true);
      List<String> all = t.endpoints();
      Reachability seen = Prober.probe(t, Probe.matrix(all, all, ports, BOTH));
      assertThat(seen.blockedProbes()).as(seen.render()).isEmpty();
    }
  }

  /** Conformance cases put pods of two nodes in one /24 and a hostNetwork pod at a node address of their own. */
  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void nodesSharingOnePodBlockAndANodeWithItsOwnAddressReachEachOther(Topology.Mode mode) {
    try (Topology t = Topology.builder().mode(mode)
        .node("n1", "198.18.0.0/24", "fd00::/64").node("n2", "198.18.0.0/24", "fd00::/64")
        .nodeAddress("n2", "198.18.1.2", "fd00:1::2")
        .pod("x/a", "n1", "198.18.0.10", "fd00::10").pod("x/b", "n1", "198.18.0.11", "fd00::11")
        .pod("z/a", "n2", "198.18.0.16", "fd00::16").pod("z/b", "n2", "198.18.0.17", "fd00::17")
        .build()) {
      assertThat(t.address("n2", Family.V4).toString()).isEqualTo("198.18.1.2");
      List<PortSpec> ports = List.of(PortSpec.tcp(80), PortSpec.udp(80));
      t.startServers(ports, true);
      List<String> all = List.of("x/a", "x/b", "z/a", "z/b", "n2");
      Reachability seen = Prober.probe(t, Probe.matrix(all, all, ports, BOTH));
      assertThat(seen.blockedProbes()).as(seen.render()).isEmpty();

      // Cross-node pod traffic is routed through both nodes' forward hooks: a drop on n1 cuts it.
      t.loadNftables("n1", forwardDrop("ip daddr " + t.pod("z/a").ipv4() + " tcp dport 80 drop"));
      Probe across = Probe.of("x/a", "z/a", PortSpec.tcp(80), Family.V4);
      Probe local = Probe.of("z/b", "z/a", PortSpec.tcp(80), Family.V4);
      Reachability cut = Prober.probe(t, List.of(across, local));
      assertThat(cut.blockedProbes()).as(cut.render()).containsExactly(across);
    }
  }

  /** The assignment's rule: {@code ip daddr <x/a> tcp dport 80 drop} in the forward hook, and its IPv6 twin. */
  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void forwardDropBlocksExactlyItsConnections(Topology.Mode mode) {
    try (Topology t = threePods(mode)) {
      t.startServers(PORTS, true);
      List<String> all = t.endpoints();
      List<Probe> probes = Probe.matrix(all, all, PORTS, BOTH);
      String target = "x/a";

      t.loadNftables("node0", forwardDrop("ip daddr " + t.pod(target).ipv4() + " tcp dport 80 drop"));
      Reachability v4 = Prober.probe(t, probes);
      assertThat(v4.mismatches(expect(probes, p -> forwardedTo(t, p, target) && p.protocol() == Protocol.TCP
          && p.port() == 80 && p.family() == Family.V4))).as(v4.render()).isEmpty();
      assertThat(v4.blockedProbes()).hasSize(2); // from x/b and y/a only

      t.replaceNftables("node0", forwardDrop("ip6 daddr " + t.pod(target).ipv6() + " tcp dport 80 drop"));
      Reachability v6 = Prober.probe(t, probes);
      assertThat(v6.mismatches(expect(probes, p -> forwardedTo(t, p, target) && p.protocol() == Protocol.TCP
          && p.port() == 80 && p.family() == Family.V6))).as(v6.render()).isEmpty();
      assertThat(v6.blockedProbes()).hasSize(2);
    }
  }

  @Test
  void iptablesWithIpsetBlocksUdpToOnePod() {
    try (Topology t = threePods(Topology.Mode.BRIDGE)) {
      t.startServers(PORTS);
      List<Probe> probes = Probe.matrix(t.podKeys(), t.podKeys(), PORTS, List.of(Family.V4));
      t.loadIpsets("node0", "create np-dst hash:ip family inet\nadd np-dst " + t.pod("y/a").ipv4() + "\n");
      t.loadIptables("node0", Family.V4, "*filter\n:FORWARD ACCEPT [0:0]\n"
          + "-A FORWARD -m set --match-set np-dst dst -p udp --dport 81 -j DROP\nCOMMIT\n");
      Reachability seen = Prober.probe(t, probes);
      assertThat(seen.mismatches(expect(probes, p -> forwardedTo(t, p, "y/a") && p.protocol() == Protocol.UDP
          && p.port() == 81))).as(seen.render()).isEmpty();
    }
  }

  @Test
  void establishedConnectionSurvivesReloadThatAcceptsEstablishedAndDiesWithoutIt() {
    try (Topology t = threePods(Topology.Mode.BRIDGE)) {
      t.startServers(List.of(PortSpec.tcp(80)));
      PersistentTcp v4 = t.openPersistentTcp("x/b", "x/a", 80);
      PersistentTcp v6 = t.openPersistentTcp("x/b", "x/a", 80, Family.V6);
      Probe newV4 = Probe.of("x/b", "x/a", PortSpec.tcp(80), Family.V4);
      Probe newV6 = Probe.of("x/b", "x/a", PortSpec.tcp(80), Family.V6);

      t.loadNftables("node0", forwardDrop("ip daddr " + t.pod("x/a").ipv4() + " tcp dport 80 drop\n"
          + "    ip6 daddr " + t.pod("x/a").ipv6() + " tcp dport 80 drop"));
      Reachability fresh = Prober.probe(t, List.of(newV4, newV6));
      assertThat(fresh.blockedProbes()).as("new connections are blocked").containsExactly(newV4, newV6);
      assertThat(v4.stillAlive()).as("established IPv4 flow kept: " + v4.stderr()).isTrue();
      assertThat(v6.stillAlive()).as("established IPv6 flow kept: " + v6.stderr()).isTrue();

      // Control: the same drop without the established rule first must cut the flows.
      t.replaceNftables("node0", "table inet t {\n  chain forward_filter {\n"
          + "    type filter hook forward priority 0; policy accept;\n"
          + "    ip daddr " + t.pod("x/a").ipv4() + " tcp dport 80 drop\n"
          + "    ip6 daddr " + t.pod("x/a").ipv6() + " tcp dport 80 drop\n  }\n}\n");
      assertThat(v4.stillAlive(Duration.ofMillis(700))).isFalse();
      assertThat(v6.stillAlive(Duration.ofMillis(700))).isFalse();
    }
  }

  @Test
  void invalidRulesetFailsWithNftErrorTextAndChangesNothing() {
    try (Topology t = threePods(Topology.Mode.BRIDGE)) {
      t.loadNftables("node0", "table inet keep {\n}\n");
      // "fwd" is an nft keyword, so it cannot be a bare chain name.
      assertThatThrownBy(() -> t.loadNftables("node0",
          "flush ruleset\ntable inet t {\n  chain fwd {\n    type filter hook forward priority 0;\n  }\n}\n"))
          .isInstanceOf(KernelHarnessException.class)
          .hasMessageContaining("nft -f - failed in node0")
          .hasMessageContaining("syntax error");
      assertThat(t.listNftables("node0")).contains("table inet keep");
    }
  }

  @Test
  void closeRemovesEveryNamespaceAndTheIpamDirectory() {
    Topology t = threePods(Topology.Mode.BRIDGE);
    String prefix = t.prefix();
    Path ipam = ipamDir(prefix);
    assertThat(withPrefix(prefix)).hasSize(5); // fabric, node, three pods
    assertThat(ipam).isDirectory();
    t.close();
    assertThat(withPrefix(prefix)).isEmpty();
    assertThat(ipam).doesNotExist();
    t.close(); // idempotent
  }

  @Test
  void closeRemovesEverythingWhenTheTestBodyThrows() {
    String[] prefix = new String[1];
    assertThatThrownBy(() -> {
      try (Topology t = threePods(Topology.Mode.PTP)) {
        prefix[0] = t.prefix();
        t.startServers(List.of(PortSpec.tcp(80)));
        t.openPersistentTcp("x/a", "y/a", 80);
        throw new IllegalStateException("test body failed");
      }
    }).isInstanceOf(IllegalStateException.class).hasMessage("test body failed").hasNoSuppressedExceptions();
    assertThat(withPrefix(prefix[0])).isEmpty();
  }

  @Test
  void failedBuildRemovesWhatItMade(@TempDir Path emptyPluginDir) throws IOException {
    String mine = StaleNamespaces.PREFIX + ProcessHandle.current().pid() + "-";
    List<String> before = withPrefix(mine);
    List<String> ipamBefore = ipamDirs(mine);
    assertThatThrownBy(() -> Topology.builder().cniPluginDirectory(emptyPluginDir).node("node0")
        .pod("x/a", "node0").build())
        .isInstanceOf(KernelHarnessException.class)
        .hasMessageContaining("CNI ADD for pod x/a failed")
        .hasMessageContaining(emptyPluginDir.toString());
    assertThat(withPrefix(mine)).isEqualTo(before);
    assertThat(ipamDirs(mine)).isEqualTo(ipamBefore);
  }

  private static List<String> ipamDirs(String prefix) throws IOException {
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "netpolc-kernel");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.map(d -> d.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
    }
  }

  @Test
  void buildingDeletesNamespacesLeftByDeadRuns() throws IOException, InterruptedException {
    long dead = deadPid();
    String stale = StaleNamespaces.PREFIX + dead + "-1-n0";
    Commands.run(Duration.ofSeconds(10), "ip", "netns", "add", stale).orThrow();
    try {
      try (Topology t = Topology.builder().node("node0").build()) {
        assertThat(StaleNamespaces.listNamespaces()).doesNotContain(stale).contains(t.nodeNamespace("node0"));
      }
    } finally {
      if (StaleNamespaces.listNamespaces().contains(stale)) {
        StaleNamespaces.deleteNamespace(stale);
      }
    }
  }

  private static Topology threePods(Topology.Mode mode) {
    return Topology.builder().mode(mode).node("node0")
        .pod("x/a", "node0", "198.18.0.10", "fd00::10")
        .pod("x/b", "node0", "198.18.0.11", "fd00::11")
        .pod("y/a", "node0", "198.18.0.12", "fd00::12")
        .build();
  }

  private static String forwardDrop(String rule) {
    // Chain named forward_filter: "fwd" is an nft keyword and nft 1.0.6 rejects it as a name.
    return "table inet t {\n  chain forward_filter {\n    type filter hook forward priority 0; policy accept;\n"
        + "    ct state established,related accept\n    " + rule + "\n  }\n}\n";
  }

  /**
   * True when the probe's packets cross node0's forward hook towards {@code target}: from another
   * pod. A pod talking to itself stays on its loopback; the node itself uses the output hook.
   */
  private static boolean forwardedTo(Topology t, Probe p, String target) {
    return p.to().equals(target) && !p.from().equals(target) && t.podKeys().contains(p.from());
  }

  private static Map<Probe, Boolean> expect(List<Probe> probes, Predicate<Probe> blocked) {
    Map<Probe, Boolean> out = new LinkedHashMap<>();
    probes.forEach(p -> out.put(p, !blocked.test(p)));
    return out;
  }

  private static List<String> withPrefix(String prefix) {
    return StaleNamespaces.listNamespaces().stream().filter(n -> n.startsWith(prefix)).sorted().toList();
  }

  private static Path ipamDir(String prefix) {
    return Path.of(System.getProperty("java.io.tmpdir"), "netpolc-kernel", prefix.substring(0, prefix.length() - 1));
  }

  private static long deadPid() throws IOException, InterruptedException {
    while (true) {
      Process p = new ProcessBuilder("true").start();
      p.waitFor();
      if (ProcessHandle.of(p.pid()).isEmpty()) {
        return p.pid();
      }
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
