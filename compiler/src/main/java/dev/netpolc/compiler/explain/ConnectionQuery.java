package dev.netpolc.compiler.explain;

import dev.netpolc.compiler.Connection;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns what a person types into a {@link Connection}: endpoints as {@code NS/POD} (an active pod
 * of the inventory) or an IP address; a port as a number or a container-port name resolved on the
 * destination pod, optionally with {@code /PROTO}; a protocol {@code TCP} (default), {@code UDP},
 * {@code SCTP}, or a portless one ({@code ICMP}, {@code ICMPv6}, or an IP protocol number) which
 * takes no port; a family {@code ipv4}/{@code ipv6} or, by default, the first family both ends
 * have (IPv4 first); for ICMP and ICMPv6 optionally the message's type and code (0-255 each, the
 * code 0 when only the type is given; without a type, type and code 0), which Calico's
 * {@code icmp}/{@code notICMP} matches tell apart ({@link Connection#icmp}). Every mistake is an
 * {@link IllegalArgumentException} whose message says what is wrong.
 */
public final class ConnectionQuery {
  private ConnectionQuery() {}

  /**
   * The connection described by the arguments.
   *
   * @param cluster  the inventory the pods are looked up in
   * @param from     {@code NS/POD} or an address
   * @param to       {@code NS/POD} or an address
   * @param port     {@code PORT}, {@code NAME} or either with {@code /PROTO}; null for portless protocols
   * @param protocol the protocol, or null (TCP, or the one given after the port)
   * @param family   {@code ipv4}, {@code ipv6} or null
   */
  public static Connection parse(Cluster cluster, String from, String to, String port, String protocol,
      String family) {
    return parse(cluster, from, to, port, protocol, family, null, null);
  }

  /**
   * The connection described by the arguments, with an ICMP type and code.
   *
   * @param cluster  the inventory the pods are looked up in
   * @param from     {@code NS/POD} or an address
   * @param to       {@code NS/POD} or an address
   * @param port     {@code PORT}, {@code NAME} or either with {@code /PROTO}; null for portless protocols
   * @param protocol the protocol, or null (TCP, or the one given after the port)
   * @param family   {@code ipv4}, {@code ipv6} or null
   * @param icmpType the ICMP type (0-255), or null; only with protocol ICMP or ICMPv6
   * @param icmpCode the ICMP code (0-255), or null (0); only with {@code icmpType}
   */
  public static Connection parse(Cluster cluster, String from, String to, String port, String protocol,
      String family, Integer icmpType, Integer icmpCode) {
    String portText = port;
    String protoText = protocol;
    if (port != null && port.contains("/")) {
      int slash = port.indexOf('/');
      portText = port.substring(0, slash);
      String p = port.substring(slash + 1);
      if (protocol != null && !protocol.equalsIgnoreCase(p)) {
        throw new IllegalArgumentException("--port says " + p + " but --protocol says " + protocol);
      }
      protoText = p;
    }
    int protoNumber = protocolNumber(protoText == null ? "TCP" : protoText);
    Optional<Protocol> portProto = Protocol.ofNumber(protoNumber);
    if (portProto.isPresent() && (portText == null || portText.isEmpty())) {
      throw new IllegalArgumentException("--port is required for " + portProto.get());
    }
    if (portProto.isEmpty() && portText != null) {
      throw new IllegalArgumentException("protocol " + protoText + " has no ports; leave out --port");
    }
    int icmp = icmpMessage(protoNumber, icmpType, icmpCode);
    Optional<Boolean> v6 = Optional.empty();
    if (family != null) {
      String f = family.toLowerCase(Locale.ROOT);
      if (!f.equals("ipv4") && !f.equals("ipv6")) {
        throw new IllegalArgumentException("--family must be ipv4 or ipv6, not '" + family + "'");
      }
      v6 = Optional.of(f.equals("ipv6"));
    }
    End src = end(cluster, from, "--from");
    End dst = end(cluster, to, "--to");
    boolean useV6 = v6.orElseGet(() -> !(src.has(false) && dst.has(false)) && src.has(true) && dst.has(true));
    IpAddress sa = src.address(useV6, "--from");
    IpAddress da = dst.address(useV6, "--to");
    int portNumber = 0;
    if (portProto.isPresent()) {
      portNumber = portNumber(portText, portProto.get(), dst);
    }
    return new Connection(sa, da, protoNumber, Connection.isIcmpProtocol(protoNumber) ? icmp : portNumber);
  }

  /**
   * {@code type * 256 + code} for an ICMP or ICMPv6 query (0 without a type), after checking that
   * the options fit the protocol. Public so that other commands check {@code --icmp-type} and
   * {@code --icmp-code} alike.
   *
   * @param protocol the IP protocol number
   * @param type     the ICMP type, or null
   * @param code     the ICMP code, or null
   * @throws IllegalArgumentException when a type or code is given for another protocol, a code
   *     without a type, or either is outside 0-255
   */
  public static int icmpMessage(int protocol, Integer type, Integer code) {
    if (code != null && type == null) {
      throw new IllegalArgumentException("--icmp-code needs --icmp-type");
    }
    if (type == null) {
      return 0;
    }
    if (!Connection.isIcmpProtocol(protocol)) {
      throw new IllegalArgumentException("--icmp-type and --icmp-code apply to --protocol icmp or icmpv6 only");
    }
    if (type < 0 || type > 255) {
      throw new IllegalArgumentException("--icmp-type " + type + " is not in 0-255");
    }
    int c = code == null ? 0 : code;
    if (c < 0 || c > 255) {
      throw new IllegalArgumentException("--icmp-code " + c + " is not in 0-255");
    }
    return type * 256 + c;
  }

  private static int protocolNumber(String text) {
    String t = text.toUpperCase(Locale.ROOT);
    Optional<Protocol> p = Protocol.parse(t);
    if (p.isPresent()) {
      return p.get().number();
    }
    if (t.equals("ICMP")) {
      return Protocol.ICMP;
    }
    if (t.equals("ICMPV6")) {
      return Protocol.ICMPV6;
    }
    if (!t.isEmpty() && t.length() <= 3 && t.chars().allMatch(Character::isDigit) && Integer.parseInt(t) <= 255) {
      return Integer.parseInt(t);
    }
    throw new IllegalArgumentException("unknown protocol '" + text + "' (TCP, UDP, SCTP, ICMP, ICMPv6 or 0-255)");
  }

  private static int portNumber(String text, Protocol proto, End dst) {
    if (text.chars().allMatch(Character::isDigit)) {
      int n = text.length() > 5 ? -1 : Integer.parseInt(text);
      if (n < 1 || n > 65535) {
        throw new IllegalArgumentException("port " + text + " is not in 1-65535");
      }
      return n;
    }
    if (dst.pod.isEmpty()) {
      throw new IllegalArgumentException("named port " + text + " needs a pod as --to");
    }
    return dst.pod.get().namedPort(text, proto).orElseThrow(() -> new IllegalArgumentException(
        "pod " + dst.pod.get().key() + " has no " + proto + " container port named " + text));
  }

  private record End(Optional<Pod> pod, Optional<IpAddress> ip) {
    boolean has(boolean v6) {
      return ip.map(a -> a.v6() == v6).orElseGet(() -> pod.get().ips().stream().anyMatch(a -> a.v6() == v6));
    }

    IpAddress address(boolean v6, String option) {
      if (ip.isPresent()) {
        if (ip.get().v6() != v6) {
          throw new IllegalArgumentException(option + " " + ip.get() + " is not " + (v6 ? "IPv6" : "IPv4"));
        }
        return ip.get();
      }
      return pod.get().ips().stream().filter(a -> a.v6() == v6).findFirst().orElseThrow(() ->
          new IllegalArgumentException(option + " pod " + pod.get().key() + " has no " + (v6 ? "IPv6" : "IPv4")
              + " address"));
    }
  }

  private static End end(Cluster cluster, String text, String option) {
    Optional<IpAddress> ip = IpAddress.tryParse(text);
    if (ip.isPresent()) {
      return new End(Optional.empty(), ip);
    }
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(option + " '" + text + "' is neither NAMESPACE/POD nor an IP address");
    }
    for (Pod p : cluster.pods()) {
      if (p.key().equals(text)) {
        if (!p.isActive()) {
          throw new IllegalArgumentException(option + " pod " + text + " has no IP or has terminated");
        }
        return new End(Optional.of(p), Optional.empty());
      }
    }
    throw new IllegalArgumentException(option + ": no pod " + text + " in the input");
  }
}
