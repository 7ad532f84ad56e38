package dev.netpolc.e2e.kernel;

import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Commands;
import dev.netpolc.kernel.KernelHarnessException;
import dev.netpolc.kernel.PodSpec;
import dev.netpolc.kernel.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The reference eBPF datapath as kernel tests use it: the object compiled once per JVM from
 * {@code backends/ebpf/datapath/netpolc.bpf.c}, a bpffs of the test's own mounted at
 * {@code /run/netpolc-test-<pid>/bpffs} (outside {@code /sys}, which {@code ip netns exec}
 * remounts and so hides {@code /sys/fs/bpf}), and the ops script {@code netpolc-ebpf} run inside
 * node namespaces. Each node of a topology has its own pin directory (its own maps), named after
 * the topology's prefix. {@link #close()} (also a shutdown hook) detaches nothing itself: the
 * topologies' namespaces take their veths and filters with them; it removes every pin and
 * unmounts the bpffs.
 */
final class EbpfDatapath implements AutoCloseable {

  /** The tools the datapath needs besides the harness's. */
  static final String[] TOOLS = {"clang", "bpftool", "tc", "bash", "sed", "awk", "mount", "umount"};

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static EbpfDatapath shared;

  private final Path root;
  private final Path bpffs;
  private final Path object;
  private final Path script;
  private final Thread hook = new Thread(this::closeQuietly, "netpolc-ebpf-bpffs-cleanup");
  private final Map<String, Map<String, String>> veths = new java.util.concurrent.ConcurrentHashMap<>();
  /** The topologies whose pins are in use, by prefix. */
  private final Map<String, Topology> open = new java.util.HashMap<>();
  private boolean closed;

  private EbpfDatapath(Path root, Path bpffs, Path object, Path script) {
    this.root = root;
    this.bpffs = bpffs;
    this.object = object;
    this.script = script;
  }

  /** The JVM's datapath, compiled and mounted on first use; {@link #closeShared()} ends it. */
  static synchronized EbpfDatapath shared() {
    if (shared == null || shared.closed) {
      shared = create();
    }
    return shared;
  }

  /** Unmounts the shared bpffs, if any (test classes call it after all their tests). */
  static synchronized void closeShared() {
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }

  /** The directory holding {@code netpolc.bpf.c} and {@code netpolc-ebpf}, found from the working directory up. */
  static Path sources() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null) {
      Path candidate = d.resolve("backends/ebpf/datapath");
      if (Files.isRegularFile(candidate.resolve("netpolc.bpf.c"))) {
        return candidate;
      }
      d = d.getParent();
    }
    throw new AssertionError("cannot find backends/ebpf/datapath/netpolc.bpf.c above " + Path.of("").toAbsolutePath());
  }

  /** Compiles {@code netpolc.bpf.c} into {@code out} with the documented command and optional {@code -D} flags. */
  static CommandResult compile(Path out, String... defines) {
    List<String> argv = new ArrayList<>(List.of("clang", "-O2", "-g", "-target", "bpf",
        "-I/usr/include/x86_64-linux-gnu", "-Wall", "-Werror"));
    argv.addAll(List.of(defines));
    argv.addAll(List.of("-c", sources().resolve("netpolc.bpf.c").toString(), "-o", out.toString()));
    return Commands.run(TIMEOUT, null, argv);
  }

  private static EbpfDatapath create() {
    removeStaleRuns();
    Path root = Path.of("/run/netpolc-test-" + ProcessHandle.current().pid());
    Path bpffs = root.resolve("bpffs");
    try {
      Files.createDirectories(bpffs);
      Path object = root.resolve("netpolc.bpf.o");
      compile(object).orThrow();
      EbpfDatapath d = new EbpfDatapath(root, bpffs, object, sources().resolve("netpolc-ebpf"));
      Runtime.getRuntime().addShutdownHook(d.hook);
      if (!Commands.run(TIMEOUT, "mountpoint", "-q", bpffs.toString()).ok()) {
        Commands.run(TIMEOUT, "mount", "-t", "bpf", "netpolc-test", bpffs.toString()).orThrow();
      }
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unmounts and removes the bpffs directories of earlier runs whose JVM is gone. */
  private static void removeStaleRuns() {
    try (Stream<Path> dirs = Files.list(Path.of("/run"))) {
      for (Path d : dirs.toList()) {
        String name = d.getFileName().toString();
        if (name.matches("netpolc-test-\\d+")
            && ProcessHandle.of(Long.parseLong(name.substring("netpolc-test-".length()))).isEmpty()) {
          Commands.run(TIMEOUT, "sh", "-c", "umount " + d + "/bpffs 2>/dev/null; rm -rf -- " + d);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The compiled object. */
  Path object() {
    return object;
  }

  /** The test's bpffs mount point. */
  Path bpffs() {
    return bpffs;
  }

  /** The pin directory of {@code node} in {@code t}. */
  Path pinDir(Topology t, String node) {
    return bpffs.resolve(t.prefix() + node);
  }

  /** Runs {@code netpolc-ebpf} with {@code args} inside {@code node}'s namespace. */
  CommandResult run(Topology t, String node, String... args) {
    List<String> argv = new ArrayList<>(List.of("bash", script.toString()));
    argv.addAll(List.of(args));
    return t.exec(TIMEOUT, "", node, argv.toArray(String[]::new));
  }

  /** Runs {@code netpolc-ebpf} with {@code args} in this process's own namespace (for checks that attach nothing). */
  CommandResult runHere(String... args) {
    List<String> argv = new ArrayList<>(List.of("bash", script.toString()));
    argv.addAll(List.of(args));
    return Commands.run(TIMEOUT, null, argv);
  }

  /**
   * The host-side veth of every pod of {@code node}, by pod key (cached per topology): the interface of the node
   * namespace whose index is the pod's {@code eth0} peer index ({@code iflink}).
   */
  Map<String, String> hostVeths(Topology t, String node) {
    // Veths live as long as their topology: look them up once per topology and node.
    return veths.computeIfAbsent(t.prefix() + node, k -> findHostVeths(t, node));
  }

  private static Map<String, String> findHostVeths(Topology t, String node) {
    List<PodSpec> pods = t.pods().stream().filter(p -> p.node().equals(node)).toList();
    StringBuilder sh = new StringBuilder();
    for (PodSpec p : pods) {
      sh.append("ip netns exec ").append(p.namespace()).append(" cat /sys/class/net/eth0/iflink || exit 1;");
    }
    String[] indexes = Commands.run(Topology.COMMAND_TIMEOUT, "sh", "-c", sh.toString()).orThrow().stdout()
        .strip().split("\\s+");
    Map<String, String> byIndex = new LinkedHashMap<>();
    for (String line : Commands.run(Topology.COMMAND_TIMEOUT, "ip", "-n", t.nodeNamespace(node), "-o", "link", "show")
        .orThrow().stdout().split("\n")) {
      String[] f = line.split(":\\s+", 3);
      if (f.length >= 2) {
        byIndex.put(f[0].strip(), f[1].replaceAll("@.*", ""));
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pods.size(); i++) {
      String name = byIndex.get(indexes[i]);
      if (name == null) {
        throw new KernelHarnessException("no interface " + indexes[i] + " in node " + node + " for pod "
            + pods.get(i).key());
      }
      out.put(pods.get(i).key(), name);
    }
    return out;
  }

  /**
   * Removes the pin directories of closed topologies (their namespaces, veths and filters are
   * gone); those of {@code t} and of other topologies still open (tests may run several at once)
   * stay.
   */
  synchronized void forgetOtherTopologies(Topology t) {
    open.put(t.prefix(), t);
    open.values().removeIf(Topology::isClosed);
    veths.keySet().removeIf(k -> open.keySet().stream().noneMatch(k::startsWith));
    try (Stream<Path> dirs = Files.list(bpffs)) {
      for (Path d : dirs.toList()) {
        String name = d.getFileName().toString();
        if (Files.isDirectory(d) && name.startsWith("np-") && open.keySet().stream().noneMatch(name::startsWith)) {
          deleteTree(d);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything left under the bpffs (for "nothing left behind" checks), the mount's own debug files excepted. */
  List<String> leftovers() {
    try (Stream<Path> all = Files.walk(bpffs)) {
      return all.filter(p -> !p.equals(bpffs)).map(p -> bpffs.relativize(p).toString())
          .filter(n -> !n.equals("maps.debug") && !n.equals("progs.debug")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path d) {
    Commands.run(TIMEOUT, "rm", "-rf", "--", d.toString()).orThrow();
  }

  /** Removes every pin, unmounts the bpffs and deletes the directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> problems = new ArrayList<>();
    CommandResult rm = Commands.run(TIMEOUT, "sh", "-c", "rm -rf -- " + bpffs + "/np-*");
    if (!rm.ok()) {
      problems.add(rm.describe());
    }
    CommandResult umount = Commands.run(TIMEOUT, "umount", bpffs.toString());
    if (!umount.ok()) {
      problems.add(umount.describe());
    }
    Commands.run(TIMEOUT, "rm", "-rf", "--", root.toString());
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: this is the hook running.
    }
    if (!problems.isEmpty()) {
      throw new KernelHarnessException("eBPF test cleanup incomplete: " + String.join("; ", problems));
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
    }
  }
}
