package dev.netpolc.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Decides whether real-kernel tests can run here. Where they cannot, a test is skipped with one
 * line naming everything missing; when the environment variable {@code CI} is set, it fails
 * instead, so a CI machine that lost a package cannot go green by skipping.
 *
 * <p>Tool names: {@link #ROOT}, {@link #NETNS}, {@link #BR_NETFILTER}, {@link #CNI}, or the name
 * of an executable looked up on {@code PATH} (plus {@code /usr/sbin} and {@code /sbin}).
 */
public final class KernelSupport {

  /** Running as uid 0. */
  public static final String ROOT = "root";
  /** A network namespace can really be created (needs CAP_SYS_ADMIN and CAP_NET_ADMIN). */
  public static final String NETNS = "netns";
  /** Bridged traffic can be sent through netfilter ({@code net.bridge.bridge-nf-call-*} exist in a namespace). */
  public static final String BR_NETFILTER = "br_netfilter";
  /** The CNI plugins bridge, ptp, host-local and loopback in {@link #cniDirectory()}. */
  public static final String CNI = "cni";

  /** Everything {@link Topology} needs, and the rule loaders the backends use. */
  public static final List<String> ALL = List.of(ROOT, "ip", NETNS, BR_NETFILTER, CNI, "socat", "perl", "ss",
      "sysctl", "nft", "iptables-restore", "ip6tables-restore", "ipset");

  /** Environment variable that overrides where the CNI plugins live (default {@code /usr/lib/cni}). */
  public static final String CNI_PATH_VARIABLE = "NETPOLC_CNI_PATH";

  private static final List<String> CNI_PLUGINS = List.of("bridge", "ptp", "host-local", "loopback");
  private static final Map<String, Optional<String>> CACHE = new ConcurrentHashMap<>();

  private KernelSupport() {}

  /**
   * Skips the calling test (or fails it when {@code CI} is set) unless every tool is available.
   * With no arguments, checks {@link #ALL}.
   */
  public static void assumeAvailable(String... tools) {
    List<String> missing = missing(tools.length == 0 ? ALL.toArray(String[]::new) : tools);
    String ci = System.getenv("CI");
    requireNothingMissing(missing, ci != null && !ci.isEmpty());
  }

  /** One description per unavailable tool, in the order asked; empty when all are there. */
  public static List<String> missing(String... tools) {
    List<String> out = new ArrayList<>();
    for (String tool : tools) {
      CACHE.computeIfAbsent(tool, KernelSupport::problem).ifPresent(out::add);
    }
    return out;
  }

  /** Where the CNI plugins are: {@value #CNI_PATH_VARIABLE} if set, else {@code /usr/lib/cni}. */
  public static Path cniDirectory() {
    String override = System.getenv(CNI_PATH_VARIABLE);
    return Path.of(override == null || override.isEmpty() ? "/usr/lib/cni" : override);
  }

  /** The executable {@code name} on PATH, {@code /usr/sbin} or {@code /sbin}. */
  public static Optional<Path> findExecutable(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.add("/usr/sbin");
    dirs.add("/sbin");
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Throws the skip (or, on CI, the failure) for a non-empty {@code missing} list. */
  static void requireNothingMissing(List<String> missing, boolean ci) {
    if (missing.isEmpty()) {
      return;
    }
    String what = String.join("; ", missing);
    if (ci) {
      throw new AssertionFailedError("kernel test cannot run and CI is set, so this fails instead of skipping: missing "
          + what);
    }
    throw new TestAbortedException("kernel test skipped: missing " + what
        + " (needs root and the packages in KERNEL-TESTS.md)");
  }

  private static Optional<String> problem(String tool) {
    switch (tool) {
      case ROOT:
        long uid = currentUid();
        return uid == 0 ? Optional.empty() : Optional.of("root (running as uid " + uid + ")");
      case CNI:
        Path dir = cniDirectory();
        List<String> absent = new ArrayList<>();
        for (String plugin : CNI_PLUGINS) {
          if (!Files.isExecutable(dir.resolve(plugin))) {
            absent.add(plugin);
          }
        }
        return absent.isEmpty() ? Optional.empty()
            : Optional.of("CNI plugins " + String.join(", ", absent) + " in " + dir
                + " (package containernetworking-plugins, or set " + CNI_PATH_VARIABLE + ")");
      case NETNS:
      case BR_NETFILTER:
        return namespaceProblem(tool);
      default:
        return findExecutable(tool).isPresent() ? Optional.empty() : Optional.of(tool + " (not on PATH)");
    }
  }

  /** Creates a scratch namespace once, checking both namespace creation and br_netfilter in it. */
  private static synchronized Optional<String> namespaceProblem(String tool) {
    if (findExecutable("ip").isEmpty()) {
      return Optional.of(tool + " (no ip command to check with)");
    }
    String name = StaleNamespaces.PREFIX + ProcessHandle.current().pid() + "-0-check";
    Duration t = Duration.ofSeconds(10);
    CommandResult add = Commands.run(t, "ip", "netns", "add", name);
    try {
      if (!add.ok()) {
        return Optional.of(tool + " (cannot create a network namespace: " + add.stderr().strip() + ")");
      }
      if (tool.equals(NETNS)) {
        return Optional.empty();
      }
      CommandResult probe = Commands.run(t, "ip", "netns", "exec", name, "test", "-e",
          "/proc/sys/net/bridge/bridge-nf-call-iptables");
      return probe.ok() ? Optional.empty()
          : Optional.of("br_netfilter (no net.bridge.bridge-nf-call-iptables in a network namespace;"
              + " kernel needs CONFIG_BRIDGE_NETFILTER)");
    } finally {
      if (add.ok()) {
        Commands.run(t, "ip", "netns", "delete", name);
      }
    }
  }

  private static long currentUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // No /proc: certainly not a machine these tests can run on.
    }
    return -1;
  }
}
