package dev.netpolc.compiler.convert;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.calico.EndpointSlice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of the proof {@link dev.netpolc.compiler.diff.PolicyDiff} does not cover: connections
 * between pods and addresses that are not pods (node addresses, the API server, outside
 * addresses). The dialects differ most there (Cilium's CIDRs never match nodes, NetworkPolicy
 * exempts egress to the pod's own node, ClusterNetworkPolicy ingress cannot name outside
 * addresses), so the converted policies are probed against the source with the reference
 * evaluator: every active pod to and from every node address, every API server address, both ends
 * of every CIDR written in the source or the conversion, and one outside address per family, on
 * TCP, UDP and SCTP at every port number written (and its neighbours), the pods' container ports,
 * 1 and 65535, and ICMP echo; one pod of each kind (namespace, labels, service account, node,
 * ports, address families). Deterministic, and not exhaustive: an address or port no policy names
 * behaves like its neighbours.
 */
final class EdgeProbe {
  private static final Pattern V4 = Pattern.compile("(?<![0-9.])([0-9]{1,3}(?:\\.[0-9]{1,3}){3})(/[0-9]{1,2})?");
  private static final Pattern V6 = Pattern.compile("(?<![0-9A-Fa-f:])([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})"
      + "(/[0-9]{1,3})?");
  private static final Pattern PORT = Pattern.compile("(?:port|number|endPort|start|end): \"?([0-9]{1,5})\"?");
  private static final List<String> OUTSIDE = List.of("198.51.100.7", "2001:db8::7");

  /**
   * The connections decided differently.
   *
   * @param newlyAllowed the conversion allows, the source denies
   * @param newlyDenied  the source allows, the conversion denies
   */
  record Result(List<String> newlyAllowed, List<String> newlyDenied) {
    boolean isEmpty() {
      return newlyAllowed.isEmpty() && newlyDenied.isEmpty();
    }
  }

  private EdgeProbe() {}

  /**
   * Probes {@code source} and {@code converted} (the same inventory) with {@code options}; {@code text}
   * is the YAML of both policy sets, where addresses and ports are looked up.
   */
  static Result compare(Cluster source, Cluster converted, SemanticsOptions options, String text) {
    ReferenceEvaluator before = new ReferenceEvaluator(source, options);
    ReferenceEvaluator after = new ReferenceEvaluator(converted, options);
    List<IpAddress> edges = edges(source, text);
    TreeSet<Integer> ports = ports(source, text);
    List<String> allowed = new ArrayList<>();
    List<String> denied = new ArrayList<>();
    // Against an address that is not a pod, a pod's own address plays no part (the other end has no
    // policy), so pods alike in everything else decide alike: one of each kind is probed.
    Set<List<Object>> kinds = new HashSet<>();
    for (Pod pod : source.pods()) {
      if (!pod.isActive() || pod.hostNetwork() || !kinds.add(List.of(pod.namespace(), pod.labels(),
          pod.serviceAccountName(), String.valueOf(pod.nodeName()), pod.allPorts(),
          pod.ips().stream().map(IpAddress::v6).distinct().sorted().toList()))) {
        continue;
      }
      for (IpAddress p : pod.ips()) {
        for (IpAddress e : edges) {
          if (e.v6() != p.v6() || pod.ips().contains(e)) {
            continue;
          }
          for (Connection c : connections(p, e, ports)) {
            compare(before, after, c, allowed, denied);
          }
          for (Connection c : connections(e, p, ports)) {
            compare(before, after, c, allowed, denied);
          }
        }
      }
    }
    return new Result(allowed, denied);
  }

  private static void compare(ReferenceEvaluator before, ReferenceEvaluator after, Connection c, List<String> allowed,
      List<String> denied) {
    boolean was = before.allows(c);
    boolean is = after.allows(c);
    if (was != is) {
      (is ? allowed : denied).add(c.toString());
    }
  }

  private static List<Connection> connections(IpAddress from, IpAddress to, TreeSet<Integer> ports) {
    List<Connection> out = new ArrayList<>();
    for (Protocol proto : List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP)) {
      for (int port : ports) {
        out.add(Connection.of(from, to, proto, port));
      }
    }
    out.add(Connection.icmp(from, to, from.v6() ? 128 : 8, 0));
    return out;
  }

  private static List<IpAddress> edges(Cluster source, String text) {
    TreeSet<String> seen = new TreeSet<>();
    List<IpAddress> out = new ArrayList<>();
    List<String> candidates = new ArrayList<>(OUTSIDE);
    source.nodes().forEach(n -> n.addresses().forEach(a -> candidates.add(a.toString())));
    for (EndpointSlice s : source.calico().endpointSlices("default", "kubernetes")) {
      s.addresses().forEach(a -> candidates.add(a.toString()));
    }
    for (Pattern p : List.of(V4, V6)) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        String cidr = m.group(1) + (m.group(2) == null ? (p == V4 ? "/32" : "/128") : m.group(2));
        Optional<Cidr.Parsed> parsed = Cidr.parse(cidr);
        if (parsed.isPresent()) {
          candidates.add(parsed.get().cidr().first().toString());
          candidates.add(parsed.get().cidr().last().toString());
        }
      }
    }
    for (String c : candidates) {
      if (seen.add(c)) {
        out.add(IpAddress.parse(c));
      }
    }
    return out;
  }

  private static TreeSet<Integer> ports(Cluster source, String text) {
    TreeSet<Integer> out = new TreeSet<>(List.of(1, 65535));
    Matcher m = PORT.matcher(text);
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      for (int p = n - 1; p <= n + 1; p++) {
        if (p >= 1 && p <= 65535) {
          out.add(p);
        }
      }
    }
    for (Pod pod : source.pods()) {
      for (ContainerPort cp : pod.allPorts()) {
        out.add(cp.containerPort());
      }
    }
    return out;
  }
}
