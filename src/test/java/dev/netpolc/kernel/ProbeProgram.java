package dev.netpolc.kernel;

import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one process a source namespace runs to make all its connection attempts at once, and the
 * parser of what it prints. It is a small Perl program (Perl is Essential on Debian) with
 * non-blocking sockets and one {@code select} loop: a TCP attempt is reachable when the
 * handshake completes (SYN, SYN-ACK and ACK passed the rules both ways); a UDP attempt sends
 * {@code np<id>} and is reachable only if exactly that datagram comes back from the destination
 * address and port. A reset, an ICMP error or silence until the deadline means blocked.
 *
 * <p>Why not a shell script of socat clients: 648 attempts from 9 sources meant ~2000 processes;
 * on a loaded 2-core machine that took 5-11 s and starved the servers into false "blocked"
 * verdicts. One process per source needs no forks at all.
 */
final class ProbeProgram {

  /**
   * One attempt from an address of the source namespace.
   *
   * @param id          unique within one run
   * @param protocol    TCP or UDP
   * @param source      the address to bind to (the endpoint's own, so node probes leave from the node address)
   * @param destination where to connect
   * @param port        destination port
   */
  record Attempt(int id, Protocol protocol, IpAddress source, IpAddress destination, int port) {

    /** The program's argument for this attempt: {@code id,T|U,4|6,source,destination,port}. */
    String argument() {
      return id + "," + (protocol == Protocol.TCP ? "T" : "U") + "," + (destination.v6() ? "6" : "4") + ","
          + source + "," + destination + "," + port;
    }
  }

  /** select() handles descriptors below 1024; stay well under it per process. */
  static final int MAX_ATTEMPTS_PER_PROCESS = 800;

  private static final Pattern LINE = Pattern.compile("(\\d+) (OK|FAIL)");

  /**
   * The attempt loop, as a Perl sub {@code batch(timeout_ms, attempt...)} that prints "id OK" or
   * "id FAIL" per attempt and closes every socket it opened.
   */
  private static final String BATCH = String.join("\n",
      "use strict; use warnings;",
      "use Socket qw(:all); use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK); use Time::HiRes qw(time);",
      "$| = 1;",
      "our (%tcp, %udp, %sock);",
      "sub sa { my ($f, $addr, $p) = @_; return $f == 6 ? pack_sockaddr_in6($p, inet_pton(AF_INET6, $addr))",
      "  : pack_sockaddr_in($p, inet_aton($addr)); }",
      "sub done { my ($id, $ok) = @_; print $id, $ok ? ' OK' : ' FAIL', \"\\n\";",
      "  close($sock{$id}) if $sock{$id}; delete $tcp{$id}; delete $udp{$id}; delete $sock{$id}; }",
      "sub batch {",
      "my $timeout = shift(@_) / 1000;",
      "%tcp = (); %udp = (); %sock = ();",
      "for (@_) {",
      "  my ($id, $pr, $f, $src, $dst, $port) = split /,/;",
      "  my $af = $f == 6 ? AF_INET6 : AF_INET;",
      "  socket(my $s, $af, $pr eq 'T' ? SOCK_STREAM : SOCK_DGRAM, 0) or die \"socket: $!\";",
      "  bind($s, sa($f, $src, 0)) or die \"bind $src: $!\";",
      "  fcntl($s, F_SETFL, fcntl($s, F_GETFL, 0) | O_NONBLOCK) or die \"fcntl: $!\";",
      "  $sock{$id} = $s;",
      "  if ($pr eq 'T') {",
      "    if (connect($s, sa($f, $dst, $port)) || $!{EINPROGRESS}) { $tcp{$id} = $s; } else { done($id, 0); }",
      "  } else {",
      "    if (connect($s, sa($f, $dst, $port)) && defined send($s, \"np$id\\n\", 0)) { $udp{$id} = $s; }",
      "    else { done($id, 0); }",
      "  }",
      "}",
      "# The clock starts once everything is sent; after it runs out, one last poll still collects",
      "# answers that arrived while this process waited for a CPU.",
      "my $deadline = time() + $timeout;",
      "while (%tcp || %udp) {",
      "  my $left = $deadline - time();",
      "  $left = 0 if $left < 0;",
      "  my ($rin, $win) = ('', '');",
      "  vec($win, fileno($_), 1) = 1 for values %tcp;",
      "  vec($rin, fileno($_), 1) = 1 for values %udp;",
      "  my $n = select(my $rout = $rin, my $wout = $win, undef, $left);",
      "  if ($n > 0) {",
      "    for my $id (keys %tcp) {",
      "      next unless vec($wout, fileno($tcp{$id}), 1);",
      "      done($id, unpack('i', getsockopt($tcp{$id}, SOL_SOCKET, SO_ERROR)) == 0);",
      "    }",
      "    for my $id (keys %udp) {",
      "      next unless vec($rout, fileno($udp{$id}), 1);",
      "      my $got = recv($udp{$id}, my $buf, 256, 0);",
      "      done($id, defined $got && $buf eq \"np$id\\n\");",
      "    }",
      "  }",
      "  last if $left == 0;",
      "}",
      "done($_, 0) for sort { $a <=> $b } (keys %tcp, keys %udp);",
      "}",
      "");

  /** The line that ends each batch's answer in {@link #SERVE}. */
  static final String END = "END";

  /**
   * The attempts as a long-lived process ({@link ProbeSession}): each stdin line is a batch
   * (timeout in ms, then the attempts, separated by spaces); the answer is one line per attempt
   * and then {@value #END}. One process per source for a topology's whole life spares every
   * probe round a process start (a fork, a namespace switch and Perl's start-up, ~60 ms each on
   * these machines).
   */
  static final String SERVE = BATCH + "while (my $line = <STDIN>) { chomp $line; batch(split / /, $line);"
      + " print \"" + END + "\\n\"; }\n";

  /** The stdin line of one batch for {@link #SERVE}. */
  static String batchLine(List<Attempt> attempts, long timeoutMillis) {
    if (attempts.size() > MAX_ATTEMPTS_PER_PROCESS) {
      throw new IllegalArgumentException("at most " + MAX_ATTEMPTS_PER_PROCESS + " attempts per batch");
    }
    StringBuilder sb = new StringBuilder(Long.toString(timeoutMillis));
    attempts.forEach(a -> sb.append(' ').append(a.argument()));
    return sb.toString();
  }

  private ProbeProgram() {}

  /**
   * The outcome per attempt id; throws if a line is malformed or an id is missing or repeated,
   * since that means the program itself broke and no verdict can be trusted.
   */
  static Map<Integer, Boolean> parse(String stdout, List<Attempt> attempts) {
    Map<Integer, Boolean> out = new HashMap<>();
    for (String line : stdout.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        throw new KernelHarnessException("probe program printed an unexpected line: " + line);
      }
      if (out.put(Integer.parseInt(m.group(1)), m.group(2).equals("OK")) != null) {
        throw new KernelHarnessException("probe program reported attempt " + m.group(1) + " twice");
      }
    }
    for (Attempt a : attempts) {
      if (!out.containsKey(a.id())) {
        throw new KernelHarnessException("probe program printed no result for attempt " + a.id() + " (" + a + ")");
      }
    }
    if (out.size() != attempts.size()) {
      throw new KernelHarnessException("probe program reported attempts it was not given: " + out.keySet());
    }
    return out;
  }
}
