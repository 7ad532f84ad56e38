package dev.netpolc.compiler.convert;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.Change;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.compiler.diff.PortSpace;
import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.passes.Passes;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.calico.EndpointSlice;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * The part of the proof {@link dev.netpolc.compiler.diff.PolicyDiff} does not cover: connections
 * between pods and addresses that are not pods (node addresses, the pod's own node included, the
 * API server, addresses the policies name, outside addresses). The dialects differ most there
 * (Cilium's CIDRs never match nodes, NetworkPolicy exempts egress to the pod's own node and Calico
 * and Cilium do not, ClusterNetworkPolicy ingress cannot name outside addresses), so the converted
 * policies are probed against the source with the reference evaluator.
 *
 * <p>What is probed comes from the two compiled rule graphs, as the diff takes its breakpoints:
 * the addresses are both ends of every range of every address set of either graph and their
 * neighbours outside the range, every node address, every API server address and one outside
 * address per family, pods' own addresses left out (the diff decides those); addresses that lie
 * in the same sets of both graphs (node address sets included) and play the same part (API
 * server, outside) decide alike, so one of each class is probed. The ports are the starts of the
 * intervals on which every port set of both graphs is constant (per protocol, ICMP type and code
 * included), the pods' container ports, ICMP echo and one protocol no set lists. Each pod kind
 * (namespace, labels, service account, node, ports, address families: against an address that is
 * not a pod the pod's own address plays no part) is probed once, both ways. Deterministic.
 */
final class EdgeProbe {
  private static final List<IpAddress> OUTSIDE = List.of(IpAddress.parse("198.51.100.7"),
      IpAddress.parse("2001:db8::7"));

  /**
   * The connections decided differently, as change blocks between a kind of pod and an address
   * class (the pods on one side, the addresses on the other).
   *
   * @param newlyAllowed the conversion allows, the source denies
   * @param newlyDenied  the source allows, the conversion denies
   * @param points       how many (pod kind, address class, protocol value) points were probed
   */
  record Result(List<ChangeBlock> newlyAllowed, List<ChangeBlock> newlyDenied, long points) {
    boolean isEmpty() {
      return newlyAllowed.isEmpty() && newlyDenied.isEmpty();
    }
  }

  /** Most address blocks a class is reported as; a class in more is reported by its probed addresses. */
  private static final int MAX_REPORTED_CIDRS = 8;

  /** Addresses that decide alike, with what each one is, for the report. */
  private static final class AddressClass {
    final List<IpAddress> addresses = new ArrayList<>();
    final List<String> labels = new ArrayList<>();
    /** The node whose address set holds them; "" for none. */
    String node = "";
    /** The sets (of {@link EdgeProbe#sets}) that hold them. */
    BitSet in = new BitSet();
    /** The class in the report: its addresses or blocks, and their words; made when first reported. */
    List<String> reported;
    String description;
  }

  /** Every address set and node address set of both graphs, in class membership order. */
  private final List<AddressSet> sets = new ArrayList<>();

  private final Cluster source;
  private final ReferenceEvaluator before;
  private final ReferenceEvaluator after;
  private final RuleGraph[] graphs;
  private final Map<Integer, int[]> breakpoints = new TreeMap<>();
  private int unlistedProtocol = -1;
  /** How many values {@link #space} asks per family (IPv4, IPv6). */
  private final long[] valuesPerFamily = new long[2];

  private EdgeProbe(Cluster source, Cluster converted, SemanticsOptions options) {
    this.source = source;
    this.before = new ReferenceEvaluator(source, options);
    this.after = new ReferenceEvaluator(converted, options);
    CompileOptions co = CompileOptions.DEFAULTS.withSemantics(options).withPasses(List.of(Passes.CIDR_COVER.name(),
        Passes.PORT_MERGE.name(), Passes.HASH_CONS.name(), Passes.GROUP_ENDPOINTS.name()));
    Compiler compiler = new Compiler();
    this.graphs = new RuleGraph[] {compiler.compile(source, co).graph(), compiler.compile(converted, co).graph()};
  }

  /** Probes {@code source} and {@code converted} (the same inventory) with {@code options}. */
  static Result compare(Cluster source, Cluster converted, SemanticsOptions options) {
    return new EdgeProbe(source, converted, options).run();
  }

  private Result run() {
    computeBreakpoints();
    List<AddressClass> classes = addressClasses();
    List<ChangeBlock> allowed = new ArrayList<>();
    List<ChangeBlock> denied = new ArrayList<>();
    long points = 0;
    for (List<Pod> kind : podKinds()) {
      Pod pod = kind.get(0);
      for (IpAddress p : pod.ips()) {
        for (AddressClass c : classes) {
          IpAddress e = c.addresses.get(0);
          if (e.v6() != p.v6() || pod.ips().contains(e)) {
            continue;
          }
          for (boolean toEdge : new boolean[] {true, false}) {
            IpAddress src = toEdge ? p : e;
            IpAddress dst = toEdge ? e : p;
            points += valuesPerFamily[p.v6() ? 1 : 0];
            PortSpace was = space((proto, port) -> before.allows(new Connection(src, dst, proto, port)), p.v6());
            PortSpace is = space((proto, port) -> after.allows(new Connection(src, dst, proto, port)), p.v6());
            PortSpace more = is.minus(was);
            PortSpace less = was.minus(is);
            if (!more.isEmpty()) {
              allowed.add(block(Change.NEWLY_ALLOWED, kind, c, toEdge, more));
            }
            if (!less.isEmpty()) {
              denied.add(block(Change.NEWLY_DENIED, kind, c, toEdge, less));
            }
          }
        }
      }
    }
    return new Result(allowed, denied, points);
  }

  /** Active pods that are not host-network, grouped by what decides them against a non-pod address. */
  private List<List<Pod>> podKinds() {
    Map<List<Object>, List<Pod>> kinds = new LinkedHashMap<>();
    for (Pod pod : source.pods()) {
      if (!pod.isActive() || pod.hostNetwork()) {
        continue;
      }
      kinds.computeIfAbsent(List.of(pod.namespace(), pod.labels(), pod.serviceAccountName(),
          String.valueOf(pod.nodeName()), pod.allPorts(),
          pod.ips().stream().map(IpAddress::v6).distinct().sorted().toList()), k -> new ArrayList<>()).add(pod);
    }
    return new ArrayList<>(kinds.values());
  }

  /**
   * The candidate addresses (see the class comment) grouped into classes that decide alike: same
   * membership in every address set and node address set of both graphs, same part.
   */
  private List<AddressClass> addressClasses() {
    Map<IpAddress, String> labels = new TreeMap<>();
    for (IpAddress o : OUTSIDE) {
      labels.put(o, "outside " + o);
    }
    for (EndpointSlice s : source.calico().endpointSlices("default", "kubernetes")) {
      s.addresses().forEach(a -> labels.putIfAbsent(a, "API server " + a));
    }
    for (Node n : source.nodes()) {
      n.addresses().forEach(a -> labels.putIfAbsent(a, "node " + n.name() + " " + a));
    }
    List<String> setNodes = new ArrayList<>();
    for (RuleGraph g : graphs) {
      for (AddressSet s : g.addressSets()) {
        sets.add(s);
        setNodes.add("");
        for (AddressRange r : s.ranges()) {
          for (Optional<IpAddress> a : List.of(Optional.of(r.first()), Optional.of(r.last()), r.first().previous(),
              r.last().next())) {
            a.ifPresent(x -> labels.putIfAbsent(x, x.toString()));
          }
        }
      }
      g.nodeAddresses().forEach((node, s) -> {
        sets.add(s);
        setNodes.add(node);
      });
    }
    // Pods' own addresses are the diff's (host-network pods have their node's).
    for (Pod pod : source.pods()) {
      if (pod.isActive() && !pod.hostNetwork()) {
        pod.ips().forEach(labels::remove);
      }
    }
    Map<List<Object>, AddressClass> classes = new LinkedHashMap<>();
    for (Map.Entry<IpAddress, String> e : labels.entrySet()) {
      BitSet in = new BitSet();
      String node = "";
      for (int s = 0; s < sets.size(); s++) {
        if (sets.get(s).contains(e.getKey())) {
          in.set(s);
          node = setNodes.get(s).isEmpty() ? node : setNodes.get(s);
        }
      }
      String part = e.getValue().startsWith("outside ") ? "outside"
          : e.getValue().startsWith("API server ") ? "apiserver" : "";
      AddressClass c = classes.computeIfAbsent(List.of(e.getKey().v6(), in, part), k -> new AddressClass());
      c.addresses.add(e.getKey());
      c.labels.add(e.getValue());
      c.node = node;
      c.in = in;
    }
    return new ArrayList<>(classes.values());
  }

  /**
   * Per protocol listed by a port set of either graph, the starts of the intervals on which every
   * set is constant; TCP, UDP, SCTP and ICMP always, with the pods' container ports and ICMP echo.
   */
  private void computeBreakpoints() {
    Map<Integer, TreeSet<Integer>> points = new TreeMap<>();
    for (Protocol p : Protocol.values()) {
      points.put(p.number(), new TreeSet<>(List.of(1)));
    }
    for (int icmp : List.of(Protocol.ICMP, Protocol.ICMPV6)) {
      points.put(icmp, new TreeSet<>(List.of(0)));
    }
    points.get(Protocol.ICMP).add(Connection.ICMP_ECHO_REQUEST * 256);
    points.get(Protocol.ICMPV6).add(Connection.ICMPV6_ECHO_REQUEST * 256);
    for (RuleGraph g : graphs) {
      for (PortSet ps : g.portSets()) {
        ps.byProtocol().forEach((proto, ranges) -> {
          PortRange dom = PortSet.domain(proto);
          TreeSet<Integer> t = points.computeIfAbsent(proto, k -> new TreeSet<>(List.of(dom.from())));
          for (PortRange r : ranges) {
            t.add(r.from());
            if (r.to() < dom.to()) {
              t.add(r.to() + 1);
            }
          }
        });
      }
    }
    for (Pod pod : source.pods()) {
      for (ContainerPort cp : pod.allPorts()) {
        points.get(cp.protocol().number()).add(cp.containerPort());
      }
    }
    points.forEach((p, t) -> breakpoints.put(p, t.stream().mapToInt(Integer::intValue).toArray()));
    for (int f = 0; f < 2; f++) {
      int otherIcmp = f == 1 ? Protocol.ICMP : Protocol.ICMPV6;
      valuesPerFamily[f] = 1 + points.entrySet().stream().filter(e -> e.getKey() != otherIcmp)
          .mapToLong(e -> e.getValue().size()).sum();
    }
    for (int p = 0; p < 256; p++) {
      if (!points.containsKey(p) && p != PortSet.UDPLITE) {
        unlistedProtocol = p;
        break;
      }
    }
  }

  /** What {@code allows} lets through, asked once per interval of each protocol of the family. */
  private PortSpace space(BiPredicate<Integer, Integer> allows, boolean v6) {
    Map<Protocol, List<PortRange>> ports = new EnumMap<>(Protocol.class);
    Map<Integer, List<PortRange>> others = new TreeMap<>();
    breakpoints.forEach((proto, starts) -> {
      if (proto == (v6 ? Protocol.ICMP : Protocol.ICMPV6)) {
        return; // the other family's ICMP
      }
      int last = PortSet.domain(proto).to();
      List<PortRange> rs = new ArrayList<>();
      for (int k = 0; k < starts.length; k++) {
        int from = starts[k];
        int to = k + 1 < starts.length ? starts[k + 1] - 1 : last;
        if (allows.test(proto, from)) {
          rs.add(new PortRange(from, to));
        }
      }
      Optional<Protocol> carrying = Protocol.ofNumber(proto);
      if (carrying.isPresent()) {
        ports.put(carrying.get(), rs);
      } else {
        others.put(proto, rs);
      }
    });
    return PortSpace.of(ports, others, unlistedProtocol >= 0 && allows.test(unlistedProtocol, 0));
  }

  private ChangeBlock block(Change change, List<Pod> kind, AddressClass c, boolean toEdge, PortSpace ports) {
    Pod pod = kind.get(0);
    List<String> keys = kind.stream().map(Pod::key).toList();
    String pods = String.join(", ", kind.stream().map(Pod::name).toList());
    describe(c);
    String edges = c.description + (c.node.equals(pod.nodeName()) ? " (the pod's own)" : "");
    List<String> addresses = c.reported;
    return toEdge
        ? new ChangeBlock(change, pod.namespace(), pods, keys, "", edges, addresses, ports)
        : new ChangeBlock(change, "", edges, addresses, pod.namespace(), pods, keys, ports);
  }

  /**
   * The whole class where it is a few address blocks: every address of the family in exactly its
   * sets, each block by its label where it is one probed address (pods' own addresses in them are
   * the diff's, and said to be); else its probed addresses, and the rest said in words.
   */
  private void describe(AddressClass c) {
    if (c.reported != null) {
      return;
    }
    boolean v6 = c.addresses.get(0).v6();
    AddressSet members = AddressSet.ofCidrs(List.of(Cidr.of(v6 ? "::/0" : "0.0.0.0/0")));
    for (int s = 0; s < sets.size() && !members.isEmpty(); s++) {
      members = c.in.get(s) ? members.intersection(sets.get(s)) : members.difference(sets.get(s));
    }
    List<Cidr> blocks = members.cidrs();
    if (!blocks.isEmpty() && blocks.size() <= MAX_REPORTED_CIDRS) {
      List<String> words = new ArrayList<>();
      for (Cidr b : blocks) {
        int i = c.addresses.indexOf(b.first());
        words.add(b.prefix() == b.address().bits() && i >= 0 ? c.labels.get(i) : b.toString());
      }
      c.reported = blocks.stream().map(b -> b.prefix() == b.address().bits() ? b.address().toString()
          : b.toString()).toList();
      AddressSet blocksOf = members;
      boolean pods = source.pods().stream().anyMatch(p -> p.isActive() && p.ips().stream().anyMatch(blocksOf::contains));
      c.description = String.join(", ", words) + (pods ? " (pod addresses aside: the pod lines decide those)" : "");
    } else {
      c.reported = c.addresses.stream().map(IpAddress::toString).toList();
      c.description = String.join(", ", c.labels) + " and every address in the same address sets of both policy"
          + " sets (" + blocks.size() + " blocks)";
    }
  }
}
