package dev.netpolc.cli.format.matrix;

import dev.netpolc.compiler.matrix.CellDecision;
import dev.netpolc.compiler.matrix.DirectionDecision;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.matrix.TierAttribution;
import dev.netpolc.model.PolicyType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The matrices as the HTML report embeds them in {@code <script type="application/json">}:
 *
 * <pre>{"matrices": [{"probe": "8080/TCP", "title": "TCP port 8080",
 *   "namespaces": ["backend", ...], "pods": [[0, "catalog-66d-a"], ...],
 *   "allowed": [[0, 9], ...]}]}</pre>
 *
 * <p>{@code pods} are [namespace index, name] ordered by namespace then name; {@code allowed[i]}
 * lists the indices of the pods pod {@code i} reaches. Everything outside printable ASCII and
 * {@code < > &} is written as {@code \\uXXXX}, so no user string can close the script element,
 * open a comment or break the line (U+2028/9).
 *
 * <p>With tier attribution (input with cluster network policies) each matrix also has
 * {@code "decided"}: per source pod, the decision of every cell of its row, run-length encoded as
 * {@code [decision, count, decision, count, ...]} over the destinations in {@code pods} order. The
 * pod's own cell carries no decision; it repeats the run before it (after it in column 0), so it
 * never breaks a run; a single pod's row is {@code []}. The decisions are interned once for the
 * whole page, after the matrices:
 *
 * <pre>{"tiers": {"strings": ["anp:guard", "deny-web", ...],
 *   "verdicts": [{"direction": "egress", "tier": "admin", "allowed": false,
 *       "rule": {"tier": "admin", "policy": 0, "index": 1, "name": 1, "action": "Deny"}}, ...],
 *   "decisions": [{"tier": "admin", "allowed": false, "by": "egress", "egress": 0, "ingress": 3},
 *       {"tier": "none", "allowed": false, "settled": "no-port"}, ...]}}</pre>
 *
 * <p>A decision names the tier ({@code admin}, {@code network-policy}, {@code baseline},
 * {@code calico} (input with Calico objects), {@code default}, or {@code none} when no policy was
 * consulted) and its two directions by verdict
 * index; {@code by} is the direction that decided. A verdict has the direction's tier and outcome,
 * the deciding {@code rule} (policy and rule name as string indices), {@code isolatedBy} for a
 * NetworkPolicy denial, {@code passes} for the Pass rules on the way, and
 * {@code "applies": false} when that side is not a pod policy applies to. A {@code calico}
 * verdict and each Calico rule name their Calico tier as {@code calicoTier} (a string index); a
 * {@code calico} verdict without a rule is the tier's default Deny. Every table is in order
 * of first use (matrices in order, rows and columns in {@code pods} order), so the data is
 * deterministic. Without attribution the data is exactly the matrices, as before.
 */
public final class ReportJson {
  private ReportJson() {}

  /** The embedded data for {@code matrices}, on one line per matrix. */
  public static String of(List<ReachabilityMatrix> matrices) {
    return of(matrices, Optional.empty());
  }

  /** The embedded data for {@code matrices}, with which tier decided each cell when {@code tiers} is given. */
  public static String of(List<ReachabilityMatrix> matrices, Optional<TierAttribution> tiers) {
    Optional<Tables> tables = tiers.map(Tables::new);
    StringBuilder sb = new StringBuilder("{\"matrices\": [");
    for (int i = 0; i < matrices.size(); i++) {
      sb.append(i == 0 ? "\n" : ",\n");
      matrix(sb, matrices.get(i), tables);
    }
    sb.append(matrices.isEmpty() ? "]" : "\n]");
    tables.ifPresent(t -> t.append(sb));
    return sb.append('}').toString();
  }

  private static void matrix(StringBuilder sb, ReachabilityMatrix m, Optional<Tables> tables) {
    List<String> pods = new ArrayList<>(m.pods());
    pods.sort(PodKeys.ORDER);
    List<String> namespaces = new ArrayList<>(new TreeSet<>(pods.stream().map(PodKeys::namespaceOf).toList()));
    Map<String, Integer> nsIndex = new HashMap<>();
    for (int i = 0; i < namespaces.size(); i++) {
      nsIndex.put(namespaces.get(i), i);
    }
    Map<String, Integer> podIndex = new HashMap<>();
    for (int i = 0; i < pods.size(); i++) {
      podIndex.put(pods.get(i), i);
    }
    sb.append("{\"probe\": ").append(quote(m.probe().toString()))
        .append(", \"title\": ").append(quote(MatrixFormatter.title(m)))
        .append(", \"namespaces\": [");
    for (int i = 0; i < namespaces.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(quote(namespaces.get(i)));
    }
    sb.append("], \"pods\": [");
    for (int i = 0; i < pods.size(); i++) {
      String pod = pods.get(i);
      sb.append(i == 0 ? "[" : ", [").append(nsIndex.get(PodKeys.namespaceOf(pod))).append(", ")
          .append(quote(PodKeys.nameOf(pod))).append(']');
    }
    sb.append("], \"allowed\": [");
    for (int i = 0; i < pods.size(); i++) {
      List<Integer> targets = new ArrayList<>();
      for (String to : m.allowed().get(pods.get(i))) {
        Integer t = podIndex.get(to);
        if (t != null) {
          targets.add(t);
        }
      }
      targets.sort(null);
      sb.append(i == 0 ? "[" : ", [");
      for (int j = 0; j < targets.size(); j++) {
        sb.append(j == 0 ? "" : ",").append(targets.get(j));
      }
      sb.append(']');
    }
    sb.append(']');
    tables.ifPresent(t -> t.decided(sb, m, pods));
    sb.append('}');
  }

  /** The interned strings, verdicts and decisions of one page, in order of first use. */
  private static final class Tables {
    private final TierAttribution tiers;
    private final Map<String, Integer> strings = new LinkedHashMap<>();
    private final Map<DirectionDecision, Integer> verdicts = new LinkedHashMap<>();
    private final Map<CellDecision, Integer> decisions = new LinkedHashMap<>();

    Tables(TierAttribution tiers) {
      this.tiers = tiers;
    }

    /** {@code , "decided": [...]}: one run-length encoded row per source pod. */
    void decided(StringBuilder sb, ReachabilityMatrix m, List<String> pods) {
      Probe probe = m.probe();
      int n = pods.size();
      sb.append(", \"decided\": [");
      int[] row = new int[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (j != i) {
            row[j] = decision(tiers.decide(probe, pods.get(i), pods.get(j)));
          }
        }
        if (n > 1) {
          row[i] = i > 0 ? row[i - 1] : row[1]; // the own cell joins a neighbouring run
        }
        sb.append(i == 0 ? "[" : ", [");
        for (int j = 0; j < n && n > 1; ) {
          int k = j;
          while (k < n && row[k] == row[j]) {
            k++;
          }
          sb.append(j == 0 ? "" : ",").append(row[j]).append(',').append(k - j);
          j = k;
        }
        sb.append(']');
      }
      sb.append(']');
    }

    /** {@code , "tiers": {...}}: the tables, one verdict and one decision per line. */
    void append(StringBuilder sb) {
      sb.append(",\n\"tiers\": {\"strings\": [");
      int i = 0;
      for (String s : strings.keySet()) {
        sb.append(i++ == 0 ? "" : ", ").append(quote(s));
      }
      sb.append("],\n\"verdicts\": [");
      list(sb, verdicts.keySet(), this::writeVerdict);
      sb.append("],\n\"decisions\": [");
      list(sb, decisions.keySet(), this::writeDecision);
      sb.append("]}");
    }

    private static <T> void list(StringBuilder sb, Iterable<T> items, BiConsumer<StringBuilder, T> each) {
      boolean first = true;
      for (T item : items) {
        sb.append(first ? "\n" : ",\n");
        each.accept(sb, item);
        first = false;
      }
      if (!first) {
        sb.append('\n');
      }
    }

    private int decision(CellDecision d) {
      Integer known = decisions.get(d);
      if (known != null) {
        return known;
      }
      // Intern the parts first, so that the tables read in order of first use.
      if (d instanceof CellDecision.Evaluated e) {
        verdict(e.egress());
        verdict(e.ingress());
      }
      int index = decisions.size();
      decisions.put(d, index);
      return index;
    }

    private int verdict(DirectionDecision v) {
      Integer known = verdicts.get(v);
      if (known != null) {
        return known;
      }
      v.calicoTier().ifPresent(this::string);
      v.rule().ifPresent(this::internRule);
      v.isolatedBy().forEach(this::string);
      v.passes().forEach(this::internRule);
      int index = verdicts.size();
      verdicts.put(v, index);
      return index;
    }

    private void internRule(DirectionDecision.Rule r) {
      r.calicoTier().ifPresent(this::string);
      string(r.policy());
      r.name().ifPresent(this::string);
    }

    private int string(String s) {
      return strings.computeIfAbsent(s, k -> strings.size());
    }

    private void writeDecision(StringBuilder sb, CellDecision d) {
      sb.append("{\"tier\": ").append(quote(d.tier().id())).append(", \"allowed\": ").append(d.allowed());
      if (d instanceof CellDecision.Evaluated e) {
        sb.append(", \"by\": ").append(quote(direction(e.deciding().direction())))
            .append(", \"egress\": ").append(verdicts.get(e.egress()))
            .append(", \"ingress\": ").append(verdicts.get(e.ingress()));
      } else if (d instanceof CellDecision.Settled s) {
        sb.append(", \"settled\": ").append(quote(s.reason().id()));
      }
      sb.append('}');
    }

    private void writeVerdict(StringBuilder sb, DirectionDecision v) {
      sb.append("{\"direction\": ").append(quote(direction(v.direction())))
          .append(", \"tier\": ").append(quote(v.tier().id()))
          .append(", \"allowed\": ").append(v.allowed());
      v.calicoTier().ifPresent(t -> sb.append(", \"calicoTier\": ").append(strings.get(t)));
      v.rule().ifPresent(r -> writeRule(sb.append(", \"rule\": "), r));
      if (!v.isolatedBy().isEmpty()) {
        sb.append(", \"isolatedBy\": [");
        for (int i = 0; i < v.isolatedBy().size(); i++) {
          sb.append(i == 0 ? "" : ", ").append(strings.get(v.isolatedBy().get(i)));
        }
        sb.append(']');
      }
      if (!v.passes().isEmpty()) {
        sb.append(", \"passes\": [");
        for (int i = 0; i < v.passes().size(); i++) {
          writeRule(sb.append(i == 0 ? "" : ", "), v.passes().get(i));
        }
        sb.append(']');
      }
      if (!v.applies()) {
        sb.append(", \"applies\": false");
      }
      sb.append('}');
    }

    private void writeRule(StringBuilder sb, DirectionDecision.Rule r) {
      sb.append("{\"tier\": ").append(quote(r.tier().id())).append(", \"policy\": ").append(strings.get(r.policy()))
          .append(", \"index\": ").append(r.index());
      r.name().ifPresent(n -> sb.append(", \"name\": ").append(strings.get(n)));
      r.calicoTier().ifPresent(t -> sb.append(", \"calicoTier\": ").append(strings.get(t)));
      sb.append(", \"action\": ").append(quote(r.action())).append('}');
    }

    private static String direction(PolicyType d) {
      return d == PolicyType.Egress ? "egress" : "ingress";
    }
  }

  /** A JSON string literal safe inside an HTML script element. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '&') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
