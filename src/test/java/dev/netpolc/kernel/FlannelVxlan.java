package dev.netpolc.kernel;

import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@link Topology.Mode#BRIDGE} topology whose nodes have pod blocks of their own into the
 * network Flannel's {@code vxlan} backend builds: per node a VXLAN device {@code flannel.1}
 * (IPv4, VNI 1, UDP 8472, no learning) and {@code flannel-v6.1} (IPv6) over the node's uplink,
 * addressed with the node's pod block's network address ({@code /32}, {@code /128}); for every
 * other node, as flanneld programs them, a route to its pod block via its VTEP address
 * ({@code onlink}), a permanent neighbour entry from that address to its VTEP MAC, and a
 * forwarding entry from that MAC to its underlay address. The pods stay on the CNI
 * {@code bridge} plugin's {@code cni0}, as with Flannel's CNI configuration.
 *
 * <p>The harness's direct routes between nodes are replaced, and the underlay (the fabric
 * bridge) drops and counts any frame that carries a pod address in its outer header: pod traffic
 * between nodes can only cross inside VXLAN, which is counted too. Everything lives in the
 * topology's namespaces and goes with it.
 */
public final class FlannelVxlan {
  /** Flannel's VXLAN network identifier. */
  public static final int VNI = 1;
  /** Flannel's VXLAN UDP port (the Linux default, not IANA's 4789). */
  public static final int PORT = 8472;

  private static final String UNDERLAY_TABLE = "netpolc_underlay";
  private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes \\d+.*comment \"([a-z]+)\"");

  private final Topology topology;

  private FlannelVxlan(Topology topology) {
    this.topology = topology;
  }

  /**
   * Builds the VXLAN overlay on {@code topology}; throws {@link KernelHarnessException} with the
   * command's error when the kernel refuses (e.g. no VXLAN), and {@link IllegalArgumentException}
   * for a topology Flannel would not have (ptp mode, nodes sharing a pod block).
   */
  public static FlannelVxlan install(Topology topology) {
    if (topology.mode() != Topology.Mode.BRIDGE) {
      throw new IllegalArgumentException("Flannel's VXLAN backend goes with the bridge CNI plugin, not " + topology.mode());
    }
    List<NodeSpec> nodes = topology.nodes();
    for (NodeSpec a : nodes) {
      for (NodeSpec b : nodes) {
        if (a != b && (a.podCidrV4().equals(b.podCidrV4()) || a.podCidrV6().equals(b.podCidrV6()))) {
          throw new IllegalArgumentException("nodes " + a.name() + " and " + b.name()
              + " share a pod block; Flannel gives each node its own");
        }
      }
    }
    FlannelVxlan v = new FlannelVxlan(topology);
    for (NodeSpec n : nodes) {
      v.configure(n);
    }
    v.guardUnderlay();
    return v;
  }

  /** The VXLAN device of {@code family}, as Flannel names it. */
  public static String device(Family family) {
    return family == Family.V4 ? "flannel.1" : "flannel-v6.1";
  }

  /** The VXLAN device's MTU on a 1500-byte underlay: 50 bytes of IPv4 encapsulation, 70 of IPv6. */
  public static int mtu(Family family) {
    return family == Family.V4 ? 1450 : 1430;
  }

  /** The VTEP MAC of node {@code index} in {@code family}: fixed, locally administered, unicast. */
  static String vtepMac(int index, Family family) {
    return String.format(Locale.ROOT, "0e:6e:70:%02x:%02x:%02x", family == Family.V4 ? 4 : 6, index >> 8,
        index & 0xff);
  }

  /** A node's VTEP address in {@code family}: its pod block's network address, as flanneld assigns it. */
  static IpAddress vtepAddress(NodeSpec n, Family family) {
    return n.podCidr(family).address();
  }

  private void configure(NodeSpec n) {
    List<String> cmds = new ArrayList<>();
    for (Family f : Family.values()) {
      String dev = device(f);
      cmds.add("link add " + dev + " type vxlan id " + VNI + " local " + n.address(f) + " dev uplink dstport " + PORT
          + " nolearning");
      cmds.add("link set " + dev + " address " + vtepMac(n.index(), f) + " mtu " + mtu(f));
      cmds.add("addr add " + vtepAddress(n, f) + (f == Family.V4 ? "/32" : "/128 nodad") + " dev " + dev);
      cmds.add("link set " + dev + " up");
      for (NodeSpec other : topology.nodes()) {
        if (other == n) {
          continue;
        }
        IpAddress vtep = vtepAddress(other, f);
        // The harness's direct route over the fabric gives way to the overlay route (IPv6 cannot
        // "replace" a route by one with another device).
        cmds.add("route del " + other.podCidr(f));
        cmds.add("route add " + other.podCidr(f) + " via " + vtep + " dev " + dev + " onlink");
        cmds.add("neigh replace " + vtep + " lladdr " + vtepMac(other.index(), f) + " dev " + dev + " nud permanent");
      }
    }
    run(n.name(), "ip", String.join("\n", cmds));
    List<String> fdb = new ArrayList<>();
    for (Family f : Family.values()) {
      for (NodeSpec other : topology.nodes()) {
        if (other != n) {
          fdb.add("fdb append " + vtepMac(other.index(), f) + " dev " + device(f) + " dst " + other.address(f));
        }
      }
    }
    run(n.name(), "bridge", String.join("\n", fdb));
  }

  private void run(String endpoint, String tool, String batch) {
    CommandResult r = topology.exec(Topology.COMMAND_TIMEOUT, batch + "\n", endpoint, tool, "-batch", "-");
    if (!r.ok()) {
      throw new KernelHarnessException("Flannel VXLAN setup on " + endpoint + " failed (" + tool + "): "
          + r.describe());
    }
  }

  /** The underlay's bridge counts VXLAN frames and drops (and counts) any frame with a pod address outside. */
  private void guardUnderlay() {
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    for (NodeSpec n : topology.nodes()) {
      v4.add(n.podCidrV4().toString());
      v6.add(n.podCidrV6().toString());
    }
    String s4 = "{ " + String.join(", ", v4) + " }";
    String s6 = "{ " + String.join(", ", v6) + " }";
    String ruleset = "table bridge " + UNDERLAY_TABLE + " {\n"
        + "  chain forward {\n"
        + "    type filter hook forward priority 0; policy accept;\n"
        + "    udp dport " + PORT + " counter comment \"vxlan\"\n"
        + "    ip saddr " + s4 + " counter drop comment \"leak\"\n"
        + "    ip daddr " + s4 + " counter drop comment \"leak\"\n"
        + "    ip6 saddr " + s6 + " counter drop comment \"leak\"\n"
        + "    ip6 daddr " + s6 + " counter drop comment \"leak\"\n"
        + "  }\n"
        + "}\n";
    CommandResult r = topology.exec(Topology.COMMAND_TIMEOUT, ruleset, fabricNamespace(), "nft", "-f", "-");
    if (!r.ok()) {
      throw new KernelHarnessException("cannot load the underlay guard: " + r.describe());
    }
  }

  private String fabricNamespace() {
    return topology.prefix() + "fabric";
  }

  /**
   * What crossed the underlay so far: VXLAN frames, and frames with a pod address in the outer
   * header (dropped there; nonzero means pod traffic bypassed the overlay).
   *
   * @param vxlan   VXLAN frames between the nodes
   * @param leaked  frames that carried a pod address unencapsulated
   */
  public record UnderlayCounts(long vxlan, long leaked) {}

  /** Reads the underlay's counters. */
  public UnderlayCounts underlayCounts() {
    String text = topology.exec(fabricNamespace(), "nft", "list", "table", "bridge", UNDERLAY_TABLE).orThrow()
        .stdout();
    long vxlan = 0;
    long leaked = 0;
    int seen = 0;
    for (String line : text.split("\n")) {
      Matcher m = COUNTER.matcher(line);
      if (m.find()) {
        seen++;
        long packets = Long.parseLong(m.group(1));
        if (m.group(2).equals("vxlan")) {
          vxlan += packets;
        } else {
          leaked += packets;
        }
      }
    }
    if (seen != 5) {
      throw new KernelHarnessException("the underlay guard lists " + seen + " counters, expected 5:\n" + text);
    }
    return new UnderlayCounts(vxlan, leaked);
  }

  /** {@code node}'s routes to the other nodes' pod blocks, as {@code ip route} prints them (for messages). */
  public String routes(String node) {
    StringBuilder b = new StringBuilder();
    for (Family f : Family.values()) {
      b.append(topology.exec(node, "ip", f == Family.V4 ? "-4" : "-6", "route", "show", "dev", device(f)).orThrow()
          .stdout());
    }
    return b.toString();
  }
}
