package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.iptables.IptablesBackend;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Commands;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.model.IpAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generalised port sets enforced by the real kernel: {@link TieredGraphGen#generalSample} (an
 * Admin tier allowing ICMP echo and denying every other ICMP message, allowing protocol 253 and
 * denying GRE; a NetworkPolicy tier allowing every protocol but UDP from the client) emitted by
 * each backend and loaded in a router namespace that forwards between three one-address
 * namespaces (web 198.18.0.10, client 198.18.0.20, other 198.18.1.5; IPv4 only). Each source
 * sends crafted packets from a raw socket (ICMP of several types with a correct checksum, UDP,
 * GRE, protocols 253 and 254; no {@code ping} here: the echo request is crafted too); an nft counter per probe in the web namespace
 * shows what arrived. The observed decisions equal the IR evaluator's.
 */
@Tag("kernel")
class GeneralPortSetKernelTest {
  private static final String PREFIX = "npgps";
  private static final IpAddress WEB = IpAddress.parse("198.18.0.10");
  private static final IpAddress CLIENT = IpAddress.parse("198.18.0.20");
  private static final IpAddress OTHER = IpAddress.parse("198.18.1.5");
  private static final Duration STEP = Duration.ofSeconds(20);

  /** Args: source, then dst,proto,type,code items; ICMP (1) gets a type/code header with its checksum. */
  private static final String SENDER = String.join("\n",
      "use strict; use warnings; use Socket qw(:all); use Time::HiRes qw(sleep);",
      "sub csum { my $s = 0; for my $w (unpack 'n*', $_[0]) { $s += $w; } $s = ($s >> 16) + ($s & 0xFFFF);",
      "  $s += $s >> 16; return ~$s & 0xFFFF; }",
      "my $src = shift @ARGV;",
      "for my $round (1 .. 2) {",
      "  for (@ARGV) {",
      "    my ($dst, $proto, $type, $code) = split /,/;",
      "    socket(my $s, AF_INET, SOCK_RAW, $proto) or die \"raw socket $proto: $!\";",
      "    bind($s, pack_sockaddr_in(0, inet_aton($src))) or die \"bind $src: $!\";",
      "    my $p;",
      "    if ($proto == 1) { $p = pack('CCnnn', $type, $code, 0, 0x4e50, $round) . 'netpolc!';",
      "      substr($p, 2, 2) = pack('n', csum($p)); }",
      "    elsif ($proto == 17) { $p = pack('nnnn', 40000 + $round, 5353, 16, 0) . 'netpolc!'; }",
      "    else { $p = pack('N', 0) . 'netpolc!'; }",
      "    send($s, $p, 0, pack_sockaddr_in(0, inet_aton($dst))) or die \"send to $dst: $!\";",
      "  }",
      "  sleep 0.02;",
      "}",
      "print \"SENT\\n\";");

  /** One crafted probe: its connection (ICMP type/code in the port) and how it is counted at the web pod. */
  private record Probe(Connection connection, String counterMatch) {}

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, "perl", "nft",
        "iptables-restore", "ipset");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nftables", "iptables"})
  void rawProbesFollowTheIr(String backend) throws Exception {
    RuleGraph g = TieredGraphGen.generalSample(SemanticsOptions.DEFAULTS);
    String run = PREFIX + ProcessHandle.current().pid() % 100000 + backend.charAt(0);
    String router = run + "-r";
    Map<String, IpAddress> pods = new LinkedHashMap<>();
    pods.put(run + "-web", WEB);
    pods.put(run + "-cli", CLIENT);
    pods.put(run + "-oth", OTHER);
    cleanStale();
    try {
      topology(router, pods);
      load(backend, router, g);
      List<Probe> probes = probes();
      countersAtWeb(run + "-web", probes);
      for (IpAddress src : List.of(CLIENT, OTHER)) {
        String ns = src.equals(CLIENT) ? run + "-cli" : run + "-oth";
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "perl", "-e", SENDER, src.toString()));
        for (Probe p : probes) {
          Connection c = p.connection();
          if (c.source().equals(src)) {
            int proto = c.protocol();
            argv.add(c.destination() + "," + proto + "," + (c.port() >> 8) + "," + (c.port() & 0xFF));
          }
        }
        CommandResult r = Commands.run(STEP, null, argv);
        assertThat(r.ok() && r.stdout().contains("SENT")).as("raw sender: %s", r.describe()).isTrue();
      }
      Thread.sleep(300);
      Map<Integer, Long> seen = counted(run + "-web");
      RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
      List<String> failures = new ArrayList<>();
      int allowed = 0;
      for (int i = 0; i < probes.size(); i++) {
        Connection c = probes.get(i).connection();
        boolean want = ir.allows(c);
        boolean got = seen.getOrDefault(i, 0L) > 0;
        allowed += want ? 1 : 0;
        if (want != got) {
          failures.add(backend + ": " + c + " IR " + (want ? "allows" : "denies") + ", kernel "
              + (got ? "delivered" : "dropped"));
        }
      }
      assertThat(failures).as("rules in the router:%n%s", listing(router)).isEmpty();
      assertThat(allowed).as("probes the IR allows").isBetween(3, probes.size() - 3);
      System.out.printf("general port sets (%s): %d raw probes, %d allowed%n", backend, probes.size(), allowed);
    } finally {
      cleanStale();
    }
  }

  /** The probes: ICMP of several types and codes, UDP, GRE, 253 and 254, from the client and the outsider. */
  private static List<Probe> probes() {
    List<Probe> out = new ArrayList<>();
    for (IpAddress src : List.of(CLIENT, OTHER)) {
      for (int[] tc : List.of(new int[] {8, 0}, new int[] {13, 0}, new int[] {3, 1}, new int[] {8, 7})) {
        out.add(new Probe(Connection.icmp(src, WEB, tc[0], tc[1]),
            "icmp type " + tc[0] + " icmp code " + tc[1]));
      }
      // UDP to 5353, the raw sender's destination port
      out.add(new Probe(new Connection(src, WEB, 17, 5353), "udp dport 5353"));
      for (int proto : List.of(47, 253, 254)) {
        out.add(new Probe(new Connection(src, WEB, proto, 0), "meta l4proto " + proto));
      }
    }
    return out;
  }

  private static void topology(String router, Map<String, IpAddress> pods) {
    StringBuilder sh = new StringBuilder("set -e\n");
    sh.append("ip netns add ").append(router).append('\n');
    sh.append("ip netns exec ").append(router).append(" sysctl -qw net.ipv4.ip_forward=1\n");
    sh.append("ip -n ").append(router).append(" link set lo up\n");
    int k = 0;
    for (Map.Entry<String, IpAddress> e : pods.entrySet()) {
      String ns = e.getKey();
      String side = "gp" + k++;
      sh.append("ip netns add ").append(ns).append('\n');
      sh.append("ip -n ").append(ns).append(" link set lo up\n");
      sh.append("ip link add ").append(side).append(" netns ").append(router).append(" type veth peer name eth0 netns ")
          .append(ns).append('\n');
      sh.append("ip -n ").append(router).append(" addr add 198.18.255.1/32 dev ").append(side).append('\n');
      sh.append("ip -n ").append(router).append(" link set ").append(side).append(" up\n");
      sh.append("ip -n ").append(router).append(" route add ").append(e.getValue()).append("/32 dev ").append(side)
          .append('\n');
      sh.append("ip -n ").append(ns).append(" addr add ").append(e.getValue()).append("/32 dev eth0\n");
      sh.append("ip -n ").append(ns).append(" link set eth0 up\n");
      sh.append("ip -n ").append(ns).append(" route add 198.18.255.1/32 dev eth0\n");
      sh.append("ip -n ").append(ns).append(" route add default via 198.18.255.1 dev eth0\n");
    }
    Commands.run(STEP, sh.toString(), List.of("bash", "-s")).orThrow();
  }

  private static void load(String backend, String router, RuleGraph g) throws BackendException, IOException {
    Artifact a = backend.equals("nftables") ? new NftablesBackend().emit(g, BackendOptions.DEFAULTS)
        : new IptablesBackend().emit(g, BackendOptions.DEFAULTS);
    Path dir = Files.createTempDirectory("np-gps-");
    try {
      for (Map.Entry<String, String> f : a.files().entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
      }
      List<String> cmd = List.of("ip", "netns", "exec", router, "bash", dir.resolve("apply.sh").toString());
      if (backend.equals("nftables")) {
        Path f = Files.writeString(dir.resolve("netpolc-ruleset.nft"), a.primary(), StandardCharsets.UTF_8);
        cmd = List.of("ip", "netns", "exec", router, "nft", "-f", f.toString());
      }
      CommandResult r = Commands.run(Duration.ofSeconds(60), null, cmd);
      assertThat(r.ok()).as("loading the %s artifact: %s%n%s", backend, r.describe(), a.files()).isTrue();
    } finally {
      try (var s = Files.list(dir)) {
        for (Path f : s.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static void countersAtWeb(String ns, List<Probe> probes) {
    StringBuilder sb = new StringBuilder("table inet gp_probe {\n  chain count {\n"
        + "    type filter hook prerouting priority -300; policy accept;\n");
    for (int i = 0; i < probes.size(); i++) {
      Probe p = probes.get(i);
      sb.append("    ip saddr ").append(p.connection().source()).append(' ').append(p.counterMatch())
          .append(" counter comment \"probe ").append(i).append("\"\n");
    }
    sb.append("  }\n}\n");
    Commands.run(STEP, sb.toString(), List.of("ip", "netns", "exec", ns, "nft", "-f", "-")).orThrow();
  }

  private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes \\d+ comment \"probe (\\d+)\"");

  private static Map<Integer, Long> counted(String ns) {
    CommandResult r = Commands.run(STEP, "ip", "netns", "exec", ns, "nft", "list", "table", "inet", "gp_probe")
        .orThrow();
    Map<Integer, Long> out = new LinkedHashMap<>();
    Matcher m = COUNTER.matcher(r.stdout());
    while (m.find()) {
      out.put(Integer.parseInt(m.group(2)), Long.parseLong(m.group(1)));
    }
    return out;
  }

  private static String listing(String router) {
    return Commands.run(STEP, "ip", "netns", "exec", router, "nft", "list", "ruleset").stdout();
  }

  /** Deletes every namespace of this test (this run's and any a killed run left). */
  private static void cleanStale() {
    CommandResult r = Commands.run(STEP, "ip", "netns", "list");
    for (String line : r.stdout().split("\n")) {
      String name = line.split(" ")[0];
      if (name.startsWith(PREFIX)) {
        Commands.run(STEP, "ip", "netns", "del", name);
      }
    }
  }
}
