package dev.netpolc.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names of everything the harness creates, and removal of what a killed test run left behind.
 * Every name starts {@code np-<pid>-<n>-}: the pid of the JVM that made it, so a leftover whose
 * JVM is gone can be recognised and deleted without touching another live run's namespaces.
 */
final class StaleNamespaces {

  /** Common prefix of all harness namespaces. */
  static final String PREFIX = "np-";

  private static final Pattern OWNED = Pattern.compile("np-(\\d{1,10})-\\d+-.*");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private StaleNamespaces() {}

  /** The pid encoded in a harness name, or empty for names the harness did not make. */
  static OptionalLong ownerPid(String name) {
    Matcher m = OWNED.matcher(name);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  /** True for a harness name whose owning process no longer exists. */
  static boolean isStale(String name) {
    OptionalLong pid = ownerPid(name);
    return pid.isPresent() && pid.getAsLong() != ProcessHandle.current().pid()
        && ProcessHandle.of(pid.getAsLong()).isEmpty();
  }

  /** The network namespaces that exist now, by name. */
  static List<String> listNamespaces() {
    CommandResult r = Commands.run(TIMEOUT, "ip", "netns", "list").orThrow();
    List<String> out = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      // Lines look like "name" or "name (id: 3)".
      String name = line.strip().split("\\s+", 2)[0];
      if (!name.isEmpty()) {
        out.add(name);
      }
    }
    return out;
  }

  /** Deletes stale harness namespaces and IPAM directories; returns the namespaces deleted. */
  static List<String> clean(Path ipamRoot) {
    List<String> deleted = new ArrayList<>();
    for (String name : listNamespaces()) {
      if (isStale(name)) {
        deleteNamespace(name);
        deleted.add(name);
      }
    }
    if (Files.isDirectory(ipamRoot)) {
      try (Stream<Path> dirs = Files.list(ipamRoot)) {
        dirs.filter(d -> isStale(d.getFileName().toString() + "-")).forEach(StaleNamespaces::deleteTree);
      } catch (IOException e) {
        // Leftover IPAM files are harmless: every run uses a fresh directory.
      }
    }
    return deleted;
  }

  /** Kills every process inside namespace {@code name}, then deletes it; returns failures, if any. */
  static List<String> deleteNamespace(String name) {
    List<String> problems = new ArrayList<>();
    CommandResult pids = Commands.run(TIMEOUT, "ip", "netns", "pids", name);
    if (pids.ok() && !pids.stdout().isBlank()) {
      for (String pid : pids.stdout().strip().split("\\s+")) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    CommandResult del = Commands.run(TIMEOUT, "ip", "netns", "delete", name);
    if (!del.ok()) {
      problems.add(del.describe());
    }
    return problems;
  }

  /** Removes a directory tree, ignoring what is already gone. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: temporary files only.
    }
  }
}
