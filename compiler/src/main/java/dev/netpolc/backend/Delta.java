package dev.netpolc.backend;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Objects;
import java.util.SortedMap;

/**
 * An incremental update: files that turn the state an earlier {@link Artifact} installed into
 * the state of a new graph without replacing everything (e.g. {@code nft} element additions and
 * deletions). No backend makes deltas yet: {@link Backend#delta} throws
 * {@link UnsupportedOperationException}; incremental deltas arrive with the scale work.
 *
 * <pre>{@code
 * Delta d = backend.delta(previous, nextGraph, options); // later
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
