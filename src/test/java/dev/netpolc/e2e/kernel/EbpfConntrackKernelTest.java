package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The datapath's conntrack beyond the conformance corpus: ICMP errors about a tracked flow pass
 * as "related" while unsolicited ones drop, and a flow idle for longer than the idle timeout is
 * forgotten. x/a is isolated both ways and may only send UDP 80 and 82 to y/b; nothing may reach
 * it; x/b is selected by no policy (the control: the datapath does not check it).
 */
@Tag("kernel")
class EbpfConntrackKernelTest {

  private static final String POLICY = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: a-sends-udp-to-y-b-only, namespace: x}
      spec:
        podSelector: {matchLabels: {pod: a}}
        policyTypes: [Ingress, Egress]
        egress:
        - to:
          - namespaceSelector: {matchLabels: {ns: y}}
            podSelector: {matchLabels: {pod: b}}
          ports:
          - {port: 80, protocol: UDP}
          - {port: 82, protocol: UDP}
      """;

  /** UDP idle timeout of the object built for {@link #anIdleFlowIsForgottenAfterTheTimeout}, seconds. */
  private static final int IDLE_S = 2;

  /**
   * Args: family local-address local-port peer-address peer-port send wait. A UDP socket bound to
   * the local port and connected to the peer (sending one datagram when {@code send} is 1): prints
   * REFUSED when an ICMP port unreachable reaches it within {@code wait} seconds, else DATA or TIMEOUT.
   */
  private static final String CONNECTED = String.join(" ",
      "use Socket qw(:all); use Errno;",
      "my ($f, $src, $sport, $dst, $dport, $send, $wait) = @ARGV;",
      "my $af = $f == 6 ? AF_INET6 : AF_INET;",
      "my $pack = sub { $af == AF_INET6 ? pack_sockaddr_in6($_[1], inet_pton(AF_INET6, $_[0]))"
          + " : pack_sockaddr_in($_[1], inet_aton($_[0])) };",
      "socket(my $s, $af, SOCK_DGRAM, 0) or die \"socket: $!\";",
      "bind($s, $pack->($src, $sport)) or die \"bind: $!\";",
      "connect($s, $pack->($dst, $dport)) or die \"connect: $!\";",
      "if ($send) { send($s, \"x\", 0) or die \"send: $!\"; }",
      "my $rin = \"\"; vec($rin, fileno($s), 1) = 1;",
      "if (select(my $r = $rin, undef, undef, $wait) > 0) {",
      "  if (defined recv($s, my $buf, 65535, 0)) { print \"DATA\\n\"; }",
      "  elsif ($!{ECONNREFUSED}) { print \"REFUSED\\n\"; } else { print \"ERROR $!\\n\"; }",
      "} else { print \"TIMEOUT\\n\"; }");

  /**
   * Args: family victim victim-port me my-port. Sends the victim a forged ICMP port unreachable
   * (v4 type 3 code 3, v6 type 1 code 4) about a UDP datagram victim:victim-port → me:my-port
   * that was never sent. The kernel adds the outer IP header (and the ICMPv6 checksum).
   */
  private static final String FORGE = String.join(" ",
      "use Socket qw(:all);",
      "my ($f, $victim, $vport, $me, $port) = @ARGV;",
      "my $udp = pack(\"nnnn\", $vport, $port, 8, 0);",
      "if ($f == 6) {",
      "  my $inner = pack(\"NnCC\", 0x60000000, 8, 17, 64) . inet_pton(AF_INET6, $victim)"
          + " . inet_pton(AF_INET6, $me) . $udp;",
      "  socket(my $s, AF_INET6, SOCK_RAW, 58) or die \"socket: $!\";",
      "  send($s, pack(\"CCnN\", 1, 4, 0, 0) . $inner, 0, pack_sockaddr_in6(0, inet_pton(AF_INET6, $victim)))"
          + " or die \"send: $!\";",
      "} else {",
      "  my $inner = pack(\"CCnnnCCn\", 0x45, 0, 28, 0, 0x4000, 64, 17, 0) . inet_aton($victim)"
          + " . inet_aton($me) . $udp;",
      "  my $msg = pack(\"CCnN\", 3, 3, 0, 0) . $inner;",
      "  my $sum = 0; $sum += $_ for unpack(\"n*\", $msg);",
      "  $sum = ($sum >> 16) + ($sum & 0xffff) while $sum >> 16;",
      "  substr($msg, 2, 2) = pack(\"n\", ~$sum & 0xffff);",
      "  socket(my $s, AF_INET, SOCK_RAW, 1) or die \"socket: $!\";",
      "  send($s, $msg, 0, pack_sockaddr_in(0, inet_aton($victim))) or die \"send: $!\";",
      "}");

  /**
   * Args: family me port peer-timeout pause1 pause2. Waits for one datagram on UDP port, echoes
   * it, then after pause1 seconds sends "early" and after pause2 more "late" to its sender.
   */
  private static final String LATE_REPLIES = String.join(" ",
      "use Socket qw(:all);",
      "my ($f, $me, $port, $wait, $p1, $p2) = @ARGV;",
      "my $af = $f == 6 ? AF_INET6 : AF_INET;",
      "socket(my $s, $af, SOCK_DGRAM, 0) or die \"socket: $!\";",
      "bind($s, $af == AF_INET6 ? pack_sockaddr_in6($port, inet_pton(AF_INET6, $me))"
          + " : pack_sockaddr_in($port, inet_aton($me))) or die \"bind: $!\";",
      "my $rin = \"\"; vec($rin, fileno($s), 1) = 1;",
      "select(my $r = $rin, undef, undef, $wait) > 0 or die \"nothing arrived\";",
      "my $from = recv($s, my $buf, 65535, 0);",
      "send($s, $buf, 0, $from); select(undef, undef, undef, $p1);",
      "send($s, \"early\", 0, $from); select(undef, undef, undef, $p2);",
      "send($s, \"late\", 0, $from); print \"SENT\\n\";");

  /**
   * Args: family me port peer peer-port listen. Sends "hi" from UDP port to the peer, then prints
   * every datagram that arrives within {@code listen} seconds, one per line.
   */
  private static final String COLLECT = String.join(" ",
      "use Socket qw(:all); use Time::HiRes qw(time);",
      "my ($f, $me, $port, $dst, $dport, $listen) = @ARGV;",
      "my $af = $f == 6 ? AF_INET6 : AF_INET;",
      "my $pack = sub { $af == AF_INET6 ? pack_sockaddr_in6($_[1], inet_pton(AF_INET6, $_[0]))"
          + " : pack_sockaddr_in($_[1], inet_aton($_[0])) };",
      "socket(my $s, $af, SOCK_DGRAM, 0) or die \"socket: $!\";",
      "bind($s, $pack->($me, $port)) or die \"bind: $!\";",
      "send($s, \"hi\", 0, $pack->($dst, $dport)) or die \"send: $!\";",
      "my $end = time() + $listen; $| = 1;",
      "while ((my $left = $end - time()) > 0) {",
      "  my $rin = \"\"; vec($rin, fileno($s), 1) = 1;",
      "  last unless select(my $r = $rin, undef, undef, $left) > 0;",
      "  recv($s, my $buf, 65535, 0); print \"$buf\\n\";",
      "}");

  @BeforeAll
  static void kernel() {
    List<String> tools = new ArrayList<>(List.of(KernelSupport.ROOT, "ip", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "perl", "sysctl", "nft"));
    tools.addAll(List.of(EbpfDatapath.TOOLS));
    KernelSupport.assumeAvailable(tools.toArray(String[]::new));
  }

  @AfterAll
  static void unmount() {
    EbpfDatapath.closeShared();
  }

  /**
   * Per family: x/a's datagram to y/b UDP 82 (allowed, nothing listens) comes back as an ICMP port
   * unreachable that x/a's socket sees (related to a tracked flow), while a forged one about a
   * datagram x/a never sent is dropped before x/a; the same forgery reaches x/b, which no policy
   * selects, so a drop is the datapath's.
   */
  @Test
  void icmpErrorsPassOnlyForTrackedFlows() throws Exception {
    Cluster cluster = ReapplyPolicies.cluster(POLICY);
    KernelLayout layout = KernelLayout.of(cluster);
    EbpfNodeArtifacts maps = EbpfNodeArtifacts.compile(cluster, layout, BackendOptions.DEFAULTS);
    EbpfDatapath d = EbpfDatapath.shared();
    try (Topology t = layout.build(Topology.Mode.PTP)) {
      for (String pod : List.of("y/b", "y/a")) {
        // The kernel rate-limits ICMP errors per peer; these few must not be held back.
        t.exec(pod, "sh", "-c", "sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0").orThrow();
      }
      try {
        maps.load(t);
        List<String> wrong = new ArrayList<>();
        for (Family f : Family.values()) {
          String related = connected(t, "x/a", f, 40082, "y/b", 82, true, 2).join();
          if (!related.equals("REFUSED")) {
            wrong.add(f + " port unreachable for x/a's datagram to y/b UDP 82: expected REFUSED, got " + related);
          }
          for (String victim : List.of("x/a", "x/b")) {
            CompletableFuture<String> waiting = connected(t, victim, f, 40083, "y/a", 83, false, 2.5);
            Thread.sleep(500); // the socket is connected long before the forgery arrives
            t.exec(Duration.ofSeconds(10), "", "y/a", "perl", "-e", FORGE, f == Family.V6 ? "6" : "4",
                t.address(victim, f).toString(), "40083", t.address("y/a", f).toString(), "83").orThrow();
            String expected = victim.equals("x/a") ? "TIMEOUT" : "REFUSED";
            String got = waiting.join();
            if (!got.equals(expected)) {
              wrong.add(f + " forged port unreachable to " + victim + ": expected " + expected + ", got " + got);
            }
          }
        }
        assertThat(wrong).as(maps.listed(t)).isEmpty();
      } finally {
        d.run(t, ReapplyPolicies.NODE, "detach", "--pin-dir", d.pinDir(t, ReapplyPolicies.NODE).toString());
      }
    }
  }

  /**
   * With an object built with {@code -DNP_CT_OTHER_IDLE_S=2}: x/a sends UDP 80 to y/b, which
   * echoes, sends "early" 0.5 s later (a reply within the timeout, delivered) and "late" after
   * 3.5 s of silence (the flow idle longer than the timeout: a new datagram to an isolated pod,
   * dropped). Both families at once.
   */
  @Test
  void anIdleFlowIsForgottenAfterTheTimeout() throws Exception {
    Cluster cluster = ReapplyPolicies.cluster(POLICY);
    KernelLayout layout = KernelLayout.of(cluster);
    EbpfNodeArtifacts maps = EbpfNodeArtifacts.compile(cluster, layout, BackendOptions.DEFAULTS);
    EbpfDatapath d = EbpfDatapath.shared();
    Path object = Files.createTempFile("netpolc-idle-", ".bpf.o");
    try (Topology t = layout.build(Topology.Mode.PTP)) {
      EbpfDatapath.compile(object, "-DNP_CT_OTHER_IDLE_S=" + IDLE_S).orThrow();
      try {
        maps.load(t, object);
        List<CompletableFuture<String>> servers = new ArrayList<>();
        List<CompletableFuture<String>> clients = new ArrayList<>();
        for (Family f : Family.values()) {
          String v = f == Family.V6 ? "6" : "4";
          servers.add(CompletableFuture.supplyAsync(() -> out(t.exec(Duration.ofSeconds(20), "", "y/b", "perl", "-e",
              LATE_REPLIES, v, t.address("y/b", f).toString(), "80", "5", "0.5", String.valueOf(IDLE_S + 1.5)))));
        }
        Thread.sleep(500); // both servers bound
        for (Family f : Family.values()) {
          String v = f == Family.V6 ? "6" : "4";
          clients.add(CompletableFuture.supplyAsync(() -> out(t.exec(Duration.ofSeconds(20), "", "x/a", "perl", "-e",
              COLLECT, v, t.address("x/a", f).toString(), "40080", t.address("y/b", f).toString(), "80",
              String.valueOf(IDLE_S + 3)))));
        }
        for (int i = 0; i < 2; i++) {
          Family f = Family.values()[i];
          assertThat(servers.get(i).join()).as("%s server", f).isEqualTo("SENT");
          assertThat(clients.get(i).join().lines().toList()).as("%s: what x/a received; %s", f, maps.listed(t))
              .containsExactly("hi", "early");
        }
      } finally {
        d.run(t, ReapplyPolicies.NODE, "detach", "--pin-dir", d.pinDir(t, ReapplyPolicies.NODE).toString());
      }
    } finally {
      Files.deleteIfExists(object);
    }
  }

  private static CompletableFuture<String> connected(Topology t, String from, Family f, int port, String to,
      int toPort, boolean send, double waitSeconds) {
    return CompletableFuture.supplyAsync(() -> out(t.exec(Duration.ofSeconds(10), "", from, "perl", "-e", CONNECTED,
        f == Family.V6 ? "6" : "4", t.address(from, f).toString(), String.valueOf(port),
        t.address(to, f).toString(), String.valueOf(toPort), send ? "1" : "0", String.valueOf(waitSeconds))));
  }

  private static String out(CommandResult r) {
    return r.ok() ? r.stdout().strip() : "ERROR " + r.describe();
  }
}
