package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a packet the way the kernel's nf_tables does, from a parsed {@link Ruleset}.
 *
 * <p>At a hook, every base chain registered there whose table family admits the packet (inet:
 * both; ip: IPv4; ip6: IPv6) runs, lowest priority first, ties in table then chain order.
 * {@code accept} ends only that base chain, so later base chains still run; {@code drop} and
 * {@code reject} are final. Rules run in order; a rule stops at its first failing match. A match
 * on a field the packet lacks (ip saddr of an IPv6 packet, tcp dport of UDP, th dport of ICMP,
 * an absent interface) fails even when negated. {@code jump} returns at {@code return} or at
 * the end of the chain; {@code goto} does not return to its caller. A verdict map applies the
 * matching element's verdict; with no matching element the rule does not match. Counters, logs
 * and comments change nothing ({@link #evaluate(Hook, Packet, List)} records the logs reached). A base chain that ends without a verdict applies its policy.
 *
 * <pre>{@code
 * NftInterpreter nft = new NftInterpreter(NftParser.parse(text, "rules.nft"));
 * Verdict v = nft.evaluate(Hook.FORWARD, Packet.newConnection(src, dst, 6, 80));
 * }</pre>
 */
public final class NftInterpreter {

  /** Bound on gotos in one base chain run; only a goto loop in a hand-built ruleset reaches it. */
  private static final long MAX_GOTOS = 1_000_000;

  private final Map<Hook, List<BaseEntry>> bases;
  private final Map<Table, Map<String, Chain>> chains = new IdentityHashMap<>();
  private final Map<Table, Map<String, IntervalIndex>> named = new IdentityHashMap<>();
  private final Map<SetSource.Anonymous, IntervalIndex> anonymous = new IdentityHashMap<>();

  /** A base chain with the table it lives in and its global order. */
  private record BaseEntry(Table table, Chain chain, int order) {}

  /** Indexes {@code ruleset} for evaluation. */
  public NftInterpreter(Ruleset ruleset) {
    Objects.requireNonNull(ruleset, "ruleset");
    Map<Hook, List<BaseEntry>> byHook = new EnumMap<>(Hook.class);
    int order = 0;
    for (Table t : ruleset.tables()) {
      Map<String, Chain> byName = new HashMap<>();
      for (Chain c : t.chains()) {
        byName.put(c.name(), c);
        if (c.isBase()) {
          byHook.computeIfAbsent(c.base().get().hook(), h -> new ArrayList<>()).add(new BaseEntry(t, c, order++));
        }
        for (Rule r : c.rules()) {
          for (Statement s : r.statements()) {
            indexAnonymous(s);
          }
        }
      }
      chains.put(t, byName);
      Map<String, IntervalIndex> sets = new HashMap<>();
      for (NftSet s : t.sets()) {
        sets.put(s.name(), IntervalIndex.of(s.elements()));
      }
      named.put(t, sets);
    }
    ImmutableMap.Builder<Hook, List<BaseEntry>> b = ImmutableMap.builder();
    for (Map.Entry<Hook, List<BaseEntry>> e : byHook.entrySet()) {
      List<BaseEntry> list = new ArrayList<>(e.getValue());
      list.sort(Comparator.comparingInt((BaseEntry x) -> x.chain().base().get().priority())
          .thenComparingInt(BaseEntry::order));
      b.put(e.getKey(), ImmutableList.copyOf(list));
    }
    this.bases = b.build();
  }

  private void indexAnonymous(Statement s) {
    SetSource src = s instanceof MatchStatement ? ((MatchStatement) s).values()
        : s instanceof VmapStatement ? ((VmapStatement) s).map() : null;
    if (src instanceof SetSource.Anonymous) {
      anonymous.put((SetSource.Anonymous) src, IntervalIndex.of(((SetSource.Anonymous) src).elements()));
    }
  }

  /** The verdict for {@code packet} at {@code hook}: accept when no base chain drops or rejects it. */
  public Verdict evaluate(Hook hook, Packet packet) {
    return evaluate(hook, packet, null);
  }

  /**
   * As {@link #evaluate(Hook, Packet)}, adding to {@code logs} (unless null) the prefix of every
   * {@code log} statement the packet reaches, in order ({@code ""} for a log without prefix).
   */
  public Verdict evaluate(Hook hook, Packet packet, List<String> logs) {
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(packet, "packet");
    for (BaseEntry b : bases.getOrDefault(hook, List.of())) {
      if (!b.table().family().admits(packet.v6())) {
        continue;
      }
      VerdictStatement.Kind k = runBaseChain(b.table(), b.chain(), packet, logs);
      if (k == VerdictStatement.Kind.DROP) {
        return Verdict.DROP;
      }
      if (k == VerdictStatement.Kind.REJECT) {
        return Verdict.REJECT;
      }
    }
    return Verdict.ACCEPT;
  }

  /** A position in a chain: the chain and the index of the next rule. */
  private static final class Frame {
    final Chain chain;
    int next;

    Frame(Chain chain) {
      this.chain = chain;
    }
  }

  /** Runs one base chain to accept, drop or reject. */
  private VerdictStatement.Kind runBaseChain(Table table, Chain base, Packet p, List<String> logs) {
    VerdictStatement.Kind policy = base.base().get().policy();
    Deque<Frame> stack = new ArrayDeque<>();
    Frame cur = new Frame(base);
    long chainEntries = 0;
    while (true) {
      if (cur.next >= cur.chain.rules().size()) {
        if (stack.isEmpty()) {
          return policy;
        }
        cur = stack.pop();
        continue;
      }
      Rule rule = cur.chain.rules().get(cur.next++);
      Optional<VerdictStatement> v = evaluateRule(table, rule, p, logs);
      if (v.isEmpty()) {
        continue;
      }
      switch (v.get().kind()) {
        case ACCEPT:
        case DROP:
        case REJECT:
          return v.get().kind();
        case CONTINUE:
          break;
        case RETURN:
          if (stack.isEmpty()) {
            return policy;
          }
          cur = stack.pop();
          break;
        case JUMP:
          if (stack.size() >= NftChecker.MAX_DEPTH) {
            // NftParser rejects such rulesets; a hand-built one could loop forever.
            throw new IllegalStateException("jump stack overflow in table " + table.name() + " (a jump loop?)");
          }
          stack.push(cur);
          cur = new Frame(chain(table, v.get().target().get()));
          break;
        case GOTO:
          if (++chainEntries > MAX_GOTOS) {
            throw new IllegalStateException("goto loop in table " + table.name());
          }
          cur = new Frame(chain(table, v.get().target().get()));
          break;
        default:
          throw new AssertionError(v.get());
      }
    }
  }

  private Chain chain(Table table, String name) {
    Chain c = chains.get(table).get(name);
    if (c == null) {
      // NftParser guarantees targets exist; a hand-built Ruleset may not.
      throw new IllegalStateException("chain " + name + " does not exist in table " + table.name());
    }
    return c;
  }

  /** The rule's verdict, or empty when a match fails or the rule has no verdict. */
  private Optional<VerdictStatement> evaluateRule(Table table, Rule rule, Packet p, List<String> logs) {
    for (Statement s : rule.statements()) {
      if (s instanceof MatchStatement) {
        MatchStatement m = (MatchStatement) s;
        Optional<List<Value128>> key = key(m.selectors(), p);
        if (key.isEmpty()) {
          return Optional.empty();
        }
        boolean found = index(table, m.values()).lookup(key.get()).isPresent();
        if (found == m.negated()) {
          return Optional.empty();
        }
      } else if (s instanceof VmapStatement) {
        VmapStatement v = (VmapStatement) s;
        Optional<List<Value128>> key = key(v.selectors(), p);
        if (key.isEmpty()) {
          return Optional.empty();
        }
        return index(table, v.map()).lookup(key.get()).flatMap(SetElement::verdict);
      } else if (s instanceof VerdictStatement) {
        return Optional.of((VerdictStatement) s);
      } else if (s instanceof LogStatement && logs != null) {
        logs.add(((LogStatement) s).prefix().orElse(""));
      }
      // Counters and logs do not affect the verdict.
    }
    return Optional.empty();
  }

  private static Optional<List<Value128>> key(List<Selector> selectors, Packet p) {
    List<Value128> key = new ArrayList<>(selectors.size());
    for (Selector s : selectors) {
      Optional<Value128> v = s.extract(p);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      key.add(v.get());
    }
    return Optional.of(key);
  }

  private IntervalIndex index(Table table, SetSource source) {
    if (source instanceof SetSource.Anonymous) {
      return anonymous.get(source);
    }
    IntervalIndex idx = named.get(table).get(((SetSource.Named) source).name());
    if (idx == null) {
      throw new IllegalStateException("set " + ((SetSource.Named) source).name() + " does not exist");
    }
    return idx;
  }
}
