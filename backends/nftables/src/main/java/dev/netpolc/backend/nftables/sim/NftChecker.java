package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The semantic checks that need a whole table: references to chains, sets and maps resolve;
 * no jump or goto to a base chain; lookups use a set whose key type matches; no jump loops and
 * no chain nesting deeper than the kernel's jump stack.
 */
final class NftChecker {
  private NftChecker() {}

  /** The kernel's NFT_JUMP_STACK_SIZE: chains may nest at most this deep below a base chain. */
  static final int MAX_DEPTH = 16;

  /** What a reference points at. */
  enum RefKind {
    JUMP,
    GOTO,
    SET,
    VMAP
  }

  /**
   * A reference met while building, with the position of the referenced name.
   *
   * @param kind     jump/goto to a chain, set lookup, or vmap lookup
   * @param name     the chain, set or map name
   * @param position where the name is written
   * @param keyTypes for lookups, the key type of the expression
   * @param fromRule true when the reference is in a rule (flushed with the rules)
   * @param owner    the chain ({@code chain NAME}) or set ({@code set NAME}) holding the reference
   */
  record Reference(RefKind kind, String name, SourcePosition position, ImmutableList<KeyType> keyTypes,
      boolean fromRule, String owner) {
    Reference {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(position, "position");
      Objects.requireNonNull(keyTypes, "keyTypes");
    }
  }

  /** Checks {@code table}; throws {@link NftSyntaxException} at the first problem. */
  static void check(Table table, List<Reference> refs) {
    // By name, first wins (as Table.chain/set): a linear lookup per reference is quadratic.
    java.util.Map<String, Chain> chains = new java.util.HashMap<>();
    table.chains().forEach(c -> chains.putIfAbsent(c.name(), c));
    java.util.Map<String, NftSet> sets = new java.util.HashMap<>();
    table.sets().forEach(st -> sets.putIfAbsent(st.name(), st));
    for (Reference r : refs) {
      if (r.kind() == RefKind.JUMP || r.kind() == RefKind.GOTO) {
        Chain target = java.util.Optional.ofNullable(chains.get(r.name())).orElseThrow(() -> new NftSyntaxException(r.position(),
            "chain '" + r.name() + "' does not exist in table " + table.family().keyword() + " " + table.name()
                + " (No such file or directory)"));
        if (target.isBase()) {
          throw new NftSyntaxException(r.position(), "cannot " + r.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " to base chain '" + r.name() + "' (Operation not supported)");
        }
      } else {
        NftSet set = java.util.Optional.ofNullable(sets.get(r.name())).orElseThrow(() -> new NftSyntaxException(r.position(),
            "set '" + r.name() + "' does not exist in table " + table.family().keyword() + " " + table.name()
                + " (No such file or directory)"));
        if (r.kind() == RefKind.VMAP && !set.map()) {
          throw new NftSyntaxException(r.position(), "Expression is not a map: '" + r.name() + "' is a set");
        }
        if (!set.keyTypes().equals(r.keyTypes())) {
          throw new NftSyntaxException(r.position(), "datatype mismatch, expected " + names(set.keyTypes())
              + ", expression has type " + names(r.keyTypes()));
        }
      }
    }
    checkLoopsAndDepth(table);
  }

  private static String names(List<KeyType> types) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < types.size(); i++) {
      sb.append(i > 0 ? " . " : "").append(types.get(i).typeName());
    }
    return sb.toString();
  }

  /** An edge of the chain graph: a jump, goto or verdict-map verdict in a rule. */
  private record Edge(String target, SourcePosition position) {}

  private static void checkLoopsAndDepth(Table table) {
    Map<String, List<Edge>> edges = new LinkedHashMap<>();
    for (Chain c : table.chains()) {
      List<Edge> out = new ArrayList<>();
      for (Rule r : c.rules()) {
        for (Statement s : r.statements()) {
          for (VerdictStatement v : verdictsOf(table, s)) {
            if (v.target().isPresent()) {
              out.add(new Edge(v.target().get(), r.position()));
            }
          }
        }
      }
      edges.put(c.name(), out);
    }
    Map<String, Integer> state = new HashMap<>(); // 1 = on the DFS stack, 2 = done
    Map<String, Integer> depth = new HashMap<>(); // longest path below the chain
    for (Chain c : table.chains()) {
      depth(c.name(), edges, state, depth);
    }
    for (Chain c : table.chains()) {
      if (c.isBase() && depth.get(c.name()) >= MAX_DEPTH) {
        throw new NftSyntaxException(c.position(), "chains nest deeper than " + MAX_DEPTH
            + " levels below base chain '" + c.name() + "' (Too many links)");
      }
    }
  }

  private static int depth(String chain, Map<String, List<Edge>> edges, Map<String, Integer> state,
      Map<String, Integer> depth) {
    Integer st = state.get(chain);
    if (st != null && st == 2) {
      return depth.get(chain);
    }
    state.put(chain, 1);
    int best = 0;
    for (Edge e : edges.getOrDefault(chain, List.of())) {
      Integer ts = state.get(e.target());
      if (ts != null && ts == 1) {
        throw new NftSyntaxException(e.position(), "jump loop: chain '" + chain + "' reaches chain '" + e.target()
            + "' which reaches it back (Too many links)");
      }
      best = Math.max(best, 1 + depth(e.target(), edges, state, depth));
    }
    state.put(chain, 2);
    depth.put(chain, best);
    return best;
  }

  /** The verdicts a statement can apply: its own, or those of the verdict map it looks up. */
  static List<VerdictStatement> verdictsOf(Table table, Statement s) {
    if (s instanceof VerdictStatement) {
      return List.of((VerdictStatement) s);
    }
    if (s instanceof VmapStatement) {
      SetSource m = ((VmapStatement) s).map();
      List<SetElement> elems = m instanceof SetSource.Anonymous
          ? ((SetSource.Anonymous) m).elements()
          : table.set(((SetSource.Named) m).name()).map(NftSet::elements).orElse(ImmutableList.of());
      List<VerdictStatement> out = new ArrayList<>();
      for (SetElement e : elems) {
        e.verdict().ifPresent(out::add);
      }
      return out;
    }
    return List.of();
  }

}
