package dev.netpolc.kernel;

import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell script that runs one endpoint's echo servers and reports when they all listen.
 *
 * <p>TCP: one {@code socat TCP-LISTEN,fork PIPE} per port and family. UDP: one small Perl loop
 * (Perl is Essential on Debian) answering every UDP socket of the endpoint without forking.
 * socat's {@code UDP-RECVFROM,fork} forks per datagram: measured with 300 concurrent clients
 * and a 300 ms timeout on a loaded 2-core machine it answered 4, the Perl loop all 300.
 */
final class ServerScript {

  /** Printed once every server socket is listening. */
  static final String READY = "READY";

  /** Args: {@code family,address,port} per socket; echoes each datagram back to its sender. */
  private static final String UDP_ECHO = String.join(" ",
      "use Socket qw(:all);",
      "my @s;",
      "for (@ARGV) {",
      "  my ($f, $a, $p) = split /,/;",
      "  my $af = $f == 6 ? AF_INET6 : AF_INET;",
      "  socket(my $s, $af, SOCK_DGRAM, 0) or die \"socket: $!\";",
      "  if ($af == AF_INET6) { setsockopt($s, IPPROTO_IPV6, IPV6_V6ONLY, 1) or die \"v6only: $!\"; }",
      "  my $sa = $af == AF_INET6 ? pack_sockaddr_in6($p, inet_pton(AF_INET6, $a))"
          + " : pack_sockaddr_in($p, inet_aton($a));",
      "  bind($s, $sa) or die \"udp echo: bind $a port $p: $!\";",
      "  push @s, $s;",
      "}",
      "my $rin = \"\"; vec($rin, fileno($_), 1) = 1 for @s;",
      "while (1) {",
      "  select(my $rout = $rin, undef, undef, undef) > 0 or next;",
      "  for my $s (@s) {",
      "    next unless vec($rout, fileno($s), 1);",
      "    my $peer = recv($s, my $buf, 65535, 0);",
      "    send($s, $buf, 0, $peer) if defined $peer;",
      "  }",
      "}");

  private ServerScript() {}

  /**
   * Servers for every port spec, in both families, each bound to the endpoint's own address (so
   * replies leave from the address that was asked), then a wait until {@code ss} shows them all
   * listening, then {@link #READY}.
   */
  static String build(IpAddress v4, IpAddress v6, List<PortSpec> ports) {
    StringBuilder s = new StringBuilder("base=$(ss -Hltun | wc -l)\n");
    List<String> udp = new ArrayList<>();
    for (PortSpec p : ports) {
      if (p.protocol() == Protocol.TCP) {
        s.append("socat TCP4-LISTEN:").append(p.port()).append(",bind=").append(v4)
            .append(",fork,reuseaddr,backlog=1024 PIPE &\n");
        s.append("socat TCP6-LISTEN:").append(p.port()).append(",bind=[").append(v6)
            .append("],ipv6only=1,fork,reuseaddr,backlog=1024 PIPE &\n");
      } else {
        udp.add("4," + v4 + "," + p.port());
        udp.add("6," + v6 + "," + p.port());
      }
    }
    if (!udp.isEmpty()) {
      s.append("perl -e '").append(UDP_ECHO).append("' ").append(String.join(" ", udp)).append(" &\n");
    }
    s.append("want=$((base + ").append(2 * ports.size()).append("))\n")
        .append("i=0\n")
        .append("while [ \"$(ss -Hltun | wc -l)\" -lt \"$want\" ]; do\n")
        .append("  i=$((i + 1)); if [ \"$i\" -ge 500 ]; then echo NOT-READY; ss -Hltun >&2; exit 1; fi\n")
        .append("  sleep 0.02\n")
        .append("done\n")
        .append("echo ").append(READY).append('\n')
        .append("wait\n");
    return s.toString();
  }
}
