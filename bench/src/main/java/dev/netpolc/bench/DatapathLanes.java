package dev.netpolc.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datapath benchmark's test hosts: two identical "lanes", each a node network namespace with
 * a server pod and a client pod wired to it by the real CNI plugin ({@code bridge}, Flannel-like,
 * with br_netfilter on, or {@code ptp}, routed), run inside the node namespace so that nothing
 * lands on the machine's interfaces. The baseline lane never holds rules; the rules lane holds the
 * ruleset under test and a third pod, a client that no policy allows. Measuring the two lanes
 * alternately, run by run, keeps ratios honest on a shared machine without reloading rules.
 *
 * <p>Both lanes use the same addresses ({@code 198.18.0.0/24}, the benchmarking range): they have
 * no link to each other or to the machine. Namespaces are named {@code npdp-PID-...};
 * {@link #close()} (also a shutdown hook) kills what runs in them and deletes them, and
 * {@link #create} first deletes leftovers of runs whose process is gone.
 */
final class DatapathLanes implements AutoCloseable {
  static final String PREFIX = "npdp-";
  static final String SERVER_IP = "198.18.0.10";
  static final String CLIENT_IP = "198.18.0.11";
  static final String DENIED_IP = "198.18.0.12";
  static final String GATEWAY = "198.18.0.1";
  static final String SUBNET = "198.18.0.0/24";
  static final int CRR_PORT = 5300;
  static final int IPERF_PORT = 5201;

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Which CNI plugin wires the pods. */
  enum Mode { BRIDGE, PTP }

  /** One lane: its namespaces by role ({@code node}, {@code server}, {@code client}, maybe {@code denied}). */
  record Lane(String name, Map<String, String> namespaces) {
    String ns(String role) {
      return namespaces.get(role);
    }
  }

  private final String run;
  private final Path workDir;
  private final Mode mode;
  private final List<String> created = Collections.synchronizedList(new ArrayList<>());
  private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
  private final Thread hook = new Thread(this::close, "npdp-cleanup");
  private Lane baseline;
  private Lane rules;
  private boolean closed;

  private DatapathLanes(String run, Path workDir, Mode mode) {
    this.run = run;
    this.workDir = workDir;
    this.mode = mode;
  }

  /** Builds both lanes and starts the CRR and iperf3 servers; {@code java} and {@code classpath} run the CRR server. */
  static DatapathLanes create(Path workDir, Mode mode, Path cniDir, String java, String classpath) {
    removeStale();
    DatapathLanes d = new DatapathLanes(PREFIX + ProcessHandle.current().pid(), workDir, mode);
    Runtime.getRuntime().addShutdownHook(d.hook);
    try {
      d.baseline = d.lane("b", false, cniDir);
      d.rules = d.lane("r", true, cniDir);
      for (Lane l : List.of(d.baseline, d.rules)) {
        d.processes.add(Exec.background(l.ns("server"), workDir.resolve(l.name() + "-crr.log").toFile(), java, "-cp",
            classpath, Crr.class.getName(), "server", Integer.toString(CRR_PORT), "8"));
        d.processes.add(Exec.background(l.ns("server"), workDir.resolve(l.name() + "-iperf3.log").toFile(), "iperf3",
            "-s", "-p", Integer.toString(IPERF_PORT)));
      }
      for (Lane l : List.of(d.baseline, d.rules)) {
        d.awaitListening(l, CRR_PORT);
        d.awaitListening(l, IPERF_PORT);
      }
      return d;
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
  }

  Lane baseline() {
    return baseline;
  }

  Lane rules() {
    return rules;
  }

  Mode mode() {
    return mode;
  }

  /** The host-side veth (in the node namespace) of each of {@code lane}'s pods, by role. */
  Map<String, String> hostVeths(Lane lane) {
    Map<String, String> byIndex = new LinkedHashMap<>();
    for (String line : Exec.inNs(TIMEOUT, lane.ns("node"), null, "ip", "-o", "link", "show").orThrow().stdout()
        .split("\n")) {
      String[] f = line.split(":\\s+", 3);
      if (f.length >= 2) {
        byIndex.put(f[0].strip(), f[1].replaceAll("@.*", ""));
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    lane.namespaces().forEach((role, ns) -> {
      if (!role.equals("node")) {
        String index = Exec.inNs(TIMEOUT, ns, null, "cat", "/sys/class/net/eth0/iflink").orThrow().stdout().strip();
        String name = byIndex.get(index);
        if (name == null) {
          throw new IllegalStateException("no host-side veth " + index + " for " + ns);
        }
        out.put(role, name);
      }
    });
    return out;
  }

  /** Whether a TCP connection from {@code role}'s pod to the server's CRR port opens within {@code timeout}. */
  boolean connects(Lane lane, String role, Duration timeout) {
    String secs = String.format(java.util.Locale.ROOT, "%.1f", timeout.toMillis() / 1000.0);
    return Exec.inNs(timeout.plusSeconds(5), lane.ns(role), null, "timeout", secs, "bash", "-c",
        "exec 3<>/dev/tcp/" + SERVER_IP + "/" + CRR_PORT).ok();
  }

  private Lane lane(String name, boolean withDenied, Path cniDir) {
    Map<String, String> ns = new LinkedHashMap<>();
    ns.put("node", run + "-" + name + "-node");
    ns.put("server", run + "-" + name + "-srv");
    ns.put("client", run + "-" + name + "-cli");
    if (withDenied) {
      ns.put("denied", run + "-" + name + "-deny");
    }
    for (String n : ns.values()) {
      Exec.run(TIMEOUT, "ip", "netns", "add", n).orThrow();
      created.add(n);
      Exec.inNs(TIMEOUT, n, null, "ip", "link", "set", "lo", "up").orThrow();
    }
    String node = ns.get("node");
    Exec.inNs(TIMEOUT, node, null, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1").orThrow();
    Path ipam = workDir.resolve("ipam-" + name);
    Map<String, String> ips = Map.of("server", SERVER_IP, "client", CLIENT_IP, "denied", DENIED_IP);
    ns.forEach((role, n) -> {
      if (!role.equals("node")) {
        cniAdd(node, n, ips.get(role), ipam, cniDir);
      }
    });
    if (mode == Mode.BRIDGE) {
      // bridged pod-to-pod packets cross the node's forward hook (and so the rules) only with this on
      Exec.inNs(TIMEOUT, node, null, "sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=1").orThrow();
    }
    return new Lane(name, Collections.unmodifiableMap(ns));
  }

  private void cniAdd(String nodeNs, String podNs, String ip, Path ipam, Path cniDir) {
    ObjectNode conf = JSON.createObjectNode();
    conf.put("cniVersion", "1.0.0");
    conf.put("name", "npdp");
    if (mode == Mode.BRIDGE) {
      conf.put("type", "bridge");
      conf.put("bridge", "cni0");
      conf.put("isGateway", true);
    } else {
      conf.put("type", "ptp");
    }
    conf.put("ipMasq", false);
    ObjectNode ipamConf = conf.putObject("ipam");
    ipamConf.put("type", "host-local");
    ipamConf.put("dataDir", ipam.toString());
    ObjectNode range = ipamConf.putArray("ranges").addArray().addObject();
    range.put("subnet", SUBNET);
    range.put("rangeStart", ip);
    range.put("rangeEnd", ip);
    range.put("gateway", GATEWAY);
    ipamConf.putArray("routes").addObject().put("dst", "0.0.0.0/0");
    String plugin = mode == Mode.BRIDGE ? "bridge" : "ptp";
    Exec.Result r = Exec.inNs(TIMEOUT, nodeNs, conf.toString(), "env", "CNI_COMMAND=ADD",
        "CNI_NETNS=/var/run/netns/" + podNs, "CNI_IFNAME=eth0", "CNI_CONTAINERID=" + podNs, "CNI_PATH=" + cniDir,
        cniDir.resolve(plugin).toString());
    if (!r.ok() || !r.stdout().contains("\"" + ip + "/24\"")) {
      throw new IllegalStateException("CNI " + plugin + " ADD for " + podNs + " did not give " + ip + ": "
          + r.describe() + " " + r.stdout());
    }
  }

  private void awaitListening(Lane lane, int port) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      String listening = Exec.inNs(TIMEOUT, lane.ns("server"), null, "ss", "-Htln", "sport = :" + port).stdout();
      if (listening.contains(":" + port)) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException("no server listening on port " + port + " in " + lane.ns("server")
        + " after 60 s; logs in " + workDir);
  }

  /** Kills what runs in our namespaces, then deletes them (the veths and the bridge go with them). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    List<String> all = new ArrayList<>(created);
    Collections.reverse(all);
    all.forEach(DatapathLanes::deleteNamespace);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
  }

  private static void deleteNamespace(String ns) {
    String pids = Exec.run(TIMEOUT, "ip", "netns", "pids", ns).stdout().strip();
    for (String pid : pids.isEmpty() ? new String[0] : pids.split("\\s+")) {
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    }
    Exec.run(TIMEOUT, "ip", "netns", "del", ns);
  }

  /** Deletes {@code npdp-PID-*} namespaces whose PID no longer runs. */
  private static void removeStale() {
    File dir = new File("/var/run/netns");
    String[] names = dir.list();
    if (names == null) {
      return;
    }
    for (String n : names) {
      var m = java.util.regex.Pattern.compile(PREFIX + "(\\d+)-.*").matcher(n);
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
        deleteNamespace(n);
      }
    }
  }

  /** Creates a fresh working directory under {@code /run} for one run (IPAM state, logs, artifacts, bpffs). */
  static Path workDir() {
    try {
      return Files.createDirectories(Path.of("/run", PREFIX + ProcessHandle.current().pid()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
