package dev.netpolc.backend;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Objects;
import java.util.SortedMap;

/**
 * What a backend emits: named text files, e.g. {@code netpolc.nft} for nftables, or the
 * iptables-restore, ip6tables-restore and ipset files for iptables.
 *
 * <pre>{@code
 * Artifact a = backend.emit(graph, BackendOptions.DEFAULTS);
 * Files.writeString(dir.resolve(a.primaryName()), a.primary());
 * }</pre>
 *
 * @param backend the name of the backend that made it
 * @param files   file name (no directory part) → content, sorted by name; at least one
 */
public record Artifact(String backend, SortedMap<String, String> files) {
  public Artifact {
    Objects.requireNonNull(backend, "backend");
    files = ImmutableSortedMap.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("an artifact has at least one file");
    }
    for (String name : files.keySet()) {
      if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
        throw new IllegalArgumentException("not a plain file name: " + name);
      }
    }
  }

  /** An artifact of one file. */
  public static Artifact of(String backend, String fileName, String content) {
    return new Artifact(backend, ImmutableSortedMap.of(fileName, content));
  }

  /** The name of the file a user applies: the only file, or the first by name. */
  public String primaryName() {
    return files.firstKey();
  }

  /** The content of {@link #primaryName()}. */
  public String primary() {
    return files.get(primaryName());
  }
}
