package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
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
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.SourcePosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reference datapath deciding ICMP by type and code, whole protocols without ports, and
 * other-protocols complements, on one node with three pods (PTP), both families, against
 * {@link RuleGraphEvaluator} and the eBPF simulator. A hand-built tiered graph:
 * <ul>
 *   <li>x/a (ingress isolated): NetworkPolicy allows echo requests (ICMP 8, ICMPv6 128) and
 *       protocol 253 from x/b and y/a; an Admin Deny of every protocol but ICMP and ICMPv6 from
 *       y/a (Calico's {@code notProtocol}) takes 253 away from y/a but leaves it echo;</li>
 *   <li>x/b (not isolated): an Admin Deny of timestamp requests (ICMP 13, ICMPv6 200) from x/a, an
 *       Admin Allow of 253 from y/a before a Baseline Deny of 253 from everyone;</li>
 *   <li>y/a (egress isolated): NetworkPolicy allows every protocol but 254 to x/a and x/b.</li>
 * </ul>
 * Echo requests go out through a raw socket and count as delivered when their reply comes back
 * (the reply passes as established); every other message (timestamp or type 200, an unsolicited
 * echo reply, protocols 253 and 254) carries a tag that a raw-socket listener in the destination
 * records. Per pair the echo is sent first with the identifier the later messages use, so an
 * allowed echo must not let the timestamp or the unsolicited reply through as tracked; each pair
 * has its own identifier (an echo reply to an earlier echo the other way would rightly pass).
 * The pairs go in two rounds, one way then the other, each on freshly loaded maps with empty
 * conntrack, as a packet the other way of a protocol without ports is a tracked reply.
 */
@Tag("kernel")
class EbpfIcmpProtocolsKernelTest {
  private static final String NODE = "node0";
  private static final List<String> PODS = List.of("x/a", "x/b", "y/a");
  private static final int ID = 0x4e50;

  /** One message: ICMP type/code (proto 1 or 58), or a protocol without ports. */
  private record Msg(String name, int protocol, int type, int code) {
    Connection connection(IpAddress s, IpAddress d) {
      return protocol < 0 ? Connection.icmp(s, d, type, code) : new Connection(s, d, protocol, 0);
    }

    boolean echo() {
      return protocol < 0 && (type == 8 || type == 128);
    }
  }

  private static List<Msg> messages(Family f) {
    boolean v6 = f == Family.V6;
    return List.of(new Msg("echo", -1, v6 ? 128 : 8, 0), new Msg(v6 ? "icmpv6-200" : "timestamp", -1, v6 ? 200 : 13,
        0), new Msg("unsolicited-echo-reply", -1, v6 ? 129 : 0, 0), new Msg("proto-253", 253, 0, 0),
        new Msg("proto-254", 254, 0, 0));
  }

  /**
   * Args: family me peer id then messages "tag:proto:type:code" (proto 0 for ICMP/ICMPv6). Sends
   * each in order from a raw socket; an echo request waits up to a second for its reply and prints
   * "tag REPLY" or "tag TIMEOUT"; others print "tag SENT". The kernel adds the IP header and, for
   * ICMPv6, the checksum.
   */
  private static final String SEND = String.join(" ",
      "use Socket qw(:all);",
      "my ($f, $me, $peer, $id, @msgs) = @ARGV; $| = 1;",
      "my $af = $f == 6 ? AF_INET6 : AF_INET;",
      "my $pack = sub { $af == AF_INET6 ? pack_sockaddr_in6(0, inet_pton(AF_INET6, $_[0]))"
          + " : pack_sockaddr_in(0, inet_aton($_[0])) };",
      "for my $m (@msgs) {",
      "  my ($tag, $proto, $type, $code) = split /:/, $m;",
      "  my $icmp = $proto == 0; my $p = $icmp ? ($f == 6 ? 58 : 1) : $proto;",
      "  socket(my $s, $af, SOCK_RAW, $p) or die \"socket: $!\";",
      "  bind($s, $pack->($me)) or die \"bind: $!\";",
      "  my $msg = \"np:$tag;\";",
      "  if ($icmp) {",
      "    $msg = pack(\"CCnnn\", $type, $code, 0, $id, 1) . $msg;",
      "    if ($f == 4) { my $sum = 0; $sum += $_ for unpack(\"n*\", $msg . (length($msg) % 2 ? \"\\0\" : \"\"));",
      "      $sum = ($sum >> 16) + ($sum & 0xffff) while $sum >> 16;",
      "      substr($msg, 2, 2) = pack(\"n\", ~$sum & 0xffff); }",
      "  }",
      "  send($s, $msg, 0, $pack->($peer)) or die \"send: $!\";",
      "  if ($icmp && ($type == 8 || $type == 128)) {",
      "    my $want = $type == 8 ? 0 : 129; my $got = \"TIMEOUT\"; my $end = time() + 1;",
      "    while ((my $left = $end - time()) > 0) {",
      "      my $rin = \"\"; vec($rin, fileno($s), 1) = 1;",
      "      last unless select(my $r = $rin, undef, undef, $left) > 0;",
      "      recv($s, my $buf, 65535, 0);",
      "      $buf = substr($buf, (ord($buf) & 0xf) * 4) if $f == 4;",
      "      my ($t, $c, $sum, $rid) = unpack(\"CCnn\", $buf);",
      "      if ($t == $want && $rid == $id && index($buf, \"np:$tag;\") >= 0) { $got = \"REPLY\"; last; }",
      "    }",
      "    print \"$tag $got\\n\";",
      "  } else { print \"$tag SENT\\n\"; }",
      "}");

  /**
   * Args: family seconds. Raw sockets for ICMP (or ICMPv6), 253 and 254; prints the tag of every
   * tagged packet that arrives within the time, one per line.
   */
  private static final String LISTEN = String.join(" ",
      "use Socket qw(:all); use Time::HiRes qw(time);",
      "my ($f, $secs) = @ARGV; $| = 1;",
      "my $af = $f == 6 ? AF_INET6 : AF_INET; my @s;",
      "for my $p ($f == 6 ? 58 : 1, 253, 254) { socket(my $s, $af, SOCK_RAW, $p) or die \"socket: $!\"; push @s, $s; }",
      "print \"READY\\n\"; my $end = time() + $secs;",
      "while ((my $left = $end - time()) > 0) {",
      "  my $rin = \"\"; vec($rin, fileno($_), 1) = 1 for @s;",
      "  last unless select(my $r = $rin, undef, undef, $left) > 0;",
      "  for my $s (@s) { next unless vec($r, fileno($s), 1);",
      "    recv($s, my $buf, 65535, 0); print \"$1\\n\" if $buf =~ /np:([a-z0-9-]+);/; }",
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

  @Test
  void icmpTypesAndWholeProtocolsAreEnforcedAsTheRuleGraphDecides() throws Exception {
    Topology.Builder tb = Topology.builder().mode(Topology.Mode.PTP).node(NODE);
    PODS.forEach(p -> tb.pod(p, NODE));
    EbpfDatapath d = EbpfDatapath.shared();
    try (Topology t = tb.build()) {
      RuleGraph graph = graph(t);
      Artifact artifact = EbpfNodeArtifacts.backend().emit(graph, BackendOptions.DEFAULTS);
      ConnectionDecider sim = EbpfNodeArtifacts.backend().simulator(artifact, SimulationContext.of(graph));
      RuleGraphEvaluator ref = new RuleGraphEvaluator(graph);
      Map<IpAddress, String> nodeOf = new LinkedHashMap<>();
      for (String e : PODS) {
        for (Family f : Family.values()) {
          nodeOf.put(t.address(e, f), NODE);
        }
      }
      EbpfNodeArtifacts maps = new EbpfNodeArtifacts(Map.of(NODE, artifact), Map.of(NODE, graph), nodeOf);
      // tag -> expected delivery, in sending order per (family, from, to)
      Map<String, Boolean> expected = new LinkedHashMap<>();
      Map<String, Connection> byTag = new LinkedHashMap<>();
      for (Family f : Family.values()) {
        for (String from : PODS) {
          for (String to : PODS) {
            if (!from.equals(to)) {
              for (Msg m : messages(f)) {
                Connection c = m.connection(t.address(from, f), t.address(to, f));
                boolean want = ref.allows(c);
                assertThat(sim.allows(c)).as("simulator, %s", c).isEqualTo(want);
                String tag = tag(f, from, to, m);
                expected.put(tag, want);
                byTag.put(tag, c);
              }
            }
          }
        }
      }
      // The graph must show what it is meant to (a change that lost a case would pass silently).
      for (Family f : Family.values()) {
        assertThat(expected.get(tag(f, "x/b", "x/a", messages(f).get(0)))).as("echo allowed").isTrue();
        assertThat(expected.get(tag(f, "x/b", "x/a", messages(f).get(1)))).as("other type isolated").isFalse();
        assertThat(expected.get(tag(f, "x/b", "x/a", messages(f).get(2)))).as("unsolicited reply").isFalse();
        assertThat(expected.get(tag(f, "x/b", "x/a", messages(f).get(3)))).as("253 allowed").isTrue();
        assertThat(expected.get(tag(f, "y/a", "x/a", messages(f).get(0)))).as("notProtocol skips ICMP").isTrue();
        assertThat(expected.get(tag(f, "y/a", "x/a", messages(f).get(3)))).as("notProtocol denies 253").isFalse();
        assertThat(expected.get(tag(f, "x/a", "x/b", messages(f).get(1)))).as("Admin Deny of one type").isFalse();
        assertThat(expected.get(tag(f, "x/a", "x/b", messages(f).get(2)))).as("not isolated").isTrue();
        assertThat(expected.get(tag(f, "x/a", "x/b", messages(f).get(3)))).as("Baseline Deny of 253").isFalse();
        assertThat(expected.get(tag(f, "y/a", "x/b", messages(f).get(3)))).as("Admin Allow of 253").isTrue();
        assertThat(expected.get(tag(f, "y/a", "x/b", messages(f).get(4)))).as("egress but 254").isFalse();
        assertThat(expected.get(tag(f, "x/b", "y/a", messages(f).get(4)))).as("y/a ingress open").isTrue();
      }
      // Two rounds, each on freshly loaded maps (detach empties conntrack): pairs one way, then
      // the other, so that no message is a tracked reply of the reverse probe (a protocol without
      // ports is tracked by addresses alone, and its reverse rightly passes as a reply).
      Map<String, Boolean> seen = new LinkedHashMap<>();
      String listed = "";
      for (boolean forward : List.of(true, false)) {
        try {
          maps.load(t);
          seen.putAll(probe(t, forward));
          listed = maps.listed(t);
        } finally {
          d.run(t, NODE, "detach", "--pin-dir", d.pinDir(t, NODE).toString());
        }
      }
      List<String> wrong = new ArrayList<>();
      expected.forEach((tag, want) -> {
        Boolean got = seen.get(tag);
        if (!want.equals(got)) {
          wrong.add(byTag.get(tag) + " (" + tag + "): expected " + (want ? "delivered" : "dropped") + ", kernel "
              + (got == null ? "no result" : got ? "delivered" : "dropped"));
        }
      });
      assertThat(wrong).as("kernel vs the rule graph\n%s\n%s", graph, listed).isEmpty();
    }
  }

  /**
   * Per tag, whether the kernel delivered it (echo: its reply came back), for the pairs whose
   * source comes before the destination in {@link #PODS} ({@code forward}) or after it.
   */
  private static Map<String, Boolean> probe(Topology t, boolean forward) throws InterruptedException {
    Map<String, Boolean> seen = new LinkedHashMap<>();
    Set<String> arrived = new TreeSet<>();
    for (Family f : Family.values()) {
      String v = f == Family.V6 ? "6" : "4";
      List<CompletableFuture<CommandResult>> listeners = new ArrayList<>();
      for (String pod : PODS) {
        listeners.add(CompletableFuture.supplyAsync(() -> t.exec(Duration.ofSeconds(30), "", pod, "perl", "-e",
            LISTEN, v, "8")));
      }
      Thread.sleep(1000); // every listener's sockets open
      int id = ID;
      for (String from : PODS) {
        for (String to : PODS) {
          if (from.equals(to) || PODS.indexOf(from) < PODS.indexOf(to) != forward) {
            continue;
          }
          List<String> args = new ArrayList<>(List.of("perl", "-e", SEND, v, t.address(from, f).toString(),
              t.address(to, f).toString(), String.valueOf(id++)));
          for (Msg m : messages(f)) {
            args.add(tag(f, from, to, m) + ":" + Math.max(m.protocol(), 0) + ":" + m.type() + ":" + m.code());
          }
          CommandResult r = t.exec(Duration.ofSeconds(20), "", from, args.toArray(String[]::new)).orThrow();
          for (String line : r.stdout().strip().split("\n")) {
            String[] parts = line.split(" ");
            if (parts[1].equals("REPLY") || parts[1].equals("TIMEOUT")) {
              seen.put(parts[0], parts[1].equals("REPLY"));
            }
          }
        }
      }
      for (CompletableFuture<CommandResult> l : listeners) {
        CommandResult r = l.join().orThrow();
        r.stdout().lines().filter(s -> !s.equals("READY")).forEach(arrived::add);
      }
    }
    for (Family f : Family.values()) {
      for (String from : PODS) {
        for (String to : PODS) {
          for (Msg m : messages(f)) {
            String tag = tag(f, from, to, m);
            if (!from.equals(to) && PODS.indexOf(from) < PODS.indexOf(to) == forward && !m.echo()) {
              seen.put(tag, arrived.contains(tag));
            }
          }
        }
      }
    }
    return seen;
  }

  private static String tag(Family f, String from, String to, Msg m) {
    return (f == Family.V6 ? "v6-" : "v4-") + from.replace("/", "") + "-" + to.replace("/", "") + "-" + m.name();
  }

  /** The graph over the topology's addresses (see the class comment). */
  private static RuleGraph graph(Topology t) {
    RuleGraph.Builder b = RuleGraph.builder(SemanticsOptions.DEFAULTS).node(Optional.of(NODE))
        .nodeAddresses(NODE, addresses(t, NODE));
    Map<String, String> groups = new LinkedHashMap<>();
    for (String pod : PODS) {
      Endpoint e = new Endpoint(pod, List.of(t.address(pod, Family.V4), t.address(pod, Family.V6)), Optional.of(NODE));
      EndpointGroup g = EndpointGroup.of(List.of(e), pod.equals("x/a"), pod.equals("y/a"));
      groups.put(pod, g.id());
      b.addGroup(g);
    }
    PortSet echo = PortSet.of(Map.of(1, List.of(type(8)), 58, List.of(type(128))));
    PortSet p253 = PortSet.wholeProtocol(253);
    PortSet butIcmp = PortSet.of(Map.of(1, List.of(), 58, List.of()), true);
    PortSet timestamp = PortSet.of(Map.of(1, List.of(type(13)), 58, List.of(type(200))));
    PortSet but254 = PortSet.of(Map.of(254, List.of()), true);
    String xa = groups.get("x/a");
    b.addRule(rule(Direction.INGRESS, Tier.ADMIN, 10, xa, addresses(t, "y/a"), butIcmp, Action.DENY, "admin-not-icmp"));
    b.addRule(rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, xa, addresses(t, "x/b").union(addresses(t, "y/a")),
        echo.union(p253), Action.ALLOW, "np-echo-253"));
    String xb = groups.get("x/b");
    b.addRule(rule(Direction.INGRESS, Tier.ADMIN, 5, xb, addresses(t, "x/a"), timestamp, Action.DENY, "admin-ts"));
    b.addRule(rule(Direction.INGRESS, Tier.ADMIN, 6, xb, addresses(t, "y/a"), p253, Action.ALLOW, "admin-253"));
    b.addRule(rule(Direction.INGRESS, Tier.BASELINE, 0, xb, AddressSet.ALL, p253, Action.DENY, "baseline-253"));
    String ya = groups.get("y/a");
    b.addRule(rule(Direction.EGRESS, Tier.NETWORK_POLICY, 0, ya, addresses(t, "x/a").union(addresses(t, "x/b")),
        but254, Action.ALLOW, "np-but-254"));
    return b.build();
  }

  /** Every code of one ICMP type, as {@code type * 256 + code}. */
  private static PortRange type(int type) {
    return new PortRange(type << 8, (type << 8) + 255);
  }

  private static AddressSet addresses(Topology t, String endpoint) {
    return AddressSet.ofAddresses(List.of(t.address(endpoint, Family.V4), t.address(endpoint, Family.V6)));
  }

  private static Rule rule(Direction d, Tier tier, int priority, String group, AddressSet peers, PortSet ports,
      Action action, String policy) {
    return new Rule(d, tier, priority, group, peers, ports, action,
        List.of(new Origin("icmp/" + policy, d, 0, SourcePosition.UNKNOWN)));
  }
}
