package dev.netpolc.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The policies of one datapath benchmark point: {@code policies} Kubernetes NetworkPolicies that
 * all select the server pod ({@code app: server}) for ingress, allowing {@code peers} addresses as
 * {@code /32} ipBlocks on the benchmark ports. The peers are dealt out in order, policy by policy
 * (each policy gets at least one), and the last peer added, in the last policy, is the benchmark's
 * client: the allowed connection is the one a linear rule list would find last.
 *
 * <p>The other peers are {@code 10.0.0.1, 10.0.0.3, 10.0.0.5, ...}: no two adjacent, so no
 * optimiser can fold them into wider prefixes and every one stays an element of its set.
 */
record DatapathPolicies(int policies, int peers) {
  /** The ports every policy allows: CRR over TCP, iperf3's control and data over TCP and UDP. */
  static final List<String> PORTS = List.of("TCP " + DatapathLanes.CRR_PORT, "TCP " + DatapathLanes.IPERF_PORT,
      "UDP " + DatapathLanes.IPERF_PORT);

  DatapathPolicies {
    if (policies < 1 || peers < 1 || peers > 4_000_000) {
      throw new IllegalArgumentException("policies and peers must be between 1 and 4,000,000, got " + policies + " and "
          + peers);
    }
  }

  /** Peer {@code i} (0-based, in the order added). */
  String peer(int i) {
    if (i == peers - 1) {
      return DatapathLanes.CLIENT_IP;
    }
    long a = (10L << 24) + 2L * i + 1;
    return (a >> 24) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
  }

  /** The first peer of policy {@code p}. */
  int firstPeer(int p) {
    return (int) ((long) p * peers / policies);
  }

  /** One past the last peer of policy {@code p}: at least one peer each, the last policy ending with the client. */
  int endPeer(int p) {
    return Math.max((int) ((long) (p + 1) * peers / policies), firstPeer(p) + 1);
  }

  /** Writes {@code cluster.yaml} (namespace and the three pods on node {@code node0}) and {@code policies.yaml}. */
  List<Path> write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path cluster = dir.resolve("cluster.yaml");
      StringBuilder c = new StringBuilder("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench\n");
      for (String[] pod : new String[][] {{"server", DatapathLanes.SERVER_IP}, {"client", DatapathLanes.CLIENT_IP},
          {"denied", DatapathLanes.DENIED_IP}}) {
        c.append("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ").append(pod[0])
            .append("\n  namespace: bench\n  labels: {app: ").append(pod[0]).append("}\nspec:\n  nodeName: ")
            .append(DatapathBench.NODE).append("\nstatus:\n  phase: Running\n  podIPs: [{ip: ").append(pod[1])
            .append("}]\n");
      }
      Files.writeString(cluster, c, StandardCharsets.UTF_8);
      Path pols = dir.resolve("policies.yaml");
      try (BufferedWriter w = Files.newBufferedWriter(pols, StandardCharsets.UTF_8)) {
        for (int p = 0; p < policies; p++) {
          w.write(p == 0 ? "" : "---\n");
          w.write("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bench-" + p
              + "\n  namespace: bench\nspec:\n  podSelector: {matchLabels: {app: server}}\n  policyTypes: [Ingress]\n"
              + "  ingress:\n  - from:\n");
          for (int i = firstPeer(p); i < endPeer(p); i++) {
            w.write("    - ipBlock: {cidr: " + peer(i) + "/32}\n");
          }
          w.write("    ports:\n");
          for (String port : PORTS) {
            String[] f = port.split(" ");
            w.write("    - {protocol: " + f[0] + ", port: " + f[1] + "}\n");
          }
        }
      }
      return List.of(cluster, pols);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The strawman: what a naive generator emits for the same policies, one nftables rule per
   * (policy, peer, port) in policy order, in a forward chain hooked where netpolc's is, after the
   * same conntrack shortcut, ending in the server's default deny.
   */
  String naiveNftables() {
    StringBuilder sb = new StringBuilder(64 * Math.max(policies, peers) * PORTS.size() + 512);
    sb.append("# STRAWMAN, not netpolc output: one rule per (peer, port), as a naive generator would emit.\n")
        .append("table inet npdp_naive\ndelete table inet npdp_naive\ntable inet npdp_naive {\n")
        .append("\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n")
        .append("\t\tct state established,related accept\n");
    String server = DatapathLanes.SERVER_IP;
    for (int p = 0; p < policies; p++) {
      for (int i = firstPeer(p); i < endPeer(p); i++) {
        for (String port : PORTS) {
          String[] f = port.split(" ");
          sb.append("\t\tip daddr ").append(server).append(" ip saddr ").append(peer(i)).append(' ')
              .append(f[0].toLowerCase(java.util.Locale.ROOT)).append(" dport ").append(f[1]).append(" accept\n");
        }
      }
    }
    sb.append("\t\tip daddr ").append(server).append(" drop\n\t}\n}\n");
    return sb.toString();
  }

  /**
   * Not netpolc output either: the least a stateful nftables ruleset can be (conntrack's shortcut,
   * the client allowed, the rest of the server's traffic dropped), whatever the scale, to measure
   * what turning conntrack on costs by itself.
   */
  static String minimalNftables() {
    String server = DatapathLanes.SERVER_IP;
    return "table inet npdp_minimal\ndelete table inet npdp_minimal\ntable inet npdp_minimal {\n"
        + "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
        + "\t\tct state established,related accept\n"
        + "\t\tip daddr " + server + " ip saddr " + DatapathLanes.CLIENT_IP + " accept\n"
        + "\t\tip daddr " + server + " drop\n\t}\n}\n";
  }
}
