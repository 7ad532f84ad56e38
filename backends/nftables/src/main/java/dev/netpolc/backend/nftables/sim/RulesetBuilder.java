package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.AddChainContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.AddElementContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.AddRuleContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.AddSetContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.ChainBodyContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.ChainCommentContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.ChainItemContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.ChainPropertyContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.CommandContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.CommentTextContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.ConcatValueContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.CounterStatementContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.DefineTableContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.DeleteChainContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.DeleteElementContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.DeleteSetContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.DeleteTableContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.ElementContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.ElementsContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.FamilyContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.FileContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.FlushChainContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.FlushSetContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.FlushTableContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.HookSpecContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.LogOptionContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.LogStatementContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.MapItemContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.MatchStatementContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.NameContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.PolicySpecContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.PriorityContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.RangeValueContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.RejectStatementContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.RhsAnonSetContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.RhsSetRefContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.RhsValuesContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.NftRuleContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.RuleItemContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SelectorContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SelectorsContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetAutoMergeContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetBodyContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetCommentContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetElementsContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetFlagContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetFlagsContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetItemContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetPropertyContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetSizeContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetTypeContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.SetTypeofContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.StatementContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.TableBodyContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.TableCommentContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.TableItemContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.VerdictContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.VerdictStatementContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.VmapStatementContext;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Applies the commands of a parse tree in order, building tables, typing every value against the
 * expression or set it belongs to, and running {@link NftChecker} at the end of each table
 * block. Mutable working state lives only inside one {@link #build} call.
 */
final class RulesetBuilder {

  /** nft limits names to NFT_NAME_MAXLEN - 1 bytes and comments to 128 characters. */
  static final int MAX_NAME = 255;
  static final int MAX_COMMENT = 128;

  private final ValueParser values;
  private final Map<String, TableState> tables = new LinkedHashMap<>();
  /** The chain or set whose rules or elements are being read: the owner of new references. */
  private String owner = "";

  RulesetBuilder(String fileName) {
    this.values = new ValueParser(fileName);
  }

  Ruleset build(FileContext tree) {
    for (CommandContext c : tree.command()) {
      apply(c);
    }
    return new Ruleset(tables.values().stream().map(TableState::toTable).collect(ImmutableList.toImmutableList()));
  }

  private void apply(CommandContext c) {
    if (c instanceof DefineTableContext) {
      DefineTableContext d = (DefineTableContext) c;
      Family family = family(d.family());
      String name = name(d.name());
      TableState t = tables.computeIfAbsent(key(family, name),
          k -> new TableState(family, name, values.pos(d.getStart())));
      if (d.tableBody() != null) {
        tableBody(t, d.tableBody());
        NftChecker.check(t.toTable(), t.refs);
      }
    } else if (c instanceof DeleteTableContext) {
      DeleteTableContext d = (DeleteTableContext) c;
      Family family = family(d.family());
      String name = name(d.name());
      if (tables.remove(key(family, name)) == null) {
        throw values.error(d.name().getStart(), "delete of table " + family.keyword() + " " + name
            + " that does not exist (No such file or directory)");
      }
    } else if (c instanceof FlushTableContext) {
      FlushTableContext f = (FlushTableContext) c;
      Family family = family(f.family());
      String name = name(f.name());
      TableState t = tables.get(key(family, name));
      if (t == null) {
        throw values.error(f.name().getStart(), "flush of table " + family.keyword() + " " + name
            + " that does not exist (No such file or directory)");
      }
      t.flush();
    } else {
      applyObjectCommand(c);
    }
  }

  /** The commands on one chain, set or map of an existing table: add chain/set/rule/element, ... */
  private void applyObjectCommand(CommandContext c) {
    if (c instanceof AddChainContext) {
      AddChainContext a = (AddChainContext) c;
      TableState t = existingTable(a.family(), a.name(0));
      String name = name(a.name(1));
      if (t.chains.containsKey(name) && a.chainBody() == null) {
        return; // "add chain" of an existing chain is a no-op, as in nft
      }
      if (t.chains.containsKey(name)) {
        throw values.error(a.name(1).getStart(), "chain '" + name + "' is already defined in table "
            + t.family.keyword() + " " + t.name);
      }
      ChainState chain = new ChainState(name, values.pos(a.getStart()));
      t.chains.put(name, chain);
      if (a.chainBody() != null) {
        chainBody(t, chain, a.chainBody());
      }
      NftChecker.check(t.toTable(), t.refs);
    } else if (c instanceof AddSetContext) {
      AddSetContext a = (AddSetContext) c;
      TableState t = existingTable(a.family(), a.name(0));
      defineSet(t, a.name(1), a.setBody(), a.MAP() != null, a.getStart());
      NftChecker.check(t.toTable(), t.refs);
    } else if (c instanceof AddRuleContext) {
      AddRuleContext a = (AddRuleContext) c;
      TableState t = existingTable(a.family(), a.name(0));
      ChainState chain = existingChain(t, a.name(1));
      chain.rules.add(rule(t, chain, a.nftRule()));
      NftChecker.check(t.toTable(), t.refs);
    } else if (c instanceof AddElementContext) {
      AddElementContext a = (AddElementContext) c;
      TableState t = existingTable(a.family(), a.name(0));
      NftSet set = existingSet(t, a.name(1));
      owner = "set " + set.name();
      List<SetElement> all = new ArrayList<>(set.elements());
      all.addAll(elements(t, a.elements(), set.keyTypes(), set.map(), set.interval(), false, false));
      checkOverlaps(all, set.autoMerge() && !set.map());
      t.sets.put(set.name(), set.withElements(ImmutableList.copyOf(all)));
      NftChecker.check(t.toTable(), t.refs);
    } else if (c instanceof DeleteElementContext) {
      DeleteElementContext d = (DeleteElementContext) c;
      TableState t = existingTable(d.family(), d.name(0));
      NftSet set = existingSet(t, d.name(1));
      List<SetElement> remaining = new ArrayList<>(set.elements());
      owner = "set " + set.name();
      for (SetElement gone : elements(t, d.elements(), set.keyTypes(), false, set.interval(), false, false)) {
        Optional<SetElement> present = remaining.stream().filter(e -> e.key().equals(gone.key())).findFirst();
        if (present.isEmpty()) {
          throw new NftSyntaxException(gone.position(), "element does not exist in " + set.kind() + " '"
              + set.name() + "' (No such file or directory)");
        }
        remaining.remove(present.get());
        present.get().verdict().flatMap(VerdictStatement::target).ifPresent(target -> dropReference(t, "set " + set.name(), target));
      }
      t.sets.put(set.name(), set.withElements(ImmutableList.copyOf(remaining)));
    } else if (c instanceof FlushSetContext) {
      FlushSetContext f = (FlushSetContext) c;
      TableState t = existingTable(f.family(), f.name(0));
      NftSet set = existingSet(t, f.name(1));
      t.sets.put(set.name(), set.withElements(ImmutableList.of()));
    } else if (c instanceof DeleteChainContext) {
      DeleteChainContext d = (DeleteChainContext) c;
      TableState t = existingTable(d.family(), d.name(0));
      ChainState chain = existingChain(t, d.name(1));
      if (!chain.rules.isEmpty()) {
        throw values.error(d.name(1).getStart(), "chain '" + chain.name + "' is not empty (Device or resource busy)");
      }
      t.chains.remove(chain.name);
      t.refs.removeIf(r -> r.owner().equals("chain " + chain.name));
      NftChecker.check(t.toTable(), t.refs);
    } else if (c instanceof DeleteSetContext) {
      DeleteSetContext d = (DeleteSetContext) c;
      TableState t = existingTable(d.family(), d.name(0));
      NftSet set = existingSet(t, d.name(1));
      t.sets.remove(set.name());
      t.refs.removeIf(r -> r.owner().equals("set " + set.name()));
      NftChecker.check(t.toTable(), t.refs);
    } else {
      FlushChainContext f = (FlushChainContext) c;
      TableState t = existingTable(f.family(), f.name(0));
      ChainState chain = existingChain(t, f.name(1));
      chain.rules.clear();
      t.refs.removeIf(r -> r.owner().equals("chain " + chain.name));
    }
  }

  /** Forgets one reference a deleted map element held to chain {@code target}. */
  private static void dropReference(TableState t, String setOwner, String target) {
    for (java.util.Iterator<NftChecker.Reference> it = t.refs.iterator(); it.hasNext(); ) {
      NftChecker.Reference r = it.next();
      if (r.owner().equals(setOwner) && r.name().equals(target)
          && (r.kind() == NftChecker.RefKind.JUMP || r.kind() == NftChecker.RefKind.GOTO)) {
        it.remove();
        return;
      }
    }
  }

  private TableState existingTable(FamilyContext familyCtx, NameContext nameCtx) {
    Family family = family(familyCtx);
    String name = name(nameCtx);
    TableState t = tables.get(key(family, name));
    if (t == null) {
      throw values.error(nameCtx.getStart(), "table " + family.keyword() + " " + name
          + " does not exist (No such file or directory)");
    }
    return t;
  }

  private ChainState existingChain(TableState t, NameContext nameCtx) {
    String name = name(nameCtx);
    ChainState c = t.chains.get(name);
    if (c == null) {
      throw values.error(nameCtx.getStart(), "chain '" + name + "' does not exist in table " + t.family.keyword()
          + " " + t.name + " (No such file or directory)");
    }
    return c;
  }

  private NftSet existingSet(TableState t, NameContext nameCtx) {
    String name = name(nameCtx);
    NftSet s = t.sets.get(name);
    if (s == null) {
      throw values.error(nameCtx.getStart(), "set '" + name + "' does not exist in table " + t.family.keyword()
          + " " + t.name + " (No such file or directory)");
    }
    return s;
  }

  private static String key(Family family, String name) {
    return family.keyword() + " " + name;
  }

  private static Family family(FamilyContext f) {
    if (f == null || f.IP() != null) {
      return Family.IP; // nft's default family
    }
    return f.INET() != null ? Family.INET : Family.IP6;
  }

  private String name(NameContext n) {
    Token t = n.getStart();
    String text = t.getText();
    if (NftKeywords.isReserved(text)) {
      throw values.error(t, "'" + text + "' is an nft keyword and cannot be used as a name");
    }
    if (text.length() > MAX_NAME) {
      throw values.error(t, "name longer than " + MAX_NAME + " characters");
    }
    return text;
  }

  private Optional<String> comment(CommentTextContext c) {
    TerminalNode str = c.STRING() != null ? c.STRING() : c.WORD();
    String text = str.getText();
    if (text.startsWith("\"")) {
      text = text.substring(1, text.length() - 1);
    }
    if (text.length() > MAX_COMMENT) {
      throw values.error(str.getSymbol(), "comment too long, " + MAX_COMMENT + " characters maximum allowed");
    }
    return Optional.of(text);
  }

  // ---- tables ----

  private void tableBody(TableState t, TableBodyContext body) {
    for (TableItemContext item : body.tableItem()) {
      if (item instanceof ChainItemContext) {
        ChainItemContext c = (ChainItemContext) item;
        String name = name(c.name());
        if (t.chains.containsKey(name)) {
          throw values.error(c.name().getStart(), "chain '" + name + "' is already defined in table "
              + t.family.keyword() + " " + t.name);
        }
        ChainState chain = new ChainState(name, values.pos(c.getStart()));
        t.chains.put(name, chain);
        chainBody(t, chain, c.chainBody());
      } else if (item instanceof SetItemContext) {
        SetItemContext s = (SetItemContext) item;
        defineSet(t, s.name(), s.setBody(), false, s.getStart());
      } else if (item instanceof MapItemContext) {
        MapItemContext m = (MapItemContext) item;
        defineSet(t, m.name(), m.setBody(), true, m.getStart());
      } else {
        t.comment = comment(((TableCommentContext) item).commentText());
      }
    }
  }

  // ---- chains ----

  private void chainBody(TableState t, ChainState chain, ChainBodyContext body) {
    Token policyToken = null;
    for (ChainPropertyContext p : body.chainProperty()) {
      if (p instanceof HookSpecContext) {
        HookSpecContext h = (HookSpecContext) p;
        if (!h.WORD(0).getText().equals("filter")) {
          throw values.error(h.WORD(0).getSymbol(), "chain type '" + h.WORD(0).getText()
              + "' is outside the netpolc subset (only filter chains)");
        }
        Hook hook = Hook.ofKeyword(h.WORD(1).getText()).orElseThrow(() -> values.error(
            h.WORD(1).getSymbol(), "unknown chain hook '" + h.WORD(1).getText() + "'"));
        chain.hook = Optional.of(hook);
        chain.priority = priority(h.priority(), hook);
      } else if (p instanceof PolicySpecContext) {
        PolicySpecContext ps = (PolicySpecContext) p;
        policyToken = ps.getStart();
        chain.policy = ps.DROP() != null ? VerdictStatement.Kind.DROP : VerdictStatement.Kind.ACCEPT;
      } else if (p instanceof ChainCommentContext) {
        chain.comment = comment(((ChainCommentContext) p).commentText());
      } else {
        chain.rules.add(rule(t, chain, ((RuleItemContext) p).nftRule()));
      }
    }
    if (policyToken != null && chain.hook.isEmpty()) {
      throw values.error(policyToken, "policy on a chain that is not a base chain (Operation not supported)");
    }
  }

  private int priority(PriorityContext p, Hook hook) {
    if (p.WORD() == null) {
      long v = values.number(p.NUMBER().getSymbol(), Integer.MAX_VALUE);
      return (int) (p.DASH() != null ? -v : v);
    }
    String name = p.WORD().getText();
    Integer base = namedPriority(name, hook);
    if (base == null) {
      throw values.error(p.WORD().getSymbol(), "invalid priority expression value '" + name + "' in this context");
    }
    if (p.NUMBER() == null) {
      return base;
    }
    long offset = values.number(p.NUMBER().getSymbol(), Integer.MAX_VALUE);
    return (int) (p.PLUS() != null ? base + offset : base - offset);
  }

  private static Integer namedPriority(String name, Hook hook) {
    switch (name) {
      case "raw":
        return -300;
      case "mangle":
        return -150;
      case "dstnat":
        return hook == Hook.PREROUTING ? -100 : null;
      case "filter":
        return 0;
      case "security":
        return 50;
      case "srcnat":
        return hook == Hook.POSTROUTING ? 100 : null;
      default:
        return null;
    }
  }

  // ---- rules ----

  private Rule rule(TableState t, ChainState chain, NftRuleContext ctx) {
    owner = "chain " + chain.name;
    List<StatementContext> stmts = ctx.statement();
    ImmutableList.Builder<Statement> out = ImmutableList.builder();
    String network = t.family == Family.IP ? "ip" : t.family == Family.IP6 ? "ip6" : null;
    String transport = null;
    // Single protocol values an earlier equality match fixed (meta l4proto udp, meta nfproto ipv6).
    List<Long> l4Context = new ArrayList<>();
    List<Long> nfContext = new ArrayList<>();
    for (int i = 0; i < stmts.size(); i++) {
      StatementContext s = stmts.get(i);
      if (i > 0 && isTerminal(stmts.get(i - 1))) {
        throw values.error(s.getStart(), "Statement after terminal statement has no effect");
      }
      Statement built = statement(t, chain, s);
      checkProtocolContext(built, l4Context, nfContext, s.getStart());
      for (Selector sel : selectorsOf(built)) {
        Optional<String> net = sel.networkProtocol();
        if (net.isPresent()) {
          if (network != null && !network.equals(net.get())) {
            throw values.error(s.getStart(), "conflicting protocols specified: " + network + " vs. " + net.get());
          }
          network = net.get();
        }
        Optional<String> tr = sel.transportProtocol();
        if (tr.isPresent()) {
          if (transport != null && !transport.equals(tr.get())) {
            throw values.error(s.getStart(), "conflicting protocols specified: " + transport + " vs. " + tr.get());
          }
          transport = tr.get();
        }
      }
      out.add(built);
    }
    Optional<String> comment = Optional.empty();
    if (ctx.COMMENT() != null) {
      comment = comment(ctx.commentText());
    }
    return new Rule(out.build(), comment, values.pos(ctx.getStart()));
  }

  /**
   * nft's protocol context: after {@code meta l4proto udp} (or {@code ip protocol}, or an
   * anonymous set of such values), a {@code tcp} header match is a conflict; the same for
   * {@code meta nfproto} and {@code ip}/{@code ip6}. Ranges and negations set no context.
   */
  private void checkProtocolContext(Statement built, List<Long> l4, List<Long> nf, Token at) {
    for (Selector sel : selectorsOf(built)) {
      Optional<String> tr = sel.transportProtocol();
      if (tr.isPresent()) {
        long want = tr.get().equals("tcp") ? 6 : tr.get().equals("udp") ? 17 : 132;
        for (long v : l4) {
          if (v != want) {
            throw values.error(at, "conflicting protocols specified: " + protocolName(v) + " vs. " + tr.get());
          }
        }
      }
      Optional<String> net = sel.networkProtocol();
      if (net.isPresent()) {
        long want = net.get().equals("ip") ? Selector.NFPROTO_IPV4 : Selector.NFPROTO_IPV6;
        for (long v : nf) {
          if (v != want) {
            throw values.error(at, "conflicting protocols specified: "
                + (v == Selector.NFPROTO_IPV4 ? "ip" : v == Selector.NFPROTO_IPV6 ? "ip6" : "nfproto " + v)
                + " vs. " + net.get());
          }
        }
      }
    }
    if (built instanceof MatchStatement) {
      MatchStatement m = (MatchStatement) built;
      if (m.selectors().size() != 1 || m.negated() || !(m.values() instanceof SetSource.Anonymous)) {
        return;
      }
      Selector sel = m.selectors().get(0);
      List<Long> target = sel == Selector.META_L4PROTO || sel == Selector.IP_PROTOCOL ? l4
          : sel == Selector.META_NFPROTO ? nf : null;
      if (target == null) {
        return;
      }
      for (SetElement e : ((SetSource.Anonymous) m.values()).elements()) {
        if (e.key().get(0).isSingle()) {
          target.add(e.key().get(0).from().lo());
        }
      }
    }
  }

  private static String protocolName(long number) {
    switch ((int) number) {
      case 1:
        return "icmp";
      case 6:
        return "tcp";
      case 17:
        return "udp";
      case 58:
        return "ipv6-icmp";
      case 132:
        return "sctp";
      default:
        return "protocol " + number;
    }
  }

  private static boolean isTerminal(StatementContext s) {
    return s instanceof VerdictStatementContext || s instanceof VmapStatementContext
        || s instanceof RejectStatementContext;
  }

  private static List<Selector> selectorsOf(Statement s) {
    if (s instanceof MatchStatement) {
      return ((MatchStatement) s).selectors();
    }
    if (s instanceof VmapStatement) {
      return ((VmapStatement) s).selectors();
    }
    return List.of();
  }

  private Statement statement(TableState t, ChainState chain, StatementContext s) {
    if (s instanceof MatchStatementContext) {
      return match(t, chain, (MatchStatementContext) s);
    }
    if (s instanceof VmapStatementContext) {
      VmapStatementContext v = (VmapStatementContext) s;
      ImmutableList<Selector> sels = selectors(v.selectors());
      ImmutableList<KeyType> types = types(sels);
      SetSource map;
      if (v.setRef() != null) {
        String name = name(v.setRef().name());
        t.refs.add(new NftChecker.Reference(NftChecker.RefKind.VMAP, name, values.pos(v.setRef().name().getStart()),
            types, true, owner));
        map = new SetSource.Named(name);
      } else {
        map = new SetSource.Anonymous(ImmutableList.copyOf(elements(t, v.elements(), types, true, true, false, true)));
      }
      return new VmapStatement(sels, map, values.pos(s.getStart()));
    }
    if (s instanceof CounterStatementContext) {
      CounterStatementContext c = (CounterStatementContext) s;
      if (c.PACKETS() == null) {
        return new CounterStatement(0, 0);
      }
      return new CounterStatement(values.number(c.NUMBER(0).getSymbol(), Long.MAX_VALUE),
          values.number(c.NUMBER(1).getSymbol(), Long.MAX_VALUE));
    }
    if (s instanceof LogStatementContext) {
      return log((LogStatementContext) s);
    }
    if (s instanceof RejectStatementContext) {
      // Every reject flavour (icmp, icmpx, tcp reset) denies the packet alike.
      return VerdictStatement.of(VerdictStatement.Kind.REJECT);
    }
    return verdict(t, ((VerdictStatementContext) s).verdict(), true);
  }

  private LogStatement log(LogStatementContext l) {
    Optional<String> prefix = Optional.empty();
    Optional<String> level = Optional.empty();
    OptionalInt group = OptionalInt.empty();
    for (LogOptionContext o : l.logOption()) {
      if (o.PREFIX() != null) {
        String p = o.STRING().getText();
        prefix = Optional.of(p.substring(1, p.length() - 1));
      } else if (o.LEVEL() != null) {
        String lv = o.WORD().getText();
        if (!ImmutableSet.of("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit")
            .contains(lv)) {
          throw values.error(o.WORD().getSymbol(), "invalid log level '" + lv + "'");
        }
        level = Optional.of(lv);
      } else if (o.GROUP() != null) {
        group = OptionalInt.of((int) values.number(o.NUMBER().getSymbol(), 65535));
      } else {
        values.number(o.NUMBER().getSymbol(), 0xFFFF_FFFFL);
      }
    }
    if (level.isPresent() && group.isPresent()) {
      throw values.error(l.getStart(), "level and group are mutually exclusive");
    }
    return new LogStatement(prefix, level, group);
  }

  private VerdictStatement verdict(TableState t, VerdictContext v, boolean fromRule) {
    if (v.JUMP() != null || v.GOTO() != null) {
      String target = name(v.name());
      t.refs.add(new NftChecker.Reference(v.JUMP() != null ? NftChecker.RefKind.JUMP : NftChecker.RefKind.GOTO,
          target, values.pos(v.name().getStart()), ImmutableList.of(), fromRule, owner));
      return new VerdictStatement(v.JUMP() != null ? VerdictStatement.Kind.JUMP : VerdictStatement.Kind.GOTO,
          Optional.of(target));
    }
    VerdictStatement.Kind kind = v.ACCEPT() != null ? VerdictStatement.Kind.ACCEPT
        : v.DROP() != null ? VerdictStatement.Kind.DROP
        : v.CONTINUE() != null ? VerdictStatement.Kind.CONTINUE
        : VerdictStatement.Kind.RETURN;
    return VerdictStatement.of(kind);
  }

  private MatchStatement match(TableState t, ChainState chain, MatchStatementContext m) {
    ImmutableList<Selector> sels = selectors(m.selectors());
    ImmutableList<KeyType> types = types(sels);
    boolean negated = m.relOp() != null && m.relOp().NEQ() != null;
    SetSource source;
    if (m.rhs() instanceof RhsSetRefContext) {
      NameContext n = ((RhsSetRefContext) m.rhs()).setRef().name();
      String name = name(n);
      t.refs.add(new NftChecker.Reference(NftChecker.RefKind.SET, name, values.pos(n.getStart()), types, true, owner));
      source = new SetSource.Named(name);
    } else if (m.rhs() instanceof RhsAnonSetContext) {
      source = new SetSource.Anonymous(ImmutableList.copyOf(elements(t, ((RhsAnonSetContext) m.rhs()).elements(),
          types, false, true, types.size() == 1, true)));
    } else {
      List<ConcatValueContext> vals = ((RhsValuesContext) m.rhs()).concatValue();
      if (vals.size() > 1 && !(types.size() == 1 && types.get(0) == KeyType.CT_STATE)) {
        throw values.error(vals.get(1).getStart(), "Basetype of type " + types.get(0).description()
            + " is not bitmask");
      }
      ImmutableList.Builder<SetElement> elems = ImmutableList.builder();
      for (ConcatValueContext v : vals) {
        elems.add(new SetElement(key(v, types, true), Optional.empty(), values.pos(v.getStart())));
      }
      source = new SetSource.Anonymous(elems.build());
    }
    return new MatchStatement(sels, negated, source, values.pos(m.getStart()));
  }

  private ImmutableList<Selector> selectors(SelectorsContext ctx) {
    ImmutableList.Builder<Selector> out = ImmutableList.builder();
    for (SelectorContext s : ctx.selector()) {
      out.add(checkedSelector(s));
    }
    return out.build();
  }

  /** {@link #selector}, refusing raw payload matches other than the one netpolc writes. */
  private Selector checkedSelector(SelectorContext s) {
    if (s.AT() != null && !(s.NUMBER(0).getText().equals("0") && s.NUMBER(1).getText().equals("16"))) {
      throw values.error(s.getStart(), "raw payload match other than @th,0,16 is outside the netpolc subset");
    }
    return selector(s);
  }

  private static ImmutableList<KeyType> types(List<Selector> sels) {
    return sels.stream().map(Selector::type).collect(ImmutableList.toImmutableList());
  }

  private static Selector selector(SelectorContext s) {
    String first = s.getStart().getText();
    String second = s.getChildCount() > 1 ? s.getChild(1).getText() : "";
    switch (first) {
      case "ip":
        return second.equals("saddr") ? Selector.IP_SADDR
            : second.equals("daddr") ? Selector.IP_DADDR : Selector.IP_PROTOCOL;
      case "ip6":
        return second.equals("saddr") ? Selector.IP6_SADDR : Selector.IP6_DADDR;
      case "meta":
        switch (second) {
          case "l4proto":
            return Selector.META_L4PROTO;
          case "nfproto":
            return Selector.META_NFPROTO;
          case "iifname":
            return Selector.IIFNAME;
          default:
            return Selector.OIFNAME;
        }
      case "ct":
        return Selector.CT_STATE;
      case "icmpv6":
        return Selector.ICMPV6_TYPE;
      case "@":
        return Selector.TH_RAW16;
      case "iifname":
        return Selector.IIFNAME;
      case "oifname":
        return Selector.OIFNAME;
      default:
        boolean src = second.equals("sport");
        switch (first) {
          case "th":
            return src ? Selector.TH_SPORT : Selector.TH_DPORT;
          case "tcp":
            return src ? Selector.TCP_SPORT : Selector.TCP_DPORT;
          case "udp":
            return src ? Selector.UDP_SPORT : Selector.UDP_DPORT;
          default:
            return src ? Selector.SCTP_SPORT : Selector.SCTP_DPORT;
        }
    }
  }

  // ---- sets and elements ----

  private void defineSet(TableState t, NameContext nameCtx, SetBodyContext body, boolean isMap, Token start) {
    String name = name(nameCtx);
    owner = "set " + name;
    NftSet existing = t.sets.get(name);
    if (existing != null) {
      throw values.error(nameCtx.getStart(), existing.kind() + " '" + name + "' is already defined in table "
          + t.family.keyword() + " " + t.name);
    }
    ImmutableList<KeyType> types = null;
    ImmutableList<Selector> typeof = ImmutableList.of();
    boolean interval = false;
    boolean constant = false;
    boolean autoMerge = false;
    Token autoMergeToken = null;
    Optional<String> comment = Optional.empty();
    List<ElementsContext> elementBlocks = new ArrayList<>();
    for (SetPropertyContext p : body.setProperty()) {
      if (p instanceof SetTypeContext) {
        SetTypeContext st = (SetTypeContext) p;
        int n = st.WORD().size() - (st.COLON() != null ? 1 : 0);
        ImmutableList.Builder<KeyType> b = ImmutableList.builder();
        for (int i = 0; i < n; i++) {
          TerminalNode w = st.WORD(i);
          b.add(KeyType.ofTypeName(w.getText()).orElseThrow(() -> values.error(w.getSymbol(),
              "unknown or unsupported datatype '" + w.getText() + "'")));
        }
        types = b.build();
        dataType(st.COLON() != null ? st.WORD(st.WORD().size() - 1) : null, isMap, st.getStart());
      } else if (p instanceof SetTypeofContext) {
        SetTypeofContext st = (SetTypeofContext) p;
        ImmutableList.Builder<Selector> b = ImmutableList.builder();
        for (SelectorContext s : st.selector()) {
          b.add(checkedSelector(s));
        }
        typeof = b.build();
        types = types(typeof);
        dataType(st.WORD(), isMap, st.getStart());
      } else if (p instanceof SetFlagsContext) {
        for (SetFlagContext f : ((SetFlagsContext) p).setFlag()) {
          if (f.INTERVAL() != null) {
            interval = true;
          } else if (f.CONSTANT() != null) {
            constant = true;
          } else {
            throw values.error(f.getStart(), "set flag '" + f.getText() + "' is outside the netpolc subset");
          }
        }
      } else if (p instanceof SetElementsContext) {
        elementBlocks.add(((SetElementsContext) p).elements());
      } else if (p instanceof SetCommentContext) {
        comment = comment(((SetCommentContext) p).commentText());
      } else if (p instanceof SetAutoMergeContext) {
        autoMerge = true;
        autoMergeToken = p.getStart();
      } else {
        values.number(((SetSizeContext) p).NUMBER().getSymbol(), 0xFFFF_FFFFL);
      }
    }
    if (types == null) {
      throw values.error(nameCtx.getStart(), "set definition does not specify key");
    }
    if (autoMerge && !interval) {
      throw values.error(autoMergeToken, "auto-merge only works with interval sets");
    }
    ImmutableList.Builder<SetElement> elems = ImmutableList.builder();
    List<SetElement> all = new ArrayList<>();
    for (ElementsContext e : elementBlocks) {
      all.addAll(elements(t, e, types, isMap, interval, autoMerge && !isMap, false));
    }
    checkOverlaps(all, autoMerge && !isMap);
    elems.addAll(all);
    t.sets.put(name, new NftSet(name, isMap, types, typeof, interval, constant, autoMerge, elems.build(),
        comment, values.pos(start)));
  }

  private void dataType(TerminalNode data, boolean isMap, Token start) {
    if (isMap && data == null) {
      throw values.error(start, "map definition needs a data type (type KEY : verdict)");
    }
    if (!isMap && data != null) {
      throw values.error(data.getSymbol(), "a set has no data type; declare a map");
    }
    if (data != null && !data.getText().equals("verdict")) {
      throw values.error(data.getSymbol(), "only verdict maps are in the netpolc subset");
    }
  }

  /**
   * Types the elements of a set block or an anonymous set.
   *
   * @param withVerdict elements must (map) or must not (set) carry verdicts
   * @param interval    ranges and prefixes allowed
   * @param merge       overlapping elements are merged (anonymous sets, auto-merge sets)
   * @param check       check overlaps here (anonymous sets); named sets check all blocks at once
   */
  private List<SetElement> elements(TableState t, ElementsContext ctx, List<KeyType> types, boolean withVerdict,
      boolean interval, boolean merge, boolean check) {
    List<SetElement> out = new ArrayList<>();
    for (ElementContext e : ctx.element()) {
      Optional<VerdictStatement> verdict = Optional.empty();
      if (e.verdict() != null) {
        if (!withVerdict) {
          throw values.error(e.COLON().getSymbol(), "unexpected ':' in a set element (only map elements have verdicts)");
        }
        verdict = Optional.of(verdict(t, e.verdict(), false));
      } else if (withVerdict) {
        throw values.error(e.getStart(), "map element needs a verdict ('key : verdict')");
      }
      if (e.COMMENT() != null) {
        comment(e.commentText());
      }
      SetElement el = new SetElement(key(e.concatValue(), types, interval), verdict, values.pos(e.getStart()));
      out.add(el);
    }
    if (check) {
      checkOverlaps(out, merge);
    }
    return out;
  }

  private ImmutableList<KeyRange> key(ConcatValueContext v, List<KeyType> types, boolean interval) {
    List<RangeValueContext> parts = v.rangeValue();
    if (parts.size() != types.size()) {
      throw values.error(v.getStart(), "invalid data type, expected " + describe(types) + " but the element has "
          + parts.size() + (parts.size() == 1 ? " component" : " components"));
    }
    ImmutableList.Builder<KeyRange> b = ImmutableList.builder();
    for (int i = 0; i < parts.size(); i++) {
      KeyRange r = values.range(parts.get(i), types.get(i));
      boolean written = parts.get(i).DASH() != null || parts.get(i).SLASH() != null;
      if (written && !interval) {
        throw values.error(parts.get(i).getStart(),
            "You must add 'flags interval' to your set declaration if you want to add prefix elements");
      }
      b.add(r);
    }
    return b.build();
  }

  private static String describe(List<KeyType> types) {
    if (types.size() == 1) {
      return types.get(0).description();
    }
    StringBuilder sb = new StringBuilder("concatenation of (");
    for (int i = 0; i < types.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(types.get(i).description());
    }
    return sb.append(")").toString();
  }

  /**
   * Rejects overlapping elements as nft does: a one-component interval set merges overlaps only
   * with auto-merge (anonymous sets always merge); a concatenation never accepts a partial
   * overlap; identical elements are accepted (they are the same element) unless a map gives
   * them different verdicts.
   */
  private void checkOverlaps(List<SetElement> elements, boolean merge) {
    if (elements.size() < 2) {
      return;
    }
    boolean single = elements.get(0).key().size() == 1;
    List<SetElement> sorted = new ArrayList<>(elements);
    sorted.sort(Comparator.comparing((SetElement e) -> e.key().get(0).from()));
    if (single) {
      SetElement widest = sorted.get(0);
      for (int i = 1; i < sorted.size(); i++) {
        SetElement cur = sorted.get(i);
        if (!cur.key().get(0).from().greaterThan(widest.key().get(0).to())) {
          conflict(widest, cur, merge);
        }
        if (cur.key().get(0).to().greaterThan(widest.key().get(0).to())) {
          widest = cur;
        }
      }
      return;
    }
    for (int i = 0; i < sorted.size(); i++) {
      SetElement a = sorted.get(i);
      for (int j = i + 1; j < sorted.size(); j++) {
        SetElement b = sorted.get(j);
        if (b.key().get(0).from().greaterThan(a.key().get(0).to())) {
          break;
        }
        if (a.overlaps(b)) {
          conflict(a, b, false);
        }
      }
    }
  }

  private void conflict(SetElement a, SetElement b, boolean merge) {
    if (a.key().equals(b.key())) {
      if (!a.verdict().equals(b.verdict())) {
        throw new NftSyntaxException(later(a, b).position(), "map element with this key already exists with another verdict (File exists)");
      }
      return;
    }
    if (!merge) {
      throw new NftSyntaxException(later(a, b).position(), "conflicting intervals specified");
    }
  }

  private static SetElement later(SetElement a, SetElement b) {
    return a.position().compareTo(b.position()) > 0 ? a : b;
  }

  // ---- working state ----

  /** A table being built. */
  static final class TableState {
    final Family family;
    final String name;
    final SourcePosition position;
    Optional<String> comment = Optional.empty();
    final Map<String, NftSet> sets = new LinkedHashMap<>();
    final Map<String, ChainState> chains = new LinkedHashMap<>();
    final List<NftChecker.Reference> refs = new ArrayList<>();

    TableState(Family family, String name, SourcePosition position) {
      this.family = family;
      this.name = name;
      this.position = position;
    }

    void flush() {
      for (ChainState c : chains.values()) {
        c.rules.clear();
      }
      refs.removeIf(NftChecker.Reference::fromRule);
    }

    Table toTable() {
      return new Table(family, name, comment, ImmutableList.copyOf(sets.values()),
          chains.values().stream().map(ChainState::toChain).collect(ImmutableList.toImmutableList()), position);
    }
  }

  /** A chain being built. */
  static final class ChainState {
    final String name;
    final SourcePosition position;
    Optional<Hook> hook = Optional.empty();
    int priority;
    VerdictStatement.Kind policy = VerdictStatement.Kind.ACCEPT;
    Optional<String> comment = Optional.empty();
    final List<Rule> rules = new ArrayList<>();

    ChainState(String name, SourcePosition position) {
      this.name = name;
      this.position = position;
    }

    Chain toChain() {
      Optional<BaseChainSpec> base = hook.map(h -> new BaseChainSpec("filter", h, priority, policy));
      return new Chain(name, base, ImmutableList.copyOf(rules), comment, position);
    }
  }
}
