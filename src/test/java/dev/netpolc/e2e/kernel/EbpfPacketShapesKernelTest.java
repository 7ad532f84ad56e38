package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Packets of unusual shape through the eBPF datapath, each expected to be decided like an
 * ordinary datagram of its flow (the reference evaluator's answer): UDP datagrams of 3,000 bytes
 * (fragmented at the source on 1,500-byte veths; the first fragment is decided, the others pass,
 * the echo comes back fragmented as a reply), and IPv6 datagrams behind a hop-by-hop and a
 * destination-options header, which the program must walk to find the ports. Servers listen on
 * UDP 80 and 81; x/a accepts UDP 80 from y/b only.
 */
@Tag("kernel")
class EbpfPacketShapesKernelTest {

  private static final String POLICY = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: udp-80-from-y-b, namespace: x}
      spec:
        podSelector: {matchLabels: {pod: a}}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: y}}
            podSelector: {matchLabels: {pod: b}}
          ports:
          - {port: 80, protocol: UDP}
      """;

  /**
   * Args: family source destination port size hbh dstopts. Sends one UDP datagram of {@code size}
   * bytes, fragmented locally if needed, with the IPv6 extension headers asked for, and prints
   * the size of the echo or TIMEOUT.
   */
  private static final String CLIENT = String.join(" ",
      "use Socket qw(:all);",
      "my ($f, $src, $dst, $port, $size, $hbh, $dopt) = @ARGV;",
      "my $af = $f == 6 ? AF_INET6 : AF_INET;",
      "socket(my $s, $af, SOCK_DGRAM, 0) or die \"socket: $!\";",
      "my $pack = sub { $af == AF_INET6 ? pack_sockaddr_in6($_[1], inet_pton(AF_INET6, $_[0]))"
          + " : pack_sockaddr_in($_[1], inet_aton($_[0])) };",
      "bind($s, $pack->($src, 0)) or die \"bind: $!\";",
      // PadN: an 8-byte extension header carrying 4 bytes of padding (IPV6_HOPOPTS 54, IPV6_DSTOPTS 59).
      "my $opt = pack(\"C8\", 0, 0, 1, 4, 0, 0, 0, 0);",
      "if ($af == AF_INET6) {",
      "  setsockopt($s, IPPROTO_IPV6, 23, pack(\"i\", 0)) or die \"pmtu: $!\";",
      "  if ($hbh) { setsockopt($s, IPPROTO_IPV6, 54, $opt) or die \"hopopts: $!\"; }",
      "  if ($dopt) { setsockopt($s, IPPROTO_IPV6, 59, $opt) or die \"dstopts: $!\"; }",
      "} else { setsockopt($s, IPPROTO_IP, 10, pack(\"i\", 0)) or die \"pmtu: $!\"; }",
      "send($s, \"x\" x $size, 0, $pack->($dst, $port)) or die \"send: $!\";",
      "my $rin = \"\"; vec($rin, fileno($s), 1) = 1;",
      "if (select(my $r = $rin, undef, undef, 1.5) > 0) { recv($s, my $buf, 65535, 0); print length($buf), \"\\n\"; }",
      "else { print \"TIMEOUT\\n\"; }");

  @BeforeAll
  static void kernel() {
    List<String> tools = new ArrayList<>(List.of(KernelSupport.ROOT, "ip", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft"));
    tools.addAll(List.of(EbpfDatapath.TOOLS));
    KernelSupport.assumeAvailable(tools.toArray(String[]::new));
  }

  @AfterAll
  static void unmount() {
    EbpfDatapath.closeShared();
  }

  @Test
  void fragmentsAndIpv6ExtensionHeadersAreDecidedLikeTheirFlow() throws Exception {
    Cluster cluster = ReapplyPolicies.cluster(POLICY);
    KernelLayout layout = KernelLayout.of(cluster);
    EbpfNodeArtifacts maps = EbpfNodeArtifacts.compile(cluster, layout, BackendOptions.DEFAULTS);
    ReferenceEvaluator reference = new ReferenceEvaluator(cluster);
    EbpfDatapath d = EbpfDatapath.shared();
    try (Topology t = layout.build(Topology.Mode.PTP)) {
      t.startServers(List.of(PortSpec.udp(80), PortSpec.udp(81)), false);
      try {
        maps.load(t);
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        int allowed = 0;
        // Each send waits up to 1.5 s for its echo: all of them at once, each from its own socket.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
        try {
          for (String from : List.of("y/b", "y/a")) {
            for (int port : List.of(80, 81)) {
              for (Family f : Family.values()) {
                boolean want = reference.allows(Connection.of(t.address(from, f), t.address("x/a", f), Protocol.UDP,
                    port));
                allowed += want ? 1 : 0;
                List<int[]> shapes = new ArrayList<>(List.of(new int[] {3000, 0, 0}));
                if (f == Family.V6) {
                  shapes.add(new int[] {100, 0, 1});
                  shapes.add(new int[] {100, 1, 1});
                  shapes.add(new int[] {3000, 1, 1});
                }
                for (int[] shape : shapes) {
                  sends.add(pool.submit(() -> {
                    String got = send(t, from, f, port, shape);
                    String expected = want ? String.valueOf(shape[0]) : "TIMEOUT";
                    if (!got.equals(expected)) {
                      wrong.add(from + " -> x/a UDP " + port + " " + f + " size " + shape[0]
                          + (shape[1] == 1 ? " +hbh" : "") + (shape[2] == 1 ? " +dstopts" : "") + ": expected "
                          + expected + ", got " + got);
                    }
                  }));
                }
              }
            }
          }
          for (java.util.concurrent.Future<?> s : sends) {
            s.get();
          }
        } finally {
          pool.shutdownNow();
        }
        assertThat(allowed).as("the reference allows y/b -> x/a UDP 80 in both families only").isEqualTo(2);
        assertThat(wrong).as(maps.listed(t)).isEmpty();
      } finally {
        d.run(t, ReapplyPolicies.NODE, "detach", "--pin-dir", d.pinDir(t, ReapplyPolicies.NODE).toString());
      }
    }
  }

  private static String send(Topology t, String from, Family f, int port, int[] shape) {
    CommandResult r = t.exec(Duration.ofSeconds(10), "", from, "perl", "-e", CLIENT, f == Family.V6 ? "6" : "4",
        t.address(from, f).toString(), t.address("x/a", f).toString(), String.valueOf(port),
        String.valueOf(shape[0]), String.valueOf(shape[1]), String.valueOf(shape[2]));
    return r.ok() ? r.stdout().strip() : "ERROR " + r.describe();
  }
}
