package dev.netpolc.backend.iptables;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.iptables.sim.IpsetLoader;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.model.Cidr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the update from one iptables artifact to the next as the delta files of
 * {@code backends/iptables/README.md}, applied in name order: {@link #SETS_FILE} (new sets
 * created and filled, changed sets edited in place or rebuilt under a temporary name and
 * swapped in), the rules files (the whole of our chains, atomically per table, stale chains
 * removed; only when a rule changed), then {@link #DESTROY_FILE} (sets no rule uses any more).
 * The generic path diffs two artifacts; the fast path renders a {@link GraphUpdate}'s peer-set
 * changes as {@code add}/{@code del} lines without rendering the next artifact.
 */
final class DeltaWriter {
  /** Sets created, filled, edited or swapped, before the rules. */
  static final String SETS_FILE = "delta-1-ipset.restore";
  /** The IPv4 rules, when a rule changed. */
  static final String RULES_FILE = "delta-2-iptables.rules";
  /** The IPv6 rules, when a rule changed. */
  static final String RULES6_FILE = "delta-3-ip6tables.rules";
  /** Sets destroyed once no rule uses them. */
  static final String DESTROY_FILE = "delta-4-ipset-destroy.restore";
  /** The script that applies the others in order. */
  static final String APPLY_FILE = "delta-apply.sh";

  private static final Pattern BUDGET = Pattern.compile(
      "^# " + IptablesBackend.BUDGET_MARK + " needed=(\\d+) .* max=(\\d+) ", Pattern.MULTILINE);

  private DeltaWriter() {}

  /**
   * One set of an artifact's ipset file.
   *
   * @param name     the set name
   * @param spec     what follows the name on its create line (type, family, options)
   * @param elements the element lines' text after the set name, in file order
   */
  record SetDef(String name, String spec, List<String> elements) {
    boolean identity() {
      return spec.endsWith(" skbinfo");
    }
  }

  /** The generic delta from artifact {@code a} to artifact {@code b}, or empty when it needs apply.sh. */
  static Optional<SortedMap<String, String>> diff(Artifact a, Artifact b, String prefix) throws BackendException {
    String rulesA4 = file(a, IptablesBackend.IPTABLES_FILE);
    String rulesA6 = file(a, IptablesBackend.IP6TABLES_FILE);
    String rulesB4 = file(b, IptablesBackend.IPTABLES_FILE);
    String rulesB6 = file(b, IptablesBackend.IP6TABLES_FILE);
    // A hook chain that comes or goes needs a jump added or removed in a built-in chain: apply.sh does that.
    if (!hookChains(rulesA4, prefix).equals(hookChains(rulesB4, prefix))
        || !hookChains(rulesA6, prefix).equals(hookChains(rulesB6, prefix))) {
      return Optional.empty();
    }
    Map<String, SetDef> before = sets(file(a, IptablesBackend.IPSET_FILE), prefix);
    Map<String, SetDef> after = sets(file(b, IptablesBackend.IPSET_FILE), prefix);
    String tmp = prefix + "TMP";
    StringBuilder sets = header("ipsets created, changed or swapped in before the rules");
    boolean swaps = false;
    for (SetDef s : after.values()) {
      SetDef old = before.get(s.name());
      if (old == null) {
        sets.append("create ").append(s.name()).append(' ').append(s.spec()).append('\n');
        s.elements().forEach(e -> sets.append("add ").append(s.name()).append(' ').append(e).append('\n'));
        continue;
      }
      if (old.equals(s)) {
        continue;
      }
      Set<String> was = new LinkedHashSet<>(old.elements());
      Set<String> now = new LinkedHashSet<>(s.elements());
      List<String> gone = old.elements().stream().filter(e -> !now.contains(e)).toList();
      List<String> come = s.elements().stream().filter(e -> !was.contains(e)).toList();
      // In place when small and the set keeps its shape: additions first, so every moment's
      // content lies within the union of the old and the new one. Identity sets change marks,
      // which an add does not overwrite: rebuilt and swapped, as is a set that changes a lot.
      if (old.spec().equals(s.spec()) && !s.identity() && 2 * (gone.size() + come.size()) <= s.elements().size()) {
        come.forEach(e -> sets.append("add ").append(s.name()).append(' ').append(e).append('\n'));
        gone.forEach(e -> sets.append("del ").append(s.name()).append(' ').append(e).append('\n'));
      } else {
        swaps = true;
        sets.append("create ").append(tmp).append(' ').append(s.spec()).append('\n');
        s.elements().forEach(e -> sets.append("add ").append(tmp).append(' ').append(e).append('\n'));
        sets.append("swap ").append(tmp).append(' ').append(s.name()).append('\n');
        sets.append("destroy ").append(tmp).append('\n');
      }
    }
    Set<String> union = new HashSet<>(before.keySet());
    union.addAll(after.keySet());
    int peak = union.size() + (swaps ? 1 : 0);
    if (peak > IpsetLoader.MAX_SETS) {
      throw new BackendException("iptables: the delta would hold " + peak + " ipsets at once (" + before.size()
          + " installed, " + (union.size() - before.size()) + " new" + (swaps ? ", 1 temporary" : "")
          + "), over the kernel's " + IpsetLoader.MAX_SETS + "; lower maxIpsets");
    }
    SortedMap<String, String> files = new TreeMap<>();
    files.put(SETS_FILE, sets.toString());
    boolean rules4 = !comparable(rulesA4).equals(comparable(rulesB4));
    boolean rules6 = !comparable(rulesA6).equals(comparable(rulesB6));
    if (rules4) {
      files.put(RULES_FILE, withStaleChains(rulesB4, rulesA4));
    }
    if (rules6) {
      files.put(RULES6_FILE, withStaleChains(rulesB6, rulesA6));
    }
    StringBuilder destroy = header("ipsets no rule uses any more, destroyed after the rules");
    before.keySet().stream().filter(n -> !after.containsKey(n))
        .forEach(n -> destroy.append("destroy ").append(n).append('\n'));
    boolean destroys = union.size() > after.size();
    if (destroys) {
      files.put(DESTROY_FILE, destroy.toString());
    }
    files.put(APPLY_FILE, applyScript(rules4, rules6, destroys));
    return Optional.of(files);
  }

  /**
   * The fast path: the peer-set changes of an incremental {@code update} as {@code add} and
   * {@code del} lines, or empty when they cannot be expressed so (a policed group's member
   * change, which edits the self-traffic rules; a set that is not a regular ipset of {@code previous}, that would
   * become empty or complete, change its size class, or move across the ipset budget).
   */
  static Optional<SortedMap<String, String>> fast(Artifact previous, GraphUpdate update, String prefix,
      Map<String, String> peerHashes) throws BackendException {
    // A policed group's member change edits its dispatch set and self-traffic rules; an unpoliced
    // group has neither, and only the node allowance of a cluster-wide graph lists its pods.
    boolean nodePods = update.node().isEmpty() && update.semantics().allowNodeToLocalPods();
    for (GraphUpdate.MemberChange m : update.memberChanges()) {
      if (m.ingressPoliced() || m.egressPoliced() || nodePods) {
        return Optional.empty();
      }
    }
    String ipset = file(previous, IptablesBackend.IPSET_FILE);
    Map<String, SetDef> before = sets(ipset, prefix);
    Map<String, PeerSet> index = peerSets(ipset);
    Map<String, String> setOfRole = new TreeMap<>();
    index.values().forEach(p -> p.roles().forEach(h -> setOfRole.put(h, p.name())));
    StringBuilder sb = header("ipset element changes of one update (no rule changes)");
    // Set name → its change (removed, added), which every role of the set must share.
    Map<String, List<List<String>>> changes = new TreeMap<>();
    Map<String, Integer> rolesChanged = new TreeMap<>();
    for (GraphUpdate.SetChange c : update.setChanges()) {
      for (boolean v6 : new boolean[] {false, true}) {
        List<String> removed = c.removed().stream().filter(x -> x.v6() == v6).map(ScriptWriter::bare).toList();
        List<Cidr> addedCidrs = c.added().stream().filter(x -> x.v6() == v6).toList();
        if (removed.isEmpty() && addedCidrs.isEmpty()) {
          continue;
        }
        if (addedCidrs.stream().anyMatch(x -> x.prefix() == 0)) {
          return Optional.empty();
        }
        List<String> added = addedCidrs.stream().map(ScriptWriter::bare).toList();
        String name = setOfRole.get(peerHashes.get(ScriptWriter.peerKey(c.role(), v6)));
        if (name == null) {
          return Optional.empty();
        }
        List<List<String>> change = List.of(removed, added);
        if (changes.containsKey(name) && !changes.get(name).equals(change)) {
          return Optional.empty(); // the roles of one set part ways: the set splits
        }
        changes.put(name, change);
        rolesChanged.merge(name, 1, Integer::sum);
      }
    }
    Map<String, Integer> newSize = new TreeMap<>();
    Map<String, String> digests = new TreeMap<>();
    index.values().forEach(p -> digests.put(p.name(), p.content()));
    List<String> adds = new ArrayList<>();
    List<String> dels = new ArrayList<>();
    for (Map.Entry<String, List<List<String>>> e : changes.entrySet()) {
      String name = e.getKey();
      SetDef s = before.get(name);
      if (s == null || s.identity() || rolesChanged.get(name) != index.get(name).roles().size()) {
        return Optional.empty(); // not a regular ipset, or a role of it keeps the old content (a split)
      }
      List<String> removed = e.getValue().get(0);
      List<String> added = e.getValue().get(1);
      Set<String> old = new LinkedHashSet<>(s.elements());
      if (!old.containsAll(removed) || added.stream().anyMatch(old::contains)) {
        return Optional.empty();
      }
      int size = s.elements().size() - removed.size() + added.size();
      if (size == 0 || !ScriptWriter.maxelem(size).equals(ScriptWriter.maxelem(s.elements().size()))) {
        return Optional.empty();
      }
      old.removeAll(removed);
      old.addAll(added);
      digests.put(name, ScriptWriter.contentDigest(name.endsWith("-6"), old));
      newSize.put(name, size);
      added.forEach(x -> adds.add("add " + name + " " + x + " -exist"));
      removed.forEach(x -> dels.add("del " + name + " " + x + " -exist"));
    }
    if (new HashSet<>(digests.values()).size() < digests.size()) {
      return Optional.empty(); // a changed set now holds another set's content: they merge
    }
    if (!keepsBudgetPlan(ipset, before, newSize)) {
      return Optional.empty();
    }
    adds.forEach(l -> sb.append(l).append('\n'));
    dels.forEach(l -> sb.append(l).append('\n'));
    SortedMap<String, String> files = new TreeMap<>();
    files.put(SETS_FILE, sb.toString());
    files.put(APPLY_FILE, applyScript(false, false, false));
    return Optional.of(files);
  }

  /**
   * Within the budget every set stays an ipset whatever its size. Over it the writer ranks sets
   * by size (then name): the plan is unchanged when every changed set ranks among the first
   * {@code max - 4} before and after, and still before some unchanged regular set (every set
   * that is not a regular ipset ranks after all of those).
   */
  private static boolean keepsBudgetPlan(String ipset, Map<String, SetDef> before, Map<String, Integer> newSize) {
    Matcher m = BUDGET.matcher(ipset);
    if (!m.find()) {
      return false;
    }
    int needed = Integer.parseInt(m.group(1));
    int max = Integer.parseInt(m.group(2));
    if (needed <= max || newSize.isEmpty()) {
      return true;
    }
    int top = max - 4;
    record Ranked(String name, int size, boolean changed) {}
    Comparator<Ranked> order = Comparator.comparingInt((Ranked r) -> -r.size()).thenComparing(Ranked::name);
    List<Ranked> old = new ArrayList<>();
    List<Ranked> now = new ArrayList<>();
    for (SetDef s : before.values()) {
      if (s.identity()) {
        continue;
      }
      boolean changed = newSize.containsKey(s.name());
      old.add(new Ranked(s.name(), s.elements().size(), changed));
      now.add(new Ranked(s.name(), newSize.getOrDefault(s.name(), s.elements().size()), changed));
    }
    old.sort(order);
    now.sort(order);
    int lastChanged = -1;
    for (int i = 0; i < old.size(); i++) {
      if (old.get(i).changed() && i >= top) {
        return false;
      }
    }
    for (int i = 0; i < now.size(); i++) {
      if (now.get(i).changed()) {
        lastChanged = i;
      }
    }
    // An unchanged regular set must rank after the last changed one, which must stay within the top.
    return lastChanged < top && lastChanged + 1 < now.size();
  }

  /**
   * A peer set of the index lines of an ipset file (every peer set, whether an ipset, identity
   * bits or inline rules).
   *
   * @param name    the set name
   * @param roles   the name hashes of its roles
   * @param content the digest of its content
   */
  record PeerSet(String name, List<String> roles, String content) {}

  /** The peer-set index of an ipset file {@link ScriptWriter} wrote, by set name (a set may take several lines). */
  static Map<String, PeerSet> peerSets(String text) {
    Map<String, PeerSet> out = new LinkedHashMap<>();
    String mark = "# " + ScriptWriter.PEER_SET_MARK + " ";
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      if (text.startsWith(mark, start)) {
        String[] w = text.substring(start + mark.length(), end).split(" ");
        List<String> roles = new ArrayList<>(List.of(w[1].substring("roles=".length()).split(",")));
        PeerSet seen = out.get(w[0]);
        if (seen != null) {
          roles.addAll(0, seen.roles());
        }
        out.put(w[0], new PeerSet(w[0], roles, w[2].substring("content=".length())));
      }
      start = end + 1;
    }
    return out;
  }

  /** The sets of an ipset file {@link ScriptWriter} wrote, by name (temporary fills resolved). */
  static Map<String, SetDef> sets(String text, String prefix) throws BackendException {
    String tmp = prefix + "TMP";
    Map<String, SetDef> out = new LinkedHashMap<>();
    SetDef current = null;
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("create ") && line.endsWith(" -exist")) {
        String rest = line.substring("create ".length(), line.length() - " -exist".length());
        int sp = rest.indexOf(' ');
        current = new SetDef(rest.substring(0, sp), rest.substring(sp + 1), new ArrayList<>());
        out.put(current.name(), current);
      } else if (line.startsWith("add " + tmp + " ") && current != null) {
        current.elements().add(line.substring(("add " + tmp + " ").length()));
      } else if (!(line.startsWith("create " + tmp + " ") || line.startsWith("swap " + tmp + " ")
          || line.equals("destroy " + tmp))) {
        throw new BackendException("iptables: the previous artifact's " + IptablesBackend.IPSET_FILE
            + " is not one netpolc wrote (line " + lineNo + ")");
      }
    }
    return out;
  }

  /** The chains {@code <prefix>FORWARD}/{@code INPUT}/{@code OUTPUT} a rules file declares, per table. */
  private static Set<String> hookChains(String rules, String prefix) {
    Set<String> out = new TreeSet<>();
    String table = "";
    for (String line : rules.split("\n")) {
      if (line.startsWith("*")) {
        table = line;
      } else if (line.startsWith(":" + prefix)) {
        String chain = line.substring(1, line.indexOf(' '));
        String hook = chain.substring(prefix.length());
        if (hook.equals("FORWARD") || hook.equals("INPUT") || hook.equals("OUTPUT")) {
          out.add(table + " " + chain);
        }
      }
    }
    return out;
  }

  /**
   * {@code next} with every chain {@code previous} declared in a table and {@code next} does not
   * declared too (which flushes it) and deleted before the table's {@code COMMIT}: no rule of
   * ours refers to it any more by then.
   */
  private static String withStaleChains(String next, String previous) {
    Map<String, Set<String>> stale = new TreeMap<>();
    Map<String, Set<String>> declared = declarations(next);
    declarations(previous).forEach((table, chains) -> {
      Set<String> gone = new TreeSet<>(chains);
      gone.removeAll(declared.getOrDefault(table, Set.of()));
      stale.put(table, gone);
    });
    StringBuilder sb = new StringBuilder();
    String table = "";
    for (String line : next.split("\n")) {
      if (line.equals("COMMIT")) {
        stale.getOrDefault(table, Set.of()).forEach(c -> sb.append("-X ").append(c).append('\n'));
      }
      sb.append(line).append('\n');
      if (line.startsWith("*")) {
        table = line;
        stale.getOrDefault(table, Set.of()).forEach(c -> sb.append(':').append(c).append(" - [0:0]\n"));
      }
    }
    return sb.toString();
  }

  private static Map<String, Set<String>> declarations(String rules) {
    Map<String, Set<String>> out = new TreeMap<>();
    String table = "";
    for (String line : rules.split("\n")) {
      if (line.startsWith("*")) {
        table = line;
      } else if (line.startsWith(":")) {
        out.computeIfAbsent(table, k -> new TreeSet<>()).add(line.substring(1, line.indexOf(' ')));
      }
    }
    return out;
  }

  /** A rules file without its comment lines (the header's counts may change while no rule does). */
  private static String comparable(String rules) {
    StringBuilder sb = new StringBuilder();
    for (String line : rules.split("\n")) {
      if (!line.startsWith("#")) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  private static StringBuilder header(String what) {
    return new StringBuilder("# netpolc iptables delta: ").append(what).append(".\n")
        .append("# Apply with delta-apply.sh, on the state the previous artifact installed.\n");
  }

  private static String applyScript(boolean rules4, boolean rules6, boolean destroys) {
    StringBuilder sb = new StringBuilder();
    sb.append("#!/usr/bin/env bash\n");
    sb.append("# netpolc iptables delta: sets first, then the rules (our chains, atomically per table),\n");
    sb.append("# then the sets no rule uses any more. Run on the state the previous artifact installed.\n");
    sb.append("set -euo pipefail\n");
    sb.append("cd \"$(dirname \"$0\")\"\n");
    sb.append("ipset restore < ").append(SETS_FILE).append('\n');
    if (rules4) {
      sb.append("iptables-restore --noflush < ").append(RULES_FILE).append('\n');
    }
    if (rules6) {
      sb.append("ip6tables-restore --noflush < ").append(RULES6_FILE).append('\n');
    }
    if (destroys) {
      sb.append("ipset restore < ").append(DESTROY_FILE).append('\n');
    }
    return sb.toString();
  }

  private static String file(Artifact a, String name) throws BackendException {
    String text = a.files().get(name);
    if (text == null) {
      throw new BackendException("iptables: the artifact has no " + name);
    }
    return text;
  }
}
