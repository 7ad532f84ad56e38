package dev.netpolc.compiler.ir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The intermediate rule graph: endpoint groups, their rules per direction in evaluation order,
 * the distinct address and port sets the rules use (each with a stable id), the node addresses,
 * the semantics options it was compiled with and, for a per-node graph, the node. Immutable;
 * made only by {@link Builder#build()}, which normalises (groups sorted by id, rules ordered by
 * tier then priority, rules that can never match dropped, equal sets shared).
 *
 * <p>See {@code compiler/README.md} for how backends walk it.
 */
public final class RuleGraph {
  private final ImmutableList<EndpointGroup> groups;
  private final ImmutableMap<String, EndpointGroup> groupsById;
  private final ImmutableMap<String, ImmutableList<Rule>> ingress;
  private final ImmutableMap<String, ImmutableList<Rule>> egress;
  private final ImmutableSortedMap<String, AddressSet> nodeAddresses;
  private final SemanticsOptions options;
  private final Optional<String> node;
  // Whether the atoms pass ran. The partition is a function of the graph's sets, so it is
  // computed on first use: backends that never ask for it (nftables, iptables) never pay for it.
  private final boolean hasAtoms;
  private volatile Atoms atoms;
  // Derived indexes.
  private final ImmutableList<AddressSet> addressSets;
  private final ImmutableMap<AddressSet, Integer> addressSetIds;
  private final ImmutableList<PortSet> portSets;
  private final ImmutableMap<PortSet, Integer> portSetIds;
  private final ImmutableList<Tier> tiers;
  // Built on first use (a benign race, like atoms): compiling never needs it, and it has an
  // entry per endpoint address, 100,000s for a cluster-wide graph.
  /** Built on first use; never changed after it is published (volatile, so it is safely published). */
  private volatile Map<IpAddress, Endpoint> endpointsByAddress;
  private final ImmutableMap<String, EndpointGroup> groupByPod;

  private RuleGraph(Builder b, List<EndpointGroup> sortedGroups, Map<String, ImmutableList<Rule>> in,
      Map<String, ImmutableList<Rule>> out) {
    this.groups = ImmutableList.copyOf(sortedGroups);
    ImmutableMap.Builder<String, EndpointGroup> byId = ImmutableMap.builder();
    ImmutableMap.Builder<String, EndpointGroup> byPod = ImmutableMap.builder();
    for (EndpointGroup g : groups) {
      byId.put(g.id(), g);
      for (Endpoint e : g.members()) {
        byPod.put(e.pod(), g);
      }
    }
    this.groupsById = byId.buildOrThrow();
    this.groupByPod = byPod.buildOrThrow();
    this.ingress = ImmutableMap.copyOf(in);
    this.egress = ImmutableMap.copyOf(out);
    this.nodeAddresses = ImmutableSortedMap.copyOf(b.nodeAddresses);
    this.options = b.options;
    this.node = b.node;
    this.hasAtoms = b.atoms;
    Map<AddressSet, Integer> aIds = new LinkedHashMap<>();
    Map<PortSet, Integer> pIds = new LinkedHashMap<>();
    TreeSet<Tier> tierSet = new TreeSet<>(Tier.standard());
    for (Rule r : rules()) {
      aIds.putIfAbsent(r.peers(), aIds.size());
      pIds.putIfAbsent(r.ports(), pIds.size());
      tierSet.add(r.tier());
    }
    this.tiers = ImmutableList.copyOf(tierSet);
    this.addressSets = ImmutableList.copyOf(aIds.keySet());
    this.addressSetIds = ImmutableMap.copyOf(aIds);
    this.portSets = ImmutableList.copyOf(pIds.keySet());
    this.portSetIds = ImmutableMap.copyOf(pIds);
  }

  private RuleGraph(RuleGraph g, boolean hasAtoms) {
    this.groups = g.groups;
    this.groupsById = g.groupsById;
    this.ingress = g.ingress;
    this.egress = g.egress;
    this.nodeAddresses = g.nodeAddresses;
    this.options = g.options;
    this.node = g.node;
    this.hasAtoms = hasAtoms;
    this.atoms = g.atoms;
    this.addressSets = g.addressSets;
    this.addressSetIds = g.addressSetIds;
    this.portSets = g.portSets;
    this.portSetIds = g.portSetIds;
    this.tiers = g.tiers;
    this.endpointsByAddress = g.endpointsByAddress;
    this.groupByPod = g.groupByPod;
  }

  /** A new, empty builder. */
  public static Builder builder(SemanticsOptions options) {
    return new Builder(options);
  }

  /** A builder holding this graph's groups, rules, node addresses, options and node (not atoms). */
  public Builder toBuilder() {
    Builder b = new Builder(options);
    b.node = node;
    b.nodeAddresses.putAll(nodeAddresses);
    groups.forEach(b::addGroup);
    rules().forEach(b::addRule);
    return b;
  }

  /** A builder holding this graph's groups, node addresses, options and node, but no rules. */
  public Builder toBuilderWithoutRules() {
    Builder b = new Builder(options);
    b.node = node;
    b.nodeAddresses.putAll(nodeAddresses);
    groups.forEach(b::addGroup);
    return b;
  }

  /** The endpoint groups, sorted by id. */
  public ImmutableList<EndpointGroup> groups() {
    return groups;
  }

  /** The group with this id. */
  public Optional<EndpointGroup> group(String id) {
    return Optional.ofNullable(groupsById.get(id));
  }

  /** The rules of group {@code groupId} in direction {@code d}, in evaluation order. */
  public ImmutableList<Rule> rules(String groupId, Direction d) {
    ImmutableList<Rule> rs = (d == Direction.INGRESS ? ingress : egress).get(groupId);
    return rs == null ? ImmutableList.of() : rs;
  }

  /**
   * The tiers group {@code g} is evaluated through in {@code d}: the tiers of its rules in rank
   * order, with the NetworkPolicy tier in its place when the group is isolated in {@code d} (its
   * default deny) even without rules of it. Backends render one chain per entry.
   */
  public List<Tier> segmentTiers(EndpointGroup g, Direction d) {
    List<Tier> out = new ArrayList<>();
    boolean npPlaced = !g.isolated(d);
    for (Rule r : rules(g.id(), d)) {
      Tier t = r.tier();
      if (!npPlaced && t.compareTo(Tier.NETWORK_POLICY) >= 0) {
        npPlaced = true;
        if (!t.equals(Tier.NETWORK_POLICY)) {
          out.add(Tier.NETWORK_POLICY);
        }
      }
      if (out.isEmpty() || !out.get(out.size() - 1).equals(t)) {
        out.add(t);
      }
    }
    if (!npPlaced) {
      out.add(Tier.NETWORK_POLICY);
    }
    return out;
  }

  /** Every rule: group by group (sorted by id), ingress then egress, each in evaluation order. */
  public ImmutableList<Rule> rules() {
    ImmutableList.Builder<Rule> out = ImmutableList.builder();
    for (EndpointGroup g : groups) {
      out.addAll(rules(g.id(), Direction.INGRESS));
      out.addAll(rules(g.id(), Direction.EGRESS));
    }
    return out.build();
  }

  /**
   * The tiers of the graph in rank order: the three standard tiers ({@link Tier#standard()}),
   * whether or not a rule uses them, and every other tier some rule uses.
   */
  public ImmutableList<Tier> tiers() {
    return tiers;
  }

  /** The distinct peer sets of all rules, in order of first use; a set's id is its index. */
  public ImmutableList<AddressSet> addressSets() {
    return addressSets;
  }

  /** The distinct port sets of all rules, in order of first use; a set's id is its index. */
  public ImmutableList<PortSet> portSets() {
    return portSets;
  }

  /** The id of a peer set of this graph. */
  public int addressSetId(AddressSet s) {
    Integer id = addressSetIds.get(s);
    if (id == null) {
      throw new IllegalArgumentException("not an address set of this graph: " + s);
    }
    return id;
  }

  /** The id of a port set of this graph. */
  public int portSetId(PortSet s) {
    Integer id = portSetIds.get(s);
    if (id == null) {
      throw new IllegalArgumentException("not a port set of this graph: " + s);
    }
    return id;
  }

  /** A stable name for a peer set: {@code a<id>}. */
  public String addressSetName(AddressSet s) {
    return "a" + addressSetId(s);
  }

  /** A stable name for a port set: {@code p<id>}. */
  public String portSetName(PortSet s) {
    return "p" + portSetId(s);
  }

  /** The endpoint (local pod) with this address. */
  public Optional<Endpoint> endpointAt(IpAddress ip) {
    Map<IpAddress, Endpoint> m = endpointsByAddress;
    if (m == null) {
      Map<IpAddress, Endpoint> byAddress = new HashMap<>(groupByPod.size() * 2);
      for (EndpointGroup g : groups) {
        for (Endpoint e : g.members()) {
          for (IpAddress a : e.ips()) {
            // Two live pods never share an address; if input says so, the first pod key wins.
            Endpoint prev = byAddress.get(a);
            if (prev == null || e.pod().compareTo(prev.pod()) < 0) {
              byAddress.put(a, e);
            }
          }
        }
      }
      m = Collections.unmodifiableMap(byAddress);
      endpointsByAddress = m;
    }
    return Optional.ofNullable(m.get(ip));
  }

  /** The group of the endpoint with this pod key. */
  public Optional<EndpointGroup> groupOfPod(String podKey) {
    return Optional.ofNullable(groupByPod.get(podKey));
  }

  /** Every node's addresses, by node name (for the node-to-local-pod allowance). */
  public ImmutableSortedMap<String, AddressSet> nodeAddresses() {
    return nodeAddresses;
  }

  /** The semantics options the graph was compiled with. */
  public SemanticsOptions options() {
    return options;
  }

  /** The node the graph was compiled for; empty for a cluster-wide graph. */
  public Optional<String> node() {
    return node;
  }

  /**
   * The address-space partition, when the {@code atoms} pass ran: the coarsest partition such
   * that every peer set, every group's endpoint addresses and every node's addresses is a union
   * of atoms. Computed on the first call.
   */
  public Optional<Atoms> atoms() {
    if (!hasAtoms) {
      return Optional.empty();
    }
    Atoms a = atoms;
    if (a == null) {
      List<AddressSet> sets = new ArrayList<>(addressSets);
      for (EndpointGroup g : groups) {
        sets.add(g.addresses());
      }
      sets.addAll(nodeAddresses.values());
      a = Atoms.partition(sets);
      atoms = a;
    }
    return Optional.of(a);
  }

  /** True when the graph carries its atom partition ({@link #atoms()} is present). */
  public boolean hasAtoms() {
    return hasAtoms;
  }

  /** This graph with its atom partition attached (computed when first asked for). */
  public RuleGraph withAtoms() {
    return hasAtoms ? this : new RuleGraph(this, true);
  }

  /** This graph with every rule's sets mapped (groups and order unchanged). */
  public RuleGraph mapSets(Function<AddressSet, AddressSet> addresses, Function<PortSet, PortSet> ports) {
    Builder b = toBuilder();
    // Once per distinct set: rules share sets, and a set can be large.
    Map<AddressSet, AddressSet> aDone = new HashMap<>();
    Map<PortSet, PortSet> pDone = new HashMap<>();
    b.rules.replaceAll(r -> r.withPeers(aDone.computeIfAbsent(r.peers(), addresses))
        .withPorts(pDone.computeIfAbsent(r.ports(), ports)));
    b.atoms = hasAtoms;
    return b.build();
  }

  /** The counts {@code CompileStats} reports. */
  public GraphSize size() {
    int endpoints = 0;
    for (EndpointGroup g : groups) {
      endpoints += g.members().size();
    }
    int elements = 0;
    for (AddressSet s : addressSets) {
      elements += s.elementCount();
    }
    int ranges = 0;
    for (PortSet s : portSets) {
      ranges += s.elementCount();
    }
    int rules = 0;
    for (ImmutableList<Rule> rs : ingress.values()) {
      rules += rs.size();
    }
    for (ImmutableList<Rule> rs : egress.values()) {
      rules += rs.size();
    }
    return new GraphSize(groups.size(), endpoints, rules, addressSets.size(), elements, portSets.size(), ranges);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RuleGraph)) {
      return false;
    }
    RuleGraph g = (RuleGraph) o;
    return groups.equals(g.groups) && ingress.equals(g.ingress) && egress.equals(g.egress)
        && nodeAddresses.equals(g.nodeAddresses) && options.equals(g.options) && node.equals(g.node)
        && hasAtoms == g.hasAtoms; // the partition is a function of the rest
  }

  @Override
  public int hashCode() {
    return Objects.hash(groups, ingress, egress, nodeAddresses, options, node);
  }

  /** A readable dump: one line per group and rule, for tests and debugging. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (EndpointGroup g : groups) {
      sb.append("group ").append(g.id()).append(" (").append(g.members().size()).append(" endpoints")
          .append(g.ingressIsolated() ? ", ingress isolated" : "")
          .append(g.egressIsolated() ? ", egress isolated" : "").append(")\n");
      for (Direction d : Direction.values()) {
        for (Rule r : rules(g.id(), d)) {
          sb.append("  ").append(d.apiName()).append(' ').append(r.tier()).append('/').append(r.priority())
              .append(' ').append(r.action()).append(" peers {").append(r.peers()).append("} ports {")
              .append(r.ports()).append("} ").append(r.origins()).append('\n');
        }
      }
    }
    return sb.toString();
  }

  /**
   * The one way to make a {@link RuleGraph}. {@link #build()} normalises: groups sorted by id,
   * rules grouped per subject and direction and stably sorted by tier and priority, rules with an
   * empty peer or port set dropped (they never match), equal sets shared by one instance.
   */
  public static final class Builder {
    private final SemanticsOptions options;
    private final Map<String, EndpointGroup> groups = new LinkedHashMap<>();
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, AddressSet> nodeAddresses = new TreeMap<>();
    private Optional<String> node = Optional.empty();
    private boolean atoms;

    private Builder(SemanticsOptions options) {
      this.options = Objects.requireNonNull(options, "options");
    }

    /** Adds a group; its id must be new. */
    public Builder addGroup(EndpointGroup g) {
      if (groups.putIfAbsent(g.id(), g) != null) {
        throw new IllegalArgumentException("duplicate group id " + g.id());
      }
      return this;
    }

    /** Adds a rule; its subject must be a group of the finished graph. */
    public Builder addRule(Rule r) {
      rules.add(r);
      return this;
    }

    /** Records a node's addresses. */
    public Builder nodeAddresses(String nodeName, AddressSet addresses) {
      nodeAddresses.put(nodeName, addresses);
      return this;
    }

    /** Marks the graph as compiled for one node. */
    public Builder node(Optional<String> nodeName) {
      this.node = nodeName;
      return this;
    }

    /** The graph. */
    public RuleGraph build() {
      List<EndpointGroup> sorted = new ArrayList<>(groups.values());
      sorted.sort(Comparator.comparing(EndpointGroup::id));
      Map<AddressSet, AddressSet> aIntern = new HashMap<>();
      Map<PortSet, PortSet> pIntern = new HashMap<>();
      Map<String, List<Rule>> in = new HashMap<>();
      Map<String, List<Rule>> out = new HashMap<>();
      for (Rule r : rules) {
        if (!groups.containsKey(r.subject())) {
          throw new IllegalArgumentException("rule for unknown group " + r.subject());
        }
        if (r.peers().isEmpty() || r.ports().isEmpty()) {
          continue;
        }
        AddressSet peers = aIntern.computeIfAbsent(r.peers(), Function.identity());
        PortSet ports = pIntern.computeIfAbsent(r.ports(), Function.identity());
        Rule shared = peers == r.peers() && ports == r.ports() ? r : r.withPeers(peers).withPorts(ports);
        (r.direction() == Direction.INGRESS ? in : out).computeIfAbsent(r.subject(), k -> new ArrayList<>())
            .add(shared);
      }
      Comparator<Rule> order = Comparator.comparing(Rule::tier).thenComparingInt(Rule::priority);
      // Keyed in group id order, as the groups are sorted: no map sorts the ids again.
      ImmutableMap.Builder<String, ImmutableList<Rule>> inSorted = ImmutableMap.builderWithExpectedSize(in.size());
      ImmutableMap.Builder<String, ImmutableList<Rule>> outSorted = ImmutableMap.builderWithExpectedSize(out.size());
      for (EndpointGroup g : sorted) {
        List<Rule> i = in.get(g.id());
        if (i != null) {
          inSorted.put(g.id(), ImmutableList.sortedCopyOf(order, i));
        }
        List<Rule> o = out.get(g.id());
        if (o != null) {
          outSorted.put(g.id(), ImmutableList.sortedCopyOf(order, o));
        }
      }
      return new RuleGraph(this, sorted, inSorted.buildOrThrow(), outSorted.buildOrThrow());
    }
  }
}
