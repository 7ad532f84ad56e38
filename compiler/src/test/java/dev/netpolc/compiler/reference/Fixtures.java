package dev.netpolc.compiler.reference;

import dev.netpolc.compiler.Connection;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small builders for clusters written in code, shared by the reference evaluator's tests. */
final class Fixtures {
  private Fixtures() {}

  static final List<ContainerPort> WEB_PORTS = List.of(
      new ContainerPort("http", 80, Protocol.TCP),
      new ContainerPort("dns", 53, Protocol.UDP));

  static Namespace ns(String name, String... kv) {
    return Namespace.of(name, labels(kv));
  }

  static Map<String, String> labels(String... kv) {
    java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put(kv[i], kv[i + 1]);
    }
    return out;
  }

  /** A running pod on node n1 with ports http=80/TCP and dns=53/UDP, labelled pod=NAME. */
  static Pod pod(String ns, String name, String... ips) {
    return new Pod(ns, name, labels("pod", name), addrs(ips), "n1", false, "Running", WEB_PORTS, List.of(),
        SourcePosition.UNKNOWN);
  }

  static Pod pod(String ns, String name, Map<String, String> labels, String node, boolean hostNetwork,
      String phase, List<ContainerPort> ports, String... ips) {
    return new Pod(ns, name, labels, addrs(ips), node, hostNetwork, phase, ports, List.of(), SourcePosition.UNKNOWN);
  }

  static Node node(String name, String... ips) {
    return new Node(name, Map.of(), addrs(ips), List.<Cidr>of(), SourcePosition.UNKNOWN);
  }

  static List<IpAddress> addrs(String... ips) {
    List<IpAddress> out = new ArrayList<>();
    for (String ip : ips) {
      out.add(IpAddress.parse(ip));
    }
    return out;
  }

  static LabelSelector sel(String... kv) {
    return LabelSelector.ofLabels(labels(kv));
  }

  static PolicyRule rule(List<Peer> peers, List<PolicyPort> ports) {
    return new PolicyRule(peers, ports);
  }

  static PolicyRule allFrom(Peer... peers) {
    return new PolicyRule(List.of(peers), List.of());
  }

  static Peer both(LabelSelector pods, LabelSelector namespaces) {
    return new Peer(Optional.of(pods), Optional.of(namespaces), Optional.empty());
  }

  static Peer block(String cidr, String... except) {
    return Peer.ipBlock(new IpBlock(cidr, List.of(except)));
  }

  static PolicyPort tcp(int port) {
    return PolicyPort.of(Protocol.TCP, PortValue.of(port), null);
  }

  static PolicyPort named(String name) {
    return new PolicyPort(Optional.empty(), Optional.of(PortValue.named(name)), Optional.empty());
  }

  static NetworkPolicy ingress(String ns, String name, LabelSelector subject, PolicyRule... rules) {
    return NetworkPolicy.of(ns, name, subject, List.of(), List.of(rules), List.of());
  }

  static NetworkPolicy egress(String ns, String name, LabelSelector subject, PolicyRule... rules) {
    return NetworkPolicy.of(ns, name, subject, List.of("Egress"), List.of(), List.of(rules));
  }

  static Connection tcp(String from, String to, int port) {
    return Connection.of(IpAddress.parse(from), IpAddress.parse(to), Protocol.TCP, port);
  }

  /** The reference's decision on {@code conn} in {@code c}, with the default semantics. */
  static boolean allows(Cluster c, Connection conn) {
    return new ReferenceEvaluator(c).allows(conn);
  }

  static Connection udp(String from, String to, int port) {
    return Connection.of(IpAddress.parse(from), IpAddress.parse(to), Protocol.UDP, port);
  }

  static Connection icmp(String from, String to) {
    return new Connection(IpAddress.parse(from), IpAddress.parse(to), Protocol.ICMP, 0);
  }
}
