package dev.netpolc.backend.nftables.sim;

import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntBinaryOperator;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * A random ruleset of the subset, kept as plain data so that a test can render it to nft text
 * and decide packets from the data directly (linear scans, recursive chain calls) as an
 * independent reference for the parser and the interpreter.
 *
 * <p>One inet table: interval address sets (some auto-merge), concatenated address . protocol .
 * port sets, a port verdict map, a forward base chain and up to three regular chains that only
 * jump forward (so there are no loops). Addresses come from 10.0.0.0/22 and ports from 0..63 so
 * that random packets hit the elements often.
 */
final class RandomRuleset {

  static final long BASE = IpAddress.parse("10.0.0.0").lo();
  static final int ADDRS = 1024;
  static final int PORTS = 64;
  static final int[] PROTOS = {6, 17};

  /** An inclusive range; {@code prefix} is set when it is rendered as a prefix. */
  record R(long from, long to, int prefix) {
    boolean contains(long v) {
      return from <= v && v <= to;
    }

    boolean overlaps(R o) {
      return from <= o.to && o.from <= to;
    }
  }

  /** An element: one range per component, and a verdict for map elements. */
  record Elem(List<R> key, String verdict) {}

  /** A named set or map. */
  record NamedSet(String name, String type, boolean interval, boolean autoMerge, List<Elem> elems) {}

  /** A match of a rule. */
  record Match(String kind, boolean negated, String set, List<Elem> anon, int from, int to) {}

  /** A rule: matches, optional log/counter, then a terminal ("" for none). */
  record NRule(List<Match> matches, boolean counter, String terminal) {}

  final List<NamedSet> sets = new ArrayList<>();
  final List<List<NRule>> chains = new ArrayList<>(); // index 0 is the base chain "fw"
  String policy = "accept";

  /** The generator of random rulesets. */
  static Gen<RandomRuleset> gen() {
    return in -> {
      IntBinaryOperator draw = (lo, hi) -> (int) in.next(Constraint.between(lo, hi));
      return generate(draw);
    };
  }

  private static boolean bool(IntBinaryOperator d) {
    return d.applyAsInt(0, 1) == 1;
  }

  static RandomRuleset generate(IntBinaryOperator d) {
    RandomRuleset rs = new RandomRuleset();
    rs.policy = bool(d) ? "accept" : "drop";
    int addressSets = d.applyAsInt(1, 2);
    for (int i = 0; i < addressSets; i++) {
      boolean merge = bool(d);
      List<Elem> elems = new ArrayList<>();
      int n = d.applyAsInt(1, 12);
      for (int k = 0; k < n; k++) {
        Elem e = new Elem(List.of(addressRange(d)), null);
        if (merge || elems.stream().noneMatch(x -> overlaps(x, e))) {
          elems.add(e);
        }
      }
      rs.sets.add(new NamedSet("sa" + i, "ipv4_addr", true, merge, elems));
    }
    List<Elem> concat = new ArrayList<>();
    int n = d.applyAsInt(1, 8);
    for (int k = 0; k < n; k++) {
      Elem e = new Elem(List.of(addressRange(d), single(PROTOS[d.applyAsInt(0, 1)]), portRange(d)), null);
      if (concat.stream().noneMatch(x -> overlaps(x, e))) {
        concat.add(e);
      }
    }
    rs.sets.add(new NamedSet("sb0", "ipv4_addr . inet_proto . inet_service", true, false, concat));
    int regular = d.applyAsInt(0, 3);
    List<Elem> map = new ArrayList<>();
    int m = d.applyAsInt(1, 6);
    for (int k = 0; k < m; k++) {
      Elem e = new Elem(List.of(portRange(d)), verdict(d, 0, regular, false));
      if (map.stream().noneMatch(x -> overlaps(x, e))) {
        map.add(e);
      }
    }
    rs.sets.add(new NamedSet("mc0", "inet_service", true, false, map));
    for (int c = 0; c <= regular; c++) {
      List<NRule> rules = new ArrayList<>();
      int rn = d.applyAsInt(c == 0 ? 1 : 0, 6);
      for (int k = 0; k < rn; k++) {
        rules.add(rule(d, rs, c, regular));
      }
      rs.chains.add(rules);
    }
    return rs;
  }

  private static boolean overlaps(Elem a, Elem b) {
    for (int i = 0; i < a.key().size(); i++) {
      if (!a.key().get(i).overlaps(b.key().get(i))) {
        return false;
      }
    }
    return true;
  }

  private static R single(long v) {
    return new R(v, v, -1);
  }

  private static R addressRange(IntBinaryOperator d) {
    int a = d.applyAsInt(0, ADDRS - 1);
    switch (d.applyAsInt(0, 2)) {
      case 0:
        return single(BASE + a);
      case 1:
        return new R(BASE + a, BASE + Math.min(ADDRS - 1, a + d.applyAsInt(1, 40)), -1);
      default: {
        int host = d.applyAsInt(0, 10);
        long start = (BASE + a) & ~((1L << host) - 1);
        return new R(start, start + (1L << host) - 1, 32 - host);
      }
    }
  }

  private static R portRange(IntBinaryOperator d) {
    int a = d.applyAsInt(0, PORTS - 1);
    return bool(d) ? single(a) : new R(a, Math.min(PORTS - 1, a + d.applyAsInt(1, 10)), -1);
  }

  /** A verdict; jumps and gotos only go to later chains. */
  private static String verdict(IntBinaryOperator d, int chain, int regular, boolean flow) {
    int kinds = flow ? 6 : 2;
    int k = d.applyAsInt(0, kinds - 1 + (chain < regular ? 1 : 0));
    if (k == kinds) {
      int target = d.applyAsInt(chain + 1, regular);
      return (bool(d) ? "jump c" : "goto c") + target;
    }
    String[] all = {"accept", "drop", "continue", "return", "", "vmap"};
    String v = all[k];
    if (v.equals("vmap") && chain != 0) {
      return "drop";
    }
    return v;
  }

  private static NRule rule(IntBinaryOperator d, RandomRuleset rs, int chain, int regular) {
    List<Match> matches = new ArrayList<>();
    int mn = d.applyAsInt(0, 2);
    for (int i = 0; i < mn; i++) {
      boolean neg = d.applyAsInt(0, 3) == 0;
      switch (d.applyAsInt(0, 6)) {
        case 0: {
          int s = d.applyAsInt(0, (int) rs.sets.stream().filter(x -> x.name().startsWith("sa")).count() - 1);
          matches.add(new Match("saddr@", neg, "sa" + s, null, 0, 0));
          break;
        }
        case 1: {
          List<Elem> anon = new ArrayList<>();
          int n = d.applyAsInt(1, 4);
          for (int k = 0; k < n; k++) {
            anon.add(new Elem(List.of(addressRange(d)), null));
          }
          matches.add(new Match("daddr{}", neg, null, anon, 0, 0));
          break;
        }
        case 2:
          matches.add(new Match("concat@", neg, "sb0", null, 0, 0));
          break;
        case 3:
          matches.add(new Match(bool(d) ? "l4{tcp,udp}" : "l4icmp", neg, null, null, 0, 0));
          break;
        case 4: {
          int a = d.applyAsInt(0, PORTS - 1);
          matches.add(new Match("thdport", neg, null, null, a, Math.min(PORTS - 1, a + d.applyAsInt(0, 20))));
          break;
        }
        case 5: {
          int a = d.applyAsInt(0, PORTS - 1);
          matches.add(new Match("tcpdport", neg, null, null, a, a));
          break;
        }
        default:
          matches.add(new Match(bool(d) ? "ctnew" : "ctestrel", neg, null, null, 0, 0));
      }
    }
    // nft refuses "meta l4proto icmp tcp dport 80" (and "{ tcp, udp }" before tcp dport): drop those.
    int tcp = -1;
    for (int i = 0; i < matches.size(); i++) {
      if (matches.get(i).kind().equals("tcpdport")) {
        tcp = i;
      }
    }
    List<Match> kept = new ArrayList<>();
    for (int i = 0; i < matches.size(); i++) {
      Match m = matches.get(i);
      if (!(i < tcp && m.kind().startsWith("l4") && !m.negated())) {
        kept.add(m);
      }
    }
    return new NRule(kept, bool(d), verdict(d, chain, regular, true));
  }

  // ---- rendering ----

  static String addr(long v) {
    return IpAddress.v4(v).toString();
  }

  private static String render(R r, boolean address) {
    if (address) {
      if (r.prefix() >= 0) {
        return addr(r.from()) + "/" + r.prefix();
      }
      return r.from() == r.to() ? addr(r.from()) : addr(r.from()) + "-" + addr(r.to());
    }
    return r.from() == r.to() ? Long.toString(r.from()) : r.from() + "-" + r.to();
  }

  private static String renderElem(Elem e, NamedSet s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < e.key().size(); i++) {
      if (i > 0) {
        sb.append(" . ");
      }
      R r = e.key().get(i);
      if (s.name().equals("sb0") && i == 1) {
        sb.append(r.from() == 6 ? "tcp" : "udp");
      } else {
        sb.append(render(r, s.name().startsWith("s") && i == 0));
      }
    }
    if (e.verdict() != null) {
      sb.append(" : ").append(e.verdict());
    }
    return sb.toString();
  }

  /** The ruleset as an nft script. */
  String render() {
    StringBuilder sb = new StringBuilder("table inet rnd {\n");
    for (NamedSet s : sets) {
      sb.append("  ").append(s.name().startsWith("m") ? "map " : "set ").append(s.name()).append(" {\n");
      sb.append("    type ").append(s.type()).append(s.name().startsWith("m") ? " : verdict" : "").append("\n");
      sb.append("    flags interval\n");
      if (s.autoMerge()) {
        sb.append("    auto-merge\n");
      }
      List<String> elems = new ArrayList<>();
      for (Elem e : s.elems()) {
        elems.add(renderElem(e, s));
      }
      sb.append("    elements = { ").append(String.join(",\n      ", elems)).append(" }\n  }\n");
    }
    for (int c = 0; c < chains.size(); c++) {
      sb.append("  chain ").append(c == 0 ? "fw" : "c" + c).append(" {\n");
      if (c == 0) {
        sb.append("    type filter hook forward priority filter; policy ").append(policy).append(";\n");
      }
      for (NRule r : chains.get(c)) {
        sb.append("    ").append(renderRule(r)).append("\n");
      }
      sb.append("  }\n");
    }
    return sb.append("}\n").toString();
  }

  private static String renderRule(NRule r) {
    List<String> parts = new ArrayList<>();
    for (Match m : r.matches()) {
      String op = m.negated() ? "!= " : "";
      switch (m.kind()) {
        case "saddr@":
          parts.add("ip saddr " + op + "@" + m.set());
          break;
        case "daddr{}": {
          List<String> es = new ArrayList<>();
          for (Elem e : m.anon()) {
            es.add(render(e.key().get(0), true));
          }
          parts.add("ip daddr " + op + "{ " + String.join(", ", es) + " }");
          break;
        }
        case "concat@":
          parts.add("ip saddr . meta l4proto . th dport " + op + "@" + m.set());
          break;
        case "l4{tcp,udp}":
          parts.add("meta l4proto " + op + "{ tcp, udp }");
          break;
        case "l4icmp":
          parts.add("meta l4proto " + op + "icmp");
          break;
        case "thdport":
          parts.add("th dport " + op + (m.from() == m.to() ? "" + m.from() : m.from() + "-" + m.to()));
          break;
        case "tcpdport":
          parts.add("tcp dport " + op + m.from());
          break;
        case "ctnew":
          parts.add("ct state " + op + "new");
          break;
        default:
          parts.add("ct state " + op + "established,related");
      }
    }
    if (r.counter()) {
      parts.add("counter");
    }
    if (r.terminal().equals("vmap")) {
      parts.add("th dport vmap @mc0");
    } else if (!r.terminal().isEmpty()) {
      parts.add(r.terminal());
    }
    if (parts.isEmpty()) {
      parts.add("counter");
    }
    return String.join(" ", parts);
  }

  // ---- reference decision ----

  /** What a chain ended with: a final verdict, or falling off its end / return. */
  private enum Outcome { ACCEPT, DROP, END }

  /** The reference verdict at the forward hook. */
  Verdict decide(Packet p) {
    Outcome o = runChain(0, p);
    if (o == Outcome.END) {
      return policy.equals("accept") ? Verdict.ACCEPT : Verdict.DROP;
    }
    return o == Outcome.ACCEPT ? Verdict.ACCEPT : Verdict.DROP;
  }

  private Outcome runChain(int c, Packet p) {
    for (NRule r : chains.get(c)) {
      boolean all = true;
      for (Match m : r.matches()) {
        if (!matches(m, p)) {
          all = false;
          break;
        }
      }
      if (!all) {
        continue;
      }
      String t = r.terminal();
      if (t.equals("vmap")) {
        Optional<Long> port = port(p);
        if (port.isEmpty()) {
          continue;
        }
        Optional<Elem> e = set("mc0").elems().stream().filter(x -> x.key().get(0).contains(port.get())).findFirst();
        if (e.isEmpty()) {
          continue;
        }
        t = e.get().verdict();
      }
      if (t.equals("accept")) {
        return Outcome.ACCEPT;
      }
      if (t.equals("drop")) {
        return Outcome.DROP;
      }
      if (t.equals("return")) {
        return Outcome.END;
      }
      if (t.startsWith("jump c")) {
        Outcome o = runChain(Integer.parseInt(t.substring(6)), p);
        if (o != Outcome.END) {
          return o;
        }
      } else if (t.startsWith("goto c")) {
        return runChain(Integer.parseInt(t.substring(6)), p);
      }
      // continue, or no terminal: next rule.
    }
    return Outcome.END;
  }

  private NamedSet set(String name) {
    return sets.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private static Optional<Long> port(Packet p) {
    return p.l4proto() == 6 || p.l4proto() == 17 ? Optional.of((long) p.dport()) : Optional.empty();
  }

  private boolean matches(Match m, Packet p) {
    Optional<Boolean> hit;
    switch (m.kind()) {
      case "saddr@":
        hit = p.v6() ? Optional.empty()
            : Optional.of(set(m.set()).elems().stream().anyMatch(e -> e.key().get(0).contains(p.saddr().lo())));
        break;
      case "daddr{}":
        hit = p.v6() ? Optional.empty()
            : Optional.of(m.anon().stream().anyMatch(e -> e.key().get(0).contains(p.daddr().lo())));
        break;
      case "concat@": {
        Optional<Long> port = port(p);
        hit = p.v6() || port.isEmpty() ? Optional.empty()
            : Optional.of(set(m.set()).elems().stream().anyMatch(e -> e.key().get(0).contains(p.saddr().lo())
                && e.key().get(1).contains(p.l4proto()) && e.key().get(2).contains(port.get())));
        break;
      }
      case "l4{tcp,udp}":
        hit = Optional.of(p.l4proto() == 6 || p.l4proto() == 17);
        break;
      case "l4icmp":
        hit = Optional.of(p.l4proto() == 1);
        break;
      case "thdport":
        hit = port(p).map(v -> m.from() <= v && v <= m.to());
        break;
      case "tcpdport":
        hit = p.l4proto() == 6 ? Optional.of(p.dport() == m.from()) : Optional.empty();
        break;
      case "ctnew":
        hit = Optional.of(p.ctState() == CtState.NEW);
        break;
      default:
        hit = Optional.of(p.ctState() == CtState.ESTABLISHED || p.ctState() == CtState.RELATED);
    }
    // A field the packet lacks fails the match whether negated or not.
    return hit.isPresent() && hit.get() != m.negated();
  }

  @Override
  public String toString() {
    return render();
  }
}
