package dev.netpolc.compiler.gen;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quicktheories.core.Gen;

/**
 * Generates tiered {@link RuleGraph}s directly at the IR level (no policy model): several
 * endpoint groups on two nodes (and unscheduled), isolated or not per direction, with rules in
 * all three tiers at random priorities and with random Allow/Deny/Pass actions, peer sets that
 * overlap (pods, pod blocks, node addresses, whole families, outside blocks), port sets from
 * single ports to ranges, whole protocols, more ports than one iptables multiport match holds
 * and every protocol; IPv4 and IPv6; node addresses that merge into a prefix; random semantics
 * options; origins with hostile policy names. For backend property tests: emit, simulate,
 * compare with {@code RuleGraphEvaluator} on {@link Case#probes()}.
 */
public final class TieredGraphGen {
  /** The nodes every case has. */
  public static final List<String> NODES = List.of("n1", "n2");

  /** Policy names of origins, hostile ones included: they reach comments and log prefixes. */
  static final List<String> POLICIES = List.of("ns/p", "admin/deny-all", "base/default", "ns/quote\"; drop #x",
      "x/$(reboot)\nnext", "ns/\u65e5\u672c\u8a9e", "ns/" + "long-name-".repeat(16), "cluster/a{b}c;\\");

  /** The TCP ports of the rule with more ports than one multiport match takes (15). */
  static final List<Integer> MANY_PORTS = List.of(1000, 1002, 1004, 1006, 1008, 1010, 1012, 1014, 1016, 1018,
      1020, 1022, 1024, 1026, 1028, 1030, 1032, 1034, 1036, 1038);

  private static final List<String> BLOCKS = List.of("198.18.0.8/29", "0.0.0.0/0", "::/0", "192.0.2.0/24",
      "192.0.2.1/32", "2001:db8::/64", "fd00::/120", "203.0.113.0/24", "198.18.0.12/31", "fd00::10/126",
      "192.0.2.2/31", "2001:db8::2/128");
  private static final List<String> OUTSIDERS = List.of("203.0.113.7", "8.8.8.8", "198.18.0.9", "198.18.0.200",
      "192.0.2.77", "fd00::ff", "fd00::1:0", "2001:db8::99", "2001:db8:1::1");
  private static final List<Integer> TCP_PORTS = List.of(53, 80, 81, 82, 1038, 1039);
  private static final List<Integer> UDP_PORTS = List.of(53, 80, 1500);

  /**
   * One generated graph.
   *
   * @param clusterWide the cluster-wide graph (every endpoint, no node)
   * @param probes      connections to decide: every ordered pair of distinct addresses of one
   *                    family among endpoints, node addresses and outsiders, with at least one
   *                    endpoint, over TCP, UDP and SCTP ports and ICMP
   */
  public record Case(RuleGraph clusterWide, List<Connection> probes) {
    /** The graph node {@code node} enforces: its own endpoints and their rules. */
    public RuleGraph forNode(String node) {
      return restrict(clusterWide, node);
    }

    @Override
    public String toString() {
      return clusterWide.options() + "\n" + clusterWide + "nodes " + clusterWide.nodeAddresses();
    }
  }

  /** Names of dialect tiers (valid {@link Tier#ordered} names; Calico's built-in tiers among them). */
  static final List<String> TIER_NAMES = List.of("security", "platform", "kube-admin", "default", "kube-baseline",
      "app.team-1", "0");
  /** Ranks of dialect tiers: before, between and after the standard tiers' (1, 2 and 3 million). */
  static final List<Integer> TIER_RANKS = List.of(500_000, 1_500_000, 2_500_000, 3_500_000, -1, 1_000_001,
      1_999_999, 2_000_001, 2_999_999, Integer.MAX_VALUE, Integer.MIN_VALUE);

  private final Draw d;
  /** The tiers rules are drawn in. */
  private List<Tier> tiers = Tier.standard();
  /** Whether some rules are drawn as catch-alls (every address, every protocol: a tier's end action). */
  private boolean catchAlls;
  /**
   * Whether some rules match generalised port sets (ICMP type/code ranges, whole non-port
   * protocols, other-protocol complements) and the probes cover ICMP types and other protocols.
   */
  private boolean generalPorts;
  /** Whether some rules are drawn as LOG rules. */
  private boolean logs;

  private TieredGraphGen(Draw d) {
    this.d = d;
  }

  /** Small tiered graphs that shrink towards fewer endpoints and rules. */
  public static Gen<Case> cases() {
    Gen<Case> g = in -> new TieredGraphGen(Draw.of(in)).draw();
    return g.describedAs(Case::toString);
  }

  /**
   * Small graphs with any number of ordered tiers: one to six tiers, each a standard tier or a
   * dialect tier ({@link Tier#ordered}) at a rank before, between or after the standard ones;
   * rules in them as in {@link #cases()}, and catch-all Deny and Pass rules (a dialect tier's end
   * action) among them. Every rule's tier is one of the drawn tiers, so a graph can lack the
   * NetworkPolicy tier's rules and still isolate.
   */
  public static Gen<Case> multiTierCases() {
    Gen<Case> g = in -> {
      TieredGraphGen gen = new TieredGraphGen(Draw.of(in));
      gen.tiers = gen.drawTiers();
      gen.catchAlls = true;
      return gen.draw();
    };
    return g.describedAs(c -> "tiers " + c.clusterWide().tiers() + "\n" + c);
  }

  /**
   * {@link #multiTierCases()} where about half the rules match a generalised {@link PortSet}, as
   * Calico rules lower to ({@link #GENERAL_PORTS}: ICMP echo and single type/codes, whole and
   * partial ICMP types, {@code notICMP}, whole protocols such as GRE, {@code notProtocol} and
   * {@code notPorts} complements), and the probes add ICMP and ICMPv6 messages of several types and
   * codes ({@link Connection#icmp}) and protocols without ports (GRE 47, 253, port 0).
   */
  public static Gen<Case> generalPortCases() {
    Gen<Case> g = in -> {
      TieredGraphGen gen = new TieredGraphGen(Draw.of(in));
      gen.tiers = gen.drawTiers();
      gen.catchAlls = true;
      gen.generalPorts = true;
      return gen.draw();
    };
    return g.describedAs(c -> "tiers " + c.clusterWide().tiers() + "\n" + c);
  }

  /**
   * As {@link #multiTierCases()}, with {@link Action#LOG} rules among the others (about one rule
   * in four, in every tier, the NetworkPolicy tier included): before, between and after ALLOW,
   * DENY and PASS rules, shadowed by them or not, so that whether a LOG rule is reached depends on
   * the rules before it. For property tests of the logged rule sets.
   */
  public static Gen<Case> logCases() {
    Gen<Case> g = in -> {
      TieredGraphGen gen = new TieredGraphGen(Draw.of(in));
      gen.tiers = gen.drawTiers();
      gen.catchAlls = true;
      gen.logs = true;
      return gen.draw();
    };
    return g.describedAs(c -> "tiers " + c.clusterWide().tiers() + "\n" + c);
  }

  /** The generalised port sets {@link #generalPortCases()} draws from. */
  public static final List<PortSet> GENERAL_PORTS = List.of(
      // ICMP echo request (type 8, every code) and ICMPv6 echo request (128)
      PortSet.of(Map.of(1, List.of(new PortRange(2048, 2303)), 58, List.of(new PortRange(32768, 33023)))),
      // destination unreachable, host unreachable (type 3 code 1)
      PortSet.of(Map.of(1, List.of(PortRange.of(769)))),
      // notICMP type 8 under protocol ICMP
      PortSet.of(Map.of(1, List.of(new PortRange(0, 2047), new PortRange(2304, 65535)))),
      // every ICMP and ICMPv6 message
      PortSet.of(Map.of(1, List.of(new PortRange(0, 65535)), 58, List.of(new PortRange(0, 65535)))),
      // GRE, wholly
      PortSet.wholeProtocol(47),
      // GRE and TCP 80
      PortSet.of(Map.of(47, List.of(new PortRange(0, 0)), 6, List.of(PortRange.of(80)))),
      // notProtocol UDP
      PortSet.of(Map.of(17, List.of()), true),
      // every protocol but TCP 80
      PortSet.of(Map.of(6, List.of(new PortRange(1, 79), new PortRange(81, 65535))), true),
      // TCP with notPorts 22 and 80
      PortSet.of(Map.of(6, List.of(new PortRange(1, 21), new PortRange(23, 79), new PortRange(81, 65535)))),
      // ICMP types 3 and 8 wholly, ICMPv6 type 1 code 4
      PortSet.of(Map.of(1, List.of(new PortRange(768, 1023), new PortRange(2048, 2303)),
          58, List.of(PortRange.of(260)))),
      // ICMP 3/2 to 8/52: a partial first type, whole types 4-7, a partial last type
      PortSet.of(Map.of(1, List.of(new PortRange(770, 2100)))),
      // every protocol but ICMP other than echo, and but 253
      PortSet.of(Map.of(1, List.of(new PortRange(2048, 2303)), 253, List.of()), true),
      // whole TCP, GRE and ICMPv6 echo
      PortSet.of(Map.of(6, List.of(PortRange.ALL), 47, List.of(new PortRange(0, 0)),
          58, List.of(new PortRange(32768, 33023)))));

  /** ICMP type/code pairs probed in {@link #generalPortCases()}. */
  private static final List<int[]> ICMP_PROBES = List.of(new int[] {8, 0}, new int[] {0, 0}, new int[] {3, 1},
      new int[] {3, 3}, new int[] {5, 0}, new int[] {8, 52}, new int[] {8, 53}, new int[] {11, 0});
  /** ICMPv6 type/code pairs probed in {@link #generalPortCases()}. */
  private static final List<int[]> ICMPV6_PROBES = List.of(new int[] {128, 0}, new int[] {129, 0},
      new int[] {1, 4}, new int[] {1, 3}, new int[] {128, 200});
  /** Protocols without ports probed in {@link #generalPortCases()}. */
  private static final List<Integer> OTHER_PROTOCOLS = List.of(47, 253);

  private List<Tier> drawTiers() {
    java.util.TreeSet<Tier> out = new java.util.TreeSet<>();
    int n = d.between(1, 6);
    for (int i = 0; i < n; i++) {
      if (d.chance(35)) {
        out.add(d.pick(Tier.standard()));
      } else {
        out.add(Tier.ordered(d.pick(TIER_RANKS), d.pick(TIER_NAMES)));
      }
    }
    return List.copyOf(out);
  }

  /** A case drawn from {@code d} (for seeded, non-shrinking use). */
  public static Case draw(Draw d) {
    return new TieredGraphGen(d).draw();
  }

  private Case draw() {
    SemanticsOptions options = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(!d.chance(25))
        .withNodeLocalExemptFromAllTiers(d.chance(20));
    Map<String, List<IpAddress>> nodeAddresses = new LinkedHashMap<>();
    nodeAddresses.put("n1", new ArrayList<>(List.of(IpAddress.parse("192.0.2.1"))));
    nodeAddresses.put("n2", new ArrayList<>(List.of(IpAddress.parse("192.0.2.2"))));
    if (d.chance(50)) {
      nodeAddresses.get("n2").add(IpAddress.parse("192.0.2.3")); // with .2: the prefix 192.0.2.2/31
    }
    if (!d.chance(30)) {
      nodeAddresses.get("n1").add(IpAddress.parse("2001:db8::1"));
      nodeAddresses.get("n2").add(IpAddress.parse("2001:db8::2"));
    }
    int pods = d.between(1, 6);
    int groupCount = d.between(1, 3);
    List<List<Endpoint>> members = new ArrayList<>();
    for (int i = 0; i < groupCount; i++) {
      members.add(new ArrayList<>());
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < pods; i++) {
      int family = d.between(0, 2); // 0 dual, 1 IPv4, 2 IPv6
      List<IpAddress> ips = new ArrayList<>();
      if (family != 2) {
        ips.add(IpAddress.v4(0xC6120000L + 10 + i)); // 198.18.0.10 + i
      }
      if (family != 1) {
        ips.add(IpAddress.v6(0xFD00L << 48, 0x10 + i)); // fd00::10 + i
      }
      int node = d.between(0, NODES.size()); // NODES.size(): unscheduled
      Endpoint e = new Endpoint("ns/pod" + i, ips, node < NODES.size() ? Optional.of(NODES.get(node))
          : Optional.empty());
      endpoints.add(e);
      members.get(d.between(0, groupCount - 1)).add(e);
    }
    RuleGraph.Builder b = RuleGraph.builder(options);
    nodeAddresses.forEach((n, ips) -> b.nodeAddresses(n, AddressSet.ofAddresses(ips)));
    for (List<Endpoint> m : members) {
      if (m.isEmpty()) {
        continue;
      }
      EndpointGroup g = EndpointGroup.of(m, d.chance(50), d.chance(50));
      b.addGroup(g);
      for (Direction dir : Direction.values()) {
        int rules = d.between(0, 4);
        for (int i = 0; i < rules; i++) {
          b.addRule(rule(g.id(), dir, i, endpoints));
        }
      }
    }
    RuleGraph graph = b.build();
    return new Case(graph, probes(graph, endpoints, generalPorts));
  }

  private Rule rule(String group, Direction dir, int index, List<Endpoint> endpoints) {
    // The standard three in their historical draw order, so that cases() draws as it always has.
    Tier tier = tiers.equals(Tier.standard()) ? d.pick(List.of(Tier.NETWORK_POLICY, Tier.ADMIN, Tier.BASELINE))
        : d.pick(tiers);
    int priority = tier.equals(Tier.NETWORK_POLICY) ? 0 : d.between(0, 3);
    Action action = tier.equals(Tier.NETWORK_POLICY) && !d.chance(15) ? Action.ALLOW
        : d.pick(List.of(Action.ALLOW, Action.DENY, Action.PASS));
    if (logs && d.chance(25)) {
      action = Action.LOG;
    }
    List<Origin> origins = new ArrayList<>();
    origins.add(new Origin(d.pick(POLICIES), dir, index, SourcePosition.UNKNOWN));
    if (d.chance(15)) {
      origins.add(new Origin(d.pick(POLICIES), dir, index + 1, SourcePosition.UNKNOWN));
    }
    if (catchAlls && !tier.equals(Tier.NETWORK_POLICY) && d.chance(20)) {
      // A tier's end action: last in its tier, for every peer and protocol.
      return new Rule(dir, tier, 4, group, AddressSet.ALL, PortSet.ALL_PROTOCOLS,
          d.chance(50) ? Action.DENY : Action.PASS, origins);
    }
    return new Rule(dir, tier, priority, group, peers(endpoints), ports(), action, origins);
  }

  private AddressSet peers(List<Endpoint> endpoints) {
    List<Cidr> cidrs = new ArrayList<>();
    int parts = d.between(1, 3);
    for (int i = 0; i < parts; i++) {
      if (d.chance(50)) {
        for (IpAddress ip : d.pick(endpoints).ips()) {
          cidrs.add(Cidr.host(ip));
        }
      } else {
        cidrs.add(Cidr.of(d.pick(BLOCKS)));
      }
    }
    return AddressSet.ofCidrs(cidrs);
  }

  private PortSet ports() {
    if (generalPorts && d.chance(50)) {
      return d.pick(GENERAL_PORTS);
    }
    switch (d.between(0, 8)) {
      case 0:
        return PortSet.ALL_PROTOCOLS;
      case 1:
        return PortSet.of(Protocol.TCP, PortRange.of(80));
      case 2:
        return PortSet.of(Protocol.TCP, new PortRange(80, 81));
      case 3:
        return PortSet.of(Protocol.UDP, PortRange.of(53));
      case 4:
        return PortSet.of(Protocol.TCP, PortRange.ALL);
      case 5:
        return PortSet.of(Map.of(6, List.of(PortRange.ALL), 17, List.of(PortRange.ALL)));
      case 6:
        return PortSet.of(Map.of(132, List.of(PortRange.of(80)), 17, List.of(new PortRange(1000, 2000))));
      case 7:
        return PortSet.of(Map.of(6, MANY_PORTS.stream().map(PortRange::of).toList()));
      default:
        return PortSet.of(Map.of(6, List.of(PortRange.of(53), new PortRange(80, 82)), 17, List.of(PortRange.of(53))));
    }
  }

  /** Every probe of {@link Case#probes()} over the graph's addresses. */
  private static List<Connection> probes(RuleGraph graph, List<Endpoint> endpoints, boolean general) {
    Set<IpAddress> endpointAddresses = new LinkedHashSet<>();
    endpoints.forEach(e -> endpointAddresses.addAll(e.ips()));
    Set<IpAddress> all = new LinkedHashSet<>(endpointAddresses);
    graph.nodeAddresses().values().forEach(s -> s.ranges().forEach(r -> {
      for (IpAddress ip = r.first(); ; ip = ip.next().orElseThrow()) {
        all.add(ip);
        if (ip.equals(r.last())) {
          break;
        }
      }
    }));
    OUTSIDERS.forEach(a -> all.add(IpAddress.parse(a)));
    List<Connection> out = new ArrayList<>();
    for (IpAddress s : all) {
      for (IpAddress t : all) {
        if (s.equals(t) || s.v6() != t.v6()
            || !(endpointAddresses.contains(s) || endpointAddresses.contains(t))) {
          continue;
        }
        for (int p : TCP_PORTS) {
          out.add(Connection.of(s, t, Protocol.TCP, p));
        }
        for (int p : UDP_PORTS) {
          out.add(Connection.of(s, t, Protocol.UDP, p));
        }
        out.add(Connection.of(s, t, Protocol.SCTP, 80));
        out.add(new Connection(s, t, s.v6() ? Protocol.ICMPV6 : Protocol.ICMP, 0));
        if (general) {
          for (int[] tc : s.v6() ? ICMPV6_PROBES : ICMP_PROBES) {
            out.add(Connection.icmp(s, t, tc[0], tc[1]));
          }
          for (int proto : OTHER_PROTOCOLS) {
            out.add(new Connection(s, t, proto, 0));
          }
          out.add(Connection.of(s, t, Protocol.TCP, 22));
        }
      }
    }
    return out;
  }

  /** The kinds of change {@link #mutate} makes. */
  public enum Change {
    /** A rule's priority (within its tier). */
    PRIORITY,
    /** A rule moves to another tier. */
    TIER,
    /** A rule's action. */
    ACTION,
    /** A rule goes. */
    REMOVE_RULE,
    /** A new rule. */
    ADD_RULE,
    /** The rules of one group and direction in reverse insertion order (equal priorities swap). */
    REORDER,
    /** A group's isolation in one direction flips. */
    ISOLATION,
    /** An endpoint moves to another group, or into a group of its own. */
    MOVE_ENDPOINT,
    /** The node-local options change. */
    OPTIONS
  }

  /**
   * {@code g} (cluster-wide) with one random change of kind {@code change}: the same endpoints
   * (possibly regrouped), node addresses and, unless the change is {@link Change#OPTIONS},
   * options. Groups are renamed after their first member, as the builder names them.
   */
  public static RuleGraph mutate(RuleGraph g, Change change, Draw d) {
    List<List<Endpoint>> members = new ArrayList<>();
    List<boolean[]> isolation = new ArrayList<>();
    List<List<Rule>> rules = new ArrayList<>(); // per group: ingress then egress, in evaluation order
    for (EndpointGroup grp : g.groups()) {
      members.add(new ArrayList<>(grp.members()));
      isolation.add(new boolean[] {grp.ingressIsolated(), grp.egressIsolated()});
      List<Rule> rs = new ArrayList<>(g.rules(grp.id(), Direction.INGRESS));
      rs.addAll(g.rules(grp.id(), Direction.EGRESS));
      rules.add(rs);
    }
    SemanticsOptions options = g.options();
    List<Endpoint> endpoints = new ArrayList<>();
    members.forEach(endpoints::addAll);
    int gi = d.between(0, members.size() - 1);
    List<Rule> rs = rules.get(gi);
    TieredGraphGen gen = new TieredGraphGen(d);
    switch (change) {
      case PRIORITY:
      case TIER:
      case ACTION:
      case REMOVE_RULE:
        if (rs.isEmpty()) {
          rs.add(gen.rule("x", d.pick(List.of(Direction.values())), 0, endpoints));
          break;
        }
        int ri = d.between(0, rs.size() - 1);
        Rule r = rs.get(ri);
        if (change == Change.REMOVE_RULE) {
          rs.remove(ri);
        } else if (change == Change.ACTION) {
          rs.set(ri, new Rule(r.direction(), r.tier(), r.priority(), r.subject(), r.peers(), r.ports(),
              d.pick(List.of(Action.ALLOW, Action.DENY, Action.PASS)), r.origins()));
        } else {
          Tier t = change == Change.TIER ? d.pick(g.tiers()) : r.tier();
          int priority = t.equals(Tier.NETWORK_POLICY) ? 0 : change == Change.PRIORITY ? d.between(0, 4) : r.priority();
          rs.set(ri, new Rule(r.direction(), t, priority, r.subject(), r.peers(), r.ports(), r.action(), r.origins()));
        }
        break;
      case ADD_RULE:
        rs.add(d.between(0, rs.size()), gen.rule("x", d.pick(List.of(Direction.values())), rs.size(), endpoints));
        break;
      case REORDER:
        java.util.Collections.reverse(rs);
        break;
      case ISOLATION:
        int dir = d.between(0, 1);
        isolation.get(gi)[dir] = !isolation.get(gi)[dir];
        break;
      case MOVE_ENDPOINT:
        List<Endpoint> from = members.get(gi);
        Endpoint e = from.remove(d.between(0, from.size() - 1));
        int to = d.between(0, members.size());
        if (to == members.size() || to == gi) {
          members.add(new ArrayList<>(List.of(e)));
          isolation.add(new boolean[] {d.chance(50), d.chance(50)});
          rules.add(new ArrayList<>());
        } else {
          members.get(to).add(e);
        }
        break;
      default:
        options = options.withAllowNodeToLocalPods(!d.chance(25)).withNodeLocalExemptFromAllTiers(d.chance(20));
        break;
    }
    RuleGraph.Builder b = RuleGraph.builder(options).node(g.node());
    g.nodeAddresses().forEach(b::nodeAddresses);
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).isEmpty()) {
        continue;
      }
      EndpointGroup grp = EndpointGroup.of(members.get(i), isolation.get(i)[0], isolation.get(i)[1]);
      b.addGroup(grp);
      rules.get(i).forEach(r -> b.addRule(r.withSubject(grp.id())));
    }
    return b.build();
  }

  /**
   * A small fixed graph of generalised port sets, for golden and kernel tests: pod
   * {@code prod/web-0} (198.18.0.10, fd00::10, node n1; ingress-isolated) whose Admin tier
   * allows ICMP and ICMPv6 echo requests from anywhere, denies every other ICMP message, allows
   * protocol 253 and denies GRE (47); its NetworkPolicy tier allows every protocol but UDP
   * ({@code notProtocol}) from {@code dev/client} (198.18.0.20, fd00::20, node n1), and TCP but
   * port 22 ({@code notPorts}) from 198.18.1.0/24; UDP stays denied by isolation.
   */
  public static RuleGraph generalSample(SemanticsOptions options) {
    Endpoint web0 = new Endpoint("prod/web-0", List.of(IpAddress.parse("198.18.0.10"), IpAddress.parse("fd00::10")),
        Optional.of("n1"));
    Endpoint client = new Endpoint("dev/client", List.of(IpAddress.parse("198.18.0.20"), IpAddress.parse("fd00::20")),
        Optional.of("n1"));
    EndpointGroup web = EndpointGroup.of(List.of(web0), true, false);
    EndpointGroup cli = EndpointGroup.of(List.of(client), false, false);
    AddressSet clientIps = AddressSet.ofAddresses(client.ips());
    PortSet echo = PortSet.of(Map.of(1, List.of(new PortRange(2048, 2303)), 58, List.of(new PortRange(32768, 33023))));
    PortSet icmp = PortSet.of(Map.of(1, List.of(new PortRange(0, 65535)), 58, List.of(new PortRange(0, 65535))));
    return RuleGraph.builder(options)
        .nodeAddresses("n1", AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.1"))))
        .addGroup(web).addGroup(cli)
        .addRule(rule(Direction.INGRESS, Tier.ADMIN, 0, web, AddressSet.ALL, echo, Action.ALLOW, "admin/icmp", 0))
        .addRule(rule(Direction.INGRESS, Tier.ADMIN, 1, web, AddressSet.ALL, icmp, Action.DENY, "admin/icmp", 1))
        .addRule(rule(Direction.INGRESS, Tier.ADMIN, 2, web, AddressSet.ALL, PortSet.wholeProtocol(253),
            Action.ALLOW, "admin/proto", 0))
        .addRule(rule(Direction.INGRESS, Tier.ADMIN, 3, web, AddressSet.ALL, PortSet.wholeProtocol(47),
            Action.DENY, "admin/proto", 1))
        .addRule(rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web, clientIps,
            PortSet.of(Map.of(17, List.of()), true), Action.ALLOW, "prod/not-udp", 0))
        .addRule(rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web,
            AddressSet.ofCidrs(List.of(Cidr.of("198.18.1.0/24"))),
            PortSet.of(Map.of(6, List.of(new PortRange(1, 21), new PortRange(23, 65535)))), Action.ALLOW,
            "prod/not-ssh", 0))
        .build();
  }

  /**
   * A small fixed tiered graph for golden files: a web group (two pods on two nodes, isolated
   * both ways) under an Admin Deny of outside sources, an Admin Pass to the NetworkPolicy tier,
   * an Admin kubelet guard (Deny to node addresses on 10250) and a Baseline Deny; a client pod
   * (not isolated) under a Baseline Deny to the database port and a Baseline Allow with a Pass
   * before it; {@code policy} names the policy of the Admin Deny rules (so tests can make it hostile).
   */
  public static RuleGraph sample(SemanticsOptions options, String policy) {
    Endpoint web0 = new Endpoint("prod/web-0", List.of(IpAddress.parse("198.18.0.10"), IpAddress.parse("fd00::10")),
        Optional.of("n1"));
    Endpoint web1 = new Endpoint("prod/web-1", List.of(IpAddress.parse("198.18.0.11")), Optional.of("n2"));
    Endpoint client = new Endpoint("dev/client", List.of(IpAddress.parse("198.18.0.20"), IpAddress.parse("fd00::20")),
        Optional.of("n1"));
    EndpointGroup web = EndpointGroup.of(List.of(web0, web1), true, true);
    EndpointGroup cli = EndpointGroup.of(List.of(client), false, false);
    AddressSet nodes = AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.1"), IpAddress.parse("192.0.2.2"),
        IpAddress.parse("2001:db8::1")));
    AddressSet pods = AddressSet.ofCidrs(List.of(Cidr.of("198.18.0.0/24"), Cidr.of("fd00::/64")));
    PortSet tcp80 = PortSet.of(Protocol.TCP, PortRange.of(80));
    return RuleGraph.builder(options)
        .nodeAddresses("n1", AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.1"), IpAddress.parse("2001:db8::1"))))
        .nodeAddresses("n2", AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.2"))))
        .addGroup(web).addGroup(cli)
        .addRule(rule(Direction.INGRESS, Tier.ADMIN, 10, web, AddressSet.ofCidrs(List.of(Cidr.of("203.0.113.0/24"))),
            PortSet.ALL_PROTOCOLS, Action.DENY, policy, 0))
        .addRule(rule(Direction.INGRESS, Tier.ADMIN, 20, web, pods, tcp80, Action.PASS, "delegate-web", 0))
        .addRule(rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web, AddressSet.ofAddresses(
            List.of(IpAddress.parse("198.18.0.20"), IpAddress.parse("fd00::20"))), tcp80, Action.ALLOW,
            "prod/allow-client", 0))
        .addRule(rule(Direction.EGRESS, Tier.ADMIN, 5, web, nodes, PortSet.of(Protocol.TCP, PortRange.of(10250)),
            Action.DENY, policy, 1))
        .addRule(rule(Direction.EGRESS, Tier.NETWORK_POLICY, 0, web, pods, PortSet.ALL_PROTOCOLS, Action.ALLOW,
            "prod/allow-pods", 0))
        .addRule(rule(Direction.EGRESS, Tier.BASELINE, 0, web, AddressSet.ALL, PortSet.of(Protocol.UDP,
            PortRange.of(53)), Action.DENY, "default", 0))
        .addRule(rule(Direction.EGRESS, Tier.BASELINE, 3, cli, AddressSet.ofAddresses(List.of(
            IpAddress.parse("198.18.0.11"))), PortSet.ALL_PROTOCOLS, Action.PASS, "baseline-pass", 0))
        .addRule(rule(Direction.EGRESS, Tier.BASELINE, 5, cli, pods, PortSet.of(Protocol.TCP, PortRange.of(5432)),
            Action.DENY, "default", 1))
        .addRule(rule(Direction.EGRESS, Tier.BASELINE, 6, cli, nodes, PortSet.of(Map.of(6, List.of(PortRange.ALL))),
            Action.ALLOW, "default", 2))
        .build();
  }

  /** The first tier of {@link #fourTiers}: before every standard tier. */
  public static final Tier SECURITY = Tier.ordered(100, "security");
  /** The second tier of {@link #fourTiers}. */
  public static final Tier PLATFORM = Tier.ordered(200, "platform");
  /** The third tier of {@link #fourTiers}. */
  public static final Tier APP = Tier.ordered(300, "app");

  /**
   * A fixed graph with four tiers in use, {@link #SECURITY}, {@link #PLATFORM}, {@link #APP} and
   * NetworkPolicy, and Pass chains through them. Group {@code prod/web-0} (198.18.0.10 on n1,
   * isolated both ways); clients {@code dev/a} to {@code dev/d} (198.18.0.20 to .23, one group,
   * not isolated); nodes n1 192.0.2.1, n2 192.0.2.2. Ingress of web, TCP 80: a is passed by
   * security and denied by platform; b is passed by security and allowed by app; c falls through
   * to app's catch-all Pass and is allowed by NetworkPolicy; d is denied by isolation;
   * 203.0.113.0/24 is denied by security. Egress of web: security denies TCP 10250 to the nodes;
   * platform passes TCP 22 to the nodes and denies other TCP to them; NetworkPolicy allows the
   * pods' block. So to its own node (NetworkPolicy skipped) web may use TCP 22 and UDP, to n2
   * neither.
   */
  public static RuleGraph fourTiers(SemanticsOptions options) {
    Endpoint web0 = new Endpoint("prod/web-0", List.of(IpAddress.parse("198.18.0.10")), Optional.of("n1"));
    List<Endpoint> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(new Endpoint("dev/" + (char) ('a' + i), List.of(IpAddress.v4(0xC6120000L + 20 + i)),
          Optional.of(i % 2 == 0 ? "n1" : "n2")));
    }
    EndpointGroup web = EndpointGroup.of(List.of(web0), true, true);
    EndpointGroup cli = EndpointGroup.of(clients, false, false);
    AddressSet a = AddressSet.ofAddresses(clients.get(0).ips());
    AddressSet b = AddressSet.ofAddresses(clients.get(1).ips());
    AddressSet c = AddressSet.ofAddresses(clients.get(2).ips());
    AddressSet nodes = AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.1"), IpAddress.parse("192.0.2.2")));
    PortSet tcp80 = PortSet.of(Protocol.TCP, PortRange.of(80));
    PortSet everyTcp = PortSet.of(Protocol.TCP, PortRange.ALL);
    return RuleGraph.builder(options)
        .nodeAddresses("n1", AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.1"))))
        .nodeAddresses("n2", AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.2"))))
        .addGroup(web).addGroup(cli)
        .addRule(rule(Direction.INGRESS, SECURITY, 0, web, a, PortSet.ALL_PROTOCOLS, Action.PASS, "sec/pass-a", 0))
        .addRule(rule(Direction.INGRESS, SECURITY, 1, web, b, PortSet.ALL_PROTOCOLS, Action.PASS, "sec/pass-b", 0))
        .addRule(rule(Direction.INGRESS, SECURITY, 2, web, AddressSet.ofCidrs(List.of(Cidr.of("203.0.113.0/24"))),
            PortSet.ALL_PROTOCOLS, Action.DENY, "sec/deny-outside", 0))
        .addRule(rule(Direction.INGRESS, PLATFORM, 0, web, a, tcp80, Action.DENY, "plat/deny-a", 0))
        .addRule(rule(Direction.INGRESS, APP, 0, web, b, tcp80, Action.ALLOW, "app/allow-b", 0))
        .addRule(rule(Direction.INGRESS, APP, 9, web, AddressSet.ALL, PortSet.ALL_PROTOCOLS, Action.PASS,
            "app/end-of-tier", 0))
        .addRule(rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web, c, tcp80, Action.ALLOW, "prod/allow-c", 0))
        .addRule(rule(Direction.EGRESS, SECURITY, 0, web, nodes, PortSet.of(Protocol.TCP, PortRange.of(10250)),
            Action.DENY, "sec/kubelet", 0))
        .addRule(rule(Direction.EGRESS, PLATFORM, 0, web, nodes, PortSet.of(Protocol.TCP, PortRange.of(22)),
            Action.PASS, "plat/ssh", 0))
        .addRule(rule(Direction.EGRESS, PLATFORM, 1, web, nodes, everyTcp, Action.DENY, "plat/nodes", 0))
        .addRule(rule(Direction.EGRESS, Tier.NETWORK_POLICY, 0, web, AddressSet.ofCidrs(List.of(
            Cidr.of("198.18.0.0/24"))), PortSet.ALL_PROTOCOLS, Action.ALLOW, "prod/allow-pods", 0))
        .build();
  }

  private static Rule rule(Direction dir, Tier tier, int priority, EndpointGroup g, AddressSet peers, PortSet ports,
      Action action, String policy, int index) {
    return new Rule(dir, tier, priority, g.id(), peers, ports, action,
        List.of(new Origin(policy, dir, index, SourcePosition.UNKNOWN)));
  }

  /**
   * The graph of {@code node}: the endpoints scheduled there, each group cut to them (and
   * renamed after its first remaining member, as the node-scoped build names groups), their
   * rules, every node's addresses, the node set.
   */
  public static RuleGraph restrict(RuleGraph g, String node) {
    RuleGraph.Builder b = RuleGraph.builder(g.options()).node(Optional.of(node));
    g.nodeAddresses().forEach(b::nodeAddresses);
    for (EndpointGroup grp : g.groups()) {
      List<Endpoint> local = grp.members().stream().filter(e -> e.node().equals(Optional.of(node))).toList();
      if (local.isEmpty()) {
        continue;
      }
      EndpointGroup cut = EndpointGroup.of(local, grp.ingressIsolated(), grp.egressIsolated());
      b.addGroup(cut);
      for (Direction dir : Direction.values()) {
        g.rules(grp.id(), dir).forEach(r -> b.addRule(r.withSubject(cut.id())));
      }
    }
    return b.build();
  }
}
