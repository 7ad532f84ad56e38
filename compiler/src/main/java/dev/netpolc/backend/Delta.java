package dev.netpolc.backend;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Objects;
import java.util.SortedMap;

/**
 * An update: files that turn the state an earlier {@link Artifact} installed into the state of a
 * new graph, applied in name order (nftables: {@code netpolc-delta.nft}, one {@code nft -f}
 * transaction of element additions and deletions and chain replacements, plus an optional
 * {@code conntrack.sh}). A backend without a delta of its own returns the full artifact, which
 * replaces everything.
 *
 * <pre>{@code
 * Delta d = backend.update(installed, session.apply(changes), options);
 * d.files().forEach((name, text) -> Files.writeString(dir.resolve(name), text));
 * }</pre>
 *
 * @param backend the name of the backend that made it
 * @param files   file name → content, applied in name order
 */
public record Delta(String backend, SortedMap<String, String> files) {
  public Delta {
    Objects.requireNonNull(backend, "backend");
    files = ImmutableSortedMap.copyOf(files);
  }
}
