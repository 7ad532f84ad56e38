package dev.netpolc.backend.nftables;

import dev.netpolc.backend.BackendException;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders the difference between two rulesets as one {@code nft -f} transaction that turns the
 * first into the second without replacing the table: new chains, new sets and maps, element
 * deletions then additions on changed sets and maps (exact: deleting an element not present, or
 * adding one that overlaps, is an error in nft), rule replacement of changed chains
 * ({@code flush chain} then {@code add rule}), then removal of chains and sets no longer used.
 * The generic path diffs two scripts of {@link RulesetWriter}; the fast path renders a
 * {@link GraphUpdate}'s element changes directly, without rendering either ruleset.
 */
final class DeltaWriter {
  private static final String TAB = "\t";

  private DeltaWriter() {}

  /** A set, map or chain of a script: its declaration lines and its elements or rules. */
  private record Obj(String kind, String name, List<String> header, List<String> items) {}

  /** The objects of a {@link RulesetWriter} script, by kind and name, in script order. */
  private record Script(String table, String comment, Map<String, Obj> objects) {}

  /**
   * What a delta changes: its script; for {@link ConntrackWriter}, addresses that lost
   * permissions; and for a fast-path delta, its element edits and the peer-set layout after it,
   * so that the ruleset it leads to can be patched from the previous one ({@link RulesetPatch})
   * instead of rendered.
   *
   * @param edits       the fast path's element edits by set or map name; empty for the full diff
   * @param layoutAfter the fast path's fingerprints and sizes of the peer sets it changed
   */
  record Result(String nft, Set<Cidr> cut, boolean fullReplacement, Map<String, Edit> edits, LayoutChange layoutAfter) {
    Result(String nft, Set<Cidr> cut, boolean fullReplacement) {
      this(nft, cut, fullReplacement, Map.of(), new LayoutChange(Map.of(), Map.of()));
    }
  }

  /**
   * The element changes of one set or map: keys deleted (for a map the part before {@code :}),
   * then elements added, each as the ruleset prints it.
   */
  record Edit(List<String> removedKeys, List<String> added) {}

  /** The new fingerprints and sizes of the peer sets a fast-path delta changed. */
  record LayoutChange(Map<String, Long> fingerprints, Map<String, SetLayout.Sizes> sizes) {}

  /** The generic delta from script {@code before} to script {@code after}. */
  static Result diff(String before, String after) throws BackendException {
    Script a = parsed(before);
    Script b = parsed(after);
    lastParsed = new Parsed(after, b);
    if (!a.table().equals(b.table()) || !a.comment().equals(b.comment())) {
      return full(after, a);
    }
    for (Map.Entry<String, Obj> e : b.objects().entrySet()) {
      Obj old = a.objects().get(e.getKey());
      if (old != null && !old.header().equals(e.getValue().header())) {
        return full(after, a);
      }
    }
    String t = "inet " + a.table();
    StringBuilder sb = header(a.table());
    Set<Cidr> cut = new TreeSet<>();
    // 1. New chains (empty), so that map elements and rules may jump to them.
    b.objects().values().stream().filter(o -> o.kind().equals("chain") && !a.objects().containsKey(key(o)))
        .forEach(o -> declare(sb, "add chain " + t + " " + o.name(), o.header()));
    // 2. New sets and maps, with their elements.
    for (Obj o : b.objects().values()) {
      if (!o.kind().equals("chain") && !a.objects().containsKey(key(o))) {
        declare(sb, "add " + o.kind() + " " + t + " " + o.name(), o.header());
        elements(sb, "add", t, o, o.items());
      }
    }
    // 3. Element changes: deletions first, so that a cover may shrink or grow in place.
    for (Obj o : b.objects().values()) {
      Obj old = a.objects().get(key(o));
      if (o.kind().equals("chain") || old == null) {
        continue;
      }
      Set<String> now = new LinkedHashSet<>(o.items());
      Set<String> was = new LinkedHashSet<>(old.items());
      List<String> gone = old.items().stream().filter(x -> !now.contains(x)).toList();
      List<String> come = o.items().stream().filter(x -> !was.contains(x)).toList();
      elements(sb, "delete", t, o, gone.stream().map(x -> o.kind().equals("map") ? mapKey(x) : x).toList());
      elements(sb, "add", t, o, come);
      if (o.kind().equals("map")) {
        // A pod's entry, or a pod . node pair: only the pod loses a permission.
        gone.forEach(x -> cut.addAll(addresses(sourceOf(mapKey(x)))));
      } else if (!o.name().startsWith("bypass_")) {
        cut.addAll(lost(gone, come));
      }
    }
    // 4. Changed and new chains get their rules.
    for (Obj o : b.objects().values()) {
      Obj old = a.objects().get(key(o));
      if (!o.kind().equals("chain") || (old != null && old.items().equals(o.items()))) {
        continue;
      }
      if (old != null) {
        sb.append("flush chain ").append(t).append(' ').append(o.name()).append('\n');
        cut.addAll(members(a, o.name()));
      }
      for (String rule : o.items()) {
        sb.append("add rule ").append(t).append(' ').append(o.name()).append(' ').append(rule).append('\n');
      }
    }
    // 5. What is gone: empty the chains, then drop sets and maps, then the chains.
    List<Obj> goneChains = new ArrayList<>();
    List<Obj> goneSets = new ArrayList<>();
    for (Obj o : a.objects().values()) {
      if (!b.objects().containsKey(key(o))) {
        (o.kind().equals("chain") ? goneChains : goneSets).add(o);
      }
    }
    goneChains.forEach(o -> sb.append("flush chain ").append(t).append(' ').append(o.name()).append('\n'));
    for (Obj o : goneSets) {
      sb.append("delete ").append(o.kind()).append(' ').append(t).append(' ').append(o.name()).append('\n');
    }
    goneChains.forEach(o -> cut.addAll(members(a, o.name())));
    goneChains.forEach(o -> sb.append("delete chain ").append(t).append(' ').append(o.name()).append('\n'));
    return new Result(sb.toString(), cut, false);
  }

  /** Why the fast path gave way to the full diff. */
  enum Fallback {
    /** The previous ruleset's layout is unknown here, or was emitted for other roles. */
    NO_LAYOUT,
    /** A role gets addresses of a family it had none of (no set to add them to). */
    NO_SET,
    /** The roles sharing a set part ways, or a set may become equal to another. */
    SHARING_CHANGES,
    /** A part of a peer set (hash or interval) appears or disappears, and with it its rule. */
    PART_APPEARS_OR_DISAPPEARS,
    /**
     * A member of a group with Admin or Baseline egress rules comes or goes: its node-local
     * dispatch entries ({@code ep_node4}/{@code ep_node6}) are left to the full diff.
     */
    NODE_LOCAL_TIERS
  }

  /** The fast path's answer: its delta, or why there is none. */
  record Fast(Optional<Result> delta, Optional<Fallback> fallback) {
    static Fast of(Result r) {
      return new Fast(Optional.of(r), Optional.empty());
    }

    static Fast fallback(Fallback why) {
      return new Fast(Optional.empty(), Optional.of(why));
    }
  }

  /** One family's part of a role's {@link GraphUpdate.SetChange}: CIDRs as printed. */
  private record FamilyChange(List<String> removed, List<String> added) {}

  /**
   * The fast path: the element changes of an incremental {@code update} on the ruleset whose
   * peer sets {@code layout} describes; empty when the update changes which roles share a set
   * (a shared set whose roles do not all receive the same change, or a set whose content
   * becomes equal to another's, or a set part appears or disappears), so that only a full
   * recompile gives the ruleset's new shape.
   */
  static Optional<Result> fast(String table, GraphUpdate update, SetLayout layout, Map<String, String> groupHashes) {
    return attempt(table, update, layout, groupHashes).delta();
  }

  /** {@link #fast}, saying why it falls back. */
  static Fast attempt(String table, GraphUpdate update, SetLayout layout, Map<String, String> groupHashes) {
    String t = "inet " + table;
    StringBuilder sb = header(table);
    Set<Cidr> cut = new TreeSet<>();
    List<String[]> adds = new ArrayList<>();
    Map<String, FamilyChange> bySet = new TreeMap<>();
    Map<String, Integer> receivers = new HashMap<>();
    Map<String, Long> fingerprints = new HashMap<>();
    for (GraphUpdate.SetChange c : update.setChanges()) {
      for (boolean v6 : new boolean[] {false, true}) {
        List<Cidr> del = c.removed().stream().filter(x -> x.v6() == v6).toList();
        List<Cidr> add = c.added().stream().filter(x -> x.v6() == v6).toList();
        if (del.isEmpty() && add.isEmpty()) {
          continue;
        }
        Optional<String> set = layout.set(c.role(), v6);
        if (set.isEmpty()) {
          return Fast.fallback(Fallback.NO_SET);
        }
        FamilyChange change = new FamilyChange(del.stream().map(RulesetWriter::cidr).toList(),
            add.stream().map(RulesetWriter::cidr).toList());
        FamilyChange other = bySet.putIfAbsent(set.get(), change);
        if (other != null && !other.equals(change)) {
          return Fast.fallback(Fallback.SHARING_CHANGES); // the roles sharing the set part ways
        }
        if (receivers.merge(set.get(), 1, Integer::sum) == 1) {
          fingerprints.put(set.get(), layout.fingerprint(set.get()) - SetLayout.fingerprint(del)
              + SetLayout.fingerprint(add));
        }
      }
      cut.addAll(AddressSet.ofCidrs(c.removed()).difference(AddressSet.ofCidrs(c.added())).cidrs());
    }
    Set<Long> seen = new HashSet<>();
    Map<String, Edit> edits = new LinkedHashMap<>();
    Map<String, Long> newFingerprints = new HashMap<>();
    Map<String, SetLayout.Sizes> newSizes = new HashMap<>();
    for (Map.Entry<String, FamilyChange> e : bySet.entrySet()) {
      String set = e.getKey();
      if (receivers.get(set) != layout.sharers(set)) {
        return Fast.fallback(Fallback.SHARING_CHANGES); // some roles of the set change, others do not
      }
      long fp = fingerprints.get(set);
      if (!seen.add(fp)) {
        return Fast.fallback(Fallback.SHARING_CHANGES); // two changed sets may become equal
      }
      for (String same : layout.withFingerprint(fp)) {
        if (!bySet.containsKey(same)) {
          return Fast.fallback(Fallback.SHARING_CHANGES); // may become equal to an unchanged set
        }
      }
      List<String> delHosts = hosts(e.getValue().removed(), true);
      List<String> delPrefixes = hosts(e.getValue().removed(), false);
      List<String> addHosts = hosts(e.getValue().added(), true);
      List<String> addPrefixes = hosts(e.getValue().added(), false);
      // The changes are exact (removed elements are in the set, added ones are not), so the new
      // sizes follow; a part that appears or disappears changes the rules: the full diff does that.
      SetLayout.Sizes was = layout.sizes(set);
      SetLayout.Sizes now = new SetLayout.Sizes(was.hosts() - delHosts.size() + addHosts.size(),
          was.prefixes() - delPrefixes.size() + addPrefixes.size());
      if (was.hostPart() != now.hostPart() || was.prefixPart() != now.prefixPart()
          || now.hosts() + now.prefixes() == 0) {
        // An emptied set also falls back: a full compile has no set and no rule for that family.
        return Fast.fallback(Fallback.PART_APPEARS_OR_DISAPPEARS);
      }
      element(sb, "delete", t, set, delHosts);
      element(sb, "delete", t, RulesetWriter.prefixSetName(set), delPrefixes);
      edit(edits, set, delHosts, addHosts);
      edit(edits, RulesetWriter.prefixSetName(set), delPrefixes, addPrefixes);
      newFingerprints.put(set, fp);
      newSizes.put(set, now);
      if (!addHosts.isEmpty()) {
        adds.add(new String[] {set, String.join(", ", addHosts)});
      }
      if (!addPrefixes.isEmpty()) {
        adds.add(new String[] {RulesetWriter.prefixSetName(set), String.join(", ", addPrefixes)});
      }
    }
    for (GraphUpdate.MemberChange m : update.memberChanges()) {
      if (layout.nodeLocal(m.groupId())) {
        return Fast.fallback(Fallback.NODE_LOCAL_TIERS);
      }
    }
    boolean nodePairs = update.node().isEmpty() && update.semantics().allowNodeToLocalPods();
    for (GraphUpdate.MemberChange m : update.memberChanges()) {
      String chain = "g_" + Objects.requireNonNull(groupHashes.get(m.groupId()), m.groupId());
      for (IpAddress ip : m.endpoint().ips()) {
        String fam = ip.v6() ? "6" : "4";
        List<String[]> entries = new ArrayList<>();
        if (m.ingressPoliced()) {
          entries.add(new String[] {"ep_in" + fam, ip.toString(), ip + " : jump " + chain + "_in"});
        }
        if (m.egressPoliced()) {
          entries.add(new String[] {"ep_out" + fam, ip.toString(), ip + " : jump " + chain + "_out"});
        }
        String self = ip + " . " + ip;
        entries.add(new String[] {"bypass_" + fam, self, self});
        if (nodePairs && m.endpoint().node().isPresent()) {
          AddressSet node = update.nodeAddresses().getOrDefault(m.endpoint().node().get(), AddressSet.EMPTY);
          for (Cidr n : node.cidrs()) {
            if (n.v6() == ip.v6()) {
              String in = RulesetWriter.cidr(n) + " . " + ip;
              String out = ip + " . " + RulesetWriter.cidr(n);
              entries.add(new String[] {"bypass_" + fam, in, in});
              entries.add(new String[] {"bypass_" + fam, out, out});
            }
          }
        }
        for (String[] e : entries) {
          if (m.joined()) {
            adds.add(new String[] {e[0], e[2]});
            edit(edits, e[0], List.of(), List.of(e[2]));
          } else {
            element(sb, "delete", t, e[0], List.of(e[1]));
            edit(edits, e[0], List.of(e[1]), List.of());
          }
        }
        if (!m.joined()) {
          cut.add(Cidr.host(ip));
        }
      }
    }
    for (String[] a : adds) {
      element(sb, "add", t, a[0], List.of(a[1]));
    }
    return Fast.of(new Result(sb.toString(), cut, false, edits, new LayoutChange(newFingerprints, newSizes)));
  }

  /** Notes element deletions and additions of set or map {@code name} (nothing when both are empty). */
  private static void edit(Map<String, Edit> edits, String name, List<String> removedKeys, List<String> added) {
    if (removedKeys.isEmpty() && added.isEmpty()) {
      return;
    }
    Edit was = edits.get(name);
    if (was == null) {
      edits.put(name, new Edit(List.copyOf(removedKeys), List.copyOf(added)));
      return;
    }
    List<String> r = new ArrayList<>(was.removedKeys());
    r.addAll(removedKeys);
    List<String> a = new ArrayList<>(was.added());
    a.addAll(added);
    edits.put(name, new Edit(r, a));
  }

  /** The single addresses ({@code hosts}) or the prefixes of CIDRs as printed. */
  private static List<String> hosts(List<String> printed, boolean hosts) {
    return printed.stream().filter(x -> (x.indexOf('/') < 0) == hosts).toList();
  }

  private static StringBuilder header(String table) {
    StringBuilder sb = new StringBuilder();
    sb.append("# netpolc nftables delta for table inet ").append(table).append(".\n");
    sb.append("# Apply atomically with: nft -f FILE (on the ruleset it was computed from).\n");
    return sb;
  }

  /** The addresses in {@code gone} elements and not in {@code come} ones, as a minimal cover. */
  private static List<Cidr> lost(List<String> gone, List<String> come) {
    List<Cidr> g = new ArrayList<>();
    gone.forEach(x -> g.addAll(addresses(x)));
    List<Cidr> c = new ArrayList<>();
    come.forEach(x -> c.addAll(addresses(x)));
    return AddressSet.ofCidrs(g).difference(AddressSet.ofCidrs(c)).cidrs();
  }

  /** The local pod addresses whose dispatch leads to group chain {@code chain} (or its tier chains). */
  private static List<Cidr> members(Script s, String chain) {
    String main = chain.replaceAll("_(admin|np|base|node)$", "");
    List<Cidr> out = new ArrayList<>();
    for (Obj o : s.objects().values()) {
      if (o.kind().equals("map")) {
        for (String x : o.items()) {
          if (x.endsWith(" : jump " + main)) {
            out.addAll(addresses(mapKey(x)));
          }
        }
      }
    }
    return out;
  }

  private static Result full(String after, Script before) {
    Set<Cidr> cut = new TreeSet<>();
    before.objects().values().forEach(o -> o.items().forEach(x -> cut.addAll(addresses(x))));
    return new Result(after, cut, true);
  }

  private static String key(Obj o) {
    return (o.kind().equals("chain") ? "chain " : "set ") + o.name();
  }

  private static void declare(StringBuilder sb, String command, List<String> header) {
    sb.append(command).append(" {\n");
    header.forEach(h -> sb.append(TAB).append(h).append('\n'));
    sb.append("}\n");
  }

  private static void elements(StringBuilder sb, String verb, String t, Obj o, List<String> items) {
    element(sb, verb, t, o.name(), items);
  }

  private static void element(StringBuilder sb, String verb, String t, String set, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    sb.append(verb).append(" element ").append(t).append(' ').append(set).append(" {");
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? " " : ", ").append(items.get(i));
    }
    sb.append(" }\n");
  }

  /** The first component of a concatenated key ({@code a . b}), or the key itself. */
  private static String sourceOf(String key) {
    int i = key.indexOf(" . ");
    return i < 0 ? key : key.substring(0, i);
  }

  private static String mapKey(String element) {
    int i = element.indexOf(" : ");
    return i < 0 ? element : element.substring(0, i);
  }

  /** The addresses and blocks an element or rule names, for conntrack filters. */
  static List<Cidr> addresses(String text) {
    List<Cidr> out = new ArrayList<>();
    for (String word : text.split("[\\s,{}]+")) {
      if (word.isEmpty() || !(Character.isDigit(word.charAt(0)) || word.indexOf(':') > 0)) {
        continue;
      }
      Cidr.parse(word).map(Cidr.Parsed::cidr).or(() -> IpAddress.tryParse(word).map(Cidr::host)).ifPresent(out::add);
    }
    return out;
  }

  /** The last script the diff read as its target, by identity: the next diff starts from it. */
  private record Parsed(String text, Script script) {}

  private static volatile Parsed lastParsed;

  /**
   * {@link #parse}, reusing the last diff's target when {@code text} is that very script (an agent
   * diffs from what it installed last); a pure memo, since a script's objects are never changed.
   */
  private static Script parsed(String text) throws BackendException {
    Parsed p = lastParsed;
    return p != null && p.text() == text ? p.script() : parse(text);
  }

  /** Reads a script {@link RulesetWriter} wrote. */
  private static Script parse(String text) throws BackendException {
    String[] lines = text.split("\n", -1);
    String table = null;
    String comment = "";
    Map<String, Obj> objects = new LinkedHashMap<>();
    int i = 0;
    while (i < lines.length && !(lines[i].startsWith("table inet ") && lines[i].endsWith(" {"))) {
      i++;
    }
    if (i == lines.length) {
      throw new BackendException("nftables: the previous artifact is not a netpolc ruleset (no table block)");
    }
    table = lines[i].substring("table inet ".length(), lines[i].length() - 2);
    for (i++; i < lines.length && !lines[i].equals("}"); i++) {
      String l = lines[i];
      if (l.startsWith(TAB + "comment ")) {
        comment = l;
        continue;
      }
      String[] head = l.trim().split(" ");
      if (!l.startsWith(TAB) || l.startsWith(TAB + TAB) || head.length != 3 || !head[2].equals("{")) {
        throw new BackendException("nftables: the previous artifact is not a netpolc ruleset (line " + (i + 1) + ")");
      }
      Obj o = new Obj(head[0], head[1], new ArrayList<>(), new ArrayList<>());
      boolean inElements = false;
      for (i++; i < lines.length && !lines[i].equals(TAB + "}"); i++) {
        String body = lines[i].trim();
        if (inElements) {
          if (body.equals("}")) {
            inElements = false;
          } else {
            o.items().add(body.endsWith(",") ? body.substring(0, body.length() - 1) : body);
          }
        } else if (body.equals("elements = {")) {
          inElements = true;
        } else if (body.startsWith("type ") || body.startsWith("typeof ") || body.startsWith("flags ")
            || body.startsWith("comment ")) {
          o.header().add(body);
        } else if (o.kind().equals("chain")) {
          o.items().add(body);
        } else {
          throw new BackendException("nftables: the previous artifact is not a netpolc ruleset (line " + (i + 1) + ")");
        }
      }
      objects.put(key(o), o);
    }
    return new Script(table, comment, objects);
  }
}
