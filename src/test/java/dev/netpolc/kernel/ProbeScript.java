package dev.netpolc.kernel;

import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell script one source namespace runs to make all its connection attempts at once, and
 * the parser of what it prints. Each attempt sends the line {@code np<id>} with socat and counts
 * as reachable only if exactly that line comes back, so a stray answer can never pass.
 */
final class ProbeScript {

  /**
   * One attempt from an address of the source namespace.
   *
   * @param id          unique within one script
   * @param protocol    TCP or UDP
   * @param source      the address to bind to (the endpoint's own, so node probes leave from the node address)
   * @param destination where to connect
   * @param port        destination port
   */
  record Attempt(int id, Protocol protocol, IpAddress source, IpAddress destination, int port) {}

  private static final Pattern LINE = Pattern.compile("(\\d+) (OK|FAIL)");

  private ProbeScript() {}

  /**
   * A POSIX sh script that starts every attempt in the background and waits. TCP: connect
   * timeout {@code timeout}, then up to {@code timeout} for the echo. UDP: up to {@code timeout}
   * for the echo after sending; no answer (or an ICMP error) means blocked.
   */
  static String build(List<Attempt> attempts, Duration timeout) {
    String t = seconds(timeout);
    String idle = seconds(timeout.multipliedBy(4));
    StringBuilder s = new StringBuilder();
    s.append("a() {\n")
        .append("  out=$(printf 'np%s\\n' \"$1\" | socat -T").append(idle).append(" -t").append(t)
        .append(" - \"$2\" 2>/dev/null)\n")
        .append("  if [ \"$out\" = \"np$1\" ]; then echo \"$1 OK\"; else echo \"$1 FAIL\"; fi\n")
        .append("}\n");
    for (Attempt a : attempts) {
      s.append("a ").append(a.id()).append(" '").append(socatAddress(a, t)).append("' &\n");
    }
    s.append("wait\n");
    return s.toString();
  }

  /** The socat client address for one attempt, e.g. {@code TCP4:198.18.0.10:80,bind=198.18.0.11,connect-timeout=0.5}. */
  static String socatAddress(Attempt a, String timeoutSeconds) {
    boolean v6 = a.destination().v6();
    String kind = (a.protocol() == Protocol.TCP ? "TCP" : "UDP") + (v6 ? "6" : "4");
    String dst = v6 ? "[" + a.destination() + "]" : a.destination().toString();
    String src = v6 ? "[" + a.source() + "]" : a.source().toString();
    String address = kind + ":" + dst + ":" + a.port() + ",bind=" + src;
    return a.protocol() == Protocol.TCP ? address + ",connect-timeout=" + timeoutSeconds : address;
  }

  /**
   * The outcome per attempt id; throws if a line is malformed or an id is missing or repeated,
   * since that means the script itself broke and no verdict can be trusted.
   */
  static Map<Integer, Boolean> parse(String stdout, List<Attempt> attempts) {
    Map<Integer, Boolean> out = new HashMap<>();
    for (String line : stdout.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        throw new KernelHarnessException("probe script printed an unexpected line: " + line);
      }
      if (out.put(Integer.parseInt(m.group(1)), m.group(2).equals("OK")) != null) {
        throw new KernelHarnessException("probe script reported attempt " + m.group(1) + " twice");
      }
    }
    for (Attempt a : attempts) {
      if (!out.containsKey(a.id())) {
        throw new KernelHarnessException("probe script printed no result for attempt " + a.id() + " (" + a + ")");
      }
    }
    if (out.size() != attempts.size()) {
      throw new KernelHarnessException("probe script reported attempts it was not given: " + out.keySet());
    }
    return out;
  }

  /** Seconds as socat wants them: {@code 0.5}, {@code 2}. */
  static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
  }
}
