package dev.netpolc.compiler.incremental;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.passes.Passes;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.validation.InputRejectedException;
import java.util.ArrayList;
import java.util.Comparator;
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
 * A compiled cluster kept up to date by changes: the compiler side of incremental updates.
 *
 * <p>{@link #apply} takes a batch of {@link ClusterChange}s and returns a {@link GraphUpdate}.
 * A pod event whose pod falls into an existing group (same selecting policies) and that only
 * adds or removes its addresses to or from peer sets is handled <em>incrementally</em>: the
 * session keeps indexes (which policy rules' peers match a pod, which group a pod's selecting
 * policies map to, each peer set's ranges) and touches only what the pod changes, without
 * rebuilding the graph. Anything else (a policy or namespace change, a pod that needs a new
 * group or empties one, a set that gains or loses a whole address family, shared or node
 * addresses, egress rules with named ports, hostNetwork pods, any pod event while cluster-scoped
 * policies exist) recompiles the whole cluster.
 *
 * <p>The session's graph always decides every connection as a fresh compile of
 * {@link #cluster()} does. After incremental updates it may differ from a fresh compile in
 * form: a group keeps its id when the member the id came from leaves, and passes that compare
 * set contents (merge, shadowing, sharing) are not re-run until the next recompile
 * ({@link #recompile()}).
 *
 * <pre>{@code
 * CompilerSession s = new Compiler().session(cluster, CompileOptions.DEFAULTS.withNode("node-1"));
 * Artifact installed = nft.emit(s.graph(), opts);
 * GraphUpdate u = s.apply(List.of(new ClusterChange.PodUpserted(relabelled)));
 * Delta d = nft.update(installed, u, opts);          // add/delete element ... in one nft -f
 * }</pre>
 *
 * <p>Every object the session holds has passed the {@link AcceptanceGate} (the same decision as
 * {@code netpolc compile}): the initial cluster as a whole, each upserted object before a batch
 * changes anything. A batch with a blocked object throws {@link InputRejectedException} and
 * leaves the session as it was.
 *
 * Not thread-safe: one writer at a time.
 */
public final class CompilerSession {
  private final Compiler compiler;
  private final CompileOptions options;
  private final SemanticsOptions sem;
  private final Map<String, Namespace> namespaces = new LinkedHashMap<>();
  private final Map<String, Pod> pods = new LinkedHashMap<>();
  private final List<Node> nodes;
  private final Map<String, NetworkPolicy> policies = new LinkedHashMap<>();
  private final Map<String, ClusterNetworkPolicy> clusterNetworkPolicies = new LinkedHashMap<>();
  private final Map<String, AdminNetworkPolicy> adminNetworkPolicies = new LinkedHashMap<>();
  private final Map<String, BaselineAdminNetworkPolicy> baselineAdminNetworkPolicies = new LinkedHashMap<>();
  /** Calico's objects ({@link ClusterChange.CalicoObjectsReplaced} replaces them); with any, every change recompiles. */
  private dev.netpolc.model.calico.CalicoResources calico;
  /** Cilium's policies ({@link ClusterChange.CiliumPoliciesReplaced} replaces them); with any, every change recompiles. */
  private dev.netpolc.model.cilium.CiliumResources cilium;
  private State state;
  private long generation;

  /**
   * A session over {@code cluster}; objects are keyed by namespace/name.
   *
   * @throws InputRejectedException when the acceptance gate blocks the cluster (duplicates too)
   */
  public CompilerSession(Compiler compiler, Cluster cluster, CompileOptions options) {
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    this.options = Objects.requireNonNull(options, "options");
    AcceptanceGate.DEFAULT.require(cluster);
    this.sem = options.semantics();
    cluster.namespaces().forEach(n -> namespaces.putIfAbsent(n.name(), n));
    for (Pod p : cluster.pods()) {
      Pod prev = pods.get(p.key());
      if (prev == null || (!prev.isActive() && p.isActive())) {
        pods.put(p.key(), p);
      }
    }
    this.nodes = List.copyOf(cluster.nodes());
    cluster.policies().forEach(p -> policies.putIfAbsent(p.key(), p));
    cluster.clusterNetworkPolicies().forEach(p -> clusterNetworkPolicies.putIfAbsent(p.name(), p));
    cluster.adminNetworkPolicies().forEach(p -> adminNetworkPolicies.putIfAbsent(p.name(), p));
    cluster.baselineAdminNetworkPolicies().forEach(p -> baselineAdminNetworkPolicies.putIfAbsent(p.name(), p));
    this.calico = cluster.calico();
    this.cilium = cluster.cilium();
    this.state = rebuild();
  }

  /** The cluster as the session now sees it. */
  public Cluster cluster() {
    return new Cluster(List.copyOf(namespaces.values()), List.copyOf(pods.values()), nodes,
        List.copyOf(policies.values()), List.copyOf(clusterNetworkPolicies.values()),
        List.copyOf(adminNetworkPolicies.values()), List.copyOf(baselineAdminNetworkPolicies.values()), calico,
        cilium);
  }

  /** The options the session compiles with. */
  public CompileOptions options() {
    return options;
  }

  /** The current graph (built from the session's indexes when an incremental update left it stale). */
  public RuleGraph graph() {
    return state.graph();
  }

  /** Recompiles from scratch (the graph then equals a fresh compile); returns the update. */
  public GraphUpdate recompile() {
    state = rebuild();
    return rebuilt("recompile requested");
  }

  /**
   * Applies {@code changes} in order and returns what changed. The batch is incremental when
   * every change is; otherwise the session recompiles once, after the whole batch.
   *
   * @throws InputRejectedException when the acceptance gate blocks an upserted object; then no
   *     change of the batch is applied
   */
  public GraphUpdate apply(List<ClusterChange> changes) {
    List<Diagnostic> blocked = new ArrayList<>();
    for (ClusterChange c : changes) {
      blocked.addAll(check(c).blocking());
    }
    if (!blocked.isEmpty()) {
      throw new InputRejectedException(blocked);
    }
    Batch batch = new Batch();
    String reason = null;
    for (ClusterChange c : changes) {
      if (reason == null) {
        reason = applyFast(c, batch);
      } else {
        applyToCluster(c);
      }
    }
    if (reason != null) {
      state = rebuild();
      return rebuilt(reason);
    }
    State s = state;
    long gen = ++generation;
    return batch.toUpdate(s, () -> {
      if (generation != gen) {
        throw new IllegalStateException("the session has applied more changes since this update");
      }
      return s.graph();
    }, sem, options.node());
  }

  /** The gate's verdict on the object a change brings in (removals bring none). */
  private static AcceptanceGate.Verdict check(ClusterChange c) {
    if (c instanceof ClusterChange.PodUpserted u) {
      return AcceptanceGate.DEFAULT.check(u.pod());
    } else if (c instanceof ClusterChange.NamespaceUpserted n) {
      return AcceptanceGate.DEFAULT.check(n.namespace());
    } else if (c instanceof ClusterChange.PolicyUpserted p) {
      return AcceptanceGate.DEFAULT.check(p.policy());
    } else if (c instanceof ClusterChange.ClusterNetworkPolicyUpserted p) {
      return AcceptanceGate.DEFAULT.check(Cluster.EMPTY.withTieredPolicies(List.of(p.policy()), List.of(), List.of()));
    } else if (c instanceof ClusterChange.AdminNetworkPolicyUpserted p) {
      return AcceptanceGate.DEFAULT.check(Cluster.EMPTY.withTieredPolicies(List.of(), List.of(p.policy()), List.of()));
    } else if (c instanceof ClusterChange.BaselineAdminNetworkPolicyUpserted p) {
      return AcceptanceGate.DEFAULT.check(Cluster.EMPTY.withTieredPolicies(List.of(), List.of(), List.of(p.policy())));
    } else if (c instanceof ClusterChange.CalicoObjectsReplaced r) {
      return AcceptanceGate.DEFAULT.check(Cluster.EMPTY.withCalico(r.calico()));
    } else if (c instanceof ClusterChange.CiliumPoliciesReplaced r) {
      return AcceptanceGate.DEFAULT.check(Cluster.EMPTY.withCilium(r.cilium()));
    } else if (c instanceof ClusterChange.PodRemoved || c instanceof ClusterChange.PolicyRemoved
        || c instanceof ClusterChange.ClusterScopedPolicyRemoved) {
      return AcceptanceGate.Verdict.CLEAN;
    }
    // A new kind of change must say here how the gate judges what it brings in, before the
    // session applies it (fail closed rather than hold an object nobody checked).
    throw new IllegalStateException("no acceptance check for " + c.getClass().getSimpleName());
  }

  private GraphUpdate rebuilt(String reason) {
    generation++;
    State s = state;
    RuleGraph g = s.graph();
    // The graph's own options: the cilium profile builds with allowNodeToLocalPods off.
    return new GraphUpdate(false, () -> g, List.of(), List.of(), s.roleKeys, s.groupIds, g.nodeAddresses(),
        g.options(), options.node(), reason);
  }

  // ---- the cluster ----

  /** Records a change in the cluster; returns the pod it replaced or removed, if a pod change. */
  private Optional<Pod> applyToCluster(ClusterChange c) {
    if (c instanceof ClusterChange.PodUpserted u) {
      return Optional.ofNullable(pods.put(u.pod().key(), u.pod()));
    } else if (c instanceof ClusterChange.PodRemoved r) {
      return Optional.ofNullable(pods.remove(r.key()));
    } else if (c instanceof ClusterChange.NamespaceUpserted n) {
      namespaces.put(n.namespace().name(), n.namespace());
    } else if (c instanceof ClusterChange.PolicyUpserted p) {
      policies.put(p.policy().key(), p.policy());
    } else if (c instanceof ClusterChange.PolicyRemoved p) {
      policies.remove(p.key());
    } else if (c instanceof ClusterChange.ClusterNetworkPolicyUpserted p) {
      clusterNetworkPolicies.put(p.policy().name(), p.policy());
    } else if (c instanceof ClusterChange.AdminNetworkPolicyUpserted p) {
      adminNetworkPolicies.put(p.policy().name(), p.policy());
    } else if (c instanceof ClusterChange.BaselineAdminNetworkPolicyUpserted p) {
      baselineAdminNetworkPolicies.put(p.policy().name(), p.policy());
    } else if (c instanceof ClusterChange.CalicoObjectsReplaced r) {
      calico = r.calico();
    } else if (c instanceof ClusterChange.CiliumPoliciesReplaced r) {
      cilium = r.cilium();
    } else if (c instanceof ClusterChange.ClusterScopedPolicyRemoved r) {
      switch (r.kind()) {
        case CLUSTER_NETWORK_POLICY -> clusterNetworkPolicies.remove(r.name());
        case ADMIN_NETWORK_POLICY -> adminNetworkPolicies.remove(r.name());
        case BASELINE_ADMIN_NETWORK_POLICY -> baselineAdminNetworkPolicies.remove(r.name());
      }
    }
    return Optional.empty();
  }

  private boolean policyPod(Pod p) {
    return p != null && p.isActive() && (!p.hostNetwork() || sem.hostNetworkPodsArePolicyTargets());
  }

  private boolean local(Pod p) {
    return options.node().isEmpty() || options.node().get().equals(p.nodeName());
  }

  private Map<String, String> namespaceLabels(String ns) {
    Namespace n = namespaces.get(ns);
    return (n != null ? n : Namespace.of(ns, Map.of())).labels();
  }

  // ---- the fast path ----

  /** Applies {@code c}; null when it was handled incrementally, else why it was not. */
  private String applyFast(ClusterChange c, Batch batch) {
    if (!(c instanceof ClusterChange.PodUpserted) && !(c instanceof ClusterChange.PodRemoved)) {
      applyToCluster(c);
      return c.getClass().getSimpleName() + " changes rules";
    }
    Pod before = applyToCluster(c).orElse(null);
    Pod after = c instanceof ClusterChange.PodUpserted u ? u.pod() : null;
    if (calico.hasCalicoObjects()) {
      // The calico profile groups pods by their lowered Calico rules and selects peers with
      // Calico's labels and network sets; the fast path's indexes know NetworkPolicy rules only.
      return "Calico policies: pod changes recompile";
    }
    if (!cilium.isEmpty()) {
      // The cilium profile groups pods by their lowered Cilium rules and selects peers with
      // Cilium's identity labels; the fast path's indexes know NetworkPolicy rules only.
      return "Cilium policies: pod changes recompile";
    }
    if (!clusterNetworkPolicies.isEmpty() || !adminNetworkPolicies.isEmpty()
        || !baselineAdminNetworkPolicies.isEmpty()) {
      // Cluster-scoped policies select subjects and peers by pod and namespace labels across
      // namespaces; the fast path's indexes know NetworkPolicy rules only.
      return "cluster-scoped policies: pod changes recompile";
    }
    if ((before != null && before.hostNetwork()) || (after != null && after.hostNetwork())) {
      return "hostNetwork pod: node addresses change";
    }
    Pod oldP = policyPod(before) ? before : null;
    Pod newP = policyPod(after) ? after : null;
    if (oldP == null && newP == null) {
      return null;
    }
    List<IpAddress> oldIps = oldP == null ? List.of() : oldP.ips();
    List<IpAddress> newIps = newP == null ? List.of() : newP.ips();
    if (new HashSet<>(oldIps).size() != oldIps.size() || new HashSet<>(newIps).size() != newIps.size()) {
      return "a pod lists an address twice";
    }
    State s = state;
    for (IpAddress ip : oldIps) {
      if (s.ipClaims.getOrDefault(ip, 0) != 1 || s.nodeIps.contains(ip)) {
        return "shared or node address " + ip;
      }
    }
    for (IpAddress ip : newIps) {
      if (!oldIps.contains(ip) && (s.ipClaims.getOrDefault(ip, 0) != 0 || s.nodeIps.contains(ip))) {
        return "shared or node address " + ip;
      }
    }
    String why = members(s, oldP, newP, batch);
    if (why != null) {
      return why;
    }
    oldIps.forEach(ip -> s.ipClaims.merge(ip, -1, Integer::sum));
    newIps.forEach(ip -> s.ipClaims.merge(ip, 1, Integer::sum));
    return peerSets(s, oldP, newP, batch);
  }

  /** Moves the pod's endpoint between existing groups. */
  private String members(State s, Pod oldP, Pod newP, Batch batch) {
    String key = oldP != null ? oldP.key() : newP.key();
    boolean oldLocal = oldP != null && local(oldP);
    boolean newLocal = newP != null && local(newP);
    String g0 = oldLocal ? s.groupOfPod.get(key) : null;
    if (oldLocal && g0 == null) {
      return "endpoint " + key + " is in no group";
    }
    String g1 = null;
    if (newLocal) {
      List<Object> lk = literalKey(s, newP);
      g1 = s.groupByKey.get(lk);
      if (g1 == null) {
        return "pod " + key + " needs a new group";
      }
    }
    Endpoint e0 = oldLocal ? endpoint(oldP) : null;
    Endpoint e1 = newLocal ? endpoint(newP) : null;
    if (Objects.equals(g0, g1) && Objects.equals(e0, e1)) {
      return null;
    }
    if (g0 != null) {
      GroupState g = s.groups.get(g0);
      g.members.remove(key);
      if (g.members.isEmpty()) {
        return "group " + g0 + " loses its last member";
      }
      if (!count(s, g, e0, -1)) {
        return "an address family leaves the dispatch maps";
      }
      s.groupOfPod.remove(key);
      batch.member(new GraphUpdate.MemberChange(g0, e0, false, g.policed[0], g.policed[1]), -1);
    }
    if (g1 != null) {
      GroupState g = s.groups.get(g1);
      g.members.put(key, e1);
      if (!count(s, g, e1, 1)) {
        return "an address family enters the dispatch maps";
      }
      s.groupOfPod.put(key, g1);
      batch.member(new GraphUpdate.MemberChange(g1, e1, true, g.policed[0], g.policed[1]), 1);
    }
    s.graph = null;
    return null;
  }

  private static Endpoint endpoint(Pod p) {
    return new Endpoint(p.key(), p.ips(), Optional.ofNullable(p.nodeName()));
  }

  /** Updates the per-family address counts; false when a family appears or disappears. */
  private static boolean count(State s, GroupState g, Endpoint e, int dlt) {
    boolean ok = true;
    for (IpAddress ip : e.ips()) {
      int f = ip.v6() ? 1 : 0;
      ok &= bump(s.bypassCounts, f, dlt);
      for (int d = 0; d < 2; d++) {
        if (g.policed[d]) {
          ok &= bump(s.dispatchCounts, d * 2 + f, dlt);
        }
      }
    }
    return ok;
  }

  private static boolean bump(int[] counts, int i, int dlt) {
    int before = counts[i];
    counts[i] += dlt;
    return (before == 0) == (counts[i] == 0);
  }

  /** Adds and removes the pod's addresses in every peer set whose content they change. */
  private String peerSets(State s, Pod oldP, Pod newP, Batch batch) {
    for (Pod p : new Pod[] {oldP, newP}) {
      if (p != null && !s.namedPortsToAll.isEmpty()) {
        for (ContainerPort cp : p.allPorts()) {
          List<OriginRef> refs = cp.name() == null ? null : s.namedPortsToAll.get(cp.name());
          if (refs != null) {
            return "peers of " + refs.get(0) + " (named port " + cp.name() + " to every destination) change";
          }
        }
      }
    }
    TreeSet<IpAddress> ips = new TreeSet<>();
    if (oldP != null) {
      ips.addAll(oldP.ips());
    }
    if (newP != null) {
      ips.addAll(newP.ips());
    }
    Set<OriginInfo> candidates = new LinkedHashSet<>();
    for (Pod p : oldP == null ? List.of(newP) : newP == null ? List.of(oldP) : List.of(oldP, newP)) {
      for (PeerKey k : s.selectorCandidates(p)) {
        if (k.matches(p, this)) {
          candidates.addAll(s.bySelector.get(k));
        }
      }
    }
    for (IpAddress ip : ips) {
      for (OriginInfo o : s.blockCandidates(ip)) {
        if (o.blockContains(ip)) {
          candidates.add(o);
        }
      }
    }
    TreeSet<String> roles = new TreeSet<>();
    for (OriginInfo o : candidates) {
      boolean touched = false;
      for (IpAddress ip : ips) {
        touched |= contains(o, ip, oldP) || contains(o, ip, newP);
      }
      if (touched) {
        if (s.fragile.contains(o.ref)) {
          return "peers of " + o.ref + " change and it is not tracked exactly";
        }
        roles.addAll(s.originRoles.getOrDefault(o.ref, List.of()));
      }
    }
    for (String role : roles) {
      RangeSet rs = s.roleSet(role);
      List<OriginInfo> origins = s.roleOrigins.get(role);
      boolean mergedByPorts = s.portMergedRoles.contains(role);
      for (IpAddress ip : ips) {
        int holding = 0;
        for (OriginInfo o : origins) {
          if (contains(o, ip, newP)) {
            holding++;
          }
        }
        if (mergedByPorts && holding != 0 && holding != origins.size()) {
          return "set " + role + " merges rules with different ports whose peers now differ";
        }
        boolean in = holding > 0;
        boolean has = rs.contains(ip);
        if (in == has) {
          continue;
        }
        List<Cidr> removed = new ArrayList<>();
        List<Cidr> added = new ArrayList<>();
        if (in) {
          if (rs.familyEmpty(ip.v6())) {
            return "set " + role + " gains an address family";
          }
          rs.add(ip, removed, added);
          if (rs.familyFull(ip.v6())) {
            return "set " + role + " becomes a whole family";
          }
        } else {
          if (rs.familyFull(ip.v6())) {
            return "set " + role + " stops being a whole family";
          }
          rs.remove(ip, removed, added);
          if (rs.familyEmpty(ip.v6())) {
            return "set " + role + " loses an address family";
          }
        }
        s.touchedRoles.add(role);
        s.graph = null;
        batch.set(role, removed, added);
      }
    }
    return null;
  }

  /** True when {@code ip} is a peer of origin {@code o} while {@code owner} (or no pod) holds it. */
  private boolean contains(OriginInfo o, IpAddress ip, Pod owner) {
    if (o.all) {
      return true;
    }
    boolean podAddress = owner != null && owner.ips().contains(ip);
    if ((sem.ipBlockMatchesPodIps() || !podAddress) && o.blockContains(ip)) {
      return true;
    }
    if (podAddress) {
      for (PeerKey k : o.selectors) {
        if (k.matches(owner, this)) {
          return true;
        }
      }
    }
    return false;
  }

  /** What decides a local pod's group: its selecting policies and their named ingress ports. */
  private List<Object> literalKey(State s, Pod pod) {
    List<Object> key = new ArrayList<>();
    List<NetworkPolicy> selecting = new ArrayList<>();
    for (NetworkPolicy pol : s.policiesByNamespace.getOrDefault(pod.namespace(), List.of())) {
      if (pol.podSelector().matches(pod.labels())) {
        selecting.add(pol);
      }
    }
    List<String> ids = new ArrayList<>();
    selecting.forEach(p -> ids.add(p.key()));
    key.add(ids);
    for (NetworkPolicy pol : selecting) {
      if (pol.isolatesIngress()) {
        for (PolicyRule r : pol.ingress()) {
          for (PolicyPort pp : r.ports()) {
            if (pp.port().isPresent() && pp.port().get().isNamed()) {
              key.add(pp.effectiveProtocol().flatMap(proto -> pod.namedPort(pp.port().get().name(), proto)).orElse(0));
            }
          }
        }
      }
    }
    return key;
  }

  // ---- the indexes, rebuilt on every recompile ----

  private State rebuild() {
    Cluster cluster = cluster();
    RuleGraph graph = compiler.compile(cluster, options).graph();
    State s = new State(graph);
    List<NetworkPolicy> sorted = new ArrayList<>(policies.values());
    sorted.sort(Comparator.comparing(NetworkPolicy::namespace).thenComparing(NetworkPolicy::name)
        .thenComparing(NetworkPolicy::position));
    for (NetworkPolicy pol : sorted) {
      s.policiesByNamespace.computeIfAbsent(pol.namespace(), k -> new ArrayList<>()).add(pol);
      for (Direction d : Direction.values()) {
        if (d == Direction.INGRESS ? !pol.isolatesIngress() : !pol.isolatesEgress()) {
          continue;
        }
        List<PolicyRule> rules = d == Direction.INGRESS ? pol.ingress() : pol.egress();
        for (int j = 0; j < rules.size(); j++) {
          OriginInfo o = new OriginInfo(new OriginRef(pol.key(), d, j), pol, rules.get(j), sem);
          s.origins.put(o.ref, o);
          s.byPolicy.computeIfAbsent(pol.key(), k -> new ArrayList<>()).add(o);
          o.selectors.forEach(k -> s.bySelector.computeIfAbsent(k, x -> new ArrayList<>()).add(o));
          if (!o.blocks.isEmpty()) {
            s.withIpBlocks.add(o);
          }
          if (d == Direction.EGRESS && rules.get(j).ports().stream()
              .anyMatch(pp -> pp.port().isPresent() && pp.port().get().isNamed())) {
            s.fragile.add(o.ref); // split by resolved port: the role is not the union of origins
            if (o.all) {
              // Its peers are the pods resolving the names, which no selector or block finds.
              rules.get(j).ports().stream().filter(pp -> pp.port().isPresent() && pp.port().get().isNamed())
                  .forEach(pp -> s.namedPortsToAll.computeIfAbsent(pp.port().get().name(), k -> new ArrayList<>())
                      .add(o.ref));
            }
          }
        }
      }
    }
    s.indexSelectors();
    s.indexBlocks();
    // Roles: every rule's peers are the union of its origins' peers (unless ambiguous).
    SetRoles roles = SetRoles.of(graph);
    Map<String, Set<OriginRef>> present = new HashMap<>();
    for (EndpointGroup g : graph.groups()) {
      GroupState gs = new GroupState(g);
      for (Direction d : Direction.values()) {
        List<Rule> rs = graph.rules(g.id(), d);
        gs.rules.addAll(rs);
        gs.policed[d.ordinal()] = g.isolated(d) || !rs.isEmpty();
        for (Rule r : rs) {
          String base = SetRoles.base(r);
          List<OriginRef> refs = new ArrayList<>();
          for (Origin o : r.origins()) {
            OriginRef ref = new OriginRef(o.policy(), o.direction(), o.ruleIndex());
            refs.add(ref);
            present.computeIfAbsent(g.id(), k -> new HashSet<>()).add(ref);
          }
          List<OriginInfo> infos = new ArrayList<>();
          refs.forEach(ref -> Optional.ofNullable(s.origins.get(ref)).ifPresent(infos::add));
          if (roles.ambiguous(base) || infos.size() != refs.size() || refs.isEmpty()) {
            s.fragile.addAll(refs);
            continue;
          }
          if (s.roleOrigins.putIfAbsent(base, infos) == null) {
            if (infos.stream().anyMatch(i -> !i.ports.equals(infos.get(0).ports))) {
              // Rules merged for their equal peers (MergeRules' union of ports): the set is
              // each origin's peers, not their union, for as long as the origins agree.
              s.portMergedRoles.add(base);
            }
            s.roleContent.put(base, r.peers());
            refs.forEach(ref -> s.originRoles.computeIfAbsent(ref, k -> new ArrayList<>()).add(base));
          }
        }
      }
      s.groups.put(g.id(), gs);
    }
    s.roleKeys = roles.keys();
    s.groupIds = ImmutableList.copyOf(s.groups.keySet());
    // Local pods: their group by literal key; origins a group should show but does not
    // (shadowed, or dropped as empty) cannot change incrementally.
    Map<List<Object>, String> keyGroups = new HashMap<>();
    Set<List<Object>> conflicting = new HashSet<>();
    Set<String> checked = new HashSet<>();
    for (Pod p : pods.values()) {
      if (policyPod(p)) {
        p.ips().forEach(ip -> s.ipClaims.merge(ip, 1, Integer::sum));
      }
      if (p.isActive() && p.hostNetwork() && p.nodeName() != null) {
        s.nodeIps.addAll(p.ips());
      }
    }
    for (Node n : nodes) {
      s.nodeIps.addAll(n.addresses());
    }
    for (EndpointGroup g : graph.groups()) {
      GroupState gs = s.groups.get(g.id());
      for (Endpoint e : g.members()) {
        Pod p = pods.get(e.pod());
        gs.members.put(e.pod(), e);
        s.groupOfPod.put(e.pod(), g.id());
        for (IpAddress ip : e.ips()) {
          s.bypassCounts[ip.v6() ? 1 : 0]++;
          for (int d = 0; d < 2; d++) {
            if (gs.policed[d]) {
              s.dispatchCounts[d * 2 + (ip.v6() ? 1 : 0)]++;
            }
          }
        }
        if (p == null) {
          continue;
        }
        List<Object> lk = literalKey(s, p);
        String prev = keyGroups.putIfAbsent(lk, g.id());
        if (prev != null && !prev.equals(g.id())) {
          conflicting.add(lk);
        }
        if (checked.add(g.id() + "\u0000" + lk)) {
          Set<OriginRef> shown = present.getOrDefault(g.id(), Set.of());
          @SuppressWarnings("unchecked")
          List<String> pols = (List<String>) lk.get(0);
          for (String polKey : pols) {
            for (OriginInfo o : s.originsOf(polKey)) {
              if (!shown.contains(o.ref)) {
                s.fragile.add(o.ref);
              }
            }
          }
        }
      }
    }
    conflicting.forEach(keyGroups::remove);
    s.groupByKey.putAll(keyGroups);
    return s;
  }

  /** A policy rule: {@code ns/name}, direction, index. */
  private record OriginRef(String policy, Direction direction, int rule) {
    @Override
    public String toString() {
      return policy + " " + direction.apiName() + "[" + rule + "]";
    }
  }

  /** A selector peer, as resolved from one policy's namespace. */
  private record PeerKey(String policyNamespace, Optional<LabelSelector> pods, Optional<LabelSelector> namespaces) {
    /**
     * The index bucket: a label pair that every pod this peer matches carries (on the pod, or
     * on its namespace), or only the namespace, or {@code *} when nothing narrows it.
     */
    List<String> bucket() {
      Optional<Map.Entry<String, String>> podPair = pods.flatMap(CompilerSession::firstPair);
      if (namespaces.isEmpty()) {
        return podPair.map(e -> List.of("P", policyNamespace, e.getKey(), e.getValue()))
            .orElse(List.of("P", policyNamespace));
      }
      Optional<Map.Entry<String, String>> nsPair = firstPair(namespaces.get());
      if (nsPair.isPresent()) {
        return List.of("N", nsPair.get().getKey(), nsPair.get().getValue());
      }
      return podPair.map(e -> List.of("Q", e.getKey(), e.getValue())).orElse(List.of("*"));
    }

    boolean matches(Pod p, CompilerSession session) {
      if (namespaces.isEmpty()) {
        return p.namespace().equals(policyNamespace) && pods.get().matches(p.labels());
      }
      return namespaces.get().matches(session.namespaceLabels(p.namespace()))
          && pods.orElse(LabelSelector.EVERYTHING).matches(p.labels());
    }
  }

  private static Optional<Map.Entry<String, String>> firstPair(LabelSelector sel) {
    return sel.matchLabels().entrySet().stream().findFirst();
  }

  /** What decides the peers of one policy rule: its selector peers and its ipBlocks. */
  private static final class OriginInfo {
    final OriginRef ref;
    final boolean all;
    final List<PeerKey> selectors = new ArrayList<>();
    final List<AddressSet> blocks = new ArrayList<>();
    /** The rule's ports as written (protocol defaulted); equal sets give equal port sets. */
    final Set<List<Object>> ports = new HashSet<>();

    OriginInfo(OriginRef ref, NetworkPolicy pol, PolicyRule rule, SemanticsOptions sem) {
      this.ref = ref;
      this.all = rule.peers().isEmpty();
      rule.ports().forEach(pp -> ports.add(List.of(pp.effectiveProtocol(), pp.port(), pp.endPort())));
      for (Peer peer : rule.peers()) {
        boolean selector = peer.podSelector().isPresent() || peer.namespaceSelector().isPresent();
        if (peer.ipBlock().isPresent() && !selector) {
          Optional<Cidr> cidr = Cidr.parse(peer.ipBlock().get().cidr()).map(Cidr.Parsed::cidr);
          List<Cidr> except = new ArrayList<>();
          peer.ipBlock().get().except().forEach(x -> Cidr.parse(x).ifPresent(c -> except.add(c.cidr())));
          cidr.ifPresent(c -> blocks.add(AddressSet.ofCidrs(List.of(c)).difference(AddressSet.ofCidrs(except))));
        } else if (selector && peer.ipBlock().isEmpty()) {
          selectors.add(new PeerKey(peer.namespaceSelector().isPresent() ? "" : pol.namespace(),
              peer.podSelector(), peer.namespaceSelector()));
        }
      }
    }

    boolean blockContains(IpAddress ip) {
      for (AddressSet b : blocks) {
        if (b.contains(ip)) {
          return true;
        }
      }
      return false;
    }
  }

  /** A group's members and rules as the session tracks them. */
  private static final class GroupState {
    final EndpointGroup template;
    final TreeMap<String, Endpoint> members = new TreeMap<>();
    final List<Rule> rules = new ArrayList<>();
    final boolean[] policed = new boolean[2];

    GroupState(EndpointGroup template) {
      this.template = template;
    }
  }

  /** Everything derived from the last compile, updated in place by incremental changes. */
  private final class State {
    RuleGraph graph;
    final Map<String, GroupState> groups = new TreeMap<>();
    final Map<String, String> groupOfPod = new HashMap<>();
    final Map<List<Object>, String> groupByKey = new HashMap<>();
    final Map<String, List<NetworkPolicy>> policiesByNamespace = new HashMap<>();
    final Map<OriginRef, OriginInfo> origins = new LinkedHashMap<>();
    final Map<String, List<OriginInfo>> byPolicy = new HashMap<>();
    final Map<PeerKey, List<OriginInfo>> bySelector = new LinkedHashMap<>();
    final List<OriginInfo> withIpBlocks = new ArrayList<>();
    final Map<List<String>, List<PeerKey>> selectorBuckets = new HashMap<>();
    final TreeMap<IpAddress, List<OriginInfo>> blockSegments = new TreeMap<>();
    final Set<OriginRef> fragile = new HashSet<>();
    /** Egress rules to every destination on named ports, by port name: their peers follow pods' ports. */
    final Map<String, List<OriginRef>> namedPortsToAll = new HashMap<>();
    final Map<String, List<OriginInfo>> roleOrigins = new HashMap<>();
    final Map<OriginRef, List<String>> originRoles = new HashMap<>();
    final Map<String, AddressSet> roleContent = new HashMap<>();
    /** Roles whose origins have different ports: their peers must stay equal. */
    final Set<String> portMergedRoles = new HashSet<>();
    final Map<String, RangeSet> roleSets = new HashMap<>();
    final Set<String> touchedRoles = new HashSet<>();
    final Map<IpAddress, Integer> ipClaims = new HashMap<>();
    final Set<IpAddress> nodeIps = new HashSet<>();
    final int[] dispatchCounts = new int[4];
    final int[] bypassCounts = new int[2];
    final ImmutableSortedMap<String, AddressSet> nodeAddresses;
    ImmutableSortedSet<String> roleKeys;
    ImmutableList<String> groupIds;

    State(RuleGraph graph) {
      this.graph = graph;
      this.nodeAddresses = graph.nodeAddresses();
    }

    /**
     * Buckets {@link #bySelector}'s keys by one label pair every match needs (see
     * {@link PeerKey#bucket()}), so that a pod event checks only the selectors that can match
     * its pod instead of every selector of the cluster.
     */
    void indexSelectors() {
      for (PeerKey k : bySelector.keySet()) {
        selectorBuckets.computeIfAbsent(k.bucket(), x -> new ArrayList<>()).add(k);
      }
    }

    /** The selector peers that may match {@code p}: a superset of those that do. */
    List<PeerKey> selectorCandidates(Pod p) {
      List<PeerKey> out = new ArrayList<>();
      addBucket(out, List.of("*"));
      addBucket(out, List.of("P", p.namespace()));
      p.labels().forEach((k, v) -> {
        addBucket(out, List.of("P", p.namespace(), k, v));
        addBucket(out, List.of("Q", k, v));
      });
      namespaceLabels(p.namespace()).forEach((k, v) -> addBucket(out, List.of("N", k, v)));
      return out;
    }

    private void addBucket(List<PeerKey> out, List<String> bucket) {
      List<PeerKey> keys = selectorBuckets.get(bucket);
      if (keys != null) {
        out.addAll(keys);
      }
    }

    /**
     * Splits the address space at every ipBlock range boundary; each segment lists the origins
     * whose blocks cover it, so that an address finds its ipBlock origins with one lookup.
     */
    void indexBlocks() {
      TreeMap<IpAddress, List<OriginInfo>> segments = new TreeMap<>();
      segments.put(IpAddress.v4(0), new ArrayList<>());
      segments.put(IpAddress.v6(0, 0), new ArrayList<>());
      for (OriginInfo o : withIpBlocks) {
        for (AddressSet b : o.blocks) {
          for (AddressRange r : b.ranges()) {
            segments.putIfAbsent(r.first(), new ArrayList<>());
            r.last().next().filter(n -> n.v6() == r.last().v6()).ifPresent(n -> segments.putIfAbsent(n, new ArrayList<>()));
          }
        }
      }
      for (OriginInfo o : withIpBlocks) {
        for (AddressSet b : o.blocks) {
          for (AddressRange r : b.ranges()) {
            for (List<OriginInfo> seg : segments.subMap(r.first(), true, r.last(), true).values()) {
              if (seg.isEmpty() || seg.get(seg.size() - 1) != o) {
                seg.add(o);
              }
            }
          }
        }
      }
      blockSegments.putAll(segments);
    }

    /** The ipBlock origins that may contain {@code ip}: a superset of those that do. */
    List<OriginInfo> blockCandidates(IpAddress ip) {
      Map.Entry<IpAddress, List<OriginInfo>> e = blockSegments.floorEntry(ip);
      return e == null ? List.of() : e.getValue();
    }

    List<OriginInfo> originsOf(String policyKey) {
      return byPolicy.getOrDefault(policyKey, List.of());
    }

    RangeSet roleSet(String role) {
      return roleSets.computeIfAbsent(role, r -> new RangeSet(roleContent.get(r)));
    }

    RuleGraph graph() {
      if (graph == null) {
        RuleGraph.Builder b = RuleGraph.builder(sem).node(options.node());
        nodeAddresses.forEach(b::nodeAddresses);
        for (Map.Entry<String, GroupState> e : groups.entrySet()) {
          EndpointGroup t = e.getValue().template;
          b.addGroup(new EndpointGroup(e.getKey(), List.copyOf(e.getValue().members.values()), t.ingressIsolated(),
              t.egressIsolated()));
          for (Rule r : e.getValue().rules) {
            String base = SetRoles.base(r);
            b.addRule(touchedRoles.contains(base) ? r.withPeers(roleSets.get(base).toAddressSet()) : r);
          }
        }
        RuleGraph g = b.build();
        if (options.passes().contains(Passes.ATOMS.name())) {
          g = Passes.ATOMS.apply(g);
        }
        graph = g;
      }
      return graph;
    }
  }

  /** The net effect of one batch. */
  private static final class Batch {
    final Map<String, Map<Cidr, Integer>> sets = new TreeMap<>();
    final Map<GraphUpdate.MemberChange, Integer> members = new LinkedHashMap<>();

    void set(String role, List<Cidr> removed, List<Cidr> added) {
      Map<Cidr, Integer> m = sets.computeIfAbsent(role, k -> new TreeMap<>());
      removed.forEach(c -> m.merge(c, -1, Integer::sum));
      added.forEach(c -> m.merge(c, 1, Integer::sum));
    }

    void member(GraphUpdate.MemberChange m, int dlt) {
      // Key without the direction of the change, so that a join and a leave cancel.
      GraphUpdate.MemberChange k = new GraphUpdate.MemberChange(m.groupId(), m.endpoint(), true, m.ingressPoliced(),
          m.egressPoliced());
      members.merge(k, dlt, Integer::sum);
    }

    GraphUpdate toUpdate(State s, java.util.function.Supplier<RuleGraph> next, SemanticsOptions sem,
        Optional<String> node) {
      List<GraphUpdate.SetChange> setChanges = new ArrayList<>();
      sets.forEach((role, m) -> {
        List<Cidr> removed = new ArrayList<>();
        List<Cidr> added = new ArrayList<>();
        m.forEach((c, n) -> {
          if (n < 0) {
            removed.add(c);
          } else if (n > 0) {
            added.add(c);
          }
        });
        if (!removed.isEmpty() || !added.isEmpty()) {
          setChanges.add(new GraphUpdate.SetChange(role, removed, added));
        }
      });
      List<GraphUpdate.MemberChange> leaves = new ArrayList<>();
      List<GraphUpdate.MemberChange> joins = new ArrayList<>();
      members.forEach((m, n) -> {
        if (n < 0) {
          leaves.add(new GraphUpdate.MemberChange(m.groupId(), m.endpoint(), false, m.ingressPoliced(),
              m.egressPoliced()));
        } else if (n > 0) {
          joins.add(m);
        }
      });
      List<GraphUpdate.MemberChange> all = new ArrayList<>(leaves);
      all.addAll(joins);
      return new GraphUpdate(true, next, setChanges, all, s.roleKeys, s.groupIds, s.nodeAddresses, sem, node, "");
    }
  }
}
