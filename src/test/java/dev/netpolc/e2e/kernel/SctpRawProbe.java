package dev.netpolc.e2e.kernel;

import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.IpAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SCTP without SCTP sockets: this kernel has no {@code CONFIG_IP_SCTP}, but netfilter still
 * parses, tracks and filters SCTP. A source pod sends a well-formed SCTP INIT (correct CRC32c,
 * verification tag 0, so conntrack takes it as a new association, not as invalid) from a raw
 * socket ({@code socket(AF_INET, SOCK_RAW, 132)}); the destination pod counts what arrives with an
 * nft counter per source address in its own namespace. A counted packet means the nodes let the
 * new association through.
 */
final class SctpRawProbe {

  /** The table put in each destination pod. */
  static final String TABLE = "sctp_probe";

  /** Args: source, then destination,port pairs. Sends two INITs per destination, 20 ms apart. */
  private static final String SENDER = String.join("\n",
      "use strict; use warnings; use Socket qw(:all); use Time::HiRes qw(sleep);",
      "sub crc32c { my $c = 0xFFFFFFFF; for my $b (unpack 'C*', $_[0]) { $c ^= $b;",
      "  for (1 .. 8) { $c = ($c & 1) ? (($c >> 1) ^ 0x82F63B78) : ($c >> 1); } } return $c ^ 0xFFFFFFFF; }",
      "sub sa { my ($a) = @_; return $a =~ /:/ ? pack_sockaddr_in6(0, inet_pton(AF_INET6, $a))",
      "  : pack_sockaddr_in(0, inet_aton($a)); }",
      "my $src = shift @ARGV;",
      "my $af = $src =~ /:/ ? AF_INET6 : AF_INET;",
      "socket(my $s, $af, SOCK_RAW, 132) or die \"raw socket: $!\";",
      "bind($s, sa($src)) or die \"bind $src: $!\";",
      "for my $round (1 .. 2) {",
      "  for (@ARGV) {",
      "    my ($dst, $port) = split /,/;",
      "    # Common header (vtag 0) and one INIT chunk: tag, a_rwnd, 1 out / 1 in stream, TSN.",
      "    my $p = pack('nnNN', 40000 + $round, $port, 0, 0) . pack('CCnNNnnN', 1, 0, 20, 0x1234567, 65535, 1, 1, 1);",
      "    substr($p, 8, 4) = pack('V', crc32c($p));",
      "    send($s, $p, 0, sa($dst)) or die \"send to $dst: $!\";",
      "  }",
      "  sleep 0.02;",
      "}",
      "print \"SENT\\n\";");

  private static final Pattern COUNTED =
      Pattern.compile("ip6? saddr (\\S+) sctp dport (\\d+) counter packets (\\d+) bytes \\d+");

  private SctpRawProbe() {}

  /**
   * Installs the counting table in each destination pod: one counter per (source address, port).
   *
   * @param destinations pod key → the (source address, port) pairs to count there
   */
  static void installCounters(Topology t, Map<String, List<Map.Entry<IpAddress, Integer>>> destinations) {
    destinations.forEach((pod, sources) -> {
      StringBuilder sb = new StringBuilder("table inet " + TABLE + "\ndelete table inet " + TABLE + "\ntable inet "
          + TABLE + " {\n  chain count {\n    type filter hook prerouting priority -300; policy accept;\n");
      for (Map.Entry<IpAddress, Integer> e : sources) {
        sb.append("    ").append(e.getKey().v6() ? "ip6" : "ip").append(" saddr ").append(e.getKey())
            .append(" sctp dport ").append(e.getValue()).append(" counter\n");
      }
      sb.append("  }\n}\n");
      t.loadNftables(pod, sb.toString());
    });
  }

  /** Sends from {@code fromEndpoint} (bound to {@code source}) to each (destination address, port). */
  static void send(Topology t, String fromEndpoint, IpAddress source, List<Map.Entry<IpAddress, Integer>> targets) {
    List<String> argv = new ArrayList<>(List.of("perl", "-e", SENDER, source.toString()));
    targets.forEach(e -> argv.add(e.getKey() + "," + e.getValue()));
    CommandResult r = t.exec(Duration.ofSeconds(20), null, fromEndpoint, argv.toArray(String[]::new));
    if (!r.ok() || !r.stdout().contains("SENT")) {
      throw new AssertionError("SCTP raw sender in " + fromEndpoint + " failed: " + r.describe());
    }
  }

  /** (source address, port) → packets counted in pod {@code pod}. */
  static Map<String, Long> counted(Topology t, String pod) {
    CommandResult r = t.exec(pod, "nft", "list", "table", "inet", TABLE).orThrow();
    Map<String, Long> out = new LinkedHashMap<>();
    Matcher m = COUNTED.matcher(r.stdout());
    while (m.find()) {
      out.put(m.group(1) + "," + m.group(2), Long.parseLong(m.group(3)));
    }
    return out;
  }
}
