package dev.netpolc.kernel;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A throw-away simulated cluster made of network namespaces: node namespaces joined by a fabric,
 * and pod namespaces wired into their node by the real CNI plugins. Rules are loaded into node
 * namespaces; servers and probes run in pods (and optionally in nodes, as the "host" endpoint).
 *
 * <pre>
 *  [pod ns] eth0 ──veth── cni0 bridge / ptp routes ── [node ns] uplink ──┐
 *  [pod ns] eth0 ──veth──┘                                                ├── br0 [fabric ns]
 *                                         [node ns] uplink ───────────────┘
 * </pre>
 *
 * <p>Endpoints are named by pod key ({@code "x/a"}) or node name ({@code "node0"}). Every
 * namespace is named {@code np-<pid>-<n>-…}; {@link #close()} (also run by a JVM shutdown hook)
 * runs CNI DEL and deletes every namespace it made, and building deletes leftovers of dead runs.
 * Nothing is created outside these namespaces except a per-run host-local IPAM directory under
 * the temporary directory. Each node namespace starts with the table {@value #HARNESS_TABLE},
 * which keeps connection tracking on (see there).
 *
 * <p>Addresses: pods use 198.18.0.0/15 and fd00::/8. By default node {@code i} hands out
 * {@code 198.18.i.0/24} and {@code fd00:0:0:i::/64}; the first address of each block is the pods'
 * gateway. Node addresses live on the fabric, {@code 198.19.255.(i+1)/24} and
 * {@code fd00:0:0:ffff::(i+1)/64}, with routes between nodes' pod blocks.
 *
 * <p>Two extras let a test reproduce a cluster's exact addresses. Nodes may declare the very same
 * pod block ({@link Builder#node(String, String, String)}): then each node routes the other's pods
 * one by one ({@code /32}, {@code /128}) and, in {@link Mode#BRIDGE}, answers ARP and neighbour
 * solicitations for them on {@code cni0} (proxy ARP / proxy NDP), so a pod's on-link neighbour on
 * another node is reached through both nodes' forward hooks as usual. And a node may have its own
 * address outside the fabric ({@link Builder#nodeAddress}), e.g. a hostNetwork pod's IP: it sits
 * on the uplink next to the fabric address, and the other nodes route it.
 */
public final class Topology implements AutoCloseable {

  /** How pods are attached to their node. */
  public enum Mode {
    /** Flannel-like: CNI {@code bridge} plugin, with br_netfilter so bridged traffic crosses the inet forward hook. */
    BRIDGE,
    /** Calico-like: CNI {@code ptp} plugin, one routed veth per pod. */
    PTP
  }

  /** Deadline for ordinary harness commands. */
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Family and name of the table every node namespace starts with. Its one rule has a {@code ct}
   * expression, which turns connection tracking on from the first packet, as kube-proxy's rules do
   * on a real node: without it, a flow opened before the first policy load is picked up mid-stream
   * as {@code ct state new} and "established flows survive a reload" cannot be tested.
   */
  public static final String HARNESS_TABLE = "inet netpolc_harness";

  private static final String HARNESS_RULESET = "table " + HARNESS_TABLE + " {\n"
      + "  chain track {\n"
      + "    type filter hook prerouting priority -150; policy accept;\n"
      + "    ct state invalid counter\n"
      + "  }\n"
      + "}\n";
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final Cidr FABRIC_V4 = Cidr.of("198.19.255.0/24");
  private static final Cidr FABRIC_V6 = Cidr.of("fd00:0:0:ffff::/64");
  private static final Duration SETTLE = Duration.ofSeconds(5);
  /** Setup steps run this many at a time: the machine has two cores, shared. */
  private static final int SETUP_THREADS = 4;

  private final Mode mode;
  private final String prefix;
  private final Path pluginDir;
  private final Path ipamDir;
  private final ImmutableMap<String, NodeSpec> nodes;
  private final ImmutableMap<String, PodSpec> pods;
  private final String fabricNamespace;
  private final List<String> createdNamespaces = Collections.synchronizedList(new ArrayList<>());
  private final List<PodSpec> attachedPods = Collections.synchronizedList(new ArrayList<>());
  private final List<BackgroundProcess> servers = Collections.synchronizedList(new ArrayList<>());
  private final List<PersistentTcp> persistent = Collections.synchronizedList(new ArrayList<>());
  /** Each source endpoint's probe process, started on its first probe round. */
  private final Map<String, ProbeSession> probeSessions = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;

  private Topology(Mode mode, String prefix, Path pluginDir, Path ipamDir, ImmutableMap<String, NodeSpec> nodes,
      ImmutableMap<String, PodSpec> pods) {
    this.mode = mode;
    this.prefix = prefix;
    this.pluginDir = pluginDir;
    this.ipamDir = ipamDir;
    this.nodes = nodes;
    this.pods = pods;
    this.fabricNamespace = prefix + "fabric";
    this.shutdownHook = new Thread(this::closeQuietly, "netpolc-topology-cleanup-" + prefix);
  }

  /** A builder for a new topology. */
  public static Builder builder() {
    return new Builder();
  }

  /** The attachment mode. */
  public Mode mode() {
    return mode;
  }

  /** True once {@link #close} has begun: its namespaces are gone or going. */
  public boolean isClosed() {
    return closed.get();
  }

  /** The name prefix of every namespace of this topology, e.g. {@code np-4242-1-}. */
  public String prefix() {
    return prefix;
  }

  /** The nodes, in declaration order. */
  public ImmutableList<NodeSpec> nodes() {
    return nodes.values().asList();
  }

  /** The pods, in declaration order. */
  public ImmutableList<PodSpec> pods() {
    return pods.values().asList();
  }

  /** The pod with {@code key}; throws for an unknown key. */
  public PodSpec pod(String key) {
    PodSpec p = pods.get(key);
    if (p == null) {
      throw new IllegalArgumentException("no pod " + key + " in this topology; pods: " + pods.keySet());
    }
    return p;
  }

  /** The node named {@code name}; throws for an unknown name. */
  public NodeSpec node(String name) {
    NodeSpec n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no node " + name + " in this topology; nodes: " + nodes.keySet());
    }
    return n;
  }

  /** The pod keys, in declaration order. */
  public ImmutableList<String> podKeys() {
    return pods.keySet().asList();
  }

  /** Every endpoint: the pod keys, then the node names, each in declaration order. */
  public ImmutableList<String> endpoints() {
    return ImmutableList.<String>builder().addAll(pods.keySet()).addAll(nodes.keySet()).build();
  }

  /** The namespace of node {@code node}. */
  public String nodeNamespace(String node) {
    return node(node).namespace();
  }

  /** The namespace of pod {@code podKey}. */
  public String podNamespace(String podKey) {
    return pod(podKey).namespace();
  }

  /** True when {@code endpoint} names a pod or a node of this topology. */
  public boolean isEndpoint(String endpoint) {
    return pods.containsKey(endpoint) || nodes.containsKey(endpoint);
  }

  /** The namespace of an endpoint (pod key or node name), or one of this topology's namespace names itself. */
  public String namespace(String endpointOrNamespace) {
    if (pods.containsKey(endpointOrNamespace)) {
      return pods.get(endpointOrNamespace).namespace();
    }
    if (nodes.containsKey(endpointOrNamespace)) {
      return nodes.get(endpointOrNamespace).namespace();
    }
    if (endpointOrNamespace.startsWith(prefix) && createdNamespaces.contains(endpointOrNamespace)) {
      return endpointOrNamespace;
    }
    throw new IllegalArgumentException("not an endpoint or namespace of topology " + prefix + ": "
        + endpointOrNamespace);
  }

  /** The address of an endpoint (pod key or node name) in {@code family}. */
  public IpAddress address(String endpoint, Family family) {
    if (pods.containsKey(endpoint)) {
      return pods.get(endpoint).address(family);
    }
    return node(endpoint).address(family);
  }

  /** An endpoint's address in {@code family}, or {@code endpointOrIp} itself when it is an IP literal of that family. */
  public IpAddress resolve(String endpointOrIp, Family family) {
    Optional<IpAddress> literal = IpAddress.tryParse(endpointOrIp);
    if (literal.isPresent()) {
      if (Family.of(literal.get()) != family) {
        throw new IllegalArgumentException(endpointOrIp + " is not an " + family.label() + " address");
      }
      return literal.get();
    }
    return address(endpointOrIp, family);
  }

  /** Runs {@code command} inside an endpoint's namespace with {@link #COMMAND_TIMEOUT}; see {@link #exec(Duration, String, String, String...)}. */
  public CommandResult exec(String endpointOrNamespace, String... command) {
    return exec(COMMAND_TIMEOUT, null, endpointOrNamespace, command);
  }

  /**
   * Runs {@code command} inside the namespace of an endpoint (or one of this topology's namespaces),
   * feeding it {@code stdin} (may be null). Returns whatever happened; never throws for a non-zero exit.
   */
  public CommandResult exec(Duration timeout, String stdin, String endpointOrNamespace, String... command) {
    requireOpen();
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace(endpointOrNamespace)));
    argv.addAll(List.of(command));
    return Commands.run(timeout, stdin, argv);
  }

  /**
   * Loads an nftables ruleset with {@code nft -f -} in an endpoint's namespace (normally a node).
   * The load is one transaction: on failure nothing changes and this throws with nft's error text.
   */
  public void loadNftables(String endpoint, String rulesetText) {
    load(endpoint, rulesetText, "nft", "-f", "-");
  }

  /**
   * Like {@link #loadNftables} but first deletes every table except the harness's own
   * ({@value #HARNESS_TABLE}), in the same transaction, so established flows stay tracked.
   */
  public void replaceNftables(String endpoint, String rulesetText) {
    StringBuilder text = new StringBuilder();
    for (String line : exec(endpoint, "nft", "list", "tables").orThrow().stdout().split("\n")) {
      String table = line.strip();
      if (table.startsWith("table ") && !table.equals("table " + HARNESS_TABLE)) {
        text.append("delete ").append(table).append('\n');
      }
    }
    loadNftables(endpoint, text.append(rulesetText).toString());
  }

  /** The current ruleset of an endpoint's namespace, as {@code nft list ruleset} prints it. */
  public String listNftables(String endpoint) {
    return exec(endpoint, "nft", "list", "ruleset").orThrow().stdout();
  }

  /** Loads {@code iptables-restore} (or, for IPv6, {@code ip6tables-restore}) input in an endpoint's namespace. */
  public void loadIptables(String endpoint, Family family, String restoreText) {
    load(endpoint, restoreText, family == Family.V4 ? "iptables-restore" : "ip6tables-restore");
  }

  /** Loads {@code ipset restore} input in an endpoint's namespace. */
  public void loadIpsets(String endpoint, String restoreText) {
    load(endpoint, restoreText, "ipset", "restore");
  }

  private void load(String endpoint, String text, String... command) {
    CommandResult r = exec(COMMAND_TIMEOUT, text, endpoint, command);
    if (!r.ok()) {
      throw new KernelHarnessException(String.join(" ", command) + " failed in " + endpoint + " ("
          + namespace(endpoint) + "): " + (r.timedOut() ? "timed out" : r.stderr().strip()));
    }
  }

  /** Starts TCP and UDP echo servers on {@code ports} in every pod; see {@link #startServers(List, boolean)}. */
  public void startServers(List<PortSpec> ports) {
    startServers(ports, false);
  }

  /**
   * Starts echo servers (socat, {@code PIPE}) on every port in every pod, and in every node when
   * {@code includeNodes}, for both families, each bound to the endpoint's own address so UDP
   * replies leave from the address that was asked. Returns once every socket is listening.
   */
  public void startServers(List<PortSpec> ports, boolean includeNodes) {
    requireOpen();
    List<String> endpoints = new ArrayList<>(pods.keySet());
    if (includeNodes) {
      endpoints.addAll(nodes.keySet());
    }
    List<BackgroundProcess> started = new ArrayList<>();
    for (String endpoint : endpoints) {
      String script = ServerScript.build(address(endpoint, Family.V4), address(endpoint, Family.V6), ports);
      BackgroundProcess p = BackgroundProcess.start(List.of("ip", "netns", "exec", namespace(endpoint), "sh", "-c", script));
      servers.add(p);
      started.add(p);
    }
    for (int i = 0; i < started.size(); i++) {
      BackgroundProcess p = started.get(i);
      if (p.awaitLine(ServerScript.READY::equals, COMMAND_TIMEOUT).isEmpty()) {
        throw new KernelHarnessException("servers in " + endpoints.get(i) + " did not start listening on " + ports
            + ": `" + p.commandLine() + "`: " + p.stderr().strip());
      }
    }
  }

  /** Stops every server started so far (persistent connections stay). */
  public void stopServers() {
    synchronized (servers) {
      servers.forEach(BackgroundProcess::close);
      servers.clear();
    }
  }

  /** The probe process of {@code endpoint}, started now if it has none or its last one failed. */
  ProbeSession probeSession(String endpoint) {
    requireOpen();
    return probeSessions.compute(endpoint, (k, s) -> s != null && s.isAlive() ? s
        : ProbeSession.start(k, namespace(k)));
  }

  /** Opens a long-lived IPv4 TCP connection; see {@link #openPersistentTcp(String, String, int, Family)}. */
  public PersistentTcp openPersistentTcp(String from, String to, int port) {
    return openPersistentTcp(from, to, port, Family.V4);
  }

  /**
   * Opens a TCP connection from endpoint {@code from} to {@code to} (endpoint or IP) on
   * {@code port}, where an echo server must listen, and checks it echoes once. Closed with the
   * topology if not before.
   */
  public PersistentTcp openPersistentTcp(String from, String to, int port, Family family) {
    requireOpen();
    PersistentTcp tcp = PersistentTcp.open(namespace(from), address(from, family), resolve(to, family), port);
    persistent.add(tcp);
    return tcp;
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("topology " + prefix + " is closed");
    }
  }

  /**
   * Stops every process, runs CNI DEL for every pod and deletes every namespace and the IPAM
   * directory; carries on past failures and reports them all at the end. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // An interrupt (a test's executor shut down) must not cut the clean-up short: that would leave
    // namespaces behind with this topology marked closed. The flag is restored afterwards.
    boolean interrupted = Thread.interrupted();
    try {
      removeEverything();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The body of {@link #close}: everything this topology made, in reverse order. */
  private void removeEverything() {
    List<String> problems = new ArrayList<>();
    synchronized (persistent) {
      persistent.forEach(PersistentTcp::close);
    }
    probeSessions.values().forEach(ProbeSession::close);
    probeSessions.clear();
    stopServers();
    List<PodSpec> attached = new ArrayList<>(attachedPods);
    Collections.reverse(attached);
    for (PodSpec pod : attached) {
      CommandResult r = network(pod.node()).delete(pod);
      if (!r.ok()) {
        problems.add("CNI DEL for " + pod.key() + ": " + r.describe());
      }
    }
    List<String> namespaces = new ArrayList<>(createdNamespaces);
    Collections.reverse(namespaces);
    for (String ns : namespaces) {
      problems.addAll(StaleNamespaces.deleteNamespace(ns));
    }
    StaleNamespaces.deleteTree(ipamDir);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: this is the hook running.
    }
    if (!problems.isEmpty()) {
      throw new KernelHarnessException("cleanup of topology " + prefix + " incomplete: " + String.join("; ", problems));
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
    }
  }

  private CniNetwork network(String node) {
    return new CniNetwork(mode, pluginDir, ipamDir, nodes.get(node));
  }

  /** Creates everything; on any failure removes what was made and rethrows. */
  private Topology create() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      Files.createDirectories(ipamDir);
      addNamespace(fabricNamespace);
      ip(fabricNamespace, "link set lo up", "link add br0 type bridge", "link set br0 up");
      for (NodeSpec node : nodes.values()) {
        createNode(node);
      }
      for (PodSpec pod : pods.values()) {
        addNamespace(pod.namespace());
      }
      inParallel(pods.values(), pod -> inNamespace(pod.namespace(), "sh", "-c",
          "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 && ip link set lo up"));
      // The first pod of a node creates its bridge; the others can then attach concurrently.
      Set<String> started = new HashSet<>();
      List<PodSpec> rest = new ArrayList<>();
      for (PodSpec pod : pods.values()) {
        if (started.add(pod.node())) {
          attach(pod);
        } else {
          rest.add(pod);
        }
      }
      inParallel(rest, this::attach);
      if (mode == Mode.BRIDGE) {
        nodes.values().forEach(this::proxyForSharedBlock);
      }
      awaitAddressesSettled();
      return this;
    } catch (IOException | RuntimeException e) {
      try {
        close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (e instanceof IOException) {
        throw new KernelHarnessException("cannot create IPAM directory " + ipamDir + ": " + e.getMessage(), e);
      }
      throw (RuntimeException) e;
    }
  }

  private void attach(PodSpec pod) {
    network(pod.node()).add(pod);
    attachedPods.add(pod);
  }

  /** Runs {@code action} on every item, a few at a time; rethrows the first failure after all have ended. */
  private static <T> void inParallel(Collection<T> items, Consumer<T> action) {
    ExecutorService pool = Executors.newFixedThreadPool(SETUP_THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> action.accept(item)));
      }
      RuntimeException first = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          RuntimeException cause = e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
              : new KernelHarnessException(String.valueOf(e.getCause()), e.getCause());
          if (first == null) {
            first = cause;
          } else {
            first.addSuppressed(cause);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new KernelHarnessException("interrupted while setting up the topology", e);
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void createNode(NodeSpec node) {
    String ns = node.namespace();
    addNamespace(ns);
    List<String> sysctl = new ArrayList<>(List.of("sysctl", "-qw", "net.ipv4.ip_forward=1",
        "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"));
    if (mode == Mode.BRIDGE) {
      // Per network namespace on this kernel (checked): bridged pod traffic then crosses this namespace's inet hooks.
      sysctl.addAll(List.of("net.bridge.bridge-nf-call-iptables=1", "net.bridge.bridge-nf-call-ip6tables=1"));
    }
    inNamespace(ns, sysctl.toArray(String[]::new));
    String port = "u" + node.index();
    ip(fabricNamespace, "link add " + port + " type veth peer name uplink netns " + ns,
        "link set " + port + " master br0 up");
    List<String> cmds = new ArrayList<>(List.of("link set lo up",
        "addr add " + linkAddress(node.index(), Family.V4) + "/" + FABRIC_V4.prefix() + " dev uplink",
        "addr add " + linkAddress(node.index(), Family.V6) + "/" + FABRIC_V6.prefix() + " dev uplink nodad",
        "link set uplink up"));
    for (Family f : Family.values()) {
      if (!node.address(f).equals(linkAddress(node.index(), f))) {
        cmds.add("addr add " + node.address(f) + (f == Family.V4 ? "/32" : "/128 nodad") + " dev uplink");
      }
    }
    for (NodeSpec other : nodes.values()) {
      if (other == node) {
        continue;
      }
      for (Family f : Family.values()) {
        IpAddress via = linkAddress(other.index(), f);
        String host = f == Family.V4 ? "/32" : "/128";
        if (other.podCidr(f).equals(node.podCidr(f))) {
          // A shared block: the other node's pods are routed one by one.
          for (PodSpec pod : pods.values()) {
            if (pod.node().equals(other.name())) {
              cmds.add("route add " + pod.address(f) + host + " via " + via);
            }
          }
        } else {
          cmds.add("route add " + other.podCidr(f) + " via " + via);
        }
        if (!other.address(f).equals(via)) {
          cmds.add("route add " + other.address(f) + host + " via " + via);
        }
      }
    }
    ip(ns, cmds.toArray(String[]::new));
    Commands.run(COMMAND_TIMEOUT, HARNESS_RULESET, List.of("ip", "netns", "exec", ns, "nft", "-f", "-")).orThrow();
  }

  /**
   * In bridge mode a pod sees its whole block as on-link, so for pods of another node sharing the
   * block, this node's {@code cni0} answers ARP / neighbour solicitations itself (without the
   * default random delay of up to 0.8 s) and then routes the packets to that node.
   */
  private void proxyForSharedBlock(NodeSpec node) {
    if (pods.values().stream().noneMatch(p -> p.node().equals(node.name()))) {
      return; // no pod, so no cni0
    }
    List<String> sysctl = new ArrayList<>();
    List<String> neigh = new ArrayList<>();
    for (NodeSpec other : nodes.values()) {
      if (other == node) {
        continue;
      }
      for (Family f : Family.values()) {
        if (!other.podCidr(f).equals(node.podCidr(f))) {
          continue;
        }
        if (f == Family.V4) {
          sysctl.addAll(List.of("net.ipv4.conf.cni0.proxy_arp=1", "net.ipv4.neigh.cni0.proxy_delay=0"));
        } else {
          sysctl.addAll(List.of("net.ipv6.conf.cni0.proxy_ndp=1", "net.ipv6.neigh.cni0.proxy_delay=0"));
          for (PodSpec pod : pods.values()) {
            if (pod.node().equals(other.name())) {
              neigh.add("neigh add proxy " + pod.ipv6() + " dev cni0");
            }
          }
        }
      }
    }
    if (!sysctl.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("sysctl", "-qw"));
      argv.addAll(new java.util.LinkedHashSet<>(sysctl));
      inNamespace(node.namespace(), argv.toArray(String[]::new));
    }
    if (!neigh.isEmpty()) {
      ip(node.namespace(), neigh.toArray(String[]::new));
    }
  }

  /** A node's address on the fabric, from its position: {@code 198.19.255.(i+1)}, {@code fd00:0:0:ffff::(i+1)}. */
  private static IpAddress linkAddress(int index, Family family) {
    return (family == Family.V4 ? FABRIC_V4 : FABRIC_V6).address().plus(index + 1L).orElseThrow();
  }

  private void addNamespace(String ns) {
    Commands.run(COMMAND_TIMEOUT, "ip", "netns", "add", ns).orThrow();
    createdNamespaces.add(ns);
  }

  private void inNamespace(String ns, String... command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    argv.addAll(List.of(command));
    Commands.run(COMMAND_TIMEOUT, null, argv).orThrow();
  }

  /** Runs several {@code ip} commands in one process ({@code ip -batch}); the first error aborts. */
  private void ip(String ns, String... commands) {
    Commands.run(COMMAND_TIMEOUT, String.join("\n", commands) + "\n", List.of("ip", "-n", ns, "-batch", "-")).orThrow();
  }

  /** IPv6 addresses stay "tentative" until DAD ends; connects from them fail meanwhile. */
  private void awaitAddressesSettled() {
    StringBuilder script = new StringBuilder("for ns in");
    synchronized (createdNamespaces) {
      createdNamespaces.forEach(ns -> script.append(' ').append(ns));
    }
    script.append("; do ip -n \"$ns\" -6 -o addr show tentative; done");
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (true) {
      CommandResult r = Commands.run(COMMAND_TIMEOUT, "sh", "-c", script.toString()).orThrow();
      if (r.stdout().isBlank()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new KernelHarnessException("IPv6 addresses still tentative after " + SETTLE.toSeconds() + " s: "
            + r.stdout().strip());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KernelHarnessException("interrupted while waiting for IPv6 addresses", e);
      }
    }
  }

  /** Collects nodes and pods, validates the whole description, then creates the namespaces. */
  public static final class Builder {

    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?");
    private static final Pattern POD_KEY = Pattern.compile(
        "[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?/[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");
    private static final Cidr POD_RANGE_V4 = Cidr.of("198.18.0.0/15");
    private static final Cidr POD_RANGE_V6 = Cidr.of("fd00::/8");

    private Mode mode = Mode.BRIDGE;
    private Path pluginDir = KernelSupport.cniDirectory();
    private final Map<String, NodeDecl> nodeDecls = new LinkedHashMap<>();
    private final Map<String, PodDecl> podDecls = new LinkedHashMap<>();
    private final Map<String, String[]> nodeAddressDecls = new LinkedHashMap<>();

    /** A node as declared: its pod blocks, or null for the defaults. */
    private record NodeDecl(String podCidrV4, String podCidrV6) {}

    /** A pod as declared: its node and addresses, or null addresses for the next free ones. */
    private record PodDecl(String node, String ipv4, String ipv6) {}

    private Builder() {}

    /** Sets the attachment mode (default {@link Mode#BRIDGE}). */
    public Builder mode(Mode mode) {
      this.mode = mode;
      return this;
    }

    /** Sets where the CNI plugins are (default {@link KernelSupport#cniDirectory()}). */
    public Builder cniPluginDirectory(Path dir) {
      this.pluginDir = dir;
      return this;
    }

    /** Adds a node with the default pod blocks for its position ({@code 198.18.i.0/24}, {@code fd00:0:0:i::/64}). */
    public Builder node(String name) {
      return node(name, null, null);
    }

    /**
     * Adds a node whose pods take addresses from the given blocks (inside 198.18.0.0/15 and
     * fd00::/8). Several nodes may name the very same block: their pods are then routed one by one.
     */
    public Builder node(String name, String podCidrV4, String podCidrV6) {
      if (!NODE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("node name must be a DNS label of at most 20 characters: " + name);
      }
      if (nodeDecls.putIfAbsent(name, new NodeDecl(podCidrV4, podCidrV6)) != null) {
        throw new IllegalArgumentException("node declared twice: " + name);
      }
      return this;
    }

    /**
     * Gives node {@code name} its own address instead of its fabric address (which it keeps for
     * routing): the address servers and probes of the node endpoint use, e.g. the IP of a
     * hostNetwork pod. Must lie in 198.18.0.0/15 and fd00::/8, outside every pod block.
     */
    public Builder nodeAddress(String name, String ipv4, String ipv6) {
      if (nodeAddressDecls.putIfAbsent(name, new String[] {ipv4, ipv6}) != null) {
        throw new IllegalArgumentException("node address declared twice for " + name);
      }
      return this;
    }

    /** Adds a pod with the next free addresses of its node's blocks (from the 10th address up). */
    public Builder pod(String key, String node) {
      return pod(key, node, null, null);
    }

    /** Adds a pod {@code namespace/name} on {@code node} with exactly these addresses. */
    public Builder pod(String key, String node, String ipv4, String ipv6) {
      if (!POD_KEY.matcher(key).matches()) {
        throw new IllegalArgumentException("pod key must be namespace/name, each a name of at most 63 characters: "
            + key);
      }
      if (podDecls.putIfAbsent(key, new PodDecl(node, ipv4, ipv6)) != null) {
        throw new IllegalArgumentException("pod declared twice: " + key);
      }
      return this;
    }

    /** Validates, cleans up leftovers of dead runs, and creates the topology. */
    public Topology build() {
      if (nodeDecls.isEmpty()) {
        throw new IllegalArgumentException("a topology needs at least one node");
      }
      if (nodeDecls.size() > 250) {
        throw new IllegalArgumentException("at most 250 nodes");
      }
      String prefix = StaleNamespaces.PREFIX + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet() + "-";
      Map<String, NodeSpec> nodeSpecs = resolveNodes(prefix);
      Map<String, PodSpec> podSpecs = resolvePods(prefix, nodeSpecs);
      Path ipamRoot = Path.of(System.getProperty("java.io.tmpdir"), "netpolc-kernel");
      StaleNamespaces.clean(ipamRoot);
      Path ipamDir = ipamRoot.resolve(prefix.substring(0, prefix.length() - 1));
      return new Topology(mode, prefix, pluginDir, ipamDir, ImmutableMap.copyOf(nodeSpecs),
          ImmutableMap.copyOf(podSpecs)).create();
    }

    private Map<String, NodeSpec> resolveNodes(String prefix) {
      Map<String, NodeSpec> out = new LinkedHashMap<>();
      List<Cidr> taken = new ArrayList<>(List.of(FABRIC_V4, FABRIC_V6));
      List<Cidr> fabric = List.copyOf(taken);
      int index = 0;
      for (Map.Entry<String, NodeDecl> e : nodeDecls.entrySet()) {
        NodeDecl d = e.getValue();
        Cidr v4 = d.podCidrV4() != null ? Cidr.of(d.podCidrV4()) : Cidr.of("198.18." + index + ".0/24");
        Cidr v6 = d.podCidrV6() != null ? Cidr.of(d.podCidrV6())
            : new Cidr(IpAddress.v6(0xfd00_0000_0000_0000L | index, 0), 64);
        requireBlock(e.getKey(), v4, POD_RANGE_V4, 30, taken, fabric);
        requireBlock(e.getKey(), v6, POD_RANGE_V6, 126, taken, fabric);
        taken.add(v4);
        taken.add(v6);
        IpAddress addr4 = linkAddress(index, Family.V4);
        IpAddress addr6 = linkAddress(index, Family.V6);
        out.put(e.getKey(), new NodeSpec(e.getKey(), index, v4, v6, addr4, addr6, prefix + "n" + index));
        index++;
      }
      Set<IpAddress> ownAddresses = new HashSet<>();
      for (Map.Entry<String, String[]> e : nodeAddressDecls.entrySet()) {
        NodeSpec n = out.get(e.getKey());
        if (n == null) {
          throw new IllegalArgumentException("node address for undeclared node " + e.getKey());
        }
        IpAddress a4 = requireNodeAddress(e.getKey(), e.getValue()[0], Family.V4, taken, ownAddresses);
        IpAddress a6 = requireNodeAddress(e.getKey(), e.getValue()[1], Family.V6, taken, ownAddresses);
        out.put(e.getKey(), new NodeSpec(n.name(), n.index(), n.podCidrV4(), n.podCidrV6(), a4, a6, n.namespace()));
      }
      return out;
    }

    private static IpAddress requireNodeAddress(String node, String text, Family family, List<Cidr> taken,
        Set<IpAddress> used) {
      IpAddress a = text == null ? null : IpAddress.tryParse(text).orElse(null);
      Cidr range = family == Family.V4 ? POD_RANGE_V4 : POD_RANGE_V6;
      if (a == null || Family.of(a) != family || !range.contains(a)) {
        throw new IllegalArgumentException("node " + node + ": address " + text + " is not an " + family.label()
            + " address inside " + range);
      }
      for (Cidr block : taken) {
        if (block.contains(a)) {
          throw new IllegalArgumentException("node " + node + ": address " + a + " lies in block " + block);
        }
      }
      if (!used.add(a)) {
        throw new IllegalArgumentException("node " + node + ": address " + a + " is already taken");
      }
      return a;
    }

    /**
     * A block must lie in its range, stay off the fabric, and either equal another node's block
     * (shared) or be apart from it.
     */
    private static void requireBlock(String node, Cidr block, Cidr range, int maxPrefix, List<Cidr> taken,
        List<Cidr> fabric) {
      if (block.v6() != range.v6() || !range.contains(block) || block.prefix() > maxPrefix) {
        throw new IllegalArgumentException("pod block " + block + " of node " + node + " must lie inside " + range
            + " with a prefix of at most /" + maxPrefix);
      }
      for (Cidr other : taken) {
        boolean shared = other.equals(block) && !fabric.contains(other);
        if (!shared && other.v6() == block.v6() && (other.contains(block) || block.contains(other))) {
          throw new IllegalArgumentException("pod block " + block + " of node " + node + " overlaps " + other);
        }
      }
    }

    private Map<String, PodSpec> resolvePods(String prefix, Map<String, NodeSpec> nodeSpecs) {
      Set<IpAddress> used = new HashSet<>();
      Map<String, IpAddress[]> chosen = new LinkedHashMap<>();
      for (Map.Entry<String, PodDecl> e : podDecls.entrySet()) {
        PodDecl d = e.getValue();
        NodeSpec node = nodeSpecs.get(d.node());
        if (node == null) {
          throw new IllegalArgumentException("pod " + e.getKey() + " is on undeclared node " + d.node());
        }
        if ((d.ipv4() == null) != (d.ipv6() == null)) {
          throw new IllegalArgumentException("pod " + e.getKey() + " needs both addresses or neither");
        }
        if (d.ipv4() != null) {
          IpAddress v4 = requireHost(e.getKey(), d.ipv4(), node, Family.V4);
          IpAddress v6 = requireHost(e.getKey(), d.ipv6(), node, Family.V6);
          for (IpAddress a : List.of(v4, v6)) {
            if (!used.add(a)) {
              throw new IllegalArgumentException("address " + a + " of pod " + e.getKey() + " is already taken");
            }
          }
          chosen.put(e.getKey(), new IpAddress[] {v4, v6});
        }
      }
      Map<String, PodSpec> out = new LinkedHashMap<>();
      int index = 0;
      for (Map.Entry<String, PodDecl> e : podDecls.entrySet()) {
        NodeSpec node = nodeSpecs.get(e.getValue().node());
        IpAddress[] addrs = chosen.get(e.getKey());
        if (addrs == null) {
          addrs = new IpAddress[] {nextFree(node, Family.V4, used), nextFree(node, Family.V6, used)};
        }
        // The index makes the name unique; the key, cut to 40 characters, only helps a reader.
        String readable = e.getKey().replace('/', '_');
        String ns = prefix + "p" + index + "-" + readable.substring(0, Math.min(40, readable.length()));
        out.put(e.getKey(), new PodSpec(e.getKey(), node.name(), addrs[0], addrs[1], ns));
        index++;
      }
      return out;
    }

    private static IpAddress requireHost(String pod, String text, NodeSpec node, Family family) {
      IpAddress a = IpAddress.tryParse(text)
          .orElseThrow(() -> new IllegalArgumentException("pod " + pod + ": not an IP address: " + text));
      Cidr block = node.podCidr(family);
      if (Family.of(a) != family || !block.contains(a) || a.equals(block.first()) || a.equals(node.gateway(family))
          || (family == Family.V4 && a.equals(block.last()))) {
        throw new IllegalArgumentException("pod " + pod + ": " + text + " is not a usable " + family.label()
            + " address of node " + node.name() + "'s block " + block + " (the first two addresses are the network"
            + " and the gateway)");
      }
      return a;
    }

    private static IpAddress nextFree(NodeSpec node, Family family, Set<IpAddress> used) {
      Cidr block = node.podCidr(family);
      Optional<IpAddress> a = block.address().plus(10);
      while (a.isPresent() && block.contains(a.get())) {
        if (used.add(a.get())) {
          if (family == Family.V4 && a.get().equals(block.last())) {
            break;
          }
          return a.get();
        }
        a = a.get().next();
      }
      throw new IllegalArgumentException("node " + node.name() + "'s block " + block + " has no free address left");
    }
  }
}
