package dev.netpolc.backend.ebpf;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.Draw;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.quicktheories.core.Gen;

/**
 * The tiered graphs of {@link TieredGraphGen} with some rules' port sets replaced by the
 * generalised sets that Calico lowers to: ICMP and ICMPv6 type ranges (whole types, single
 * type/codes, code ranges, type ranges), whole protocols without ports (GRE 47, 253) or with
 * them (UDP-Lite 136), {@code notProtocol}-style other-protocols complements, {@code notPorts}
 * and {@code notICMP}-style per-protocol complements, and unions of these. The probes are the
 * base case's plus, for every address pair it probes, every ICMP value where some set's range
 * starts or ends (and its neighbours), echo and the edges of the value space, the
 * port-carrying protocols at the new sets' boundaries, and protocols 47, 136, 253 and 99 (named
 * by no set) with their only value, 0.
 */
final class GeneralPortSetGen {
  private GeneralPortSetGen() {}

  private static final int ICMP = 1;
  private static final int ICMPV6 = 58;
  private static final int GRE = 47;
  private static final int EXPERIMENTAL = 253;

  /** Building blocks: simplest first. */
  private static final List<PortSet> BLOCKS = List.of(
      icmp(ICMP, 8 << 8, (8 << 8) + 255), // echo request, every code
      PortSet.wholeProtocol(GRE),
      icmp(ICMP, (3 << 8) + 1, (3 << 8) + 1), // destination unreachable, host unreachable
      icmp(ICMPV6, 128 << 8, (128 << 8) + 255), // ICMPv6 echo request
      PortSet.wholeProtocol(ICMP),
      icmp(ICMP, 0, 255), // echo reply: value 0 is a real message here
      icmp(ICMP, 3 << 8, (3 << 8) + 3), // unreachable codes 0-3
      icmp(ICMP, 13 << 8, (18 << 8) + 255), // timestamp .. address mask reply
      PortSet.wholeProtocol(EXPERIMENTAL),
      PortSet.wholeProtocol(PortSet.UDPLITE),
      PortSet.wholeProtocol(ICMPV6),
      PortSet.of(Protocol.TCP, PortRange.of(22)),
      PortSet.of(Protocol.UDP, new PortRange(53, 54)));

  /** Cases whose graphs carry generalised port sets. */
  static Gen<TieredGraphGen.Case> cases() {
    Gen<TieredGraphGen.Case> base = TieredGraphGen.cases();
    return in -> {
      TieredGraphGen.Case c = base.generate(in);
      Draw draw = Draw.of(in);
      RuleGraph g = c.graph();
      RuleGraph.Builder b = g.toBuilderWithoutRules();
      for (Rule r : g.rules()) {
        b.addRule(draw.chance(60) ? r.withPorts(generalSet(draw)) : r);
      }
      RuleGraph out = b.build();
      return new TieredGraphGen.Case(out, probes(out, c.probes()));
    };
  }

  /** A block, perhaps unioned with another, perhaps complemented (other protocols then match). */
  private static PortSet generalSet(Draw draw) {
    PortSet s = draw.pick(BLOCKS);
    if (draw.chance(40)) {
      s = s.union(draw.pick(BLOCKS));
    }
    switch (draw.between(0, 3)) {
      case 1 -> s = s.complement(); // notProtocol / notICMP over everything
      case 2 -> s = notWithin(s); // notPorts / notICMP within the named protocols
      default -> { }
    }
    return s;
  }

  /** Every value of the protocols {@code s} names that {@code s} does not match. */
  private static PortSet notWithin(PortSet s) {
    PortSet named = PortSet.EMPTY;
    for (int proto : s.byProtocol().keySet()) {
      named = named.union(PortSet.wholeProtocol(proto));
    }
    return named.minus(s);
  }

  private static PortSet icmp(int proto, int from, int to) {
    return PortSet.of(Map.of(proto, List.of(new PortRange(from, to))));
  }

  private static List<Connection> probes(RuleGraph g, List<Connection> base) {
    TreeSet<Integer> icmpValues = new TreeSet<>(List.of(0, 8 << 8, 13 << 8, 128 << 8, 129 << 8, 65535));
    TreeSet<Integer> ports = new TreeSet<>(List.of(1, 65535));
    for (PortSet s : g.portSets()) {
      s.byProtocol().forEach((proto, rs) -> {
        for (PortRange r : rs) {
          for (int v : new int[] {r.from() - 1, r.from(), r.to(), r.to() + 1}) {
            if (PortSet.isIcmp(proto) && v >= 0 && v <= 65535) {
              icmpValues.add(v);
            } else if (Protocol.ofNumber(proto).isPresent() && v >= 1 && v <= 65535) {
              ports.add(v);
            }
          }
        }
      });
    }
    Set<List<IpAddress>> pairs = new LinkedHashSet<>();
    base.forEach(c -> pairs.add(List.of(c.source(), c.destination())));
    List<Connection> out = new ArrayList<>(base);
    for (List<IpAddress> p : pairs) {
      IpAddress s = p.get(0);
      IpAddress d = p.get(1);
      for (int v : icmpValues) {
        out.add(Connection.icmp(s, d, v >> 8, v & 0xff));
      }
      for (int proto : List.of(GRE, EXPERIMENTAL, PortSet.UDPLITE, 99)) {
        out.add(new Connection(s, d, proto, 0));
      }
      for (Protocol proto : Protocol.values()) {
        for (int port : ports) {
          out.add(Connection.of(s, d, proto, port));
        }
      }
    }
    return out;
  }
}
