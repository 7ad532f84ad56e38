package dev.netpolc.backend.iptables.sim;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.backend.iptables.sim.grammar.IptRestoreLexer;
import dev.netpolc.backend.iptables.sim.grammar.IptRestoreParser;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;

/**
 * Reads an iptables-restore (or ip6tables-restore) file into the filter table it leaves behind,
 * as {@code --noflush} would on an empty table: rejecting what iptables would reject (a rule in
 * an undeclared chain, a jump to a missing chain, an unknown match or option, a set that does
 * not exist or is of the other family, more than 15 multiport ports, a comment over 255 or a
 * log prefix over 29 characters, a chain name over 28, a table without {@code COMMIT},
 * {@code --map-set} outside the mangle table). The {@code filter} and {@code mangle} tables are
 * built; other tables are parsed and ignored.
 */
public final class IptRulesetBuilder {
  /** The kernel's limit on chain names (XT_EXTENSION_MAXNAMELEN - 1). */
  public static final int MAX_CHAIN_NAME = 28;
  private static final Set<String> FILTER_BUILT_IN = ImmutableSet.of("INPUT", "FORWARD", "OUTPUT");
  private static final Set<String> MANGLE_BUILT_IN = ImmutableSet.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT",
      "POSTROUTING");
  private static final Set<String> STATES = ImmutableSet.of("NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED");

  private final boolean v6;
  private final Map<String, IpSet> sets;
  private final String file;
  private final boolean mangle;
  private final Set<String> builtIn;
  private boolean seen;
  private final Map<String, List<IptRule>> chains = new LinkedHashMap<>();
  private final Map<String, Verdict> policies = new LinkedHashMap<>();
  /** Jumps to check when the table commits: target chain → token that named it. */
  private final Map<String, Token> pendingTargets = new LinkedHashMap<>();

  private IptRulesetBuilder(boolean v6, Map<String, IpSet> sets, String file, boolean mangle) {
    this.v6 = v6;
    this.sets = sets;
    this.file = file;
    this.mangle = mangle;
    this.builtIn = mangle ? MANGLE_BUILT_IN : FILTER_BUILT_IN;
    for (String b : builtIn) {
      chains.put(b, new ArrayList<>());
      policies.put(b, Verdict.ACCEPT);
    }
  }

  /**
   * Reads {@code text}.
   *
   * @param v6   true for an ip6tables file
   * @param sets the ipsets that exist when the file is applied
   * @param file the file name for errors
   */
  public static IptRuleset build(String text, boolean v6, Map<String, IpSet> sets, String file)
      throws IptSyntaxException {
    IptRestoreLexer lexer = new IptRestoreLexer(CharStreams.fromString(text));
    IptRestoreParser parser = new IptRestoreParser(new CommonTokenStream(lexer));
    SyntaxErrors errors = new SyntaxErrors(file);
    lexer.removeErrorListeners();
    lexer.addErrorListener(errors);
    parser.removeErrorListeners();
    parser.addErrorListener(errors);
    IptRestoreParser.FileContext tree = parser.file();
    errors.throwFirst();
    IptRulesetBuilder filter = new IptRulesetBuilder(v6, sets, file, false);
    IptRulesetBuilder mangle = new IptRulesetBuilder(v6, sets, file, true);
    run(tree, filter, mangle);
    return new IptRuleset(v6, filter.result(), mangle.seen ? mangle.result() : Map.of());
  }

  private Map<String, IptChain> result() {
    Map<String, IptChain> out = new LinkedHashMap<>();
    chains.forEach((name, rules) -> out.put(name, new IptChain(name, Optional.ofNullable(policies.get(name)),
        rules)));
    return out;
  }

  private static void run(IptRestoreParser.FileContext tree, IptRulesetBuilder filter, IptRulesetBuilder mangle)
      throws IptSyntaxException {
    IptRulesetBuilder b = filter;
    Optional<String> table = Optional.empty();
    Token tableToken = null;
    for (IptRestoreParser.LineContext line : tree.line()) {
      if (line.table() != null) {
        if (table.isPresent()) {
          throw filter.error(line.table().start, "table " + table.get() + " has no COMMIT");
        }
        table = Optional.of(line.table().name.getText());
        tableToken = line.table().start;
        b = table.get().equals("mangle") ? mangle : filter;
        b.seen |= table.get().equals("mangle");
        continue;
      }
      if (line.commit() != null) {
        if (table.isEmpty()) {
          throw filter.error(line.commit().start, "COMMIT outside a table");
        }
        b.checkTargets();
        table = Optional.empty();
        continue;
      }
      if (line.chainDecl() == null && line.command() == null) {
        continue;
      }
      Token start = line.chainDecl() != null ? line.chainDecl().start : line.command().start;
      if (table.isEmpty()) {
        throw filter.error(start, "rule or chain outside a table (missing *filter)");
      }
      if (!table.get().equals("filter") && !table.get().equals("mangle")) {
        continue;
      }
      if (line.chainDecl() != null) {
        b.declare(line.chainDecl());
      } else {
        b.command(line.command());
      }
    }
    if (table.isPresent()) {
      throw filter.error(tableToken, "table " + table.get() + " has no COMMIT");
    }
  }

  private void declare(IptRestoreParser.ChainDeclContext d) throws IptSyntaxException {
    String name = d.start.getText().substring(1);
    String policy = d.policy.getText();
    if (builtIn.contains(name)) {
      if (!policy.equals("ACCEPT") && !policy.equals("DROP")) {
        throw error(d.policy, "policy of " + name + " must be ACCEPT or DROP");
      }
      policies.put(name, Verdict.valueOf(policy));
      return;
    }
    if (!policy.equals("-")) {
      throw error(d.policy, "a user chain has no policy: use -");
    }
    checkChainName(name, d.start);
    // Under --noflush a declared user chain is created, or flushed when it exists.
    chains.put(name, new ArrayList<>());
  }

  private void command(IptRestoreParser.CommandContext c) throws IptSyntaxException {
    String op = c.op.getText();
    String chain = c.chain.getText();
    switch (op) {
      case "-N":
        checkChainName(chain, c.chain);
        if (chains.containsKey(chain)) {
          throw error(c.chain, "chain " + chain + " already exists");
        }
        chains.put(chain, new ArrayList<>());
        return;
      case "-X":
        if (builtIn.contains(chain) || chains.remove(chain) == null) {
          throw error(c.chain, "cannot delete chain " + chain);
        }
        return;
      case "-F":
        existing(chain, c.chain).clear();
        return;
      case "-P":
        if (!builtIn.contains(chain) || c.position == null
            || !(c.position.getText().equals("ACCEPT") || c.position.getText().equals("DROP"))) {
          throw error(c.chain, "-P needs a built-in chain and ACCEPT or DROP");
        }
        policies.put(chain, Verdict.valueOf(c.position.getText()));
        return;
      case "-A":
      case "-I":
        break;
      default:
        throw error(c.op, "unsupported command " + op);
    }
    List<IptRule> rules = existing(chain, c.chain);
    IptRule rule = rule(c);
    if (op.equals("-A")) {
      if (c.position != null) {
        throw error(c.position, "-A takes no position");
      }
      rules.add(rule);
      return;
    }
    int pos = 1;
    if (c.position != null) {
      pos = number(c.position, 1, rules.size() + 1, "rule position");
    }
    rules.add(pos - 1, rule);
  }

  private IptRule rule(IptRestoreParser.CommandContext c) throws IptSyntaxException {
    List<Match> matches = new ArrayList<>();
    Set<String> modules = new java.util.HashSet<>();
    Optional<Integer> proto = Optional.empty();
    Target target = Target.of(Target.Kind.NONE);
    boolean targetSeen = false;
    String comment = "";
    Optional<Target.MarkEffect> effect = Optional.empty();
    Token mapSet = null;
    boolean mapMark = false;
    for (IptRestoreParser.OptionContext o : c.option()) {
      String name = o.name.getText();
      boolean neg = o.neg != null;
      List<Token> values = new ArrayList<>();
      o.value().forEach(v -> values.add(v.start));
      switch (name) {
        case "-s":
        case "--source":
        case "-d":
        case "--destination":
          matches.add(new Match.Address(name.equals("-s") || name.equals("--source"), cidr(one(o, values)), neg));
          break;
        case "-p":
        case "--protocol":
          proto = Optional.of(protocol(one(o, values)));
          matches.add(new Match.Protocol(proto.get(), neg));
          modules.add(protoName(proto.get()));
          break;
        case "-m":
        case "--match":
          modules.add(module(one(o, values)));
          break;
        case "--ctstate":
        case "--state":
          need(modules, name.equals("--state") ? "state" : "conntrack", o);
          matches.add(new Match.CtState(states(one(o, values)), neg));
          break;
        case "--match-set":
          need(modules, "set", o);
          matches.add(setLookup(o, values, neg));
          break;
        case "--dports":
        case "--destination-ports":
          need(modules, "multiport", o);
          requirePortProtocol(proto, o);
          matches.add(new Match.DestinationPorts(ports(one(o, values), true), neg));
          break;
        case "--dport":
        case "--destination-port":
          requirePortProtocol(proto, o);
          matches.add(new Match.DestinationPorts(ports(one(o, values), false), neg));
          break;
        case "--icmpv6-type":
          need(modules, "icmp6", o);
          matches.add(icmpType(58, one(o, values), neg));
          break;
        case "--icmp-type":
          need(modules, "icmp", o);
          matches.add(icmpType(1, one(o, values), neg));
          break;
        case "--u32":
          need(modules, "u32", o);
          matches.add(u32(one(o, values), neg));
          break;
        case "--comment":
          need(modules, "comment", o);
          comment = unquote(one(o, values));
          if (comment.length() > 255) {
            throw error(o.start, "comment longer than 255 characters");
          }
          break;
        case "-j":
        case "--jump":
        case "-g":
        case "--goto":
          if (targetSeen) {
            throw error(o.start, "more than one target");
          }
          targetSeen = true;
          target = target(one(o, values), name.equals("-g") || name.equals("--goto"));
          break;
        case "--log-prefix":
          needTarget(target, Target.Kind.LOG, o);
          String prefix = unquote(one(o, values));
          if (prefix.length() > 29) {
            throw error(o.start, "log prefix longer than 29 characters");
          }
          target = new Target(target.kind(), target.chain(), target.effect(), Optional.of(prefix));
          break;
        case "--log-level":
          needTarget(target, Target.Kind.LOG, o);
          one(o, values);
          break;
        case "--mark":
          need(modules, "mark", o);
          int[] vm = valueMask(one(o, values));
          matches.add(new Match.Mark(vm[0], vm[1], neg));
          break;
        case "--set-xmark":
        case "--set-mark":
          needTarget(target, Target.Kind.MARK, o);
          int[] xm = valueMask(one(o, values));
          // --set-xmark v/m zeroes m, then XORs v; --set-mark v/m zeroes m, then ORs v, which
          // iptables turns into --set-xmark v/(m|v) (what iptables-save prints).
          effect = Optional.of(new Target.SetXmark(xm[0], name.equals("--set-mark") ? xm[1] | xm[0] : xm[1]));
          break;
        case "--map-set":
          needTarget(target, Target.Kind.SET, o);
          if (!mangle) {
            throw error(o.name, "--map-set only works in the mangle table (the kernel refuses it elsewhere)");
          }
          if (values.size() != 2) {
            throw error(o.start, "--map-set needs a set name and src/dst flags");
          }
          mapSet = o.start;
          effect = Optional.of(mapMark(values));
          break;
        case "--map-mark":
          needTarget(target, Target.Kind.SET, o);
          if (!values.isEmpty()) {
            throw error(o.name, "--map-mark takes no value");
          }
          mapMark = true;
          break;
        case "--reject-with":
          needTarget(target, Target.Kind.REJECT, o);
          one(o, values);
          break;
        default:
          throw error(o.name, "unsupported option " + name);
      }
      if (neg && (name.startsWith("-j") || name.startsWith("-g") || name.equals("--comment") || name.equals("-m"))) {
        throw error(o.start, "'!' cannot negate " + name);
      }
    }
    if (target.kind() == Target.Kind.SET) {
      if (mapSet == null || !mapMark) {
        throw error(c.start, "only -j SET --map-set NAME FLAGS --map-mark is supported");
      }
      IpSet set = ((Target.MapMark) effect.orElseThrow()).set();
      if (!set.skbinfo()) {
        throw error(mapSet, "--map-mark needs set " + set.name() + " created with skbinfo");
      }
    }
    if (target.kind() == Target.Kind.MARK && effect.isEmpty()) {
      throw error(c.start, "-j MARK needs --set-xmark or --set-mark");
    }
    if (effect.isPresent()) {
      target = new Target(target.kind(), target.chain(), effect, target.logPrefix());
    }
    return new IptRule(matches, target, comment, c.start.getLine());
  }

  private Target.MarkEffect mapMark(List<Token> values) throws IptSyntaxException {
    Match.SetLookup lookup = (Match.SetLookup) setLookupOf(values, false);
    return new Target.MapMark(lookup.set(), lookup.source());
  }

  /** {@code VALUE[/MASK]}: 32-bit numbers, hex or decimal; the mask defaults to all ones. */
  private int[] valueMask(Token t) throws IptSyntaxException {
    String[] parts = t.getText().split("/", -1);
    if (parts.length > 2) {
      throw error(t, "a mark is VALUE or VALUE/MASK");
    }
    long v = IpsetLoader.mark32(parts[0], t, file);
    long m = parts.length == 2 ? IpsetLoader.mark32(parts[1], t, file) : 0xffffffffL;
    return new int[] {(int) v, (int) m};
  }

  private Match setLookup(IptRestoreParser.OptionContext o, List<Token> values, boolean neg)
      throws IptSyntaxException {
    if (values.size() != 2) {
      throw error(o.start, "--match-set needs a set name and src/dst flags");
    }
    return setLookupOf(values, neg);
  }

  private Match setLookupOf(List<Token> values, boolean neg) throws IptSyntaxException {
    IpSet set = sets.get(values.get(0).getText());
    if (set == null) {
      throw error(values.get(0), "set " + values.get(0).getText() + " does not exist");
    }
    if (set.v6() != v6) {
      throw error(values.get(0), "set " + set.name() + " is of the other address family");
    }
    List<Boolean> src = new ArrayList<>();
    for (String f : values.get(1).getText().split(",", -1)) {
      if (!f.equals("src") && !f.equals("dst")) {
        throw error(values.get(1), "set flags are src or dst, got '" + f + "'");
      }
      src.add(f.equals("src"));
    }
    if (src.size() != set.type().dimensions()) {
      throw error(values.get(1), "set " + set.name() + " (" + set.type().text() + ") needs "
          + set.type().dimensions() + " flag(s)");
    }
    return new Match.SetLookup(set, src, neg);
  }

  private Target target(Token t, boolean isGoto) throws IptSyntaxException {
    String name = t.getText();
    switch (name) {
      case "ACCEPT":
      case "DROP":
      case "REJECT":
      case "RETURN":
      case "LOG":
      case "MARK":
      case "SET":
        if (isGoto) {
          throw error(t, "-g needs a user chain");
        }
        return Target.of(Target.Kind.valueOf(name));
      default:
        if (builtIn.contains(name)) {
          throw error(t, "cannot jump to built-in chain " + name);
        }
        pendingTargets.putIfAbsent(name, t);
        return new Target(isGoto ? Target.Kind.GOTO : Target.Kind.JUMP, Optional.of(name));
    }
  }

  private void checkTargets() throws IptSyntaxException {
    for (Map.Entry<String, Token> e : pendingTargets.entrySet()) {
      if (!chains.containsKey(e.getKey())) {
        throw error(e.getValue(), "chain " + e.getKey() + " does not exist");
      }
    }
    pendingTargets.clear();
  }

  private List<IptRule> existing(String chain, Token at) throws IptSyntaxException {
    List<IptRule> rules = chains.get(chain);
    if (rules == null) {
      throw error(at, "chain " + chain + " does not exist");
    }
    return rules;
  }

  private void checkChainName(String name, Token at) throws IptSyntaxException {
    if (name.length() > MAX_CHAIN_NAME) {
      throw error(at, "chain name longer than " + MAX_CHAIN_NAME + " characters");
    }
  }

  private Cidr cidr(Token t) throws IptSyntaxException {
    String text = t.getText();
    Optional<Cidr> c;
    if (text.contains("/")) {
      c = Cidr.parse(text).map(Cidr.Parsed::cidr);
    } else {
      c = IpAddress.tryParse(text).map(Cidr::host);
    }
    if (c.isEmpty()) {
      throw error(t, "not an address: '" + text + "'");
    }
    if (c.get().v6() != v6) {
      throw error(t, "address '" + text + "' is not " + (v6 ? "IPv6" : "IPv4"));
    }
    return c.get();
  }

  private int protocol(Token t) throws IptSyntaxException {
    String p = t.getText().toLowerCase(Locale.ROOT);
    switch (p) {
      case "all":
        return 0;
      case "tcp":
        return 6;
      case "udp":
        return 17;
      case "sctp":
        return 132;
      case "icmp":
        return 1;
      case "ipv6-icmp":
      case "icmpv6":
        return 58;
      default:
        return number(t, 0, 255, "protocol");
    }
  }

  private static String protoName(int proto) {
    switch (proto) {
      case 6:
        return "tcp";
      case 17:
        return "udp";
      case 132:
        return "sctp";
      case 58:
        return "icmp6";
      case 1:
        return "icmp";
      default:
        return "proto" + proto;
    }
  }

  private String module(Token t) throws IptSyntaxException {
    String m = t.getText();
    Set<String> known = ImmutableSet.of("conntrack", "state", "set", "multiport", "comment", "icmp6", "icmp", "tcp",
        "udp", "sctp", "mark", "u32");
    if (!known.contains(m)) {
      throw error(t, "unsupported match module " + m);
    }
    return m;
  }

  private void need(Set<String> modules, String module, IptRestoreParser.OptionContext o) throws IptSyntaxException {
    if (!modules.contains(module)) {
      throw error(o.name, o.name.getText() + " needs -m " + module + " first");
    }
  }

  private void needTarget(Target t, Target.Kind kind, IptRestoreParser.OptionContext o) throws IptSyntaxException {
    if (t.kind() != kind) {
      throw error(o.name, o.name.getText() + " needs -j " + kind + " first");
    }
  }

  private void requirePortProtocol(Optional<Integer> proto, IptRestoreParser.OptionContext o)
      throws IptSyntaxException {
    if (proto.isEmpty() || !(proto.get() == 6 || proto.get() == 17 || proto.get() == 132)) {
      throw error(o.name, o.name.getText() + " needs -p tcp, udp or sctp");
    }
  }

  private Set<String> states(Token t) throws IptSyntaxException {
    Set<String> out = new java.util.TreeSet<>();
    for (String s : t.getText().split(",", -1)) {
      if (!STATES.contains(s)) {
        throw error(t, "unknown conntrack state '" + s + "'");
      }
      out.add(s);
    }
    return out;
  }

  private List<PortRange> ports(Token t, boolean multi) throws IptSyntaxException {
    String[] parts = t.getText().split(",", -1);
    if (!multi && parts.length != 1) {
      throw error(t, "--dport takes one port or range; use -m multiport --dports");
    }
    List<PortRange> out = new ArrayList<>();
    int cost = 0;
    for (String p : parts) {
      int colon = p.indexOf(':');
      int from = number(t, p.substring(0, colon < 0 ? p.length() : colon), 0, 65535, "port");
      int to = colon < 0 ? from : number(t, p.substring(colon + 1), 0, 65535, "port");
      if (to < from) {
        throw error(t, "port range " + p + " ends before it starts");
      }
      cost += colon < 0 ? 1 : 2;
      out.add(new PortRange(Math.max(from, 1), Math.max(to, 1)));
    }
    if (cost > 15) {
      throw error(t, "too many ports specified (multiport takes at most 15, a range counts twice)");
    }
    return out;
  }

  /** {@code T}, {@code T/C} (numbers) or an ICMPv6 type name. */
  private Match icmpType(int proto, Token t, boolean neg) throws IptSyntaxException {
    String text = t.getText();
    int slash = text.indexOf('/');
    String what = proto == 1 ? "ICMP type" : "ICMPv6 type";
    if (slash < 0) {
      return new Match.IcmpType(proto, proto == 1 ? number(t, 0, 255, what) : icmpv6Type(t), neg);
    }
    int type = number(t, text.substring(0, slash), 0, 255, what);
    int code = number(t, text.substring(slash + 1), 0, 255, "ICMP code");
    return new Match.IcmpType(proto, type, code, neg);
  }

  private static final java.util.regex.Pattern U32 = java.util.regex.Pattern.compile(
      "\"(6&0xFF|0>>22&0x3C@0>>16)=(0x[0-9a-f]+(:0x[0-9a-f]+)?(,0x[0-9a-f]+(:0x[0-9a-f]+)?)*)\"");

  /**
   * The two u32 tests netpolc writes: the protocol byte ({@code 6&0xFF}) and the transport
   * header's first 16 bits ({@code 0>>22&0x3C@0>>16}), each against at most 10 value ranges.
   */
  private Match u32(Token t, boolean neg) throws IptSyntaxException {
    java.util.regex.Matcher m = U32.matcher(t.getText());
    if (!m.matches()) {
      throw error(t, "unsupported u32 test " + t.getText() + " (only \"6&0xFF=...\" and \"0>>22&0x3C@0>>16=...\")");
    }
    boolean protocol = m.group(1).equals("6&0xFF");
    int max = protocol ? 0xFF : 0xFFFF;
    String[] parts = m.group(2).split(",", -1);
    if (parts.length > 10) {
      throw error(t, "u32 takes at most 10 value ranges");
    }
    List<PortRange> ranges = new ArrayList<>();
    for (String part : parts) {
      int colon = part.indexOf(':');
      int from = hexNumber(t, colon < 0 ? part : part.substring(0, colon), max);
      int to = colon < 0 ? from : hexNumber(t, part.substring(colon + 1), max);
      if (to < from) {
        throw error(t, "u32 range " + part + " ends before it starts");
      }
      ranges.add(new PortRange(from, to));
    }
    return protocol ? new Match.U32Protocol(ranges, neg) : new Match.U32TransportHead(ranges, neg);
  }

  private int hexNumber(Token t, String text, int max) throws IptSyntaxException {
    if (text.length() > 6) {
      throw error(t, "u32 value " + text + " out of range");
    }
    int v = Integer.parseInt(text.substring(2), 16);
    if (v > max) {
      throw error(t, "u32 value " + text + " out of range 0.." + max);
    }
    return v;
  }

  private int icmpv6Type(Token t) throws IptSyntaxException {
    switch (t.getText()) {
      case "echo-request":
        return 128;
      case "echo-reply":
        return 129;
      case "router-solicitation":
        return 133;
      case "router-advertisement":
        return 134;
      case "neighbour-solicitation":
      case "neighbor-solicitation":
        return 135;
      case "neighbour-advertisement":
      case "neighbor-advertisement":
        return 136;
      default:
        return number(t, 0, 255, "ICMPv6 type");
    }
  }

  private Token one(IptRestoreParser.OptionContext o, List<Token> values) throws IptSyntaxException {
    if (values.size() != 1) {
      throw error(o.name, o.name.getText() + " takes one value");
    }
    return values.get(0);
  }

  private int number(Token t, int min, int max, String what) throws IptSyntaxException {
    return number(t, t.getText(), min, max, what);
  }

  private int number(Token t, String text, int min, int max, String what) throws IptSyntaxException {
    if (!text.matches("[0-9]{1,6}")) {
      throw error(t, what + " must be a number, got '" + text + "'");
    }
    int v = Integer.parseInt(text);
    if (v < min || v > max) {
      throw error(t, what + " " + v + " out of range " + min + ".." + max);
    }
    return v;
  }

  private static String unquote(Token t) {
    String s = t.getText();
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  private IptSyntaxException error(Token t, String message) {
    return new IptSyntaxException(file, t.getLine(), t.getCharPositionInLine() + 1, message);
  }
}
