package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.compiler.build.GraphBuilder;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.lint.LintContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Which policy rules are contained in which, read off the literal rule graph ({@code -O0}),
 * where every IR rule keeps its {@link Origin}. Work is per endpoint group and direction:
 * rule R is contained in S in a group when every IR rule of R there lies, peers and ports,
 * within one IR rule of S there ({@code AddressSet}/{@code PortSet} containsAll). Of two equal
 * rules only the later (by policy, direction, index) counts as contained, so duplicates are
 * reported once. Without an inventory the same facts are decided from the policies alone
 * ({@link StaticContainment}), with one stand-in group per policy rule. Computed once per lint
 * run, kept on the {@code LintContext} and shared by NP203 and NP204. Within a group, rules with
 * equal content form one class, so the work grows with the number of distinct rules.
 */
final class ContainmentAnalysis {
  /** What one policy rule does across the groups where it allows something. */
  static final class RuleFacts {
    final Origin origin;
    int groups;
    int pods;
    int containedGroups;
    final Set<Origin> containers = new TreeSet<>();
    final Set<Origin> otherContainers = new TreeSet<>();
    /** Per group it applies to: the policies (keys) holding a rule that contains it there. */
    final List<Holders> containerPolicies = new ArrayList<>();

    RuleFacts(Origin origin) {
      this.origin = origin;
    }

    /** True when, in every group it applies to, another rule allows all it allows. */
    boolean contained() {
      return groups > 0 && containedGroups == groups;
    }

    /**
     * True when, in every group it applies to, a rule of an {@code eligible} policy (by key) other
     * than its own and not in {@code removed} allows all it allows.
     */
    boolean containedByOthers(Set<String> removed, Predicate<String> eligible) {
      for (Holders holders : containerPolicies) {
        if (!holders.anyOther(origin.policy(), removed, eligible)) {
          return false;
        }
      }
      return groups > 0;
    }
  }

  final Optional<RuleGraph> graph;
  final Map<Origin, RuleFacts> facts = new TreeMap<>();
  /** Group id to the indexes (into the cluster's policies) of the policies selecting it. */
  final Map<String, List<Integer>> selecting = new LinkedHashMap<>();
  /** Policy key to its first policy (later duplicates are NP107's). */
  final Map<String, NetworkPolicy> policiesByKey = new LinkedHashMap<>();
  /** Policy index to the groups it selects, in {@link #selecting}'s order (its inverse). */
  private final Map<Integer, List<String>> groupsByPolicy = new HashMap<>();
  /** Namespace to the indexes of its policies, ascending: containment never crosses namespaces. */
  private final Map<String, List<Integer>> policiesByNamespace = new HashMap<>();
  /** Policy key to the facts of its rules, in {@link #facts}'s order; built on first use. */
  private Map<String, List<RuleFacts>> factsByPolicy;

  private final Map<List<Object>, Boolean> memo = new HashMap<>();
  /** {@link #isolating}'s lists by group and direction. */
  private final Map<List<Object>, int[]> isolatingByGroup = new HashMap<>();
  /** Whether a list of {@link #broaderIsolating} holds a policy with an allow-all rule (by identity). */
  private final Map<int[], Boolean> allowAll = new IdentityHashMap<>();
  /** {@link #broaderIsolating}'s lists by namespace, direction and pod selector. */
  private final Map<List<Object>, List<int[]>> broaderIsolating = new HashMap<>();

  private final List<NetworkPolicy> policies;
  /** The policies' keys by index, made once ({@link NetworkPolicy#key} builds a new string). */
  private final String[] keys;
  private final GroupAnalysis perGroup;
  /** True when decided from the policies alone (no inventory): see {@link StaticContainment}. */
  final boolean isStatic;

  /**
   * The analysis of {@code cluster}, each group's rules analysed by {@code perGroup}, or without
   * an inventory each namespace's policies (their indexes, ascending) by {@code perNamespace}.
   */
  ContainmentAnalysis(Cluster cluster, GroupAnalysis perGroup, NamespaceAnalysis perNamespace) {
    this.policies = cluster.policies();
    this.keys = policies.stream().map(NetworkPolicy::key).toArray(String[]::new);
    this.perGroup = perGroup;
    cluster.policies().forEach(p -> policiesByKey.putIfAbsent(p.key(), p));
    for (int i = 0; i < policies.size(); i++) {
      policiesByNamespace.computeIfAbsent(policies.get(i).namespace(), k -> new ArrayList<>()).add(i);
    }
    this.isStatic = !cluster.hasInventory();
    if (isStatic) {
      graph = Optional.empty();
      // facts are keyed by origin (namespace included): the order of namespaces does not matter
      policiesByNamespace.values().forEach(inNamespace -> perNamespace.analyse(this, inNamespace));
      return;
    }
    RuleGraph g;
    ClusterIndex index = new ClusterIndex(cluster, SemanticsOptions.DEFAULTS);
    try {
      // Lint analyses input that the acceptance gate may block (lint is what says why), so it
      // builds the literal graph itself: Compiler.compile would refuse such input.
      g = new GraphBuilder(cluster, index, SemanticsOptions.DEFAULTS).build(Optional.empty());
    } catch (CompileException e) {
      g = null; // untranslatable input: the NP1xx findings say why
    }
    graph = Optional.ofNullable(g);
    if (g == null) {
      return;
    }
    for (EndpointGroup group : g.groups()) {
      for (Direction d : Direction.values()) {
        analyse(group, g.rules(group.id(), d));
      }
    }
    // Each pod's group looked up once (by index), not once per policy selecting it.
    List<String> groupIds = new ArrayList<>();
    Map<String, Integer> groupIndex = new HashMap<>();
    int[] groupOfPod = new int[index.pods().size()];
    for (int id = 0; id < groupOfPod.length; id++) {
      groupOfPod[id] = g.groupOfPod(index.pods().get(id).key()).map(EndpointGroup::id)
          .map(gid -> groupIndex.computeIfAbsent(gid, k -> {
            groupIds.add(k);
            return groupIds.size() - 1;
          })).orElse(-1);
    }
    List<List<Integer>> policiesOfGroup = new ArrayList<>();
    groupIds.forEach(x -> policiesOfGroup.add(new ArrayList<>()));
    // The groups of each distinct pod selection, found once: the index hands out one array per
    // namespace and selector, so 10,000 policies with one selector walk its pods once, not 10,000 times.
    Map<int[], int[]> groupsOfSelection = new IdentityHashMap<>();
    for (int i = 0; i < cluster.policies().size(); i++) {
      NetworkPolicy p = cluster.policies().get(i);
      int[] groupsOfP = groupsOfSelection.computeIfAbsent(index.podsSelected(p.namespace(), p.podSelector()),
          pods -> distinctGroups(pods, groupOfPod));
      for (int gi : groupsOfP) {
        policiesOfGroup.get(gi).add(i); // policies in ascending order: each list ends up sorted
      }
    }
    Map<String, List<Integer>> byGroup = new TreeMap<>();
    for (int gi = 0; gi < groupIds.size(); gi++) {
      if (!policiesOfGroup.get(gi).isEmpty()) {
        byGroup.put(groupIds.get(gi), policiesOfGroup.get(gi));
      }
    }
    byGroup.forEach((k, v) -> {
      selecting.put(k, List.copyOf(v));
      v.forEach(i -> groupsByPolicy.computeIfAbsent(i, x -> new ArrayList<>()).add(k));
    });
  }

  /** The distinct groups (by index, in first-seen order) of {@code pods}; pods in no group skipped. */
  private static int[] distinctGroups(int[] pods, int[] groupOfPod) {
    BitSet seen = new BitSet();
    int[] out = new int[pods.length];
    int n = 0;
    for (int id : pods) {
      int gi = groupOfPod[id];
      if (gi >= 0 && !seen.get(gi)) {
        seen.set(gi);
        out[n++] = gi;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** The analysis of {@code context}'s cluster, computed on first use and kept on the context. */
  static ContainmentAnalysis of(LintContext context) {
    return context.analysis(ContainmentAnalysis.class,
        c -> new ContainmentAnalysis(c.cluster(), (into, group, entries) -> into.analyseByClasses(group, entries),
            ContainmentAnalysis::analyseNamespaceByClasses));
  }

  /**
   * Without an inventory, one namespace: each isolated policy rule against the rules of
   * broader-or-equal policies, rule by rule (quadratic; the oracle for
   * {@link #analyseNamespaceByClasses}, and what it falls back to when a key is defined twice).
   */
  void analyseNamespacePairwise(List<Integer> inNamespace) {
    for (int i : inNamespace) {
      NetworkPolicy p = policies.get(i);
      for (Direction d : Direction.values()) {
        if (!isolates(p, d)) {
          continue;
        }
        List<PolicyRule> rules = rules(p, d);
        for (int j = 0; j < rules.size(); j++) {
          Origin o = origin(p, d, j);
          RuleFacts f = facts.computeIfAbsent(o, RuleFacts::new);
          f.groups = 1;
          Origin first = null;
          Origin firstOther = null;
          Set<String> holders = new TreeSet<>();
          for (NetworkPolicy q : sameNamespace(p)) {
            if (!isolates(q, d) || !StaticContainment.broader(q.podSelector(), p.podSelector())) {
              continue;
            }
            boolean sameSubjects = StaticContainment.broader(p.podSelector(), q.podSelector());
            List<PolicyRule> qRules = rules(q, d);
            for (int k = 0; k < qRules.size(); k++) {
              Origin o2 = origin(q, d, k);
              if (o2.equals(o) || !StaticContainment.contains(q, qRules.get(k), p, rules.get(j))) {
                continue;
              }
              if (o2.compareTo(o) > 0 && sameSubjects && StaticContainment.contains(p, rules.get(j), q, qRules.get(k))) {
                continue; // equal rules: only the later one is the duplicate
              }
              first = first == null ? o2 : first;
              holders.add(q.key());
              if (firstOther == null && !q.key().equals(p.key())) {
                firstOther = o2;
              }
            }
          }
          f.containerPolicies.add(Holders.of(holders));
          if (first != null) {
            f.containedGroups = 1;
            f.containers.add(first);
          }
          if (firstOther != null) {
            f.otherContainers.add(firstOther);
          }
        }
      }
    }
  }

  /**
   * Without an inventory, one namespace by classes of rules with the same policy pod selector
   * and content: what contains what is decided once per pair of classes, so 10,000 copies of
   * a policy are one class. Reports exactly what {@link #analyseNamespacePairwise} reports.
   */
  void analyseNamespaceByClasses(List<Integer> inNamespace) {
    Set<String> seen = new HashSet<>();
    for (int i : inNamespace) {
      if (!seen.add(keys[i])) {
        // a key defined twice (NP107): its rules' facts merge by origin, keep the exact old walk
        analyseNamespacePairwise(inNamespace);
        return;
      }
    }
    for (Direction d : Direction.values()) {
      List<Origin> entries = new ArrayList<>(); // the isolating policies' rules, in input order
      List<Integer> classOfEntry = new ArrayList<>();
      List<NetworkPolicy> classPolicy = new ArrayList<>();
      List<PolicyRule> classRule = new ArrayList<>();
      List<List<Integer>> memberLists = new ArrayList<>();
      Map<List<Object>, Integer> classes = new HashMap<>();
      for (int i : inNamespace) {
        NetworkPolicy p = policies.get(i);
        if (!isolates(p, d)) {
          continue;
        }
        List<PolicyRule> rules = rules(p, d);
        for (int j = 0; j < rules.size(); j++) {
          PolicyRule rule = rules.get(j);
          int c = classes.computeIfAbsent(List.of(p.podSelector(), rule), k -> {
            classPolicy.add(p);
            classRule.add(rule);
            memberLists.add(new ArrayList<>());
            return classPolicy.size() - 1;
          });
          memberLists.get(c).add(entries.size());
          classOfEntry.add(c);
          entries.add(origin(p, d, j));
        }
      }
      int n = classPolicy.size();
      // containedIn[a] holds b when class b's rule allows all class a's does, for all a's pods
      BitSet[] containedIn = new BitSet[n];
      for (int a = 0; a < n; a++) {
        containedIn[a] = new BitSet(n);
        for (int b = 0; b < n; b++) {
          if (StaticContainment.broader(classPolicy.get(b).podSelector(), classPolicy.get(a).podSelector())
              && StaticContainment.contains(classPolicy.get(b), classRule.get(b), classPolicy.get(a),
                  classRule.get(a))) {
            containedIn[a].set(b);
          }
        }
      }
      StaticClass[] byClass = new StaticClass[n];
      for (int b = 0; b < n; b++) {
        byClass[b] = StaticClass.of(memberLists.get(b), entries);
      }
      for (int e = 0; e < entries.size(); e++) {
        int a = classOfEntry.get(e);
        Origin o = entries.get(e);
        int first = Integer.MAX_VALUE;
        int firstOther = Integer.MAX_VALUE;
        List<int[]> spans = new ArrayList<>();
        for (int b = containedIn[a].nextSetBit(0); b >= 0; b = containedIn[a].nextSetBit(b + 1)) {
          // of two rules containing each other only the earlier (by origin) contains the later
          StaticClass cb = byClass[b];
          int count = containedIn[b].get(a) ? cb.countBefore(o) : cb.origins.length;
          if (count == 0) {
            continue;
          }
          first = Math.min(first, cb.first[count]);
          firstOther = Math.min(firstOther, cb.firstNotOf(count, o.policy(), entries));
          spans.add(new int[] {b, count});
        }
        RuleFacts f = facts.computeIfAbsent(o, RuleFacts::new);
        f.groups = 1;
        f.containerPolicies.add(new SpanHolders(byClass, spans));
        if (first != Integer.MAX_VALUE) {
          f.containedGroups = 1;
          f.containers.add(entries.get(first));
        }
        if (firstOther != Integer.MAX_VALUE) {
          f.otherContainers.add(entries.get(firstOther));
        }
      }
    }
  }

  /**
   * One class of equal rules without an inventory: its members' origins in origin order and,
   * for each prefix of them, the earliest member in input order ({@code first}) and the
   * earliest whose policy differs from that one's ({@code second}); -1 or MAX_VALUE when none.
   */
  private record StaticClass(Origin[] origins, int[] first, int[] second) {
    static StaticClass of(List<Integer> members, List<Origin> entries) {
      List<Integer> sorted = new ArrayList<>(members);
      sorted.sort((x, y) -> entries.get(x).compareTo(entries.get(y)));
      Origin[] origins = new Origin[sorted.size()];
      int[] first = new int[sorted.size() + 1];
      int[] second = new int[sorted.size() + 1];
      first[0] = Integer.MAX_VALUE;
      second[0] = Integer.MAX_VALUE;
      for (int t = 0; t < sorted.size(); t++) {
        int e = sorted.get(t);
        origins[t] = entries.get(e);
        int f = first[t];
        int s = second[t];
        if (f == Integer.MAX_VALUE) {
          f = e;
        } else if (e < f) {
          // the old first becomes the earliest of another policy unless it shares e's policy
          s = entries.get(f).policy().equals(entries.get(e).policy()) ? s : f;
          f = e;
        } else if (e < s && !entries.get(e).policy().equals(entries.get(f).policy())) {
          s = e;
        }
        first[t + 1] = f;
        second[t + 1] = s;
      }
      return new StaticClass(origins, first, second);
    }

    /** How many members come before {@code o} in origin order. */
    int countBefore(Origin o) {
      int lo = 0;
      int hi = origins.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (origins[mid].compareTo(o) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /** The earliest (input order) of the first {@code count} members not of {@code policy}. */
    int firstNotOf(int count, String policy, List<Origin> entries) {
      int f = first[count];
      return f == Integer.MAX_VALUE || !entries.get(f).policy().equals(policy) ? f : second[count];
    }
  }

  /** The holders of a rule without an inventory: the first members (origin order) of classes. */
  private record SpanHolders(StaticClass[] classes, List<int[]> spans) implements Holders {
    @Override
    public boolean anyOther(String own, Set<String> removed, Predicate<String> eligible) {
      for (int[] span : spans) {
        Origin[] origins = classes[span[0]].origins();
        for (int t = 0; t < span[1]; t++) {
          if (counts(origins[t].policy(), own, removed, eligible)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  private static boolean isolates(NetworkPolicy p, Direction d) {
    return d == Direction.INGRESS ? p.isolatesIngress() : p.isolatesEgress();
  }

  private static List<PolicyRule> rules(NetworkPolicy p, Direction d) {
    return d == Direction.INGRESS ? p.ingress() : p.egress();
  }

  private static Origin origin(NetworkPolicy p, Direction d, int j) {
    return new Origin(p.key(), d, j, p.source().find("spec." + d.apiName() + "[" + j + "]"));
  }

  /**
   * True when policy {@code i} selects some pod (always assumed without an inventory) and every
   * pod it selects is isolated in each of its directions by another {@code eligible} policy not
   * in {@code removed}.
   */
  boolean isolationProvidedByOthers(int i, Set<String> removed, Predicate<NetworkPolicy> eligible) {
    NetworkPolicy p = policies.get(i);
    for (Direction d : Direction.values()) {
      if (!isolates(p, d)) {
        continue;
      }
      if (isStatic) {
        boolean provided = false;
        for (int[] candidates : broaderIsolating(p, d)) {
          provided = provided || anyAvailable(candidates, i, removed, eligible);
        }
        if (!provided) {
          return false;
        }
        continue;
      }
      for (String g : groupsOf(i)) {
        if (!anyAvailable(isolating(g, d), i, removed, eligible)) {
          return false;
        }
      }
    }
    return true;
  }

  /** True when one of {@code candidates} is not policy {@code i}, not in {@code removed} and eligible. */
  private boolean anyAvailable(int[] candidates, int i, Set<String> removed, Predicate<NetworkPolicy> eligible) {
    for (int j : candidates) {
      if (j != i && !removed.contains(keys[j]) && eligible.test(policies.get(j))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The policies selecting group {@code g} that isolate it in direction {@code d}, ascending by
   * key: NP204 removes policies in descending key order, so a scan from the front meets one still
   * there at once instead of walking past every removed one.
   */
  private int[] isolating(String g, Direction d) {
    return isolatingByGroup.computeIfAbsent(List.of(g, d), k -> byKey(selecting.get(g).stream()
        .filter(j -> isolates(policies.get(j), d)).mapToInt(Integer::intValue).toArray()));
  }

  /**
   * Without an inventory: per distinct pod selector broader than {@code p}'s, the policies of its
   * namespace with that selector that isolate direction {@code d}, each list ascending by key.
   */
  private List<int[]> broaderIsolating(NetworkPolicy p, Direction d) {
    return broaderIsolating.computeIfAbsent(List.of(p.namespace(), d, p.podSelector()), k -> {
      Map<LabelSelector, List<Integer>> bySelector = new LinkedHashMap<>();
      for (int j : policiesByNamespace.get(p.namespace())) {
        if (isolates(policies.get(j), d)) {
          bySelector.computeIfAbsent(policies.get(j).podSelector(), x -> new ArrayList<>()).add(j);
        }
      }
      List<int[]> out = new ArrayList<>();
      bySelector.forEach((selector, js) -> {
        if (StaticContainment.broader(selector, p.podSelector())) {
          out.add(byKey(js.stream().mapToInt(Integer::intValue).toArray()));
        }
      });
      return out;
    });
  }

  /** {@code indexes} sorted by their policies' keys, then by index. */
  private int[] byKey(int[] indexes) {
    return Arrays.stream(indexes).boxed()
        .sorted(Comparator.comparing((Integer j) -> keys[j]).thenComparing(j -> j))
        .mapToInt(Integer::intValue).toArray();
  }

  /** The groups policy {@code i} selects; one stand-in group without an inventory. */
  List<String> groupsOf(int i) {
    if (isStatic) {
      return List.of("");
    }
    return groupsByPolicy.getOrDefault(i, List.of());
  }

  /** The facts of the rules of the policy with key {@code policyKey}, in {@link #facts}'s order. */
  List<RuleFacts> factsOf(String policyKey) {
    if (factsByPolicy == null) {
      factsByPolicy = new HashMap<>();
      facts.values().forEach(f -> factsByPolicy.computeIfAbsent(f.origin.policy(), k -> new ArrayList<>()).add(f));
    }
    return factsByPolicy.getOrDefault(policyKey, List.of());
  }

  /** The policies of {@code p}'s namespace, {@code p} included, in input order. */
  private List<NetworkPolicy> sameNamespace(NetworkPolicy p) {
    List<NetworkPolicy> out = new ArrayList<>();
    for (int j : policiesByNamespace.get(p.namespace())) {
      out.add(policies.get(j));
    }
    return out;
  }

  /**
   * True when every pod the policies isolate is allowed all traffic in each isolated direction;
   * false when no pod is isolated at all (then NP201 has the story).
   */
  boolean changesNothing() {
    if (isStatic) {
      for (NetworkPolicy p : policies) {
        for (Direction d : Direction.values()) {
          if (!isolates(p, d)) {
            continue;
          }
          boolean allowedAll = false;
          for (int[] candidates : broaderIsolating(p, d)) {
            // a selector class either has a policy with an allow-all rule or not: look at each once
            allowedAll = allowedAll || allowAll.computeIfAbsent(candidates, c -> Arrays.stream(c).anyMatch(
                j -> rules(policies.get(j), d).stream().anyMatch(r -> r.peers().isEmpty() && r.ports().isEmpty())));
          }
          if (!allowedAll) {
            return false;
          }
        }
      }
      return !policies.isEmpty();
    }
    RuleGraph g = graph.orElse(null);
    if (g == null || g.groups().stream().noneMatch(x -> x.ingressIsolated() || x.egressIsolated())) {
      return false;
    }
    for (EndpointGroup group : g.groups()) {
      for (Direction d : Direction.values()) {
        if (group.isolated(d) && g.rules(group.id(), d).stream().noneMatch(ContainmentAnalysis::allowsAll)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean allowsAll(Rule r) {
    return r.tier() == Tier.NETWORK_POLICY && r.action() == Action.ALLOW && r.peers().containsAll(AddressSet.ALL)
        && r.ports().containsAll(PortSet.ALL_PROTOCOLS);
  }

  private void analyse(EndpointGroup group, List<Rule> rules) {
    Map<Origin, List<Rule>> live = new TreeMap<>();
    for (Rule r : rules) {
      // rules that allow nothing are NP202/NP206's business, not containment's
      if (r.tier() == Tier.NETWORK_POLICY && r.action() == Action.ALLOW && !r.peers().isEmpty()
          && !r.ports().isEmpty()) {
        r.origins().forEach(o -> live.computeIfAbsent(o, k -> new ArrayList<>()).add(r));
      }
    }
    if (!live.isEmpty()) {
      perGroup.analyse(this, group, new ArrayList<>(live.entrySet()));
    }
  }

  /** The facts of the rule at {@code o}, counting one more group of {@code group}'s pods. */
  RuleFacts countGroup(Origin o, EndpointGroup group) {
    RuleFacts f = facts.computeIfAbsent(o, RuleFacts::new);
    f.groups++;
    f.pods += group.members().size();
    return f;
  }

  /** Records what contains a rule in one group: its first container and first of another policy. */
  static void record(RuleFacts f, Origin first, Origin firstOther, Holders holders) {
    f.containerPolicies.add(holders);
    if (first != null) {
      f.containedGroups++;
      f.containers.add(first);
    }
    if (firstOther != null) {
      f.otherContainers.add(firstOther);
    }
  }

  /**
   * Containment in one group, decided once per pair of classes of equal rules (the same IR peers
   * and ports) and then expanded to the members: linear in the number of rules times the number
   * of distinct ones, where comparing rule with rule was quadratic (10,000 equal policies are one
   * class). A rule's containers are every member of a class strictly containing its own, plus the
   * earlier members of classes equal to its own (of two equal rules only the later is contained).
   */
  private void analyseByClasses(EndpointGroup group, List<Map.Entry<Origin, List<Rule>>> entries) {
    int n = entries.size();
    Origin[] origins = new Origin[n];
    int[] classOf = new int[n];
    List<List<Rule>> classRules = new ArrayList<>();
    List<List<Integer>> memberLists = new ArrayList<>();
    Map<List<List<Object>>, Integer> classes = new HashMap<>();
    for (int k = 0; k < n; k++) {
      origins[k] = entries.get(k).getKey();
      List<Rule> rs = entries.get(k).getValue();
      List<List<Object>> content = new ArrayList<>(rs.size());
      rs.forEach(r -> content.add(List.of(r.peers(), r.ports())));
      classOf[k] = classes.computeIfAbsent(content, c -> {
        classRules.add(rs);
        memberLists.add(new ArrayList<>());
        return classRules.size() - 1;
      });
      memberLists.get(classOf[k]).add(k); // entries are in origin order: members ascend
    }
    int c = classRules.size();
    int[][] members = new int[c][];
    for (int a = 0; a < c; a++) {
      members[a] = memberLists.get(a).stream().mapToInt(Integer::intValue).toArray();
    }
    // containedIn[a] holds b when class b contains class a
    BitSet[] containedIn = new BitSet[c];
    for (int a = 0; a < c; a++) {
      containedIn[a] = new BitSet(c);
      containedIn[a].set(a); // equal content: every rule lies within itself
      for (int b = 0; b < c; b++) {
        if (b != a && contains(classRules.get(b), classRules.get(a))) {
          containedIn[a].set(b);
        }
      }
    }
    // Per class: its earliest member and earliest member of a policy other than that one's.
    int[] firstOtherPolicy = new int[c];
    for (int b = 0; b < c; b++) {
      firstOtherPolicy[b] = -1;
      String p0 = origins[members[b][0]].policy();
      for (int m : members[b]) {
        if (!origins[m].policy().equals(p0)) {
          firstOtherPolicy[b] = m;
          break;
        }
      }
    }
    for (int a = 0; a < c; a++) {
      List<Integer> strict = new ArrayList<>();
      List<Integer> equal = new ArrayList<>();
      for (int b = containedIn[a].nextSetBit(0); b >= 0; b = containedIn[a].nextSetBit(b + 1)) {
        (containedIn[b].get(a) ? equal : strict).add(b);
      }
      int[] strictClasses = strict.stream().mapToInt(Integer::intValue).toArray();
      int[] equalClasses = equal.stream().mapToInt(Integer::intValue).toArray();
      int firstStrict = Integer.MAX_VALUE;
      for (int b : strictClasses) {
        firstStrict = Math.min(firstStrict, members[b][0]);
      }
      for (int k : members[a]) {
        String policy = origins[k].policy();
        int first = firstStrict;
        int firstOther = Integer.MAX_VALUE;
        for (int b : strictClasses) {
          firstOther = Math.min(firstOther, firstNotOf(b, policy, origins, members, firstOtherPolicy));
        }
        for (int b : equalClasses) {
          if (members[b][0] < k) {
            first = Math.min(first, members[b][0]);
          }
          int other = firstNotOf(b, policy, origins, members, firstOtherPolicy);
          if (other < k) {
            firstOther = Math.min(firstOther, other);
          }
        }
        record(countGroup(origins[k], group), first == Integer.MAX_VALUE ? null : origins[first],
            firstOther == Integer.MAX_VALUE ? null : origins[firstOther],
            new ClassHolders(origins, members, strictClasses, equalClasses, k));
      }
    }
  }

  /** The earliest member of class {@code b} whose policy is not {@code policy}; MAX_VALUE if none. */
  private static int firstNotOf(int b, String policy, Origin[] origins, int[][] members, int[] firstOtherPolicy) {
    int m = origins[members[b][0]].policy().equals(policy) ? firstOtherPolicy[b] : members[b][0];
    return m < 0 ? Integer.MAX_VALUE : m;
  }

  /**
   * The policies holding a rule that contains a given rule in one group, read off the classes
   * when asked instead of stored per rule (a set per rule and group was what cost gigabytes).
   */
  private record ClassHolders(Origin[] origins, int[][] members, int[] strictClasses, int[] equalClasses, int rule)
      implements Holders {
    @Override
    public boolean anyOther(String own, Set<String> removed, Predicate<String> eligible) {
      for (int b : strictClasses) {
        for (int m : members[b]) {
          if (counts(origins[m].policy(), own, removed, eligible)) {
            return true;
          }
        }
      }
      for (int b : equalClasses) {
        for (int m : members[b]) {
          if (m >= rule) {
            break; // only the earlier of equal rules contain it
          }
          if (counts(origins[m].policy(), own, removed, eligible)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /** The policies (by key) holding a rule that contains a given rule in one group. */
  interface Holders {
    /** True when one of them is not {@code own}, not in {@code removed} and {@code eligible}. */
    boolean anyOther(String own, Set<String> removed, Predicate<String> eligible);

    /** Holders listed outright. */
    static Holders of(Set<String> policies) {
      return (own, removed, eligible) -> policies.stream().anyMatch(h -> counts(h, own, removed, eligible));
    }
  }

  private static boolean counts(String holder, String own, Set<String> removed, Predicate<String> eligible) {
    return !holder.equals(own) && !removed.contains(holder) && eligible.test(holder);
  }

  /** How one namespace's policies (indexes, ascending) are analysed without an inventory. */
  @FunctionalInterface
  interface NamespaceAnalysis {
    void analyse(ContainmentAnalysis into, List<Integer> inNamespace);
  }

  /** How one group's live rules (in origin order, each with its IR rules there) are analysed. */
  @FunctionalInterface
  interface GroupAnalysis {
    void analyse(ContainmentAnalysis into, EndpointGroup group, List<Map.Entry<Origin, List<Rule>>> entries);
  }

  /** True when every rule of {@code inner} lies within one rule of {@code outer}. */
  private boolean contains(List<Rule> outer, List<Rule> inner) {
    for (Rule r : inner) {
      boolean found = false;
      for (Rule s : outer) {
        if (contains(s, r)) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private boolean contains(Rule outer, Rule inner) {
    // the literal graph shares one peer and port set per policy rule across groups: memoise by identity
    List<Object> key = List.of(new Identity(outer.peers()), new Identity(outer.ports()), new Identity(inner.peers()),
        new Identity(inner.ports()));
    return memo.computeIfAbsent(key,
        k -> outer.ports().containsAll(inner.ports()) && outer.peers().containsAll(inner.peers()));
  }

  /** Identity equality for memo keys (the sets' own equals compares contents). */
  private record Identity(Object ref) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity && ((Identity) o).ref == ref;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(ref);
    }
  }
}
